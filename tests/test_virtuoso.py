"""The same against Virtuoso Open Source (Debian's virtuoso-opensource-7), when one is running.

`make test-virtuoso` starts a throwaway server on 127.0.0.1 (scripts/virtuoso.sh) and runs this file
with SGKG_VIRTUOSO=http://127.0.0.1:18890; without that variable these tests are skipped.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from query_expectations import load

from kg_build import queries
from kg_build.pipeline import builder as build
from kg_build.publish import push as remote
from kg_build.store import open_store

BASE = os.environ.get("SGKG_VIRTUOSO")
pytestmark = pytest.mark.skipif(not BASE, reason="set SGKG_VIRTUOSO (make test-virtuoso starts a server)")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pushed(tmp_path_factory):
    out = tmp_path_factory.mktemp("virt") / "build"
    assert build.build([ROOT / "data"], out, jobs=2).written
    report = remote.push(out, BASE + "/sparql", BASE + "/sparql-graph-crud-auth", user="dba",
                         password=os.environ.get("SGKG_VIRTUOSO_PASSWORD", "dba"), auth="digest")
    assert report.ok, report.summary()
    return out, report


def _norm(rows):
    """Compare values, not Virtuoso's lexical forms: it writes numbers in its own form (1 vs 1.0) and
    returns xsd:boolean results as the integers 1 and 0."""
    def v(x):
        if x in ("true", "false"):
            return repr(float(x == "true"))
        if x is not None and x.replace(".", "", 1).lstrip("-").isdigit():
            return repr(float(x))
        return x
    return sorted((tuple(v(c) for c in row) for row in rows), key=str)


@pytest.mark.parametrize("name", sorted(queries.catalogue()))
def test_stored_query_gives_the_same_rows_on_virtuoso(name, pushed):
    out, _ = pushed
    q = queries.catalogue()[name]
    store = open_store(out / "store")
    for case in load("data", name) or [{"params": {}}]:
        local = _norm(queries.run_local(q, store, case["params"]).values())
        far = _norm(queries.run_endpoint(q, BASE + "/sparql", case["params"]).values())
        assert far == local


def test_repush_does_not_duplicate(pushed):
    out, first = pushed
    again = remote.push(out, BASE + "/sparql", BASE + "/sparql-graph-crud-auth", user="dba",
                        password=os.environ.get("SGKG_VIRTUOSO_PASSWORD", "dba"), auth="digest")
    assert again.ok
    s = requests.Session()
    for g in first.graphs:
        assert remote.count_triples(s, BASE + "/sparql", g.graph) == g.triples
