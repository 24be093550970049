"""`sgkg push` fails fast and in one line: a store that does not answer or refuses the credentials stops
the push before anything is sent (exit 2, push-state.json untouched); a store that stops answering
mid-push is not retried graph after graph; a damaged push-state.json is named and ignored; and
`--changed-only` sends again the graphs the store no longer holds as they were pushed."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from loopback import free_port, oxigraph_server

from kg_build.problems import SgkgError
from kg_build.publish import push as remote

ROOT = Path(__file__).resolve().parent.parent
SGKG = Path(sys.executable).with_name("sgkg")
# the reviews, the ontology, the vocabularies and the dataset's description
GRAPHS = len(list((ROOT / "data" / "reviews").glob("*.yaml"))) + 3

@pytest.fixture
def out(data_build, tmp_path):
    """A copy of the build, so that each test has its own push-state.json."""
    target = tmp_path / "build"
    shutil.copytree(data_build, target)
    (target / remote.STATE).unlink(missing_ok=True)
    return target


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """A writable Oxigraph server on 127.0.0.1: its query, update and Graph Store URLs."""
    with oxigraph_server(tmp_path_factory.mktemp("oxi")) as base:
        yield {"query": base + "/query", "update": base + "/update", "store": base + "/store"}


class _Store(BaseHTTPRequestHandler):
    """A fake store: `server.answer(method, path)` gives the status of each request (None closes the
    connection without an answer); queries get a SPARQL JSON answer; every request is logged."""

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.log.append((self.command, self.path))
        status = self.server.answer(self.command, self.path)
        if status is None:
            self.close_connection = True
            return
        text = b""
        if status == 200 and self.command == "POST":
            text = (b'{"head":{},"boolean":true}' if b"ASK" in body else
                    b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"0"}}]}}')
        self.send_response(status)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(text)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    timeout = 0.1
    closed = False

    def go_away(self):
        """Stop listening at once: the next connection is refused."""
        self.closed = True
        self.socket.close()

    def run(self):
        while not self.closed:
            try:
                self.handle_request()
            except (OSError, ValueError):
                return


@pytest.fixture
def fake_store():
    servers = []

    def start(answer):
        server = _Server(("127.0.0.1", 0), _Store)
        server.log, server.answer = [], answer
        threading.Thread(target=server.run, daemon=True).start()
        servers.append(server)
        base = f"http://127.0.0.1:{server.server_address[1]}"
        return server, base + "/query", base + "/store"

    yield start
    for server in servers:
        if not server.closed:
            server.go_away()


def sgkg(*args, timeout=120):
    return subprocess.run([str(SGKG), *map(str, args)], capture_output=True, text=True, timeout=timeout)


# -- the store is asked once before anything is sent --------------------------------------------

def test_a_store_that_does_not_answer_stops_the_push_at_once(out):
    port = free_port()  # nothing listens there
    url = f"http://127.0.0.1:{port}/query"
    start = time.monotonic()
    r = sgkg("push", "--out", out, "--endpoint", url, "--graph-store", f"http://127.0.0.1:{port}/store")
    elapsed = time.monotonic() - start
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip() == (f"sgkg: {url}: the store does not answer (connection refused) (is it running? "
                                "check the host and port of --endpoint; nothing was pushed)")
    assert elapsed < 10, f"took {elapsed:.1f} s"
    assert not (out / remote.STATE).exists()
    r = sgkg("push", "--out", out, "--endpoint", url, "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 2 and doc["ok"] is False and doc["exit_code"] == 2
    assert doc["problems"][0]["file"] == url and doc["problems"][0]["rule"] == "push-unreachable"


@pytest.mark.parametrize("status", [401, 403])
def test_a_store_that_refuses_the_credentials_gets_one_request(status, out, fake_store):
    server, query, store = fake_store(lambda method, path: status)
    r = sgkg("push", "--out", out, "--endpoint", query, "--graph-store", store, "--user", "someone")
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"sgkg: {query}: the store refused the credentials (HTTP {status}) (")
    assert len(r.stderr.strip().splitlines()) == 1
    assert server.log == [("POST", "/query")], "the push went on after the store refused the credentials"
    assert not (out / remote.STATE).exists()


def test_a_graph_store_that_refuses_the_credentials_stops_at_the_first_graph(out, fake_store):
    # the query endpoint is open for reading, writing needs credentials (Fuseki's usual set-up)
    server, query, store = fake_store(lambda method, path: 401 if method == "PUT" else 200)
    r = sgkg("push", "--out", out, "--endpoint", query, "--graph-store", store)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"sgkg: {store}: the store refused the credentials (HTTP 401) (set --user")
    assert "nothing was pushed" in r.stderr
    assert [m for m, _ in server.log].count("PUT") == 1
    assert not (out / remote.STATE).exists()


@pytest.mark.parametrize("option, url", [("--endpoint", "127.0.0.1:7878/query"), ("--endpoint", "not-a-url"),
                                         ("--graph-store", "ftp://127.0.0.1/store")])
def test_a_url_that_cannot_be_used_is_one_line(option, url, out):
    args = {"--endpoint": "http://127.0.0.1:7878/query", "--graph-store": "http://127.0.0.1:7878/store"}
    args[option] = url
    r = sgkg("push", "--out", out, *[x for kv in args.items() for x in kv])
    assert r.returncode == 2
    assert r.stderr.strip() == (f"sgkg: {url}: not an http(s) URL (give {option} as a full URL, for example "
                                "http://127.0.0.1:7878/query)")


def test_a_password_in_the_url_is_not_printed(out):
    url = f"http://someone:s3cret@127.0.0.1:{free_port()}/query"
    r = sgkg("push", "--out", out, "--endpoint", url)
    assert r.returncode == 2 and "s3cret" not in r.stdout + r.stderr and "someone:***@" in r.stderr


# -- during the push ---------------------------------------------------------------------------

def test_a_store_that_stops_answering_is_not_retried_graph_after_graph(out, fake_store):
    puts = []

    def answer(method, path):
        if method == "PUT":
            puts.append(path)
            if len(puts) == 2:  # the store goes away after two graphs
                server.go_away()
        return 204 if method == "PUT" else 200

    server, query, store = fake_store(answer)
    start = time.monotonic()
    report = remote.push(out, query, store, retries=2, preflight=True)
    elapsed = time.monotonic() - start
    assert elapsed < 20, f"took {elapsed:.1f} s"
    assert len(puts) == 2 and not report.ok
    failed = [g for g in report.graphs if g.status == "failed"]
    assert len(failed) == GRAPHS - 2
    assert failed[0].detail.startswith("the store stopped answering (ConnectionError:")
    assert all(g.detail.startswith("not sent: the store stopped answering") for g in failed[1:])
    assert json.loads((out / remote.STATE).read_text()) == {store: {}}


def test_transient_errors_are_still_retried(out, fake_store):
    seen = {}

    def answer(method, path):
        if method == "PUT":
            seen[path] = seen.get(path, 0) + 1
            return 503 if seen[path] == 1 else 204
        return 200

    server, query, store = fake_store(answer)
    report = remote.push(out, query, store, retries=2, preflight=True)
    assert len(seen) == GRAPHS and all(n == 2 for n in seen.values())
    assert all(g.status == "mismatch" and g.detail == f"0 triples in the store, {g.triples} sent"
               for g in report.graphs), "each graph was sent, once again after its 503"


# -- push-state.json ---------------------------------------------------------------------------

@pytest.mark.parametrize("content", ['{"http://x/store": {"https://w3id.org/sgkg/ontology": "ab', "[1, 2]\n",
                                     '{"http://x/store": ["a"]}', '{"http://x/store": {"g": 3}}', "\xff\xfe"])
def test_a_damaged_push_state_is_named_and_every_graph_is_pushed(content, out, oxigraph):
    (out / remote.STATE).write_bytes(content.encode("latin-1"))
    r = sgkg("push", "--out", out, "--endpoint", oxigraph["query"], "--graph-store", oxigraph["store"],
             "--changed-only")
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines()[0] == (f"sgkg: {out / remote.STATE}: not a push state (it is ignored: every "
                                        "graph is pushed)")
    assert r.stdout.count("\nok ") + r.stdout.startswith("ok ") == GRAPHS
    state = json.loads((out / remote.STATE).read_text())
    assert list(state) == [oxigraph["store"]] and len(state[oxigraph["store"]]) == GRAPHS


def test_changed_only_sends_again_what_the_store_no_longer_holds(out, oxigraph):
    args = ["push", "--out", out, "--endpoint", oxigraph["query"], "--graph-store", oxigraph["store"]]
    assert sgkg(*args).returncode == 0
    requests.post(oxigraph["update"], data={"update": "DROP ALL"}, timeout=10).raise_for_status()
    r = sgkg(*args, "--changed-only", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads(r.stdout)
    assert doc["ok"] and doc["by_status"] == {"ok": GRAPHS} and doc["exit_code"] == 0
    s = requests.Session()
    for line in sgkg(*args, "--changed-only").stdout.splitlines():
        status, triples, graph = line.split()[:3]
        assert status == "skipped" and remote.count_triples(s, oxigraph["query"], graph) == int(triples)


def test_changed_only_says_what_happened_to_a_graph_it_sent_again(out, oxigraph):
    args = ["push", "--out", out, "--endpoint", oxigraph["query"], "--graph-store", oxigraph["store"]]
    assert sgkg(*args).returncode == 0
    graph = "https://w3id.org/sgkg/ontology"
    requests.post(oxigraph["update"], data={"update": f"DROP GRAPH <{graph}>"}, timeout=10).raise_for_status()
    r = sgkg(*args, "--changed-only")
    assert r.returncode == 0, r.stderr
    line = next(line for line in r.stdout.splitlines() if f" {graph}  (" in line)
    assert line.split()[0] == "ok" and line.endswith(f"{graph}  (sent again: the store held 0 triples, not the "
                                                     f"{line.split()[1]} of the last push)")
    assert "mismatch" not in r.stdout
    assert r.stderr.strip().endswith(f"{GRAPHS} graphs: 1 pushed and checked, {GRAPHS - 1} unchanged, 0 failed")


def test_push_and_build_take_turns_on_one_build_folder(tmp_path):
    """A build started during a push would put back the push state it copied before the push wrote it:
    the build folder's lock is held by either, and the other says which holds it."""
    from kg_build.pipeline import builder as build_module
    from kg_build.pipeline import folder as buildfolder

    out = tmp_path / "build"
    assert build_module.build([Path(__file__).parent / "data" / "valid"], out, jobs=1).written
    with buildfolder.lock(out.resolve(), "push"):
        with pytest.raises(SgkgError, match="another push is writing"):
            build_module.build([Path(__file__).parent / "data" / "valid"], out, jobs=1)
    with buildfolder.lock(out.resolve()):
        with pytest.raises(SgkgError, match="another build is writing"):
            remote.push(out, "http://127.0.0.1:9/query", "http://127.0.0.1:9/store")
