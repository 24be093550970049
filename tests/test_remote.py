"""A real Oxigraph server on 127.0.0.1: push data/ to it, run every stored query remotely with the
same answers as the embedded store, push again without duplicates, and `sgkg serve` refuses updates."""
from __future__ import annotations

from pathlib import Path

import pytest
import requests
from loopback import free_port, oxigraph_server
from query_expectations import load

from kg_build import queries
from kg_build.problems import SgkgError
from kg_build.publish import push as remote
from kg_build.publish import serve
from kg_build.store import open_store

ROOT = Path(__file__).resolve().parent.parent
GRAPHS = len(list((ROOT / "data" / "reviews").glob("*.yaml"))) + 3  # the reviews, the ontology, the vocabularies,
# and the dataset's description


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("oxi")) as base:
        yield base


def test_push_runs_every_query_remotely_and_repushes_without_duplicates(data_build, writable_server):
    endpoint, gsp = writable_server + "/query", writable_server + "/store"
    first = remote.push(data_build, endpoint, gsp)
    assert first.ok and all(g.status == "ok" for g in first.graphs), first.summary()
    sent = {g.graph: g.triples for g in first.graphs}
    assert len(sent) == GRAPHS
    store = open_store(data_build / "store")
    for q in queries.catalogue().values():
        for case in load("data", q.name) or [{"params": {}}]:
            local = sorted(map(tuple, queries.run_local(q, store, case["params"]).values()), key=str)
            far = sorted(map(tuple, queries.run_endpoint(q, endpoint, case["params"]).values()), key=str)
            assert local == far, q.name
    again = remote.push(data_build, endpoint, gsp)
    assert again.ok
    s = requests.Session()
    for g, n in sent.items():
        assert remote.count_triples(s, endpoint, g) == n, f"{g} duplicated or lost triples"
    unchanged = remote.push(data_build, endpoint, gsp, changed_only=True)
    assert unchanged.ok and all(g.status == "skipped" for g in unchanged.graphs)


def test_push_reports_every_graph_that_failed(data_build, tmp_path):
    port = free_port()  # nothing listens there
    out = tmp_path / "b"
    import shutil

    shutil.copytree(data_build, out)
    report = remote.push(out, f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/store",
                         retries=1, preflight=False)
    assert not report.ok and len(report.failed) == GRAPHS
    assert all("Connection" in g.detail or "Max retries" in g.detail for g in report.failed)


def test_serve_is_read_only_and_answers_queries(data_build):
    with serve.start(data_build, workers=1) as server:  # a free port; returns once it answers
        base = server.page.rstrip("/")
        r = requests.post(base + "/update", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}, timeout=5)
        assert r.status_code == 403, "a SPARQL Update was accepted"
        r = requests.put(base + "/store", params={"graph": "urn:g"}, data=b"<urn:a> <urn:b> <urn:c> .",
                         headers={"Content-Type": "application/n-triples"}, timeout=5)
        assert r.status_code == 403, "a Graph Store write was accepted"
        q = queries.get("cases/list-reviews")
        assert len(queries.run_endpoint(q, server.endpoint).rows) == len(
            queries.run_local(q, open_store(data_build / "store")).rows) > 0
        page = requests.get(base + "/", timeout=5)
        assert page.status_code == 200 and "html" in page.headers.get("content-type", "")


def test_graphs_are_read_one_at_a_time_and_interleaved_graphs_are_refused(tmp_path):
    from kg_build.publish.push import graphs_of

    nq = tmp_path / "dataset.nq"
    nq.write_text('<http://e/s> <http://e/p> "1" <http://e/g1> .\n<http://e/s> <http://e/p> "2" <http://e/g1> .\n'
                  '<http://e/s> <http://e/p> "3" <http://e/g2> .\n')
    assert list(graphs_of(nq)) == [("http://e/g1", b'<http://e/s> <http://e/p> "1" .\n'
                                                   b'<http://e/s> <http://e/p> "2" .\n'),
                                   ("http://e/g2", b'<http://e/s> <http://e/p> "3" .\n')]
    with open(nq, "a") as f:
        f.write('<http://e/s> <http://e/p> "4" <http://e/g1> .\n')
    with pytest.raises(SgkgError, match="not together"):
        list(graphs_of(nq))
