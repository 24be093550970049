"""`sgkg validate` on input from elsewhere: parsed strictly, nothing fetched or read beyond the files
named, no hang and no traceback, every problem located and reported together, and exit 2 for input
that cannot be used (1 only for data that does not conform)."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from loopback import Quiet, http_server
from rdflib import XSD, Dataset, Graph, Literal
from rdflib.compare import isomorphic

from kg_build.annotations import reader as annotation
from kg_build.annotations import yamlsource
from kg_build.model import rdfio
from kg_build.problems import InputError, Problem
from kg_build.validation import files as checking

DATA = Path(__file__).parent / "data"
GOOD = DATA / "valid" / "minimal-review.yaml"
NONCONFORMING = DATA / "invalid" / "shacl-evidence-required.yaml"  # loads, but breaks a shape
SGKG = Path(sys.executable).with_name("sgkg")
EX = "http://example.org/"


def validate(*paths, timeout: float = 60) -> tuple[int, dict]:
    """`sgkg validate --json PATH...`: the exit code and the JSON document. A hang fails the test."""
    r = subprocess.run([str(SGKG), "validate", "--json", *map(str, paths)], capture_output=True, text=True,
                       timeout=timeout)
    assert r.stdout, r.stderr  # --json: one document in every outcome, never a traceback
    return r.returncode, json.loads(r.stdout)


def only(doc: dict, rule: str) -> dict:
    found = [p for p in doc["problems"] if p["rule"] == rule]
    assert len(found) == 1, doc["problems"]
    return found[0]


# --- D17 / B7: a syntax error keeps its reason and its line and column ---------------------------

@pytest.mark.parametrize("blank_lines", [0, 496])
def test_turtle_syntax_error_is_located_with_its_reason(tmp_path, blank_lines):
    f = tmp_path / "b01.ttl"
    f.write_text(f"@prefix ex: <{EX}> .\n" + "\n" * (2 + blank_lines) + 'ex:a ex:b "x\ny" .\n')
    code, doc = validate(f)
    assert code == 2
    p = only(doc, "rdf-syntax")
    assert (p["file"], p["line"], p["column"]) == (str(f), 4 + blank_lines, 13)
    assert p["message"] == "cannot parse as Turtle: Line jumps are not allowed in string literals, use \\n"
    assert "validator" not in p["hint"]  # sgkg is the validator
    r = subprocess.run([str(SGKG), "validate", str(f)], capture_output=True, text=True, timeout=60)
    assert f"{f}:{4 + blank_lines}:13: error: cannot parse as Turtle: Line jumps" in r.stderr


# --- D14: a malformed IRI in N-Quads is a located syntax error, not a crash in the SHACL engine -------

def test_nquads_with_a_malformed_iri_is_a_located_problem(tmp_path):
    f = tmp_path / "b06b.nq"
    f.write_text(f"<{EX}a> <{EX}p> <{EX}o> <{EX}g> .\n"
                 f"<{EX}a> <{EX}p> <not an iri> <{EX}g> .\n")
    code, doc = validate(f)
    assert code == 2
    p = only(doc, "rdf-syntax")
    assert (p["line"], p["column"]) == (2, 47)
    assert p["message"] == "cannot parse as N-Quads: Invalid IRI code point ' '"


# --- D13 / B05: a long literal in N-Triples is parsed in linear time -------------------------------

def test_long_literal_in_ntriples_does_not_take_quadratic_time(tmp_path):
    f = tmp_path / "b05.nt"
    f.write_text(f'<{EX}a> <{EX}b> "' + "x" * (yamlsource.MAX_FILE_BYTES - 100) + '" .\n')
    code, doc = validate(f, timeout=20)  # rdflib's N-Triples parser took 26 s for this file, pyoxigraph 3 ms
    assert code == 0 and doc["problems"] == []


# --- D4: JSON-LD contexts are never fetched, nor read from files -----------------------------------

@pytest.fixture
def listener():
    """A loopback HTTP server logging every request; it serves a valid JSON-LD context."""

    class Handler(Quiet):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            self.server.log.append(self.path)
            body = json.dumps({"@context": {"name": f"{EX}name"}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with http_server(Handler) as server:
        yield server.url, server.log


def test_jsonld_remote_and_file_contexts_are_neither_fetched_nor_read(tmp_path, listener):
    base, requests = listener
    local = tmp_path / "ctx.jsonld"  # a context that would parse, if it were read
    local.write_text(json.dumps({"@context": {"name": f"{EX}name"}}))
    cases = {
        "remote.jsonld": (f'{{"@context": "{base}/ctx.jsonld", "@id": "{EX}a", "name": "x"}}', 1, 2),
        "local.jsonld": (f'{{\n  "@id": "{EX}a",\n  "@context": "{local.as_uri()}", "name": "x"}}', 3, 3),
        "in-a-list.jsonld": (f'{{"@context": [{{"a": "{EX}a"}},\n "{base}/list.jsonld"], '
                             f'"@id": "{EX}a", "a": "x"}}', 1, 2),
        "nested.jsonld": (f'{{"@context": {{"p": "{EX}p"}}, "@id": "{EX}a",\n "p": {{"@context": "{base}/n.jsonld", '
                          f'"@id": "{EX}b"}}}}', 2, 8),
        "import.jsonld": (f'{{"@context": {{"@version": 1.1, "@import": "{base}/imp.jsonld"}}, '
                          f'"@id": "{EX}a"}}', 1, 32),
    }
    for name, (text, line, column) in cases.items():
        (tmp_path / name).write_text(text)
        code, doc = validate(tmp_path / name)
        assert code == 2, (name, doc)
        p = only(doc, "jsonld-remote-context")
        assert p["message"] == "remote JSON-LD contexts are not loaded: inline the context"
        assert (p["line"], p["column"]) == (line, column), name
    assert requests == []  # rdflib fetched the remote context (and read the local file)


def test_jsonld_with_an_inline_context_is_validated(tmp_path):
    f = tmp_path / "inline.jsonld"
    f.write_text(json.dumps({"@context": {"sg": "https://w3id.org/sgkg/ontology#", "@vocab": EX},
                             "@id": "https://w3id.org/sgkg/id/review/x/agency/gp", "@type": "sg:Agency"}))
    code, doc = validate(f)
    assert code == 1 and any("agency-type vocabulary" in p["message"] for p in doc["problems"])


def test_rdf_file_without_statements_is_a_warning(tmp_path):
    f = tmp_path / "empty.ttl"
    f.write_text(f"@prefix ex: <{EX}> .\n")
    code, doc = validate(f)
    assert code == 0 and only(doc, "rdf-empty")["severity"] == "warning"


# --- D13 / B02c: RDF/XML may not declare a DOCTYPE or entities --------------------------------------

RDF_XML = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
           '<rdf:Description rdf:about="http://example.org/a"><ex:p>{value}</ex:p></rdf:Description></rdf:RDF>\n')


def test_rdfxml_entity_bomb_and_doctypes_are_refused(tmp_path):
    entities = '<!ENTITY lol0 "lol">\n' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    cases = {  # name: (text, line of the declaration)
        "bomb.rdf": ('<?xml version="1.0"?>\n<!DOCTYPE r [\n' + entities + "]>\n" + RDF_XML.format(value="&lol9;"), 2),
        "lower.rdf": ('<?xml version="1.0"?>\n<!-- a comment -->\n<!doctype r [<!ENTITY a "b">]>\n'
                      + RDF_XML.format(value="&a;"), 3),
        "external.owl": (f'<!DOCTYPE r SYSTEM "{(tmp_path / "x.dtd").as_uri()}">\n' + RDF_XML.format(value="v"), 1),
    }
    for name, (text, line) in cases.items():
        (tmp_path / name).write_text(text)
        code, doc = validate(tmp_path / name, timeout=30)  # the bomb hung rdflib (and hangs pyoxigraph) for minutes
        assert code == 2, (name, doc)
        p = only(doc, "rdf-xml-dtd")
        assert (p["line"], p["column"]) == (line, 1), name
    plain = tmp_path / "plain.rdf"
    plain.write_text('<?xml version="1.0"?>\n' + RDF_XML.format(value="v"))
    assert validate(plain)[0] == 0


# --- D13: RDF input has the YAML size limit -------------------------------------------------------

def test_rdf_over_the_size_limit_is_refused_with_what_to_do(tmp_path):
    f = tmp_path / "big.nt"
    line = f"<{EX}a> <{EX}p> <{EX}o> .\n"
    f.write_text(line * (yamlsource.MAX_FILE_BYTES // len(line) + 1))
    size = f.stat().st_size
    code, doc = validate(f)
    assert code == 2
    p = only(doc, "file-size")
    assert p["file"] == str(f) and f"{size:,} bytes" in p["message"]
    assert f"{yamlsource.MAX_FILE_BYTES:,}" in p["message"] and "split" in p["hint"]


# --- D13 / A30: FIFOs and other special files are skipped, never opened ----------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_special_files_are_skipped_with_a_warning_and_do_not_hang(tmp_path):
    folder = tmp_path / "reviews"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.yaml")
    for name in ("pipe.yaml", "pipe.ttl"):
        os.mkfifo(folder / name)
    os.mkfifo(tmp_path / "named.nq")
    code, doc = validate(folder, tmp_path / "named.nq", timeout=30)
    assert code == 0, doc
    assert doc["files"] == [str(folder / "good.yaml")]
    skipped = {p["file"]: p for p in doc["problems"] if p["rule"] == "not-a-file"}
    assert set(skipped) == {str(folder / "pipe.yaml"), str(folder / "pipe.ttl"), str(tmp_path / "named.nq")}
    assert all(p["severity"] == "warning" and "named pipe" in p["message"] for p in skipped.values())
    # nothing but a FIFO: nothing to validate, which is unusable input
    code, doc = validate(tmp_path / "named.nq", timeout=30)
    assert code == 2 and {p["rule"] for p in doc["problems"]} == {"not-a-file", "path"}
    # called on its own, the RDF reader refuses it without opening it for a blocking read
    with pytest.raises(InputError, match="named pipe"):
        checking.validate_rdf_file(tmp_path / "named.nq")


# --- D11 / A26, A27: link loops, dangling links and unreadable files are located problems -------------

def test_symlink_loops_and_dangling_links_are_located_problems(tmp_path):
    folder = tmp_path / "reviews"
    folder.mkdir()
    shutil.copy(GOOD, folder / "good.yaml")
    (folder / "a.yaml").symlink_to("b.yaml")
    (folder / "b.yaml").symlink_to("a.yaml")
    (folder / "gone.ttl").symlink_to("nothing.ttl")
    (folder / "loopdir").symlink_to(".")  # a folder loop is not followed
    code, doc = validate(folder, tmp_path / "reviews" / "a.yaml")
    assert code == 2
    assert doc["files"] == [str(folder / "good.yaml")]
    by_file = {p["file"]: p for p in doc["problems"]}
    assert set(by_file) == {str(folder / "a.yaml"), str(folder / "b.yaml"), str(folder / "gone.ttl")}
    assert "symbolic link" in by_file[str(folder / "a.yaml")]["hint"]
    assert "leads to nothing" in by_file[str(folder / "gone.ttl")]["message"]


def _deny(monkeypatch, target: Path) -> None:
    """Make `target` unreadable for this process, as chmod 000 does for a user without root's override."""
    real_open, real_read_bytes = os.open, Path.read_bytes

    def denied(path):
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def fake_open(path, *args, **kwargs):
        if os.fspath(path) == str(target):
            raise denied(path)
        return real_open(path, *args, **kwargs)

    def fake_read_bytes(self):
        if str(self) == str(target):
            raise denied(self)
        return real_read_bytes(self)

    monkeypatch.setattr(os, "open", fake_open)
    monkeypatch.setattr(Path, "read_bytes", fake_read_bytes)


@pytest.mark.parametrize("name", ["locked.yaml", "locked.ttl"])
def test_unreadable_file_is_a_located_problem(tmp_path, monkeypatch, name):
    f = tmp_path / name
    f.write_text(GOOD.read_text() if name.endswith(".yaml") else f"<{EX}a> <{EX}p> <{EX}o> .\n")
    if os.geteuid() != 0:  # root reads a chmod 000 file: then simulate the refusal
        f.chmod(0)
    else:
        _deny(monkeypatch, f)
    try:
        run = checking.validate_paths([f, GOOD])
    finally:
        f.chmod(0o644)
    assert set(run.files) == {str(GOOD), str(f)}
    assert [(p.file, p.message) for p in run.unusable] == [(str(f), "Permission denied")]
    assert "permissions" in run.unusable[0].hint


# --- D15 / B6: exit 2 for unusable input, 1 only for data that does not conform ---------------------

def test_exit_codes_tell_unusable_input_from_nonconforming_data(tmp_path):
    bad_ttl = tmp_path / "broken.ttl"
    bad_ttl.write_text(f"<{EX}a> <{EX}b> .")
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    for unusable in (DATA / "invalid" / "yaml-syntax-unclosed-bracket.yaml", DATA / "invalid" / "yaml-encoding.yaml",
                     DATA / "invalid" / "empty-file.yaml", DATA / "invalid" / "yaml-size-alias-bomb.yaml",
                     DATA / "invalid" / "unknown-key.yaml", bad_ttl, other, tmp_path / "missing.yaml"):
        code, doc = validate(unusable)
        assert code == 2 and doc["exit_code"] == 2 and not doc["ok"], (unusable, doc)
    assert validate(NONCONFORMING)[0] == 1
    assert validate(GOOD)[0] == 0
    r = subprocess.run([str(SGKG), "validate", str(DATA / "invalid" / "yaml-encoding.yaml")], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "not UTF-8" in r.stderr


def test_validate_marks_unusable_exactly_the_files_build_cannot_load():
    for f in sorted((DATA / "invalid").glob("*.yaml")):
        try:
            annotation.load_review(f)
            loads = True
        except InputError:
            loads = False
        run = checking.validate_paths([f])
        assert bool(run.unusable) == (not loads), f.name
        assert set(run.unusable) <= set(run.problems)


# --- D16: every problem of a run is reported together ----------------------------------------------

def test_missing_paths_are_all_named_and_the_good_file_is_still_validated(tmp_path):
    code, doc = validate(tmp_path / "missing1", NONCONFORMING, tmp_path / "missing2.yaml")
    assert code == 2
    assert doc["files"] == [str(NONCONFORMING)]
    missing = [p["file"] for p in doc["problems"] if p["rule"] == "path"]
    assert missing == [str(tmp_path / "missing1"), str(tmp_path / "missing2.yaml")]
    assert any(p["file"] == str(NONCONFORMING) and p["line"] == 27 for p in doc["problems"])  # its shape problem


def test_unusable_and_nonconforming_files_are_reported_together(tmp_path):
    broken = tmp_path / "broken.nq"
    broken.write_text(f"<{EX}a> <{EX}p> <not an iri> .\n")
    code, doc = validate(broken, NONCONFORMING, DATA / "invalid" / "yaml-syntax-indentation.yaml")
    assert code == 2
    assert {p["file"] for p in doc["problems"] if p["severity"] == "error"} == {
        str(broken), str(NONCONFORMING), str(DATA / "invalid" / "yaml-syntax-indentation.yaml")}


# --- D15 / A24, A25: review ids used by two files --------------------------------------------------

def test_two_files_with_one_review_id_are_reported_as_build_reports_them(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(GOOD, tmp_path / name)
    code, doc = validate(tmp_path)
    assert code == 2
    p = only(doc, "duplicate-review-id")
    assert p["file"] == str(tmp_path / "b.yaml") and (p["line"], p["column"]) == (5, 7)
    assert p["message"] == f"review id 'testshire-2021-baby-b' is also used by {tmp_path / 'a.yaml'}"
    assert p["hint"] == "each review has its own id; reviews of one case share review.case instead"
    assert checking.duplicate_review_ids([("x.yaml", "r1"), ("y.yaml", "r2"), ("z.yaml", "r1"), ("w.yaml", "")]) \
        == [Problem("z.yaml", 0, 0, "review id 'r1' is also used by x.yaml", p["hint"],
                             rule="duplicate-review-id")]


# --- the parser change keeps the RDF as rdflib read it ---------------------------------------------

def test_pyoxigraph_parse_gives_the_graphs_rdflib_gives(tmp_path):
    trig = f"""@prefix ex: <{EX}> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:s "plain" ; ex:t "typed"^^xsd:string ; ex:l "tagged"@en-GB ; ex:i 7 ; ex:d "2021-03"^^xsd:gYearMonth ;
     ex:b [ ex:c "blank" ] ; ex:x "not a number"^^xsd:integer .
ex:g {{ ex:a ex:p ex:o , "é\\u00e9" . }}
"""
    graphs = rdfio.rdflib_graphs(ox.parse(trig, ox.RdfFormat.TRIG))
    ds = Dataset().parse(data=trig, format="trig")
    expected = {str(g.identifier): g for g in ds.graphs() if len(g)}
    assert set(graphs) == {"", f"<{EX}g>"}

    def rdf11(t):  # the same RDF 1.1 term: "x"^^xsd:string is "x", and language tags ignore case
        if isinstance(t, Literal) and (t.language or t.datatype == XSD.string):
            return Literal(str(t), lang=t.language.lower() if t.language else None)
        return t

    for name, g in graphs.items():
        ref = Graph()
        for s, p, o in expected[name.strip("<>") if name else "urn:x-rdflib:default"]:
            ref.add((s, p, rdf11(o)))
        assert isomorphic(g, ref), name


def test_rdf_1_2_terms_are_refused_not_crashed_on(tmp_path):
    f = tmp_path / "star.ttl"
    f.write_text(f"<{EX}a> <{EX}b> <<( <{EX}a> <{EX}b> <{EX}c> )>> .\n")
    code, doc = validate(f)
    assert code == 2 and only(doc, "rdf-unsupported")["file"] == str(f)
