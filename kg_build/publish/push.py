"""`sgkg push`: load the ontology, the vocabularies and every review's named graph into any store
that speaks the SPARQL 1.1 Graph Store Protocol (Oxigraph server, Apache Jena Fuseki, Virtuoso,
GraphDB), and check what arrived.

Each graph is sent with HTTP PUT (`?graph=<iri>`), which replaces the graph: pushing twice never
duplicates. With `preflight` (the default), the store is asked once before anything is sent:
one that does not answer, or refuses the credentials, stops the push at once (SgkgError) with nothing
sent and nothing written. Transient failures (a dropped connection, 429, 502, 503, 504) are retried
with back-off; once a graph still fails with a connection error, the rest are not sent (the store has
stopped answering), and a refusal of the credentials (401, 403) stops the push. After the push, the
triple count of each graph is read back through the SPARQL endpoint and compared with what was sent;
every graph that failed or does not match is reported by name. `changed_only` sends only the graphs
whose content changed since the last successful push to that store (the state is kept in
build/push-state.json); a graph skipped that way whose count in the store differs (the store was
emptied or changed by someone else) is sent again.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import socket
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kg_build.atomic import atomic_write_text
from kg_build.endpoints import check_url, public_url
from kg_build.pipeline import folder
from kg_build.problems import SgkgError

STATE = "push-state.json"
DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass
class GraphPush:
    graph: str
    triples: int
    status: str = "pending"  # sent | skipped | failed | mismatch | ok
    detail: str = ""


@dataclass
class PushReport:
    graphs: list[GraphPush] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[GraphPush]:
        return [g for g in self.graphs if g.status in ("failed", "mismatch")]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> dict:
        counts: defaultdict[str, int] = defaultdict(int)
        for g in self.graphs:
            counts[g.status] += 1
        return {"ok": self.ok, "graphs": len(self.graphs), "by_status": dict(sorted(counts.items())),
                "failed": [{"graph": g.graph, "status": g.status, "detail": g.detail} for g in self.failed],
                "warnings": list(self.warnings)}


def graphs_of(nquads_path: Path) -> Iterator[tuple[str, bytes]]:
    """The dataset's named graphs, one at a time, as N-Triples documents. The build writes dataset.nq
    graph by graph, so one graph is held at a time (the whole file is 2.4 GB at 10,000 reviews); a file
    whose graphs are interleaved is refused, since sending a graph twice would replace its first part."""
    seen: set[str] = set()
    graph: str | None = None
    lines: list[bytes] = []
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


# -- URLs and errors ---------------------------------------------------------------------------

def why(exc: BaseException) -> str:
    """A short reason for a failed request (requests wraps urllib3, which wraps the socket error)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    found: list[BaseException] = []
    while todo:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        found.append(e)
        reason = getattr(e, "reason", None)  # urllib3 and urllib keep the cause here (sometimes as text)
        todo += [e.__cause__, e.__context__, reason if isinstance(reason, BaseException) else None]
        todo += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
    for kinds, text in (
            ((ConnectionRefusedError,), "connection refused"),
            ((socket.gaierror, urllib3.exceptions.NameResolutionError), "unknown host"),
            ((ConnectionResetError, http.client.RemoteDisconnected, urllib3.exceptions.ProtocolError),
             "connection dropped"),
            ((requests.exceptions.SSLError, urllib3.exceptions.SSLError), "TLS error"),
            ((requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError, socket.timeout), "timed out")):
        if any(isinstance(e, kinds) for e in found):
            return text
    text = " ".join(str(exc).split())
    return text[:200] + ("..." if len(text) > 200 else "")


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {why(exc)}"


def _refused(status: int) -> bool:
    return status in (401, 403)


def _credentials_hint(status: int) -> str:
    if status == 401:
        return "set --user and SGKG_PASSWORD, or SGKG_TOKEN, to credentials the store accepts"
    return "the user lacks the right: check it with the store's administrator"


# -- the store ---------------------------------------------------------------------------------

def session(user: str | None = None, password: str | None = None, token: str | None = None,
            auth: str = "basic", retries: int = 4, fail_fast: bool = False) -> requests.Session:
    """A session that retries transient failures with back-off; with `fail_fast`, only the answers
    429, 502, 503 and 504 are retried, not a connection that fails or times out."""
    s = requests.Session()
    retry = Retry(total=retries, backoff_factor=0.5, status_forcelist=(429, 502, 503, 504),
                  connect=0 if fail_fast else None, read=0 if fail_fast else None,
                  allowed_methods=frozenset({"GET", "PUT", "POST", "DELETE", "HEAD"}), raise_on_status=False)
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


def check_store(s: requests.Session, endpoint: str, graph_store: str, timeout: float = 30) -> None:
    """Ask the store once, without retries, before anything is sent: SgkgError naming the URL if the
    query endpoint does not answer `ASK {}` as a SPARQL endpoint, or the Graph Store endpoint cannot be
    reached, or either refuses the credentials."""
    done = "nothing was pushed"
    url = public_url(endpoint)
    wait = (min(5.0, timeout), timeout)  # connect, read
    try:
        r = s.post(endpoint, data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"},
                   timeout=wait)
    except requests.RequestException as exc:
        raise SgkgError(f"the store does not answer ({why(exc)})", url,
                        hint=f"is it running? check the host and port of --endpoint; {done}",
                        rule="push-unreachable") from None
    if _refused(r.status_code):
        raise SgkgError(f"the store refused the credentials (HTTP {r.status_code})", url,
                        hint=f"{_credentials_hint(r.status_code)}; {done}", rule="push-auth")
    if r.status_code == 404:
        raise SgkgError("no SPARQL query endpoint at this URL (HTTP 404)", url,
                        hint=f"give --endpoint as the store's query URL (Oxigraph: /query, Fuseki: "
                             f"/DATASET/sparql); {done}", rule="push-endpoint")
    if r.status_code >= 300:
        raise SgkgError(f"the store answered HTTP {r.status_code} to a test query", url,
                        hint=f"check --endpoint and the store's log; {done}", rule="push-endpoint")
    try:
        ok = isinstance(r.json().get("boolean"), bool)
    except (ValueError, AttributeError):
        ok = False
    if not ok:
        raise SgkgError("not a SPARQL endpoint (its answer to ASK {} is not SPARQL JSON results)", url,
                        hint=f"give --endpoint as the store's query URL; {done}", rule="push-endpoint")
    if graph_store != endpoint:  # reachable, and not refusing these credentials (any other answer will do)
        try:
            r = s.head(graph_store, params={"default": ""}, timeout=wait)
        except requests.RequestException as exc:
            raise SgkgError(f"the Graph Store endpoint does not answer ({why(exc)})", public_url(graph_store),
                            hint=f"check the host and port of --graph-store; {done}",
                            rule="push-unreachable") from None
        if _refused(r.status_code):
            raise SgkgError(f"the Graph Store endpoint refused the credentials (HTTP {r.status_code})",
                            public_url(graph_store), hint=f"{_credentials_hint(r.status_code)}; {done}",
                            rule="push-auth")


def read_state(state_path: Path, warn: Callable[[str], None]) -> dict[str, dict[str, str]]:
    """The push state: for each Graph Store URL, the SHA-256 of each graph last pushed and checked there.
    A file that is not one (truncated, of another shape) is named, and ignored: every graph is pushed."""
    if not state_path.exists():
        return {}
    raw = state_path.read_bytes()
    try:
        state = json.loads(raw.decode("utf-8"))
        good = isinstance(state, dict) and all(
            isinstance(store, str) and isinstance(graphs, dict)
            and all(isinstance(g, str) and isinstance(h, str) and DIGEST.fullmatch(h) for g, h in graphs.items())
            for store, graphs in state.items())
    except ValueError:  # JSONDecodeError and UnicodeDecodeError
        good = False
    if not good:
        warn(str(SgkgError("not a push state", state_path, hint="it is ignored: every graph is pushed")))
        return {}
    return state


# -- push --------------------------------------------------------------------------------------

class _Stop(Exception):
    """The push cannot go on: the store refused the credentials, or stopped answering."""

    def __init__(self, detail: str, auth: int = 0):
        super().__init__(detail)
        self.detail, self.auth = detail, auth


class _Failed(Exception):
    """One graph was refused; the detail says why."""


def _put(s: requests.Session, graph_store: str, g: str, body: bytes, timeout: int) -> None:
    """Send one graph: _Stop if the store refused the credentials or stopped answering (after the
    session's retries), _Failed if it refused this graph."""
    try:
        r = s.put(graph_store, params={"graph": g}, data=body, headers={"Content-Type": "application/n-triples"},
                  timeout=timeout)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise _Stop(f"the store stopped answering ({describe(exc)})") from None
    except requests.RequestException as exc:
        raise _Failed(describe(exc)) from None
    if _refused(r.status_code):
        raise _Stop(f"the store refused the credentials (HTTP {r.status_code})", auth=r.status_code)
    if r.status_code not in (200, 201, 204):
        raise _Failed(f"HTTP {r.status_code}: {' '.join(r.text.split())[:200]}")


def push(build_dir: Path, endpoint: str, graph_store: str, **options) -> PushReport:
    """Push every named graph of the last good build to a Graph Store Protocol endpoint (options: see
    `_push`). The build folder's lock is held meanwhile (kg_build/pipeline/folder.py): a build started
    during the push would otherwise put back the push state it copied before the push wrote it."""
    with folder.lock(Path(os.path.realpath(build_dir)), "push"):
        return _push(Path(build_dir), endpoint, graph_store, **options)


def _push(build_dir: Path, endpoint: str, graph_store: str, *, changed_only: bool = False,
          user: str | None = None, password: str | None = None, token: str | None = None,
          auth: str = "basic", timeout: int = 120, retries: int = 4, preflight: bool = True,
          on_warning: Callable[[str], None] | None = None) -> PushReport:
    """`preflight` asks the store once first (`check_store`): SgkgError, with nothing sent and nothing
    written, if it does not answer or refuses the credentials. A refusal of the credentials during the
    push is an SgkgError too, raised once the graphs sent before it are checked and recorded."""
    nq = build_dir / "export" / "dataset.nq"
    check_url(endpoint, "--endpoint")
    check_url(graph_store, "--graph-store")
    if not nq.exists():
        raise SgkgError("no export here", nq, hint="run `sgkg build` first (without --no-export)", rule="no-build")
    report = PushReport()

    def warn(message: str) -> None:
        report.warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    state_path = build_dir / STATE
    state = read_state(state_path, warn)
    previous = state.get(graph_store, {})
    s = session(user, password, token, auth, retries)
    if preflight:
        check_store(session(user, password, token, auth, retries, fail_fast=True), endpoint, graph_store,
                    timeout=min(timeout, 30))
    graphs: set[str] = set()
    sent_hashes = dict(previous)
    stop: _Stop | None = None
    changed = 0  # graphs sent or deleted in this run
    for g, body in graphs_of(nq):
        graphs.add(g)
        digest = hashlib.sha256(body).hexdigest()
        item = GraphPush(g, body.count(b"\n"))
        report.graphs.append(item)
        if changed_only and previous.get(g) == digest:
            item.status = "skipped"
            continue
        if stop is not None:
            item.status, item.detail = "failed", f"not sent: {stop.detail}"
            continue
        try:
            _put(s, graph_store, g, body, timeout)
        except _Stop as exc:
            stop = exc
            item.status, item.detail = "failed", exc.detail
            continue
        except _Failed as exc:
            item.status, item.detail = "failed", str(exc)
            continue
        item.status = "sent"
        sent_hashes[g] = digest
        changed += 1
    # graphs pushed before and no longer in the build (a review removed): delete them
    for g in sorted(set(previous) - set(graphs)):
        item = GraphPush(g, 0)
        report.graphs.append(item)
        if stop is not None:
            item.status, item.detail = "failed", f"not deleted: {stop.detail}"
            continue
        try:
            r = s.delete(graph_store, params={"graph": g}, timeout=timeout)
            ok = r.status_code in (200, 204, 404)
            item.status, item.detail = ("sent", "deleted") if ok else ("failed", f"HTTP {r.status_code} on DELETE")
        except requests.RequestException as exc:
            item.status, item.detail = "failed", f"DELETE: {describe(exc)}"
        if item.status == "sent":
            sent_hashes.pop(g, None)
            changed += 1
    # read every graph back: what is there must be exactly what was sent
    resend: dict[str, GraphPush] = {}
    unreadable = ""
    for item in report.graphs:
        if item.status == "failed":
            sent_hashes.pop(item.graph, None)
            continue
        if unreadable:
            item.status, item.detail = "mismatch", f"count could not be read: {unreadable}"
            sent_hashes.pop(item.graph, None)
            continue
        try:
            n = count_triples(s, endpoint, item.graph)
        except (requests.ConnectionError, requests.Timeout) as exc:
            unreadable = f"the store stopped answering ({describe(exc)})"
            item.status, item.detail = "mismatch", f"count could not be read: {unreadable}"
            sent_hashes.pop(item.graph, None)
            continue
        except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as exc:
            item.status, item.detail = "mismatch", f"count could not be read: {describe(exc)}"
            sent_hashes.pop(item.graph, None)
            continue
        if n != item.triples and item.status == "skipped":
            # unchanged since the last push, but the store no longer holds it as it was pushed (emptied, or
            # changed by someone else): send it again, unless the store has stopped taking graphs
            item.detail = f"the store held {n} triples, not the {item.triples} of the last push"
            if stop is None:
                resend[item.graph] = item
                continue
            item.status = "mismatch"
            item.detail = (f"skipped as unchanged, but the store holds {n} triples, not the {item.triples} of "
                           "the last push: push again without --changed-only")
            sent_hashes.pop(item.graph, None)
        elif n != item.triples:
            item.status, item.detail = "mismatch", f"{n} triples in the store, {item.triples} sent"
            sent_hashes.pop(item.graph, None)
        else:
            item.status = "ok" if item.status == "sent" else item.status
    if resend:
        stop = _resend(s, nq, endpoint, graph_store, resend, sent_hashes, timeout) or stop
    if stop is not None and stop.auth and not changed:
        # refused at the first graph sent: nothing changed in the store, nothing to record
        raise SgkgError(stop.detail, public_url(graph_store), hint=f"{_credentials_hint(stop.auth)}; nothing "
                        "was pushed", rule="push-auth")
    state[graph_store] = {g: h for g, h in sent_hashes.items() if g in graphs}
    atomic_write_text(state_path, json.dumps(state, indent=2, sort_keys=True) + "\n")
    if stop is not None and stop.auth:
        done = sum(g.status == "ok" for g in report.graphs)
        raise SgkgError(f"{stop.detail} after {done} graph{'s' if done != 1 else ''} of "
                        f"{len(report.graphs)} were pushed and checked", public_url(graph_store),
                        hint=f"{_credentials_hint(stop.auth)}, then push again with --changed-only",
                        rule="push-auth")
    return report


def _resend(s, nq: Path, endpoint: str, graph_store: str, items: dict[str, GraphPush],
            sent_hashes: dict[str, str], timeout: int) -> _Stop | None:
    """Send again the graphs skipped as unchanged whose count in the store differs, and check them."""
    stop = None
    for g, body in graphs_of(nq):
        item = items.get(g)
        if item is None:
            continue
        was = item.detail
        if stop is not None:
            item.status, item.detail = "failed", f"{was}; not sent again: {stop.detail}"
            sent_hashes.pop(g, None)
            continue
        try:
            _put(s, graph_store, g, body, timeout)
        except (_Stop, _Failed) as exc:
            if isinstance(exc, _Stop):
                stop = exc
            item.status, item.detail = "failed", f"{was}; sending it again failed: {exc}"
            sent_hashes.pop(g, None)
            continue
        try:
            n = count_triples(s, endpoint, g)
        except (requests.RequestException, ValueError, KeyError, IndexError, TypeError) as exc:
            item.status, item.detail = "mismatch", f"sent again ({was}); count could not be read: {describe(exc)}"
            sent_hashes.pop(g, None)
            continue
        if n == item.triples:
            item.status, item.detail = "ok", f"sent again: {was}"
        else:
            item.status, item.detail = "mismatch", f"sent again ({was}), now {n} triples in the store"
            sent_hashes.pop(g, None)
    return stop


def credentials_from_env() -> tuple[str | None, str | None]:
    return os.environ.get("SGKG_PASSWORD"), os.environ.get("SGKG_TOKEN")
