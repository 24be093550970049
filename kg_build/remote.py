"""`sgkg push`: load the ontology, the vocabularies and every review's named graph into any store
that speaks the SPARQL 1.1 Graph Store Protocol (Oxigraph server, Apache Jena Fuseki, Virtuoso,
GraphDB), and check what arrived.

Each graph is sent with HTTP PUT (`?graph=<iri>`), which replaces the graph: pushing twice never
duplicates. Transient failures (connection errors, 429, 502, 503, 504) are retried with back-off.
After the push, the triple count of each graph is read back through the SPARQL endpoint and compared
with what was sent; every graph that failed or does not match is reported by name. `changed_only`
sends only the graphs whose content changed since the last successful push to that store (the state
is kept in build/push-state.json).
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .atomic import atomic_write_text
from .problems import SgkgError

STATE = "push-state.json"


@dataclass
class GraphPush:
    graph: str
    triples: int
    status: str = "pending"  # sent | skipped | failed | mismatch | ok
    detail: str = ""


@dataclass
class PushReport:
    graphs: list[GraphPush] = field(default_factory=list)

    @property
    def failed(self) -> list[GraphPush]:
        return [g for g in self.graphs if g.status in ("failed", "mismatch")]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> dict:
        counts = defaultdict(int)
        for g in self.graphs:
            counts[g.status] += 1
        return {"ok": self.ok, "graphs": len(self.graphs), "by_status": dict(sorted(counts.items())),
                "failed": [{"graph": g.graph, "status": g.status, "detail": g.detail} for g in self.failed]}


def graphs_of(nquads_path: Path) -> Iterator[tuple[str, bytes]]:
    """The dataset's named graphs, one at a time, as N-Triples documents. The build writes dataset.nq
    graph by graph, so one graph is held at a time (the whole file is 2.4 GB at 10,000 reviews); a file
    whose graphs are interleaved is refused, since sending a graph twice would replace its first part."""
    seen: set[str] = set()
    graph, lines = None, []
    with open(nquads_path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\n")
            if not line:
                continue
            body, name = line[:-2].rsplit(b" ", 1)
            g = name[1:-1].decode("utf-8")
            if g != graph:
                if graph is not None:
                    yield graph, b"".join(lines)
                if g in seen:
                    raise SgkgError(f"the quads of graph <{g}> are not together", nquads_path,
                                    hint="push a dataset.nq written by `sgkg build`", rule="nquads-order")
                seen.add(g)
                graph, lines = g, []
            lines.append(body + b" .\n")
    if graph is not None:
        yield graph, b"".join(lines)


def session(user: str | None = None, password: str | None = None, token: str | None = None,
            auth: str = "basic", retries: int = 4) -> requests.Session:
    s = requests.Session()
    retry = Retry(total=retries, backoff_factor=0.5, status_forcelist=(429, 502, 503, 504),
                  allowed_methods=frozenset({"GET", "PUT", "POST", "DELETE"}), raise_on_status=False)
    s.mount("http://", HTTPAdapter(max_retries=retry))
    s.mount("https://", HTTPAdapter(max_retries=retry))
    if token:
        s.headers["Authorization"] = f"Bearer {token}"
    elif user:
        s.auth = (requests.auth.HTTPDigestAuth(user, password or "") if auth == "digest"
                  else requests.auth.HTTPBasicAuth(user, password or ""))
    return s


def count_triples(s: requests.Session, endpoint: str, graph: str, timeout: int = 60) -> int:
    """Triples in one named graph, read back through the SPARQL 1.1 Protocol."""
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    r = s.post(endpoint, data={"query": q}, headers={"Accept": "application/sparql-results+json"},
               timeout=timeout)
    r.raise_for_status()
    bindings = r.json()["results"]["bindings"]
    return int(bindings[0]["n"]["value"]) if bindings else 0


def push(build_dir: Path, endpoint: str, graph_store: str, *, changed_only: bool = False,
         user: str | None = None, password: str | None = None, token: str | None = None,
         auth: str = "basic", timeout: int = 120, retries: int = 4) -> PushReport:
    """Push every named graph of the last good build to a Graph Store Protocol endpoint."""
    build_dir = Path(build_dir)
    nq = build_dir / "export" / "dataset.nq"
    if not nq.exists():
        raise SgkgError("no export here", nq, hint="run `sgkg build` first (without --no-export)", rule="no-build")
    graphs: set[str] = set()
    state_path = build_dir / STATE
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    previous = state.get(graph_store, {})
    s = session(user, password, token, auth, retries)
    report = PushReport()
    sent_hashes = dict(previous)
    for g, body in graphs_of(nq):
        graphs.add(g)
        digest = hashlib.sha256(body).hexdigest()
        item = GraphPush(g, body.count(b"\n"))
        report.graphs.append(item)
        if changed_only and previous.get(g) == digest:
            item.status = "skipped"
            continue
        try:
            r = s.put(graph_store, params={"graph": g}, data=body,
                      headers={"Content-Type": "application/n-triples"}, timeout=timeout)
        except requests.RequestException as exc:
            item.status, item.detail = "failed", f"{type(exc).__name__}: {exc}"
            continue
        if r.status_code not in (200, 201, 204):
            item.status, item.detail = "failed", f"HTTP {r.status_code}: {r.text[:200]}"
            continue
        item.status = "sent"
        sent_hashes[g] = digest
    # graphs pushed before and no longer in the build (a review removed): delete them
    for g in sorted(set(previous) - set(graphs)):
        item = GraphPush(g, 0)
        report.graphs.append(item)
        try:
            r = s.delete(graph_store, params={"graph": g}, timeout=timeout)
            ok = r.status_code in (200, 204, 404)
            item.status, item.detail = ("sent", "deleted") if ok else ("failed", f"HTTP {r.status_code} on DELETE")
        except requests.RequestException as exc:
            item.status, item.detail = "failed", f"DELETE: {exc}"
        if item.status == "sent":
            sent_hashes.pop(g, None)
    # read every graph back: what is there must be exactly what was sent
    for item in report.graphs:
        if item.status == "failed":
            sent_hashes.pop(item.graph, None)
            continue
        try:
            n = count_triples(s, endpoint, item.graph)
        except (requests.RequestException, ValueError, KeyError) as exc:
            item.status, item.detail = "mismatch", f"count could not be read: {exc}"
            sent_hashes.pop(item.graph, None)
            continue
        if n != item.triples:
            item.status, item.detail = "mismatch", f"{n} triples in the store, {item.triples} sent"
            sent_hashes.pop(item.graph, None)
        else:
            item.status = "ok" if item.status == "sent" else item.status
    state[graph_store] = {g: h for g, h in sent_hashes.items() if g in graphs}
    atomic_write_text(state_path, json.dumps(state, indent=2, sort_keys=True) + "\n")
    return report


def credentials_from_env() -> tuple[str | None, str | None]:
    return os.environ.get("SGKG_PASSWORD"), os.environ.get("SGKG_TOKEN")
