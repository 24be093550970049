"""`sgkg query` is read-only, bounded in time, and fails in one line: SERVICE and updates are refused
before anything runs (locally and with --endpoint), a local query is stopped at --timeout, endpoint
failures name the URL, and parameters are exact (dates, repeated -p, the short IRIs the table prints)."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from loopback import Quiet, http_server
from query_expectations import load

from kg_build import cli, queries
from kg_build.model import iris
from kg_build.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SGKG = Path(sys.executable).with_name("sgkg")
FOREVER = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 {?a ?b ?c} GRAPH ?g2 {?d ?e ?f} GRAPH ?g3 {?h ?i ?j} }\n")
REVIEW = iris.ID + "review/east-berkshire-scr-callum-wilson"


class _Handler(Quiet):
    """Logs every request; the path picks the answer: /401, /404, /400, /500, /503 answer that status,
    /slow waits 5 s, /trunc sends cut-off JSON, /html a web page, anything else an empty result."""

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.log.append((self.command, self.path, self.headers.get("Authorization")))
        self.rfile.read(length)
        what = self.path.strip("/").split("?")[0]
        if what == "slow":
            time.sleep(5)
        status = int(what) if what.isdigit() else 200
        body, kind = {
            "400": (b"error at 2:1: expected OPTIONAL", "text/plain"),
            "404": (b"POST / is not supported by this server", "text/plain"),
            "trunc": (b'{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation has been cancelled',
                      "application/sparql-results+json"),
            "html": (b"<html><body>a web page</body></html>", "text/html"),
        }.get(what, (b'{"head":{"vars":[]},"results":{"bindings":[]}}', "application/sparql-results+json"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_HEAD = _answer


@pytest.fixture
def listener():
    """A loopback HTTP server that logs every request it gets."""
    with http_server(_Handler) as server:
        yield server


def _url(server, path="/sparql") -> str:
    return server.url + path


def _main(capsys, *args):
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


# -- SERVICE and updates -----------------------------------------------------------------------

SERVICE_QUERIES = {
    "plain": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} LIMIT 1",
    "silent-in-optional": "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?p ?x }} }} }} LIMIT 1",
    "lower-case-in-subquery": "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ service <{url}> {{ ?s ?p ?o }} }} }} }}",
    "in-filter-exists": "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
    "unicode-escape": "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "with-prefix": "PREFIX e: <{base}> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
}


@pytest.mark.parametrize("case", sorted(SERVICE_QUERIES))
def test_service_is_refused_before_any_request_locally_and_with_endpoint(case, data_build, listener, tmp_path,
                                                                       capsys):
    rq = tmp_path / f"{case}.rq"
    rq.write_text(SERVICE_QUERIES[case].format(url=_url(listener), base=_url(listener, "/")) + "\n")
    code, out, err = _main(capsys, "query", rq, "--out", data_build, "--timeout", 20)
    assert code == 2, (out, err)
    assert err.strip() == (f"sgkg: {rq}: SERVICE is not allowed: sgkg query runs queries on this knowledge "
                           "graph only (remove the SERVICE clause: a query must not make the store contact "
                           "other servers)")
    code, out, err = _main(capsys, "query", rq, "--endpoint", _url(listener, "/query"), "--timeout", 5)
    assert code == 2 and "SERVICE is not allowed" in err, (out, err)
    time.sleep(0.2)
    assert listener.log == [], "a query with SERVICE made a request"


def test_the_word_service_in_a_comment_string_or_iri_is_not_refused(data_build, tmp_path, capsys):
    rq = tmp_path / "words.rq"
    rq.write_text("# a SERVICE clause would be refused; children's services are not\n"
                  "SELECT ?s ?label WHERE { GRAPH ?g { ?s ?p ?o } BIND(\"SERVICE <http://x/>\" AS ?label) "
                  "FILTER(?p != <http://example.org/SERVICE>) } LIMIT 2\n")
    code, out, err = _main(capsys, "query", rq, "--out", data_build, "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "s,label" and len(out.splitlines()) == 3


UPDATES = ["INSERT DATA { <urn:a> <urn:b> <urn:c> }", "LOAD <{url}>", "DELETE WHERE { ?s ?p ?o }",
           "CLEAR ALL", "DROP GRAPH <urn:g>", "PREFIX e: <urn:e:> INSERT { ?s e:p 1 } WHERE { ?s ?p ?o }"]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_as_updates(update, data_build, listener, tmp_path, capsys):
    rq = tmp_path / "update.rq"
    rq.write_text(update.replace("{url}", _url(listener, "/data.ttl")) + "\n")
    for where in (["--out", data_build], ["--endpoint", _url(listener, "/query")]):
        code, out, err = _main(capsys, "query", rq, *where)
        assert code == 2, (where, out, err)
        assert err.strip().startswith(f"sgkg: {rq}: updates are not allowed: sgkg query runs read-only queries ("), err
    assert listener.log == []


# -- the local deadline ------------------------------------------------------------------------

def _processes_in_session(sid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":  # session id; zombies are already gone
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc to find leftover processes")
def test_a_local_query_is_stopped_at_the_timeout_and_leaves_no_process(data_build, tmp_path):
    rq = tmp_path / "forever.rq"
    rq.write_text(FOREVER)
    start = time.monotonic()
    proc = subprocess.Popen([str(SGKG), "query", str(rq), "--out", str(data_build), "--timeout", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            cwd=tmp_path)
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None or _processes_in_session(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    elapsed = time.monotonic() - start
    assert proc.returncode == 2, (out, err)
    assert err.strip() == ("sgkg: forever.rq: the query took longer than 1 s and was stopped (add LIMIT, "
                           "narrow it, or raise --timeout)")
    assert elapsed < 10, f"took {elapsed:.1f} s"
    time.sleep(0.2)
    assert _processes_in_session(proc.pid) == [], "the query's process outlived sgkg"


def test_the_deadline_in_the_library_kills_its_child(data_build, tmp_path):
    q = queries.adhoc(_write(tmp_path / "forever.rq", FOREVER))
    start = time.monotonic()
    with pytest.raises(queries.QueryError, match=r"took longer than 0.5 s and was stopped") as info:
        queries.run_local_with_deadline(q, data_build / "store", timeout=0.5)
    assert info.value.exit_code == 2 and time.monotonic() - start < 10
    assert multiprocessing.active_children() == []
    mine = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == os.getpid()]
    assert mine == []


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_the_timeout_json_outcome(data_build, tmp_path, capsys):
    rq = _write(tmp_path / "forever.rq", FOREVER)
    code, out, err = _main(capsys, "query", rq, "--out", data_build, "--timeout", "0.5", "--json")
    assert code == 2
    doc = json.loads(out)
    assert doc["ok"] is False and doc["exit_code"] == 2 and doc["problems"][0]["rule"] == "query-timeout"


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "inf", "nan"])
def test_the_timeout_must_be_a_positive_number(bad, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["query", "run", "list-reviews", "--timeout", bad])
    assert info.value.code == 2
    assert "positive number of seconds" in capsys.readouterr().err


def test_the_child_process_gives_the_same_answers_as_the_store_in_process(data_build):
    store = open_store(data_build / "store")
    for q in queries.catalogue().values():
        for case in load("data", q.name) or [{"params": {}}]:
            here = queries.run_local(q, store, case["params"])
            there = queries.run_local_with_deadline(q, data_build / "store", case["params"], timeout=60)
            assert there.variables == here.variables, q.name
            assert [[str(t) for t in row] for row in there.rows] == [[str(t) for t in row] for row in here.rows], q.name


def test_no_store_is_one_line(tmp_path, capsys):
    code, out, err = _main(capsys, "query", "run", "list-reviews", "--out", tmp_path / "none")
    assert code == 2 and err.strip().endswith("no store here (run `sgkg build` first)")


# -- endpoint failures -------------------------------------------------------------------------

def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ENDPOINT_FAILURES = {
    "refused": (None, "connection refused"),
    "401": ("/401", "the endpoint asks for credentials (HTTP 401)"),
    "404": ("/404", "no SPARQL endpoint at this URL (HTTP 404: POST / is not supported by this server)"),
    "400": ("/400", "the endpoint refused the query (HTTP 400: error at 2:1: expected OPTIONAL)"),
    "500": ("/500", "the endpoint failed on the query (HTTP 500"),
    "503": ("/503", "the endpoint answered HTTP 503"),
    "slow": ("/slow", "the endpoint did not answer within 1 s (add LIMIT, narrow the query, or raise --timeout)"),
    "truncated": ("/trunc", "the endpoint's answer is not SPARQL JSON results"),
    "web-page": ("/html", "the endpoint's answer is not SPARQL JSON results"),
}


@pytest.mark.parametrize("case", sorted(ENDPOINT_FAILURES))
def test_endpoint_failures_are_one_line_naming_the_url(case, listener, capsys):
    path, what = ENDPOINT_FAILURES[case]
    url = _url(listener, path) if path else f"http://127.0.0.1:{_closed_port()}/query"
    code, out, err = _main(capsys, "query", "run", "list-reviews", "--endpoint", url, "--timeout", 1)
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith(f"sgkg: {url}: {what}"), err
    assert err.rstrip().endswith(")"), "a hint says what to do"
    code, out, err = _main(capsys, "query", "run", "list-reviews", "--endpoint", url, "--timeout", 1, "--json")
    doc = json.loads(out)
    assert code == 2 and doc["exit_code"] == 2 and doc["problems"][0]["file"] == url


@pytest.mark.parametrize("url", ["not-a-url", "ftp://127.0.0.1/query", "127.0.0.1:7878/query", "http:///query"])
def test_an_endpoint_that_is_not_a_url_is_one_line(url, capsys):
    code, out, err = _main(capsys, "query", "run", "list-reviews", "--endpoint", url)
    assert code == 2
    assert err.strip() == (f"sgkg: {url}: not an http(s) URL (give --endpoint as a full URL, for example "
                           "http://127.0.0.1:7878/query)")


def test_credentials_in_the_endpoint_url_are_sent_and_never_printed(listener, capsys):
    url = _url(listener, "/401").replace("http://", "http://reader:s3cret@")
    code, out, err = _main(capsys, "query", "run", "list-reviews", "--endpoint", url)
    assert code == 2 and "s3cret" not in err + out
    assert "reader:***@" in err and "refused the credentials (HTTP 401)" in err
    import base64

    assert listener.log and listener.log[0][2] == "Basic " + base64.b64encode(b"reader:s3cret").decode()


# -- parameters --------------------------------------------------------------------------------

PARAMS = """#+ summary: echo parameters
#+ description: returns its parameters
#+ row: the parameters
#+ params:
#+   - {name: d, type: date}
#+   - {name: u, type: iri}
SELECT ?d ?u WHERE { }
"""


@pytest.fixture
def echo(tmp_path):
    return queries.adhoc(_write(tmp_path / "echo.rq", PARAMS))


@pytest.mark.parametrize("bad", ["20200101", "2020-W01-1", "2020-1-1", "2020-01-01T00:00", "2013-02-30", "+2020-01-01"])
def test_a_date_parameter_is_yyyy_mm_dd_only(bad, echo):
    with pytest.raises(queries.QueryError, match=r"is not a date \(YYYY-MM-DD\)"):
        queries.bind(echo, {"d": bad})
    assert str(queries.bind(echo, {"d": "2020-01-01"})["d"]) == '"2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>'


def test_a_parameter_given_twice_is_an_error(capsys):
    with pytest.raises(queries.QueryError, match="given twice"):
        queries.parse_param_args(["review=a", "review=b"])
    code, out, err = _main(capsys, "query", "run", "get-chronology", "-p", f"review={REVIEW}", "-p",
                           "review=urn:x")
    assert code == 2 and "--param review is given twice" in err


@pytest.mark.parametrize("short, full", [
    ("review:east-berkshire-scr-callum-wilson", REVIEW),
    ("review:x/event/e1", iris.ID + "review/x/event/e1"),
    ("id:local-authority/E08000024", iris.ID + "local-authority/E08000024"),
    ("vocab:outcome-type/serious-harm", iris.VOCAB + "outcome-type/serious-harm"),
    ("sg:Review", iris.ONTOLOGY + "Review"),
    ("urn:x", "urn:x"),
    ("https://example.org/x", "https://example.org/x"),
])
def test_iri_parameters_take_the_short_forms_the_table_prints(short, full, echo):
    assert queries.bind(echo, {"u": short})["u"].value == full


@pytest.mark.parametrize("bad, hint", [("skos:Concept", "not an IRI that sgkg knows"),
                                       ("rdf:type", "not an IRI that sgkg knows"),
                                       ("east-berkshire-scr-callum-wilson", "for a review, write review:")])
def test_iri_parameters_refuse_what_would_match_nothing(bad, hint, echo):
    with pytest.raises(queries.QueryError, match=hint):
        queries.bind(echo, {"u": bad})


def test_the_short_review_iri_gives_the_rows_of_the_full_one(data_build, tmp_path, capsys):
    rq = _write(tmp_path / "triples.rq", "#+ summary: triples of one review\n#+ description: counts them\n"
                "#+ row: one review\n#+ params:\n#+   - {name: review, type: iri, required: true}\n"
                "SELECT ?review (COUNT(*) AS ?n) WHERE { GRAPH ?review { ?s ?p ?o } } GROUP BY ?review\n")
    review = queries.run_local(queries.get("cases/list-reviews"), open_store(data_build / "store")).rows[0][0].value
    args = ["query", rq, "--out", data_build, "--format", "csv"]
    code, full, err = _main(capsys, *args, "-p", f"review={review}")
    assert code == 0, err
    code, short, err = _main(capsys, *args, "-p", "review=review:" + review.rsplit("/", 1)[1])
    assert code == 0, err
    assert short == full and full.splitlines()[1].startswith(review + ",")


def test_every_short_form_in_a_table_reads_back_as_its_iri(data_build):
    import pyoxigraph as ox

    result = queries.run_local(queries.get("cases/list-reviews"), open_store(data_build / "store"))
    iris_seen = [t for row in result.rows for t in row if isinstance(t, ox.NamedNode)]
    assert iris_seen
    for t in iris_seen:
        assert queries.expand_iri("x", queries.short_form(t)) == t.value
