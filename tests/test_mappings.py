"""The SSSOM mapping sets of ontology/mappings/ parse and validate, name concepts of their schemes, justify
every mapping, and are what ontology/vocab/mappings.ttl is written from."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from kg_build.devtools import sssomgen
from kg_build.model import iris, ontology

FILES = sorted(sssomgen.source_dir().glob("*" + sssomgen.SUFFIX))
MAPPINGS = "https://w3id.org/sgkg/mappings/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
SEMAPV = "https://w3id.org/semapv/vocab/"
EXACT = sssomgen.SKOS + "exactMatch"


def schemes_of(path: Path) -> tuple[str, str]:
    """<subject-scheme>-to-<object-scheme>.sssom.tsv -> the two scheme names."""
    subject, sep, obj = path.name.removesuffix(sssomgen.SUFFIX).partition("-to-")
    assert sep, f"{path.name}: name it <subject-scheme>-to-<object-scheme>{sssomgen.SUFFIX}"
    return subject, obj


def test_there_are_mapping_sets():
    names = {p.name.removesuffix(sssomgen.SUFFIX) for p in FILES}
    assert {"risk-factor-to-cin-factor", "abuse-category-to-cin-factor", "outcome-type-to-death-category",
            "harm-type-to-death-category"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sssom_file_parses_and_validates_with_sssom_py(path):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    msdf = parse_sssom_table(path)
    assert len(msdf.df) == len(sssomgen.read(path).rows) > 0
    report = validate(msdf, fail_on_error=False)
    problems = {str(kind): r.results for kind, r in report.items() if r.results}
    assert not problems, problems


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_mapping_set_metadata(path):
    mset = sssomgen.read(path)
    m = mset.metadata
    for slot in ("mapping_date", "subject_source", "object_source"):  # sssom-py propagates these to the rows
        values = {row[slot] for _, row in mset.rows if row.get(slot)}
        assert len(values) <= 1, f"{slot} differs between rows: {values}"
        if values:
            m.setdefault(slot, values.pop())
    subject, obj = schemes_of(path)
    assert m["mapping_set_id"] == MAPPINGS + path.name.removesuffix(sssomgen.SUFFIX)
    assert m["license"] == CC_BY
    assert m.get("mapping_date") and m.get("mapping_set_title")
    assert mset.expand(m["subject_source"], 0) == str(iris.scheme(subject))
    assert mset.expand(m["object_source"], 0) == str(iris.scheme(obj))
    curies = mset.curie_map
    assert curies["skos"] == sssomgen.SKOS and curies["semapv"] == SEMAPV


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_mapping_names_current_concepts_of_its_schemes_and_is_justified(path):
    g = ontology.load_vocabularies()
    mset = sssomgen.read(path)
    subject, obj = schemes_of(path)
    problems = []
    for n, row in mset.rows:
        where = f"{path.name}:{n}"
        for side, scheme in (("subject", subject), ("object", obj)):
            c = URIRef(mset.expand(row[f"{side}_id"], n))
            if (c, SKOS.inScheme, iris.scheme(scheme)) not in g:
                problems.append(f"{where}: {row[side + '_id']} is not a concept of {scheme}")
                continue
            if (c, OWL.deprecated, Literal(True)) in g:
                problems.append(f"{where}: {row[side + '_id']} is deprecated: map what replaces it")
            if row.get(f"{side}_label") and Literal(row[f"{side}_label"], lang="en") != g.value(c, SKOS.prefLabel):
                problems.append(f"{where}: {side}_label {row[side + '_label']!r} is not the prefLabel")
        if mset.expand(row["predicate_id"], n) not in sssomgen.PREDICATES:
            problems.append(f"{where}: predicate {row['predicate_id']} is not a SKOS mapping property")
        justification = row.get("mapping_justification", "")
        if not justification or not mset.expand(justification, n).startswith(SEMAPV):
            problems.append(f"{where}: no semapv mapping_justification")
        if not row.get("author_label"):
            problems.append(f"{where}: no author_label")
        if mset.expand(row["predicate_id"], n) != EXACT and not row.get("comment", "").strip():
            problems.append(f"{where}: a match that is not exact needs a comment saying how it differs")
    assert not problems, "\n".join(problems)


def test_no_mapping_is_stated_twice():
    seen: dict[tuple, str] = {}
    for path in FILES:
        mset = sssomgen.read(path)
        for n, row in mset.rows:
            key = (mset.expand(row["subject_id"], n), mset.expand(row["object_id"], n))
            assert key not in seen, f"{path.name}:{n} maps {key} again (also {seen[key]})"
            seen[key] = f"{path.name}:{n}"


def test_mappings_ttl_is_what_the_generator_writes():
    assert sssomgen.target().read_text(encoding="utf-8") == sssomgen.render(), "run `make generate`"


def test_mappings_ttl_holds_only_mapping_triples_and_all_of_them():
    g = Graph().parse(sssomgen.target(), format="turtle")
    predicates = {URIRef(p) for p in sssomgen.PREDICATES}
    assert {p for _, p, _ in g} <= predicates
    assert not list(g.triples((None, RDF.type, None)))
    expected = {tuple(URIRef(x) for x in t) for t in sssomgen.triples(sssomgen.mapping_sets())}
    assert set(g) == expected
    vocab = ontology.load_vocabularies()
    assert all(t in vocab for t in expected), "the vocabularies load mappings.ttl"


def test_the_former_inline_risk_factor_mappings_are_kept():
    """The 13 skos:*Match triples that risk-factor.ttl held before 0.2.0 now come from the SSSOM file."""
    g = ontology.load_vocabularies()
    rf, cin = "risk-factor", "cin-factor"
    former = [("domestic-abuse-victim", SKOS.closeMatch, "3b"), ("parental-mental-ill-health", SKOS.closeMatch, "4b"),
              ("alcohol-misuse", SKOS.closeMatch, "1b"), ("drug-misuse", SKOS.closeMatch, "2b"),
              ("parental-physical-ill-health", SKOS.closeMatch, "6b"), ("learning-disability", SKOS.closeMatch, "5b"),
              *[(c, SKOS.broadMatch, "4b") for c in ("depression", "postnatal-depression", "anxiety", "psychosis",
                                                     "personality-disorder", "self-harm", "suicidal-ideation")]]
    missing = [t for t in former if (iris.concept(rf, t[0]), t[1], iris.concept(cin, t[2])) not in g]
    assert not missing


def _write(folder: Path, rows: str, curie_map: str = "#  rf: https://w3id.org/sgkg/vocab/risk-factor/\n") -> Path:
    p = folder / "risk-factor-to-cin-factor.sssom.tsv"
    p.write_text("#curie_map:\n" + curie_map + "#  cin: https://w3id.org/sgkg/vocab/cin-factor/\n"
                 "#  skos: http://www.w3.org/2004/02/skos/core#\n#mapping_set_id: https://w3id.org/sgkg/mappings/x\n"
                 "subject_id\tpredicate_id\tobject_id\tmapping_justification\n" + rows)
    return p


def test_generator_refuses_what_is_not_a_skos_mapping(tmp_path):
    _write(tmp_path, "rf:anxiety\tskos:broader\tcin:4b\tsemapv:ManualMappingCuration\n")
    with pytest.raises(sssomgen.MappingError, match=r":7: predicate skos:broader is not a SKOS mapping"):
        sssomgen.triples(sssomgen.mapping_sets(tmp_path))


def test_generator_refuses_an_unknown_prefix_and_a_short_row(tmp_path):
    _write(tmp_path, "xx:anxiety\tskos:broadMatch\tcin:4b\tsemapv:ManualMappingCuration\n")
    with pytest.raises(sssomgen.MappingError, match=r"'xx:anxiety' is not a CURIE"):
        sssomgen.triples(sssomgen.mapping_sets(tmp_path))
    _write(tmp_path, "rf:anxiety\tskos:broadMatch\tcin:4b\n")
    with pytest.raises(sssomgen.MappingError, match=r":7: 3 cells, the header has 4"):
        sssomgen.mapping_sets(tmp_path)
