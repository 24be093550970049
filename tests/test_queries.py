"""Stored queries: documented headers, every competency question answered, expected results on the
synthetic fixture and on data/, the same answers from rdflib's engine, and parameters that cannot inject."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from query_expectations import EXPECTED, compare, load
from rdflib import Dataset

from kg_build import queries
from kg_build.pipeline import builder as build
from kg_build.store import open_store

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
CATALOGUE = queries.catalogue()
NAMES = sorted(n for n in CATALOGUE if not n.startswith("qc/"))
QC = sorted(n for n in CATALOGUE if n.startswith("qc/"))


#: the reviews of data/ whose expected answers are written by hand (tests/queries/expected/data/): the
#: six reviews checked claim by claim against their sources. The rest of data/ is pinned by
#: tests/test_data.py and checked here by both engines agreeing.
HAND_CHECKED = EXPECTED / "data" / "reviews.txt"


@pytest.fixture(scope="module")
def hand_checked_build(tmp_path_factory):
    names = [n.strip() for n in HAND_CHECKED.read_text(encoding="utf-8").splitlines()
             if n.strip() and not n.startswith("#")]
    out = tmp_path_factory.mktemp("qdata") / "build"
    r = build.build([ROOT / "data" / "reviews" / n for n in names], out, jobs=2)
    assert r.ok, [str(p) for p in r.problems]
    return out


def _targets(request, target):
    """The build a target's hand-written answers are about: the fixture, or the hand-checked reviews."""
    return request.getfixturevalue("fixture_build" if target == "fixture" else "hand_checked_build")


def test_every_competency_question_has_a_stored_query():
    covered = {cq for q in CATALOGUE.values() for cq in q.cq}
    missing = [f"CQ{i:02d}" for i in range(1, 25) if f"CQ{i:02d}" not in covered]
    assert not missing, f"no stored query answers {missing}"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_file_is_named_and_documented(name):
    q = CATALOGUE[name]
    assert re.fullmatch(r"[a-z-]+/[a-z]+(-[a-z]+)+", name), "queries/<topic>/<verb-noun>.rq"
    assert q.summary and q.description and q.row
    if name.startswith("qc/"):
        assert name.endswith("-violation") and q.severity in ("error", "warning")


@pytest.mark.parametrize("target", ["fixture", "data"])
@pytest.mark.parametrize("name", NAMES)
def test_query_gives_the_expected_rows(name, target, request):
    cases = load(target, name)
    assert cases is not None, f"no expected results: write {EXPECTED / target / (name + '.yaml')}"
    store = open_store(_targets(request, target) / "store")
    for case in cases:
        compare(case, queries.run_local(CATALOGUE[name], store, case["params"]))


@pytest.fixture(scope="module")
def rdflib_datasets(fixture_build, data_build):
    out = {}
    for target, b in (("fixture", fixture_build), ("data", data_build)):
        ds = Dataset()
        ds.parse(b / "export" / "dataset.nq", format="nquads")
        out[target] = ds
    return out


@pytest.mark.parametrize("target", ["fixture", "data"])
@pytest.mark.parametrize("name", NAMES + QC)
def test_rdflib_engine_gives_the_same_result_set(name, target, request, rdflib_datasets):
    q = CATALOGUE[name]
    store = open_store(request.getfixturevalue(f"{target}_build") / "store")  # all of data/
    for case in load(target, name) or [{"params": {}}]:
        ox_rows = sorted(map(tuple, queries.run_local(q, store, case["params"]).values()), key=str)
        rl_rows = sorted(map(tuple, queries.run_rdflib(q, rdflib_datasets[target], case["params"]).values()), key=str)
        assert ox_rows == rl_rows


INJECTIONS = ['x" } UNION { ?s ?p ?o } #', "x' . ?s ?p ?o #", "}", "{", "<http://x> } UNION { ?s ?p ?o",
              "http://example.org/a b", 'http://example.org/a"', "gp-practice } UNION {", "1; DROP ALL"]


@pytest.mark.parametrize("name", [n for n in NAMES if CATALOGUE[n].params])
def test_parameters_are_bound_as_terms_or_refused(name, fixture_build):
    q = CATALOGUE[name]
    store = open_store(fixture_build / "store")
    for p in q.params:
        for bad in INJECTIONS:
            try:
                terms = queries.bind(q, {p.name: bad})
            except queries.QueryError:
                continue  # refused with a message
            # accepted: then it is one RDF term whose value is exactly the input, and the query text
            # sent to an endpoint carries it only as an escaped term in a VALUES block
            term = terms[p.name]
            assert term.value == bad
            result = queries.run_local(q, store, {p.name: bad})
            col = result.variables.index(p.name)
            assert all(row[col] == bad for row in result.values())
            # what an endpoint receives: the query unchanged, then one VALUES row holding the term;
            # run as text, it must answer exactly as the substitution did
            text = queries.with_values(q, terms)
            assert text == q.text.rstrip() + "\n" + queries.values_block(terms)
            remote_like = sorted(map(str, (tuple(s[v] for v in result.variables) for s in store.query(text))))
            assert remote_like == sorted(map(str, (tuple(r) for r in result.rows)))


def test_bad_parameters_get_clear_errors():
    q = CATALOGUE["missed-opportunities/list-by-agency-type"]
    with pytest.raises(queries.QueryError, match="closest: police"):
        queries.bind(q, {"agencyType": "polic"})
    with pytest.raises(queries.QueryError, match="takes no parameter"):
        queries.bind(q, {"nope": "x"})


@pytest.mark.parametrize("name", QC)
def test_qc_queries_find_nothing_on_correct_graphs(name, fixture_build, data_build):
    for b in (fixture_build, data_build):
        assert queries.run_local(CATALOGUE[name], open_store(b / "store")).rows == []


def _store_with(nquads: str):
    import pyoxigraph as ox
    from rdflib import URIRef

    from kg_build.model import ontology, rdfio
    from kg_build.store import ONTOLOGY_GRAPH, VOCAB_GRAPH

    store = ox.Store()
    support = rdfio.nquads_lines(ontology.load_ontology(), URIRef(ONTOLOGY_GRAPH)) + \
        rdfio.nquads_lines(ontology.load_vocabularies(), URIRef(VOCAB_GRAPH))
    store.load(rdfio.nquads_text(support) + nquads, format=ox.RdfFormat.N_QUADS)
    return store


BROKEN = (
    "\n"
    "<https://w3id.org/sgkg/id/review/r1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/sgkg/ontology#Review> <https://w3id.org/sgkg/id/review/r1> .\n"
    "<https://w3id.org/sgkg/id/review/r1/event/e1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/sgkg/ontology#Event> <https://w3id.org/sgkg/id/review/r1> .\n"
    "<https://w3id.org/sgkg/id/review/r1/mo/mo1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/sgkg/ontology#MissedOpportunity> <https://w3id.org/sgkg/id/review/r1> .\n"
    "<https://w3id.org/sgkg/id/review/r1/Child/X> <http://www.w3.org/2000/01/rdf-schema#label> "
    "\"off pattern\" <https://w3id.org/sgkg/id/review/r1> .\n"
    "<https://w3id.org/sgkg/ontology#Undefined> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<http://www.w3.org/2002/07/owl#Class> <https://w3id.org/sgkg/ontology> .\n"
)


@pytest.mark.parametrize("name", QC)
def test_qc_queries_find_what_they_look_for(name):
    rows = queries.run_local(CATALOGUE[name], _store_with(BROKEN)).records()
    assert rows, f"{name} found nothing in a graph built to break it"


def test_qc_run_graph_by_graph_finds_what_a_run_over_the_whole_store_finds():
    """The build runs the QC queries on each review graph alone and on the ontology and vocabularies
    alone (kg_build/validation/qc.py); that is only right while no QC query joins two review graphs."""
    import pyoxigraph as ox

    from kg_build.store import ONTOLOGY_GRAPH
    from kg_build.validation import qc

    two = BROKEN + BROKEN.replace("/review/r1", "/review/r2")
    whole = {(q.name, r["review"], r["focus"]) for q in (CATALOGUE[n] for n in QC)
             for r in queries.run_local(q, _store_with(two)).records()}
    split = set()
    for review in ("r1", "r2"):
        iri = f"https://w3id.org/sgkg/id/review/{review}"
        lines = "".join(line + "\n" for line in two.splitlines() if line.endswith(f"<{iri}> ."))
        split |= {(p.rule, iri, p.message.rsplit(": ", 1)[1])
                  for p in qc.review_problems(lines.encode(), iri, f"{review}.yaml")}
    support = _store_with("")
    support.load("".join(line + "\n" for line in BROKEN.splitlines() if line.endswith(f"<{ONTOLOGY_GRAPH}> .")),
                 format=ox.RdfFormat.N_QUADS)
    split |= {(p.rule, None, p.message.rsplit(": ", 1)[1])
              for p in qc.support_problems(support.dump(format=ox.RdfFormat.N_QUADS))}
    assert {name for name, _, _ in whole} == set(QC) and split == whole  # every QC query finds something


def test_build_reports_qc_rows_and_writes_nothing(tmp_path, monkeypatch):
    from kg_build.pipeline import builder as b
    from kg_build.validation import qc

    monkeypatch.setattr(qc, "review_problems", lambda nquads, review, file: [
        b.Problem(file, 0, 0, "QC says no", severity="error", rule="qc/test-violation")])
    result = b.build([DATA / "valid"], tmp_path / "out", jobs=1)
    assert not result.written and any(p.rule == "qc/test-violation" for p in result.problems)
    assert not (tmp_path / "out").exists()


