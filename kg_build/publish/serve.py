"""`sgkg serve`: a read-only SPARQL 1.1 Protocol endpoint over the built store, with a query page.

What it guarantees: queries are refused if they contain SERVICE (the server never contacts another
server on a query's behalf); a query that runs longer than `--timeout` seconds is stopped (its process
is killed, so its CPU use ends) and the client gets HTTP 503 with a plain-text explanation, never a
truncated 200; a client that disconnects stops its query; SPARQL Update and Graph Store writes get
HTTP 403; SIGTERM, SIGHUP and SIGINT stop every process the server started, and those processes also
die if the server itself is killed.

Design, and why:

- Oxigraph's own server (`oxigraph serve-read-only`) could not be used as the endpoint: it executes
  SERVICE and has no option to refuse it; its timeout does not stop an aggregate in time (a COUNT over
  a cross product of the six-review data ran 21 s with a 1 s timeout) and then answers HTTP 200 with a
  truncated body; a query keeps running after its client leaves. pyoxigraph cannot cancel a running
  query either. So the only reliable way to stop a query is to kill the process that runs it.
- A front server from the standard library (`http.server.ThreadingHTTPServer`, a thread per
  connection: enough for a local endpoint) listens on the user's address. It answers `/query` and
  `/sparql` (the page uses the latter) itself, and hands each query to one of a few worker processes
  (`--workers`) that each hold the store open read-only with pyoxigraph. The worker checks the query,
  runs it, and serialises the whole result in the format the request's Accept header chooses, so that
  the status code is known before the first byte is sent. While it waits, the front watches the
  client's socket: at the deadline or on a disconnect it kills the worker (SIGKILL) and starts a new one.
  A result larger than `max_result_bytes` (256 MB) is refused with a 503 too, so that a huge `SELECT *`
  cannot fill the memory within the timeout.
- Workers are `multiprocessing` children started with "spawn" (forking a threaded process is unsafe);
  on Linux each asks the kernel (prctl PR_SET_PDEATHSIG) to be killed when the server dies, elsewhere
  a thread watches the parent. Workers are started only from threads that live as long as the server,
  since the kernel signal follows the thread that started the process.
- SERVICE is looked for in rdflib's parse tree (a ServiceGraphPattern anywhere, also in OPTIONAL,
  EXISTS or a subquery), not in the text where the word may be a string, an IRI or a comment. Parsing
  costs tens of milliseconds, so only a query whose text holds the word "service" (or a \\u escape
  that could spell it) is parsed; a query that holds it and that rdflib cannot read is refused.
- The query page is the project's (kg_build/publish/page.py: prefixes, the stored queries with their
  parameters, the dataset and its graphs) on the YASGUI editor, whose scripts only the `oxigraph`
  binary carries. At start the binary runs once on a free loopback port, the files its page links to
  are copied into memory, and the binary is stopped. Keeping it running behind the front would leave a
  second endpoint, one that executes SERVICE, open to any local process that finds its port.
- The default graph is the union of the graphs (every triple is in a named graph), unless
  `--named-graphs-only`; a request's default-graph-uri still chooses its own.
- Graph Store reads (`GET /store?graph=IRI`, `?default`, or the whole dataset) are answered by the
  workers too, with the same deadline. Writes are answered 403: by the front for PUT, DELETE, PATCH,
  any POST outside the query paths, /update, and a form's `update=` or an application/sparql-update
  body sent to the query paths; by the worker for an update sent as a query (its text is recognised
  by rdflib's update parser, and never run).
- POSIX systems only (sockets and pipes are watched with select).
- Bound to a loopback address (the default), the front also refuses requests whose Host header names
  another host, so that a web page cannot reach the endpoint through DNS rebinding.
"""
from __future__ import annotations

import errno
import html.parser
import http.client
import http.server
import io
import ipaddress
import json
import math
import multiprocessing
import os
import queue
import select
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse
from multiprocessing.connection import wait as wait_for
from pathlib import Path

from kg_build.problems import SgkgError
from kg_build.processes import die_with_parent, pdeathsig_hook
from kg_build.queries import guard
from kg_build.store import DATASET_GRAPH

DEFAULT_TIMEOUT = 30.0  # seconds
MAX_RESULT_BYTES = 256 * 2**20
MAX_REQUEST_BYTES = 4 * 2**20
QUERY_PATHS = ("/query", "/sparql")
REPORT_PATH = "/report/"  # the report of the served build (sgkg report), written on its first request
TEXT = "text/plain; charset=utf-8"
READ_ONLY = "the server is read-only: SPARQL Update and Graph Store writes are refused"
SERVICE_REFUSED = ("SERVICE is not allowed: this endpoint answers from its own store and does not contact other "
                   "servers (remove the SERVICE clause, or send that part of the query to the other endpoint)")


def oxigraph_binary() -> str:
    here = Path(sys.executable).with_name("oxigraph")
    if here.exists():
        return str(here)
    found = shutil.which("oxigraph")
    if not found:
        raise SgkgError("the Oxigraph server is not installed", hint="`pip install oxigraph` (it comes with sgkg)")
    return found


def default_workers() -> int:
    """Queries that can run at once: one per core, at least 2 (a long query does not block a short one)
    and at most 4."""
    return max(2, min(4, os.cpu_count() or 1))


# -- in the worker processes ---------------------------------------------------------------------

class _TooLarge(Exception):
    pass


class _CappedBuffer(io.BytesIO):
    """An in-memory output that refuses to grow past `limit` bytes."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def write(self, data) -> int:
        if self.tell() + len(data) > self.limit:
            raise _TooLarge
        return super().write(data)


def _text(message: str) -> bytes:
    return (message + "\n").encode("utf-8")


def negotiate(accept: str, formats: list):
    """The first of `formats` (pyoxigraph format objects, the default first) that the Accept header
    allows, highest q-value first; None if it allows none."""
    if not accept.strip():
        return formats[0]
    ranges = []
    for i, item in enumerate(accept.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranges.append((-q, i, media.lower()))
    for _, _, media in sorted(ranges):
        if media == "*/*":
            return formats[0]
        if media.endswith("/*"):
            for f in formats:
                if f.media_type.startswith(media[:-1]):
                    return f
            continue
        found = type(formats[0]).from_media_type(media)
        if found is not None and found in formats:
            return found
    return None


def _formats():
    import pyoxigraph as ox

    results = [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV,
               ox.QueryResultsFormat.TSV]
    graphs = [ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD]
    datasets = [ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG]
    return results, graphs, datasets


def _not_acceptable(formats: list) -> tuple[int, str, bytes]:
    return 406, TEXT, _text("none of the formats in the Accept header can be sent; this answer is available as "
                            + ", ".join(f.media_type for f in formats))


def _refusal(text: str) -> tuple[int, str, bytes] | None:
    """The answer to a query this endpoint refuses (SERVICE, an update), or None (kg_build/queries/guard.py)."""
    try:
        guard.screen(text)
    except guard.Refused as exc:
        if exc.kind == "update":
            return 403, TEXT, _text(READ_ONLY)
        if exc.kind == "service":
            return 400, TEXT, _text(SERVICE_REFUSED)
        return 400, TEXT, _text(f"the query cannot be read: {exc.detail} (it mentions SERVICE, which this endpoint "
                                "refuses, so it must be read to make sure it has no SERVICE clause)")
    return None


def _answer_query(db, job: dict, out: _CappedBuffer) -> tuple[int, str, bytes | memoryview]:
    import pyoxigraph as ox

    text = job["query"]
    refusal = _refusal(text)
    if refusal:
        return refusal
    options: dict = {}
    try:
        if job["default_graph"]:
            options["default_graph"] = [ox.NamedNode(g) for g in job["default_graph"]]
        if job["named_graphs"]:
            options["named_graphs"] = [ox.NamedNode(g) for g in job["named_graphs"]]
        if job.get("union") and not job["default_graph"]:  # the default graph is the union of the graphs
            options["use_default_graph_as_union"] = True
    except ValueError as exc:
        return 400, TEXT, _text(f"default-graph-uri and named-graph-uri take absolute IRIs: {exc}")
    try:
        result = db.query(text, **options)
    except SyntaxError as exc:
        if guard.is_update(text):
            return 403, TEXT, _text(READ_ONLY)
        return 400, TEXT, _text(f"the query is not valid SPARQL: {exc}")
    results, graphs, _ = _formats()
    formats = graphs if isinstance(result, ox.QueryTriples) else results
    chosen = negotiate(job["accept"], formats)
    if chosen is None:
        return _not_acceptable(formats)
    result.serialize(out, chosen)
    return 200, chosen.media_type, out.getbuffer()


def _answer_graph(db, job: dict, out: _CappedBuffer) -> tuple[int, str, bytes | memoryview]:
    import pyoxigraph as ox

    _, graphs, datasets = _formats()
    graph = job["graph"]  # None: the whole dataset; "": the default graph; else a graph IRI
    source = None
    if graph is not None:
        try:
            source = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        except ValueError as exc:
            return 400, TEXT, _text(f"?graph= takes an absolute IRI: {exc}")
        if graph and not db.contains_named_graph(source):
            return 404, TEXT, _text(f"there is no graph <{graph}> in the store")
    formats = datasets if graph is None else graphs
    chosen = negotiate(job["accept"], formats)
    if chosen is None:
        return _not_acceptable(formats)
    db.dump(out, chosen, from_graph=source)
    return 200, chosen.media_type, out.getbuffer()


def _answer(db, job: dict, max_bytes: int) -> tuple[int, str, bytes | memoryview]:
    out = _CappedBuffer(max_bytes)
    try:
        return (_answer_graph if job["kind"] == "graph" else _answer_query)(db, job, out)
    except _TooLarge:
        return 503, TEXT, _text(f"the result is larger than {max_bytes / 2**20:g} MB, this server's limit: add a "
                                "LIMIT or narrow the query")
    except Exception as exc:  # noqa: BLE001 - an evaluation error is the client's answer; the worker lives on
        return 500, TEXT, _text(f"the query failed: {exc}")


def _worker(store: str, conn, parent: int, max_bytes: int) -> None:
    """A worker process: open the store read-only, then answer jobs until the connection closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself (Ctrl-C included)
    die_with_parent(parent)
    import pyoxigraph as ox

    try:
        db = ox.Store.read_only(store)
    except Exception as exc:  # noqa: BLE001 - reported by the server
        conn.send(("failed", str(exc)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        status, content_type, body = _answer(db, job, max_bytes)
        conn.send((status, content_type))
        conn.send_bytes(body)  # the serialised result itself, not a copy
        del body


# -- in the server process -----------------------------------------------------------------------

class _Stopped(Exception):
    """A query stopped before its answer; `reason` is "timeout" or "disconnect"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _WorkerFailed(Exception):
    """A worker could not open the store."""


def _client_gone(sock: socket.socket) -> bool:
    """Whether the client closed its connection (its socket reads end-of-file or an error)."""
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


class _Worker:
    def __init__(self, ctx, store: str, max_bytes: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(store, child, os.getpid(), max_bytes),
                                   name="sgkg-serve-worker", daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def receive(self, deadline: float, client: socket.socket | None = None):
        """The worker's next message; _Stopped at the deadline or when the client disconnects."""
        watched = [self.conn] if client is None else [self.conn, client]
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Stopped("timeout")
            ready = wait_for(watched, left)
            if self.conn in ready:
                return self.conn.recv()
            if client is not None and client in ready:
                if _client_gone(client):
                    raise _Stopped("disconnect")
                watched = [self.conn]  # the client sent more (a pipelined request): it is still there

    def start_up(self, deadline: float, client: socket.socket | None = None) -> None:
        if not self.ready:
            message = self.receive(deadline, client)
            if message[0] != "ready":
                raise _WorkerFailed(message[1])
            self.ready = True

    def run(self, job: dict, deadline: float, client: socket.socket) -> tuple[int, str, bytes]:
        self.start_up(deadline, client)
        self.conn.send(job)
        status, content_type = self.receive(deadline, client)
        return status, content_type, self.conn.recv_bytes()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(10)
        self.conn.close()


class _Pool:
    """Worker processes: an idle queue, and a thread that starts a new worker for each one killed."""

    def __init__(self, store: Path, size: int, max_bytes: int):
        self.size = size
        self._ctx = multiprocessing.get_context("spawn")
        self._args = (str(store), max_bytes)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._wanted: queue.Queue[bool] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        try:
            for _ in range(size):
                self._add()
        except BaseException:  # a signal or an error half-way: stop the workers already started
            self.close()
            raise
        threading.Thread(target=self._replace, name="sgkg-serve-workers", daemon=True).start()

    def _add(self) -> None:
        with self._lock:
            if self._closed:
                return
            worker = _Worker(self._ctx, *self._args)
            self._workers.add(worker)
        self._idle.put(worker)

    def _replace(self) -> None:
        while self._wanted.get() and not self._closed:
            self._add()

    def wait_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        for worker in list(self._workers):
            worker.start_up(deadline)

    def acquire(self, deadline: float) -> _Worker | None:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                worker = self._idle.get(timeout=left)
            except queue.Empty:
                return None
            if worker.process.is_alive():
                return worker
            self.discard(worker)

    def release(self, worker: _Worker) -> None:
        self._idle.put(worker)

    def discard(self, worker: _Worker) -> None:
        """Kill the worker, and its query if it runs one, and start another in its place."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
        self._wanted.put(True)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        self._wanted.put(False)
        for worker in workers:
            worker.kill()


class _App:
    union: bool = True  # queries without a default-graph-uri see the union of the graphs
    report: _Report  # set by run() before the server answers

    def __init__(self, pool: _Pool, timeout: float, cors: bool, assets: dict[str, tuple[str, bytes]], page_note: str,
                 quiet: bool, hosts: set[str] | None):
        self.pool, self.timeout, self.cors, self.assets, self.page_note = pool, timeout, cors, assets, page_note
        self.quiet, self.hosts = quiet, hosts

    def note(self, message: str) -> None:
        if not self.quiet:
            print(f"sgkg serve: {message}", file=sys.stderr, flush=True)

    def run(self, job: dict, client: socket.socket) -> tuple[int, str, bytes] | None:
        """The answer to a job, from a worker; None if the client disconnected."""
        deadline = time.monotonic() + self.timeout
        worker = self.pool.acquire(deadline)
        if worker is None:
            return 503, TEXT, _text(f"the server is busy: its {self.pool.size} query workers stayed busy for "
                                    f"{self.timeout:g} s; try again later, or restart `sgkg serve` with more "
                                    "--workers")
        keep = False
        try:
            answer = worker.run(job, deadline, client)
            keep = True
            return answer
        except _Stopped as stop:
            if stop.reason == "disconnect":
                self.note("stopped a query: its client disconnected")
                return None
            self.note(f"stopped a query after {self.timeout:g} s (--timeout)")
            return 503, TEXT, _text(f"the query took longer than {self.timeout:g} s and was stopped: add a LIMIT, "
                                    "narrow its graph patterns, or restart `sgkg serve` with a larger --timeout")
        except _WorkerFailed as exc:
            return 500, TEXT, _text(f"the query worker cannot open the store: {exc} (restart `sgkg serve`)")
        except (EOFError, OSError):
            return 500, TEXT, _text("the query worker stopped unexpectedly (it may have run out of memory): add "
                                    "a LIMIT or narrow the query")
        finally:
            if keep:
                self.pool.release(worker)
            else:
                self.pool.discard(worker)


class _Report:
    """The report of the served build (`sgkg report`'s pages), written in memory on its first request
    and kept: the build a server serves does not change under it."""

    TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
             ".js": "text/javascript; charset=utf-8", ".json": "application/json"}

    def __init__(self, build: Path):
        self.build = build
        self._files: dict[str, bytes] | None = None
        self._error = ""
        self._lock = threading.Lock()

    def get(self, path: str) -> tuple[int, str, bytes]:
        with self._lock:  # one rendering, however many requests arrive while it runs
            if self._files is None and not self._error:
                from kg_build.report import render

                try:
                    self._files = render(self.build)
                except (SgkgError, OSError) as exc:
                    self._error = str(exc)
        if self._files is None:
            return 500, TEXT, _text(f"the report cannot be written: {self._error}")
        name = path[len(REPORT_PATH):] or "index.html"
        body = self._files.get(name)
        if body is None:
            return 404, TEXT, _text(f"the report has no page {name}: its index is at {REPORT_PATH}")
        return 200, self.TYPES.get(Path(name).suffix, "application/octet-stream"), body


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sgkg-serve"
    sys_version = ""
    timeout = 300  # seconds an idle or stalled connection is kept
    server: _HTTPServer  # the only server it is given

    @property
    def app(self) -> _App:
        app = self.server.app
        assert app is not None, "serve() sets the app before the server answers"
        return app

    def log_message(self, format, *args) -> None:  # no access log; stopped queries are reported
        pass

    def version_string(self) -> str:
        return self.server_version

    # -- answers

    def _send(self, status: int, content_type: str, body: bytes, head: bool = False, close: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.app.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _refuse(self) -> None:
        """403 for a write; the connection is closed, since a request body may be left unread."""
        self._send(403, TEXT, _text(READ_ONLY), close=True)

    def _host_allowed(self) -> bool:
        host = self.headers.get("Host")
        if self.app.hosts is None or host is None:
            return True
        try:
            name = (urllib.parse.urlsplit("//" + host.strip()).hostname or "").lower()
            if name in self.app.hosts or ipaddress.ip_address(name).is_loopback:
                return True
        except ValueError:
            pass
        port = self.server.server_address[1]
        self._send(403, TEXT, _text(f"this server answers requests for this machine only (the Host header is "
                                    f"{host!r}): open http://127.0.0.1:{port}/"), close=True)
        return False

    def _answer(self, job: dict, head: bool = False) -> None:
        answer = self.app.run(job, self.connection)
        if answer is None:
            self.close_connection = True
            return
        self._send(*answer, head=head)

    def _query(self, params: dict, head: bool = False) -> None:
        texts = params.get("query", [])
        if len(texts) != 1:
            self._send(400, TEXT, _text("give one query: GET /query?query=..., a POST form with query=..., or a "
                                        "POST with Content-Type application/sparql-query (the query page is at /)"),
                       head=head)
            return
        self._answer({"kind": "query", "query": texts[0], "accept": self.headers.get("Accept", ""),
                      "default_graph": params.get("default-graph-uri", []),
                      "named_graphs": params.get("named-graph-uri", []), "union": self.app.union}, head)

    def _stored(self, params: dict, head: bool) -> None:
        """A stored query's text with the parameters the page gives bound (`p.NAME=value`)."""
        from kg_build.publish import page

        names = params.get("name", [])
        if len(names) != 1:
            self._send(400, TEXT, _text("give one ?name= of a stored query"), head=head)
            return
        values = {k[2:]: v[-1] for k, v in params.items() if k.startswith("p.")}
        try:
            body = page.stored_query_text(names[0], values)
        except SgkgError as exc:
            self._send(400, TEXT, _text(exc.what + (f" ({exc.hint})" if exc.hint else "")), head=head)
            return
        self._send(200, "application/sparql-query; charset=utf-8", body.encode("utf-8"), head=head)

    def _graph(self, params: dict, head: bool) -> None:
        if "graph" in params:
            if len(params["graph"]) != 1:
                self._send(400, TEXT, _text("give one ?graph=IRI"), head=head)
                return
            graph = params["graph"][0]
        else:
            graph = "" if "default" in params else None
        self._answer({"kind": "graph", "graph": graph, "accept": self.headers.get("Accept", "")}, head)

    def _body(self) -> bytes | None:
        """The request body, or None once an error has been sent."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._send(411, TEXT, _text("send the request with a Content-Length"), close=True)
            return None
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0:
            self._send(400, TEXT, _text("the Content-Length header is not a number"), close=True)
            return None
        if length > MAX_REQUEST_BYTES:
            self._send(413, TEXT, _text(f"the request is larger than {MAX_REQUEST_BYTES // 2**20} MB"), close=True)
            return None
        return self.rfile.read(length)

    # -- methods

    def _read(self, head: bool) -> None:
        if not self._host_allowed():
            return
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if url.path in QUERY_PATHS:
            if "update" in params:
                self._refuse()
            else:
                self._query(params, head)
        elif url.path == "/update":
            self._refuse()
        elif url.path == "/store":
            self._graph(params, head)
        elif url.path == "/stored-query" and not self.app.page_note:
            self._stored(params, head)
        elif url.path == REPORT_PATH.rstrip("/"):
            self.send_response(301)
            self.send_header("Location", REPORT_PATH)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif url.path.startswith(REPORT_PATH):
            self._send(*self.app.report.get(url.path), head=head)
        elif url.path in self.app.assets:
            self._send(200, *self.app.assets[url.path], head=head)
        elif url.path == "/" and self.app.page_note:
            self._send(404, TEXT, _text(f"the query page is not available ({self.app.page_note}); the SPARQL "
                                        "endpoint is at /query"), head=head)
        else:
            self._send(404, TEXT, _text(f"nothing at {url.path}: the query page is at /, the SPARQL endpoint at "
                                        f"/query, the report at {REPORT_PATH}"), head=head)

    def do_GET(self) -> None:
        self._read(head=False)

    def do_HEAD(self) -> None:
        self._read(head=True)

    def do_POST(self) -> None:
        if not self._host_allowed():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path not in QUERY_PATHS:
            self._refuse()
            return
        content_type = self.headers.get_content_type()
        if content_type == "application/sparql-update":
            self._refuse()
            return
        body = self._body()
        if body is None:
            return
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        try:
            if content_type == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
                if "update" in form:
                    self._refuse()
                    return
                params.update(form)
            elif content_type == "application/sparql-query":
                params["query"] = [body.decode(self.headers.get_content_charset("utf-8"))]
            else:
                self._send(415, TEXT, _text("send the query as a form (application/x-www-form-urlencoded, query=...)"
                                            " or as application/sparql-query"))
                return
        except (UnicodeDecodeError, LookupError):
            self._send(400, TEXT, _text("the request body is not text in UTF-8 (or in the charset it names)"))
            return
        self._query(params)

    def do_PUT(self) -> None:
        if self._host_allowed():
            self._refuse()

    do_DELETE = do_PATCH = do_PUT

    def do_OPTIONS(self) -> None:
        if not self._host_allowed():
            return
        self.send_response(204)
        self.send_header("Allow", "GET, HEAD, POST, OPTIONS")
        if self.app.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
            self.send_header("Access-Control-Allow-Headers",
                             self.headers.get("Access-Control-Request-Headers", "Content-Type, Accept"))
            self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_port = False  # another server on the same port must be an error, not a shared port

    def __init__(self, family: int, address: tuple):
        self.address_family = family
        self.app: _App | None = None
        super().__init__(address, _Handler, bind_and_activate=False)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # without HTTPServer's reverse DNS look-up
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):  # a client that left: not news
            super().handle_error(request, client_address)


def url_host(host: str) -> str:
    """A host as it is written in a URL: IPv6 addresses in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _bind(host: str, port: int) -> tuple[_HTTPServer, bool]:
    """The front server bound and listening, and whether its address is a loopback address."""
    where = f"{url_host(host)}:{port}"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise SgkgError(f"cannot use this host: {exc.strerror}", where, hint="give one of this machine's addresses "
                        "with --host: 127.0.0.1 (the default), ::1, or 0.0.0.0 for every interface",
                        rule="usage") from None
    infos.sort(key=lambda info: info[0] != socket.AF_INET)  # "localhost": IPv4 first, as clients try it
    family, _, _, _, address = infos[0]
    server = _HTTPServer(family, address)
    try:
        server.server_bind()
        server.server_activate()
    except OSError as exc:
        server.server_close()
        if exc.errno == errno.EADDRINUSE:
            raise SgkgError("address already in use", where, hint="choose another --port, or stop the server using "
                            "it", rule="serve-port") from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise SgkgError("permission denied", where, hint="choose a --port above 1023", rule="serve-port") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise SgkgError("not an address of this machine", where, hint="give one of its addresses with --host, "
                            "or 0.0.0.0 for every interface", rule="usage") from None
        raise
    try:
        loopback = ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback
    except ValueError:
        loopback = False
    return server, loopback


# -- the query page ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.links += [value for name, value in attrs if name in ("src", "href") and value]


class _PageSource:
    """Oxigraph's query page, which only the `oxigraph` binary carries: the binary runs on a free loopback
    port just long enough to copy the page and the files it links to."""

    def __init__(self, store: Path):
        self.port = _free_port()
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{self.port}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=pdeathsig_hook())

    def _get(self, path: str, deadline: float) -> tuple[str, bytes]:
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET {path}: HTTP {response.status}")
                return response.getheader("Content-Type", "application/octet-stream"), body
            except ConnectionRefusedError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the oxigraph binary stopped (exit code {self.process.returncode})") from None
                if time.monotonic() > deadline:
                    raise RuntimeError("the oxigraph binary did not answer") from None
                time.sleep(0.05)
            finally:
                connection.close()

    def fetch(self, seconds: float = 20.0) -> dict[str, tuple[str, bytes]]:
        """The page and the files it links to (by path), and the binary stopped."""
        deadline = time.monotonic() + seconds
        try:
            assets = {"/": self._get("/", deadline)}
            links = _Links()
            links.feed(assets["/"][1].decode("utf-8", "replace"))
            for link in links.links:
                url = urllib.parse.urlsplit(urllib.parse.urljoin("/", link))
                if not (url.scheme or url.netloc) and url.path and url.path not in assets:
                    assets[url.path] = self._get(url.path, deadline)
            return assets
        finally:
            self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


# -- running -------------------------------------------------------------------------------------

class _Stop(BaseException):
    """SIGTERM, SIGHUP or SIGINT: stop serving (a BaseException, so no `except Exception` swallows it)."""


_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))


def _on_stop_signal(signum, frame) -> None:
    for s in _STOP_SIGNALS:  # a second signal must not interrupt the clean-up
        signal.signal(s, signal.SIG_IGN)
    raise _Stop(signum)


def run(store: Path, host: str = "127.0.0.1", port: int = 7878, timeout: float = DEFAULT_TIMEOUT,
        cors: bool = False, *, workers: int | None = None, quiet: bool = False, json_line: bool = False,
        max_result_bytes: int = MAX_RESULT_BYTES, union: bool = True) -> int:
    """Serve the store until SIGTERM, SIGHUP or SIGINT (Ctrl-C), then stop every process started; 0.

    Prints `SPARQL endpoint URL ...` on stderr when it listens (unless `quiet` or `json_line`), or with
    `json_line` one JSON line on stdout: {"ok": true, "endpoint": URL, "page": URL, "pid": N}.
    SgkgError if the store, the address or an option cannot be used."""
    store = Path(store)
    if not (store / "CURRENT").exists():
        raise SgkgError("no store here", store, hint="run `sgkg build` first", rule="no-build")
    if not (isinstance(timeout, (int, float)) and 0 < timeout and math.isfinite(timeout)):
        raise SgkgError(f"--timeout must be a number of seconds above 0, not {timeout}", rule="usage")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise SgkgError(f"--workers must be 1 or more, not {workers}", rule="usage")
    if not 0 <= port <= 65535:
        raise SgkgError(f"--port must be between 0 and 65535, not {port}", rule="usage")

    server, loopback = _bind(host, port)
    in_main = threading.current_thread() is threading.main_thread()
    previous = {s: signal.signal(s, _on_stop_signal) for s in _STOP_SIGNALS} if in_main else {}
    page = pool = None
    try:
        page_note = ""
        try:  # started first, while this process has no other thread (it is forked with a pre-exec hook)
            page = _PageSource(store)
        except (SgkgError, OSError) as exc:
            page_note = str(exc)
        pool = _Pool(store, workers, max_result_bytes)
        assets: dict[str, tuple[str, bytes]] = {}
        if page is not None:
            try:
                assets = page.fetch()
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                page_note = str(exc)
        try:
            pool.wait_ready(60)
        except _WorkerFailed as exc:
            raise SgkgError(f"cannot open the store: {exc}", store, hint="run `sgkg build` again",
                            rule="serve-store") from None
        except _Stopped:
            raise SgkgError("the query workers did not start within 60 s", store,
                            hint="the machine may be short of memory: try fewer --workers",
                            rule="serve-store") from None
        hosts = {"localhost", host.strip("[]").lower()} if loopback else None
        if "/" in assets:  # the project's page, on the YASGUI scripts and styles copied from the binary
            from kg_build.publish import page as project_page

            assets["/"] = ("text/html; charset=utf-8", project_page.render(union))
            # the catalogue the page lists, read once (each reading parses every query file)
            assets["/stored-queries.json"] = ("application/json", project_page.catalogue_json())
        server.app = _App(pool, float(timeout), cors, assets, page_note, quiet or json_line, hosts)
        server.app.union = union
        server.app.report = _Report(store.parent)
        base = f"http://{url_host(host)}:{server.server_address[1]}/"
        described = store.parent / "export" / "void.ttl"
        if described.is_file():  # the dataset description, with this endpoint, at the place VoID names
            assets["/.well-known/void"] = ("text/turtle; charset=utf-8", described.read_bytes() + (
                f"\n<{DATASET_GRAPH}> <http://rdfs.org/ns/void#sparqlEndpoint> <{base}query> .\n").encode())
        if not loopback:
            print(f"sgkg serve: listening on {host}, not only on this machine", file=sys.stderr)
        if page_note and not quiet:
            print(f"sgkg serve: the query page is not available ({page_note}); queries still work at {base}query",
                  file=sys.stderr)
        if json_line:
            print(json.dumps({"ok": True, "endpoint": base + "query", "page": base, "pid": os.getpid()}), flush=True)
        elif not quiet:
            print(f"SPARQL endpoint {base}query (read-only; query page at {base}; a query stops after "
                  f"{timeout:g} s). Ctrl-C stops.", file=sys.stderr, flush=True)
        server.serve_forever(poll_interval=0.5)
    except _Stop:
        pass
    finally:
        server.server_close()
        if pool is not None:
            pool.close()
        if page is not None:
            page.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
    return 0


class Server:
    """A `sgkg serve` process started by `start`: its URLs, and how to stop it (also `with start(...)`)."""

    def __init__(self, process: subprocess.Popen, info: dict):
        self.process = process
        self.endpoint: str = info["endpoint"]
        self.page: str = info["page"]
        self.pid: int = process.pid

    def poll(self) -> int | None:
        return self.process.poll()

    def wait(self, timeout: float | None = None) -> int:
        return self.process.wait(timeout)

    def terminate(self) -> None:
        """Ask it to stop (SIGTERM): it stops its workers and exits."""
        self.process.terminate()

    def kill(self) -> None:
        self.process.kill()

    def stop(self, timeout: float = 10.0) -> int:
        """Stop it and wait; SIGKILL if it has not stopped after `timeout` seconds. The exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        return self.process.returncode

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start(out: Path, host: str = "127.0.0.1", port: int = 0, timeout: float = DEFAULT_TIMEOUT, cors: bool = False,
          *, workers: int | None = None, startup: float = 60.0, union: bool = True, **popen) -> Server:
    """Start `sgkg serve` in the background (for notebooks and tests) and return once it answers.

    `out` is the build folder (its `store/` folder is accepted too); port 0 picks a free port (see
    `.endpoint`). `popen` goes to subprocess.Popen (for example stderr=subprocess.DEVNULL). SgkgError if
    it cannot start. The caller stops it: `.stop()`, or use it in a `with` block."""
    out = Path(out)
    if out.name == "store" and (out / "CURRENT").exists():
        out = out.parent
    cmd = [sys.executable, "-m", "kg_build.cli", "serve", "--out", str(out), "--host", host, "--port", str(port),
           "--timeout", repr(float(timeout)), "--json"]
    if cors:
        cmd.append("--cors")
    if not union:
        cmd.append("--named-graphs-only")
    if workers is not None:
        cmd += ["--workers", str(workers)]
    process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, **popen)
    deadline = time.monotonic() + startup
    said: list[str] = []
    stdout = process.stdout
    assert stdout is not None, "started with stdout=PIPE"
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([stdout], [], [], left)[0]:
            process.kill()
            process.wait()
            raise SgkgError(f"sgkg serve did not start within {startup:g} s", out, rule="serve-start")
        line = stdout.readline()
        if not line:  # it stopped: its --json failure document says why
            process.wait()
            try:
                problem = json.loads("".join(said))["problems"][0]
            except (ValueError, KeyError, IndexError, TypeError):
                raise SgkgError(f"sgkg serve stopped at start (exit code {process.returncode})", out,
                                rule="serve-start") from None
            raise SgkgError(problem["message"], problem["file"] or None, problem["line"], problem["column"],
                            problem["hint"], problem["rule"] or "fatal", process.returncode)
        said.append(line)
        try:
            info = json.loads(line)
        except ValueError:
            continue
        if isinstance(info, dict) and info.get("ok") is True:
            return Server(process, info)
