"""The library's small public API: build, validate, query and export from `import kg_build`."""
from __future__ import annotations

from pathlib import Path

import pytest

import kg_build as sg
from kg_build.problems import InputError

DATA = Path(__file__).parent / "data"


def test_the_public_api_is_what_all_says():
    assert sg.__all__ == ["__version__", "build", "validate", "query", "export"]
    assert all(callable(getattr(sg, n)) for n in sg.__all__[1:])


def test_build_validate_query_and_export_from_the_package(tmp_path):
    out = tmp_path / "build"
    result = sg.build([DATA / "valid"], out, jobs=1)
    assert result.written and result.summary()["reviews"] == 2
    assert sg.validate([DATA / "valid"]).problems == []
    with pytest.raises(InputError):
        sg.build([tmp_path / "nothing-here"], tmp_path / "b2")
    reviews = sg.query("cases/list-reviews", out).records()
    assert {r["review"].rsplit("/", 1)[-1] for r in reviews} == {"testshire-2021-baby-b", "testshire-2020-child-a"}
    assert sg.query("list-reviews", out).records() == reviews  # the short name too
    text = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s a <https://w3id.org/sgkg/ontology#Review> } }"
    assert sg.query(text, out).values() == [["2"]]
    assert sg.query(text, out, timeout=30).values() == [["2"]]  # the same, in a child process
    rq = tmp_path / "q.rq"
    rq.write_text(text + "\n")
    assert sg.query(rq, out).values() == [["2"]]
    target = sg.export(out, "ttl", tmp_path / "graph.ttl")
    assert target.read_bytes() == (out / "export" / "graph.ttl").read_bytes()
