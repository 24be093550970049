"""The ontology, vocabularies and shapes: they parse, they are consistent, and every term is documented."""
from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from kg_build import __version__
from kg_build import resources as paths
from kg_build.model import iris, ontology
from kg_build.validation import reasoning

ROOT = paths.checkout_root()
TTL_FILES = sorted((ROOT / "ontology").rglob("*.ttl"))
SG = iris.ONTOLOGY
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_parses(path):
    g = Graph().parse(path, format="turtle")
    assert len(g) > 0


def test_ontology_header_is_stamped_with_the_one_version():
    g = ontology.load_ontology()
    onto = URIRef(iris.ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionInfo) == Literal(__version__)
    assert g.value(onto, OWL.versionIRI) == iris.ontology_version_iri(__version__)
    assert g.value(onto, URIRef("http://purl.org/dc/terms/license")) is not None
    assert g.value(onto, URIRef("http://purl.org/dc/terms/title")) is not None
    # the source file carries no copy of the version string
    source = Graph().parse(paths.ontology_file())
    assert source.value(onto, OWL.versionInfo) is None and source.value(onto, OWL.versionIRI) is None


def test_no_owl_imports_so_nothing_is_fetched():
    for path in TTL_FILES:
        g = Graph().parse(path, format="turtle")
        assert not list(g.triples((None, OWL.imports, None))), f"{path} imports over the network"


@pytest.fixture(scope="module")
def hermit_report():
    return reasoning.check_ontology(ontology.load_ontology())


def test_ontology_is_consistent_under_hermit(hermit_report):
    assert hermit_report.consistent, hermit_report.message


def test_every_class_is_satisfiable_under_hermit(hermit_report):
    assert hermit_report.unsatisfiable == ()


def test_hermit_check_detects_an_unsatisfiable_class():
    """The check above can fail: a class under two disjoint classes is reported."""
    g = Graph()
    for t in ontology.load_ontology():
        g.add(t)
    bad = URIRef(SG + "PersonThatIsAnEvent")
    g.add((bad, RDF.type, OWL.Class))
    g.add((bad, RDFS.subClassOf, URIRef(SG + "Person")))
    g.add((bad, RDFS.subClassOf, URIRef(SG + "Event")))
    report = reasoning.check_ontology(g)
    assert report.consistent and str(bad) in report.unsatisfiable


def test_shapes_conform_to_shacl_for_shacl():
    # pyshacl's meta_shacl validates the shapes graph against the W3C SHACL-for-SHACL shapes first
    # and raises ReportableRuntimeError if it does not conform
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=ontology.load_shapes(), meta_shacl=True)
    assert conforms, text


def test_shacl_for_shacl_check_can_fail():
    broken = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:x:S> a sh:NodeShape ; sh:property [ sh:path <urn:x:p> ; sh:minCount "one" ] .""", format="turtle")
    with pytest.raises(ReportableRuntimeError):
        pyshacl.validate(Graph(), shacl_graph=broken, meta_shacl=True)


def _sg_declared(g: Graph) -> dict[URIRef, set]:
    out: dict[URIRef, set] = {}
    for kind in DECLARATIONS:
        for s in g.subjects(RDF.type, kind):
            if str(s).startswith(SG):
                out.setdefault(s, set()).add(kind)
    return out


def test_every_class_and_property_has_one_label_and_a_real_definition():
    g = ontology.load_ontology()
    problems = []
    for term in sorted(_sg_declared(g)):
        labels = list(g.objects(term, RDFS.label))
        defs = [str(d) for d in g.objects(term, SKOS.definition)]
        if len(labels) != 1:
            problems.append(f"{term}: {len(labels)} rdfs:label")
        if len(defs) != 1 or len(defs[0]) < 20 or re.search(r"\b(TODO|TBD|FIXME)\b", defs[0]):
            problems.append(f"{term}: definition {defs!r}")
    assert not problems, "\n".join(problems)


def test_no_sg_term_is_used_without_being_declared():
    declared = set(_sg_declared(ontology.load_ontology()))
    used = {}
    for path in TTL_FILES:
        for t in Graph().parse(path, format="turtle"):
            for node in t:
                if isinstance(node, URIRef) and str(node).startswith(SG):
                    used.setdefault(node, path.name)
    undeclared = {str(k): v for k, v in used.items() if k not in declared}
    assert not undeclared, f"sg: terms used but not declared in sgkg.ttl: {undeclared}"


def test_domains_and_ranges_name_declared_classes():
    g = ontology.load_ontology()
    classes = set(g.subjects(RDF.type, OWL.Class))
    for p, o in list(g.subject_objects(RDFS.domain)) + list(g.subject_objects(RDFS.range)):
        if str(p).startswith(SG) and not str(o).startswith("http://www.w3.org/2001/XMLSchema#"):
            assert o in classes, f"{p} has domain/range {o} that is not a declared class"


def test_value_schemes_named_by_properties_exist():
    g = ontology.load_ontology()
    names = {s.iri for s in ontology.schemes().values()}
    for p, s in g.subject_objects(URIRef(SG + "valueScheme")):
        assert s in names, f"{p} names scheme {s}, which has no file in ontology/vocab/"


def test_namespace_is_closed():
    from kg_build.model.namespace import SG as NS

    assert NS.Review == URIRef(SG + "Review")
    with pytest.raises(AttributeError):
        NS.Reveiw  # noqa: B018


def test_shapes_iri_pattern_is_the_one_in_iris_module():
    g = ontology.load_shapes()
    pattern = g.value(URIRef("https://w3id.org/sgkg/shapes#DataIRIShape"), SH.pattern)
    assert str(pattern) == iris.id_pattern()


def test_every_named_shape_has_a_name_and_every_constraint_a_message():
    g = ontology.load_shapes()
    problems = []
    for s in set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(SH.path, None)) | set(
        g.subjects(RDF.type, SH.SPARQLConstraint)
    ):
        if g.value(s, SH.name) is None:
            problems.append(f"{s}: no sh:name")
        if g.value(s, SH.path) is not None and g.value(s, SH.message) is None:
            problems.append(f"{s}: property shape without sh:message")
        if (s, RDF.type, SH.SPARQLConstraint) in g and g.value(s, SH.message) is None:
            problems.append(f"{s}: SPARQL constraint without sh:message")
    assert not problems, "\n".join(sorted(map(str, problems)))


def test_sgkg_ontology_check_for_data_engineers(tmp_path):
    """`sgkg ontology check` runs HermiT on the ontology in use or on a file, and says when Java is missing."""
    import json
    import subprocess
    import sys

    sgkg = str(Path(sys.executable).with_name("sgkg"))
    r = subprocess.run([sgkg, "ontology", "check", "--json"], capture_output=True, text=True)
    doc = json.loads(r.stdout)
    assert r.returncode == 0 and doc["consistent"] and doc["unsatisfiable"] == [] and doc["classes"] > 30
    bad = tmp_path / "extended.ttl"
    bad.write_text(paths.ontology_file().read_text() + f"""
<{SG}PersonThatIsAnEvent> a <{OWL}Class> ; <{RDFS}subClassOf> <{SG}Person> , <{SG}Event> .
""")
    r = subprocess.run([sgkg, "ontology", "check", str(bad)], capture_output=True, text=True)
    assert r.returncode == 1 and "PersonThatIsAnEvent: unsatisfiable class" in r.stderr
    r = subprocess.run([sgkg, "ontology", "check"], capture_output=True, text=True, env={"PATH": str(tmp_path)})
    assert r.returncode == 2 and "Java is not installed" in r.stderr and "Traceback" not in r.stderr
