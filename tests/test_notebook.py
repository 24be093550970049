"""What a notebook gets from a query: typed values, labels, typed DataFrames, every query form, query text."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg_build as sg
from kg_build import queries
from kg_build.queries.values import IRI, PartialDate, python_value
from kg_build.store import open_store

ROOT = Path(__file__).resolve().parent.parent
XSD = "http://www.w3.org/2001/XMLSchema#"
REVIEW = "https://w3id.org/sgkg/ontology#Review"
ASK_REVIEW = "ASK { GRAPH ?g { ?r a <https://w3id.org/sgkg/ontology#Review> } }"
TITLES = ("CONSTRUCT { ?r <http://purl.org/dc/terms/title> ?t } WHERE { GRAPH ?g { "
          "?r a <https://w3id.org/sgkg/ontology#Review> ; <http://purl.org/dc/terms/title> ?t } }")


def lit(value, datatype):
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


@pytest.mark.parametrize("term, expected", [
    (lit("42", "integer"), 42),
    (lit("7", "nonNegativeInteger"), 7),
    (lit("2.50", "decimal"), Decimal("2.50")),
    (lit("1.5E0", "double"), 1.5),
    (lit("true", "boolean"), True),
    (lit("0", "boolean"), False),
    (lit("2013-10-01", "date"), dt.date(2013, 10, 1)),
    (lit("2013-10", "gYearMonth"), PartialDate(2013, 10)),
    (lit("2013", "gYear"), PartialDate(2013)),
    (ox.Literal("text"), "text"),
    (lit("not a number", "integer"), "not a number"),
    (None, None),
])
def test_literals_become_python_values_of_their_datatype(term, expected):
    assert python_value(term) == expected


def test_a_partial_date_keeps_its_precision_and_sorts_by_time():
    month, year = PartialDate(2013, 10), PartialDate(2013)
    assert (str(month), month.precision, str(year), year.precision) == ("2013-10", "month", "2013", "year")
    assert sorted([PartialDate(2014), month, year]) == [year, month, PartialDate(2014)]
    assert month.start == dt.date(2013, 10, 1)


def test_an_iri_is_its_string_with_its_label():
    iri = python_value(ox.NamedNode("https://example.org/x"), {"https://example.org/x": "X"})
    assert isinstance(iri, IRI) and iri == "https://example.org/x" and iri.label == "X"


def test_records_are_typed_and_iris_carry_their_labels(data_build):
    rows = sg.query("missed-opportunities/count-by-type-and-agency-type", data_build).records()
    assert rows and all(isinstance(r["missedOpportunities"], int) for r in rows)
    first = rows[0]
    assert isinstance(first["type"], IRI) and first["type"].label == first["typeLabel"]
    text = sg.query("missed-opportunities/count-by-type-and-agency-type", data_build).records(typed=False)
    assert text[0]["missedOpportunities"] == str(first["missedOpportunities"])


def test_a_dataframe_has_typed_columns_and_label_columns(data_build):
    pd = pytest.importorskip("pandas")
    df = sg.query("missed-opportunities/count-by-type-and-agency-type", data_build).to_dataframe()
    assert str(df["missedOpportunities"].dtype) == "Int64"
    assert int(df["missedOpportunities"].sum()) > 0  # numbers, not text that concatenates
    assert "type_label" in df.columns and df["type_label"].notna().all()
    chronology = sg.query("get-chronology", data_build,
                          {"review": "https://w3id.org/sgkg/id/review/sscb-scr-baby-o"}).to_dataframe()
    assert pd.api.types.is_bool_dtype(chronology["incident"].dtype)
    assert chronology["date"].notna().any()


def test_construct_ask_and_describe_answer_locally_with_and_without_a_deadline(data_build):
    construct = TITLES
    for timeout in (None, 30):
        graph = sg.query(construct, data_build, timeout=timeout)
        assert isinstance(graph, queries.GraphResult) and len(graph) >= 6
        assert len(graph.graph()) == len(graph)
        yes = sg.query(ASK_REVIEW, data_build, timeout=timeout)
        no = sg.query("ASK { GRAPH ?g { ?r a <https://example.org/Nothing> } }", data_build, timeout=timeout)
        assert isinstance(yes, queries.BooleanResult) and bool(yes) and not bool(no)
    described = sg.query("DESCRIBE <https://w3id.org/sgkg/ontology#Review>", data_build)
    assert isinstance(described, queries.GraphResult)


def test_rdflib_answers_the_same_forms(data_build):
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(data_build / "export" / "dataset.trig", format="trig")
    ask = queries.run_rdflib(queries.from_text(ASK_REVIEW), ds)
    assert isinstance(ask, queries.BooleanResult) and bool(ask)
    q = queries.from_text(TITLES)
    local = queries.run_local(q, open_store(data_build / "store"))
    far = queries.run_rdflib(q, ds)
    assert isinstance(far, queries.GraphResult) and sorted(map(str, far.triples)) == sorted(map(str, local.triples))


def sgkg(*args):
    return subprocess.run([sys.executable, "-m", "kg_build.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT)


def test_the_cli_prints_graphs_as_turtle_or_ntriples_and_ask_as_true_or_false(data_build, tmp_path):
    construct = tmp_path / "titles.rq"
    construct.write_text(TITLES + "\n", encoding="utf-8")
    ttl = sgkg("query", construct, "--out", data_build)
    assert ttl.returncode == 0, ttl.stderr
    assert "@prefix dcterms:" in ttl.stdout and "review:" in ttl.stdout
    nt = sgkg("query", construct, "--out", data_build, "--format", "nt")
    assert nt.returncode == 0 and len(list(ox.parse(nt.stdout.encode(), format=ox.RdfFormat.N_TRIPLES))) >= 6
    ask = tmp_path / "ask.rq"
    ask.write_text(ASK_REVIEW + "\n", encoding="utf-8")
    assert sgkg("query", ask, "--out", data_build).stdout == "true\n"
    assert json.loads(sgkg("query", ask, "--out", data_build, "--json").stdout) == {"head": {}, "boolean": True}
    wrong = sgkg("query", "run", "list-reviews", "--out", data_build, "--format", "ttl")
    assert wrong.returncode == 2 and "answers with a table" in wrong.stderr


def test_query_show_prints_a_stored_querys_header_and_text():
    r = sgkg("query", "show", "list-reviews")
    assert r.returncode == 0 and r.stdout.startswith("#+ summary:") and "SELECT" in r.stdout
    doc = json.loads(sgkg("query", "show", "list-reviews", "--json").stdout)
    assert doc["name"] == "cases/list-reviews" and "SELECT" in doc["text"]
    missing = sgkg("query", "show", "no-such-query")
    assert missing.returncode == 2 and "no-such-query" in missing.stderr


def test_the_worked_notebook_runs_from_build_to_chart(data_build, tmp_path):
    """docs/notebook.ipynb, executed top to bottom in a fresh kernel, on a copy of the session's build."""
    import os
    import shutil

    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    build = tmp_path / "build"
    shutil.copytree(data_build, build, symlinks=True)
    nb = nbformat.read(ROOT / "docs" / "notebook.ipynb", as_version=4)
    os.environ["SGKG_NOTEBOOK_BUILD"] = str(build)
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        del os.environ["SGKG_NOTEBOOK_BUILD"]
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the chart was drawn"
