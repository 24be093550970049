"""`sgkg serve` with real servers on free loopback ports: SERVICE is refused without contacting anyone,
a query past --timeout is killed and answered 503, a client that disconnects stops its query, SIGTERM
(and SIGKILL) leave no process behind, a busy port is one line and exit 2, writes are refused, and the
page, the protocol's forms and formats and a stored query work."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from loopback import Quiet, http_server

from kg_build import queries
from kg_build.publish import serve
from kg_build.store import open_store

ROOT = Path(__file__).resolve().parent.parent
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 {?a ?b ?c} GRAPH ?g2 {?d ?e ?f} GRAPH ?g3 {?h ?i ?j} }"
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
linux_only = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads processes from /proc")


# -- helpers ---------------------------------------------------------------------------------------

def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tasks:
            try:
                children = {int(c) for c in Path(f"/proc/{p}/task/{t}/children").read_text().split()}
            except OSError:
                continue
            todo += children - found
            found |= children
    return found


def alive(pid: int) -> bool:
    """Running, not gone or a zombie (a dead child its new parent has not reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers(pid: int) -> list[int]:
    return sorted(p for p in descendants(pid) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes())


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def listening(url: str) -> bool:
    u = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((u.hostname, u.port), timeout=1).close()
        return True
    except OSError:
        return False


def count(endpoint: str) -> int:
    r = requests.post(endpoint, data={"query": COUNT_QUADS}, timeout=10)
    r.raise_for_status()
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def server(data_build):
    with serve.start(data_build, workers=2) as s:
        yield s


@pytest.fixture
def listener():
    """A loopback HTTP server that records every request it receives."""

    class Record(Quiet):
        def _any(self):
            self.server.log.append(f"{self.command} {self.path}")
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_HEAD = do_PUT = _any

    with http_server(Record) as server:
        yield server.url, server.log


# -- D5: SERVICE --------------------------------------------------------------------------------

def test_service_is_refused_and_nothing_is_contacted(server, listener):
    url, seen = listener
    base = server.endpoint.rsplit("/", 1)[0]
    texts = [
        f"SELECT * WHERE {{ SERVICE <{url}/a> {{ ?s ?p ?o }} }}",
        f"select * where {{ ?x ?y ?z OPTIONAL {{ service silent <{url}/b> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER EXISTS {{ SERVICE <{url}/c> {{ ?s ?p ?o }} }} }}",
        f"PREFIX : <{url}/> SELECT * WHERE {{ SERVICE:d {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}/e> {{ ?s ?p ?o }} }} }} }}",
    ]
    for text in texts:
        for send in (lambda text=text: requests.get(server.endpoint, params={"query": text}, timeout=10),
                     lambda text=text: requests.post(base + "/sparql", data=text.encode(), timeout=10,
                                                     headers={"Content-Type": "application/sparql-query"})):
            r = send()
            assert r.status_code == 400, (text, r.status_code, r.text)
            assert r.headers["Content-Type"].startswith("text/plain") and "SERVICE is not allowed" in r.text
    assert seen == [], f"the server contacted the listener: {seen}"
    # the word alone (a string, a variable, a prefixed name) is not a SERVICE clause
    r = requests.post(server.endpoint, timeout=10, data={"query": 'PREFIX ex: <http://example.org/> SELECT ?service '
                                                         'WHERE { BIND("social services" AS ?service) } # service'})
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["service"]["value"] == "social services"


# -- D6: timeout and disconnect --------------------------------------------------------------------

@linux_only
def test_timeout_kills_the_query_and_answers_503(data_build):
    with serve.start(data_build, timeout=1, workers=1) as s:
        [busy] = workers(s.pid)
        started = time.monotonic()
        r = requests.post(s.endpoint, data={"query": CROSS_PRODUCT}, timeout=60)
        took = time.monotonic() - started
        assert r.status_code == 503 and r.headers["Content-Type"].startswith("text/plain"), (r.status_code, r.text)
        assert "took longer than 1 s" in r.text and "--timeout" in r.text
        assert took < 10, f"the answer took {took:.1f} s with --timeout 1"
        assert wait_for(lambda: not alive(busy), 5), "the worker that ran the query is still running"
        assert count(s.endpoint) > 0  # a new worker took its place
        assert busy not in workers(s.pid)


@linux_only
def test_a_client_that_disconnects_stops_its_query(data_build):
    with serve.start(data_build, timeout=60, workers=1) as s:
        [busy] = workers(s.pid)
        before = cpu_seconds(busy)
        u = urllib.parse.urlsplit(s.endpoint)
        body = urllib.parse.urlencode({"query": CROSS_PRODUCT}).encode()
        client = socket.create_connection((u.hostname, u.port))
        client.sendall(b"POST /query HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                       b"Content-Length: %d\r\n\r\n%s" % (u.hostname.encode(), u.port, len(body), body))
        assert wait_for(lambda: cpu_seconds(busy) > before + 0.3, 15), "the query did not start"
        client.close()
        assert wait_for(lambda: not alive(busy), 5), "the query kept running after its client left"
        assert count(s.endpoint) > 0


# -- D20 / B11: signals, ports ------------------------------------------------------------------

@linux_only
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_stopping_the_server_stops_every_process_it_started(data_build, sig):
    s = serve.start(data_build, workers=2)
    try:
        children = descendants(s.pid)
        assert len(workers(s.pid)) == 2 and listening(s.endpoint)
        os.kill(s.pid, sig)
        code = s.wait(timeout=15)
        assert code == (0 if sig == signal.SIGTERM else -signal.SIGKILL)
        assert not listening(s.endpoint), "something still listens on the port"
        assert wait_for(lambda: not any(alive(p) for p in children), 10), \
            f"left running: {[p for p in children if alive(p)]}"
    finally:
        s.stop()


def test_a_port_in_use_is_one_line_and_exit_2(data_build):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cmd = [sys.executable, "-m", "kg_build.cli", "serve", "--out", str(data_build), "--port", str(port)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert r.returncode == 2
        assert r.stderr == (f"sgkg: 127.0.0.1:{port}: address already in use (choose another --port, or stop the "
                            "server using it)\n")
        assert r.stdout == ""
        r = subprocess.run(cmd + ["--json"], capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and '"address already in use"' in r.stdout and "Traceback" not in r.stderr


def test_ipv6_addresses_are_written_in_brackets(data_build):
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
            port = s.getsockname()[1]
    except OSError:
        pytest.skip("no IPv6 loopback here")
    cmd = [sys.executable, "-m", "kg_build.cli", "serve", "--out", str(data_build), "--host", "::1", "--port",
           str(port), "--workers", "1"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        assert line.startswith(f"SPARQL endpoint http://[::1]:{port}/query "), line
        assert count(f"http://[::1]:{port}/query") > 0
    finally:
        proc.terminate()
        assert proc.wait(timeout=15) == 0


# -- read-only, protocol, page -------------------------------------------------------------------

def test_writes_are_refused_read_only(server):
    base = server.endpoint.rsplit("/", 1)[0]
    before = count(server.endpoint)
    insert = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }"
    nt = {"Content-Type": "application/n-triples"}
    attempts = [
        requests.post(base + "/update", data={"update": insert}, timeout=10),
        requests.post(base + "/update", data=insert, headers={"Content-Type": "application/sparql-update"}, timeout=10),
        requests.post(base + "/query", data=insert, headers={"Content-Type": "application/sparql-update"}, timeout=10),
        requests.post(base + "/sparql", data={"update": insert}, timeout=10),  # what the query page sends
        requests.post(base + "/query", data={"query": insert}, timeout=10),
        requests.get(base + "/query", params={"update": insert}, timeout=10),
        requests.put(base + "/store", params={"graph": "urn:x:g"}, data=b"<urn:x:a> <urn:x:b> <urn:x:c> .",
                     headers=nt, timeout=10),
        requests.post(base + "/store", params={"default": ""}, data=b"<urn:x:a> <urn:x:b> <urn:x:c> .",
                      headers=nt, timeout=10),
        requests.delete(base + "/store", params={"graph": "https://w3id.org/sgkg/ontology"}, timeout=10),
    ]
    for r in attempts:
        assert r.status_code == 403 and "read-only" in r.text, (r.request.method, r.url, r.status_code, r.text)
    assert count(server.endpoint) == before


def test_a_request_for_another_host_name_is_refused(server):
    port = urllib.parse.urlsplit(server.endpoint).port
    r = requests.get(server.endpoint, params={"query": "ASK {}"}, headers={"Host": f"attacker.example:{port}"},
                     timeout=10)
    assert r.status_code == 403
    assert requests.get(server.endpoint, params={"query": "ASK {}"}, headers={"Host": f"localhost:{port}"},
                        timeout=10).status_code == 200


def test_a_stored_query_gives_the_embedded_store_rows(server, data_build):
    q = queries.get("cases/list-reviews")
    far = queries.run_endpoint(q, server.endpoint)
    local = queries.run_local(q, open_store(data_build / "store"))
    assert far.variables == local.variables
    assert sorted(map(tuple, far.values()), key=str) == sorted(map(tuple, local.values()), key=str)
    assert len(local.rows) >= 6  # one row a review and outcome


def test_protocol_forms_and_formats(server):
    base = server.endpoint.rsplit("/", 1)[0]
    n = count(server.endpoint)
    select = "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 7"
    formats = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
               "application/sparql-results+xml": ox.QueryResultsFormat.XML,
               "text/csv": ox.QueryResultsFormat.CSV, "text/tab-separated-values": ox.QueryResultsFormat.TSV}
    for path in ("/query", "/sparql"):
        for media, fmt in formats.items():
            for r in (requests.get(base + path, params={"query": select}, headers={"Accept": media}, timeout=10),
                      requests.post(base + path, data={"query": select}, headers={"Accept": media}, timeout=10),
                      requests.post(base + path, data=select.encode(), timeout=10,
                                    headers={"Accept": media, "Content-Type": "application/sparql-query"})):
                assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == media, (path, media)
                if fmt == ox.QueryResultsFormat.CSV:  # lossy: pyoxigraph does not read it back
                    assert len(r.text.strip().splitlines()) == 1 + 7
                else:
                    assert len(list(ox.parse_query_results(r.content, fmt))) == 7
    r = requests.get(server.endpoint, params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }"}, timeout=10)
    assert r.json()["boolean"] is True
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = requests.get(server.endpoint, params={"query": construct}, headers={"Accept": "*/*"}, timeout=10)
    assert r.headers["Content-Type"] == "application/n-triples"
    assert len(list(ox.parse(r.content, ox.RdfFormat.N_TRIPLES))) <= n
    r = requests.get(server.endpoint, params={"query": construct + " LIMIT 3"},
                     headers={"Accept": "text/turtle,*/*;q=0.9"}, timeout=10)
    assert r.headers["Content-Type"] == "text/turtle" and len(list(ox.parse(r.content, ox.RdfFormat.TURTLE))) == 3
    r = requests.get(server.endpoint, params={"query": select}, headers={"Accept": "image/png"}, timeout=10)
    assert r.status_code == 406
    r = requests.get(server.endpoint, params={"query": "SELEC"}, timeout=10)
    assert r.status_code == 400 and "not valid SPARQL" in r.text
    # Graph Store reads
    graph = "https://w3id.org/sgkg/ontology"
    r = requests.get(base + "/store", params={"graph": graph}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/n-triples"
    in_graph = requests.post(server.endpoint, timeout=10, data={
        "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"}).json()
    assert len(list(ox.parse(r.content, ox.RdfFormat.N_TRIPLES))) == int(
        in_graph["results"]["bindings"][0]["n"]["value"])
    assert requests.get(base + "/store", params={"graph": "urn:x:none"}, timeout=10).status_code == 404


def test_the_query_page_and_its_files_load(server):
    page = requests.get(server.page, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Yasgui" in page.text and "/sparql" in page.text
    for path in ("yasgui.min.js", "yasgui.min.css", "logo.svg"):
        assert path in page.text
        r = requests.get(server.page + path, timeout=10)
        assert r.status_code == 200 and len(r.content) > 1000, path
    assert "javascript" in requests.head(server.page + "yasgui.min.js", timeout=10).headers["Content-Type"]
    # what the page sends for a SELECT
    r = requests.post(server.page + "sparql", data={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 10"},
                      headers={"Accept": "application/sparql-results+json,*/*;q=0.9"}, timeout=10)
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 10
