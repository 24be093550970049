"""Every SHACL shape has passing and failing cases, and each case gives exactly its expected report."""
from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SH
from shapes_cases import CASES_DIR, all_cases, load_case

from kg_build.model import ontology
from kg_build.validation import shacl as validation

CASES = all_cases()


def test_case_folder_is_not_empty():
    assert len(CASES) >= 2, f"no SHACL test cases under {CASES_DIR}"


@pytest.mark.parametrize("engine", validation.ENGINES)
@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shape_case(path, engine, support_graph):
    """Both engines give exactly the expected report: pyshacl is the reference, turbo serves the build."""
    case = load_case(path)
    report = validation.validate_graph(case.data, support=support_graph, engine=engine)
    actual = {(r.focus, r.path, r.component, r.severity, r.shape) for r in report.results}
    expected_keys = {e[:4] for e in case.expected}
    assert {a[:4] for a in actual} == expected_keys, case.label
    # where the case names the source shape, it must be the one that reported
    for e in case.expected:
        if e[4] is not None:
            assert e in actual, f"{case.label}: expected source shape {e[4]}"
    assert report.conforms(strict=True) == case.conforms


@pytest.fixture(scope="module")
def merged_shapes():
    """ontology/sgkg-shapes.ttl and the ontology, as a user of stock pySHACL gives them (-s, -e)."""
    from rdflib import Graph

    from kg_build import resources

    return (Graph().parse(resources.ontology_dir() / "sgkg-shapes.ttl", format="turtle"),
            Graph().parse(resources.ontology_file(), format="turtle"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_stock_pyshacl_with_the_merged_shapes_file_gives_the_same_report(path, merged_shapes):
    """`pyshacl -s ontology/sgkg-shapes.ttl -e ontology/sgkg.ttl -i none DATA`, with no vocabulary and
    none of sgkg's code, reports what sgkg validate reports (docs/extending.md)."""
    import pyshacl

    case = load_case(path)
    shapes, onto = merged_shapes
    _, report, _ = pyshacl.validate(case.data, shacl_graph=shapes, ont_graph=onto, inference="none",
                                    allow_warnings=False)
    actual = {(r.focus, r.path, r.component, r.severity) for r in validation.results_from_report(report)}
    assert actual == {e[:4] for e in case.expected}, case.label


def test_every_named_shape_has_a_passing_and_a_failing_case():
    shapes = ontology.load_shapes()
    top = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)
           and (any(shapes.objects(s, SH.targetClass)) or any(shapes.objects(s, SH.targetObjectsOf)))}
    folders = {p.parent.name: set() for p in CASES}
    for p in CASES:
        folders[p.parent.name].add(p.stem.split("-", 1)[0])
    missing = []
    for s in sorted(top):
        name = str(s).rsplit("#", 1)[-1]
        kinds = folders.get(name, set())
        if not {"pass", "fail"} <= kinds:
            missing.append(f"{name} (has {sorted(kinds) or 'none'})")
    assert not missing, "shapes without a pass and a fail case under tests/shapes/: " + ", ".join(missing)
