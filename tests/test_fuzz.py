"""Property-based fuzzing of `sgkg validate` and `sgkg build` with mutated inputs (Hypothesis).

Valid annotation files and valid RDF files are mutated (truncation, byte flips, deleted and
duplicated lines, keys and values swapped, values of another type, deep nesting, huge values, stray
text, remote JSON-LD contexts) and each mutant is checked against the CLI's promises:
- no traceback and no internal error: the exit code is 0, 1 or 2;
- `--json` prints one JSON document; a failure names the file, and the line where the input has
  lines (problems that concern a whole file, such as its encoding or size, have none);
- a failed build leaves the previous build byte-identical; the sources are never changed.

The runs are derandomized so CI sees the same examples every time; set SGKG_FUZZ_EXAMPLES to run
more (a few thousand find more than the default, in minutes rather than seconds).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg_build import cli
from kg_build.pipeline import builder as build

DATA = Path(__file__).parent / "data" / "valid"
ROOT = Path(__file__).parent.parent
SCALE = int(os.environ.get("SGKG_FUZZ_EXAMPLES", "0")) or None
FUZZ = settings(max_examples=SCALE or 250, deadline=None, derandomize=SCALE is None, database=None,
                suppress_health_check=list(HealthCheck))

# problems that concern a whole file: no line to name
FILE_LEVEL = {"yaml-encoding", "empty-file", "file-size", "path", "not-a-file", "os-error"}

ODD_VALUES = [b"[]", b"{}", b"~", b"", b"123", b"-1", b"6.5", b"true", b"yes", b"on", b"null", b'"null"',
              b"2099-13-45", b"2099-01-01", b"x" * 5000, b"[" * 300 + b"]" * 300, b"&a [*a]",
              b"!!python/object/apply:os.system [echo]", b'"\\u0000"', b"<http://example.org/x y>",
              b"{id: x, type: nope}", b"- a\n- b", b"\xc3\x28", b"\t", b"'unclosed", b"*undefined"]


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@st.composite
def mutate(draw, seed: bytes) -> bytes:
    """`seed` changed by one to three mutations."""
    data = seed
    for op in draw(st.lists(st.sampled_from(["truncate", "flip", "delete", "duplicate", "swap", "value", "insert",
                                             "nest", "huge"]), min_size=1, max_size=3)):
        lines = data.split(b"\n")
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "truncate":
            data = data[:draw(st.integers(0, len(data)))]
        elif op == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
        elif op == "delete":
            data = b"\n".join(lines[:i] + lines[i + 1:])
        elif op == "duplicate":
            data = b"\n".join(lines[:i + 1] + lines[i:])
        elif op == "swap" and b": " in lines[i]:
            key, _, value = lines[i].partition(b": ")
            indent = key[:len(key) - len(key.lstrip())]
            data = b"\n".join(lines[:i] + [indent + value.strip() + b": " + key.strip()] + lines[i + 1:])
        elif op == "value" and b": " in lines[i]:
            key, _, _ = lines[i].partition(b": ")
            data = b"\n".join(lines[:i] + [key + b": " + draw(st.sampled_from(ODD_VALUES))] + lines[i + 1:])
        elif op == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.text(max_size=20)).encode("utf-8", "surrogatepass") + data[at:]
        elif op == "nest" and b": " in lines[i]:
            key, _, value = lines[i].partition(b": ")
            depth = draw(st.sampled_from([2, 70, 400]))
            data = b"\n".join(lines[:i] + [key + b": " + b"[" * depth + value + b"]" * depth] + lines[i + 1:])
        elif op == "huge":
            data = data + b"\n# " + b"z" * draw(st.sampled_from([10_000, 3_000_000]))
    return data


def check_output(code: int, out: str, err: str, name: str, has_lines: bool) -> dict:
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err and "internal error" not in out + err, err
    doc = json.loads(out)  # one JSON document in every outcome
    assert doc.get("exit_code", code) == code or code == 0
    if code != 0:
        mine = [p for p in doc["problems"] if Path(p["file"]).name == name]
        assert mine, doc["problems"]
        if has_lines:  # shape and QC results may concern a node with no line of its own
            for p in mine:
                assert p["line"] > 0 or p["rule"] in FILE_LEVEL or p["rule"].startswith(("http", "qc/")), p
    return doc


YAML_SEEDS = [(DATA / "minimal-review.yaml").read_bytes(), (DATA / "full-review.yaml").read_bytes()]


@FUZZ
@given(data=st.sampled_from(YAML_SEEDS).flatmap(mutate))
def test_validate_survives_mutated_annotation_files(data):
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "review.yaml"
        f.write_bytes(data)
        code, out, err = run("validate", str(f), "--json")
        check_output(code, out, err, f.name, has_lines=True)
        assert f.read_bytes() == data


@pytest.fixture(scope="module")
def rdf_seeds(tmp_path_factory) -> list[tuple[str, bytes]]:
    out = tmp_path_factory.mktemp("fuzz") / "build"
    assert build.build([DATA / "minimal-review.yaml"], out, jobs=1).written
    exports = out / "export"
    seeds = [(name, (exports / name).read_bytes()) for name in ("graph.ttl", "dataset.trig", "dataset.nq")]
    jsonld = json.loads((exports / "graph.jsonld").read_text())
    jsonld["@graph"] = jsonld["@graph"][:5]
    seeds.append(("graph.jsonld", json.dumps(jsonld, indent=1).encode()))
    seeds.append(("remote.jsonld", json.dumps({**jsonld, "@context": "http://127.0.0.1:9/ctx.jsonld"}).encode()))
    seeds.append(("one.nt", b"\n".join(line.rsplit(b" ", 2)[0] + b" ." for line in seeds[2][1].splitlines()[:40])))
    return seeds


def test_validate_survives_mutated_rdf_files(rdf_seeds):
    @FUZZ
    @given(seed=st.sampled_from(rdf_seeds), data=st.data())
    def inner(seed, data):
        name, content = seed
        mutant = data.draw(mutate(content))
        with tempfile.TemporaryDirectory() as d:
            f = Path(d) / name
            f.write_bytes(mutant)
            code, out, err = run("validate", str(f), "--json")
            check_output(code, out, err, f.name, has_lines=False)
            assert f.read_bytes() == mutant

    inner()


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("fuzz-build")
    src = base / "src"
    shutil.copytree(DATA, src)
    out = base / "build"
    assert build.build([src], out, jobs=1).written
    return src, out


def test_a_failed_build_keeps_the_previous_build_and_the_sources(good_build, tmp_path_factory):
    src, pristine = good_build

    @settings(FUZZ, max_examples=SCALE or 60)
    @given(data=st.sampled_from(YAML_SEEDS).flatmap(mutate))
    def inner(data):
        work = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
        try:
            shutil.copytree(src, work / "src")
            shutil.copytree(pristine, work / "build")
            f = work / "src" / "minimal-review.yaml"
            f.write_bytes(data)
            before, sources = tree(work / "build"), tree(work / "src")
            code, out, err = run("build", str(work / "src"), "--out", str(work / "build"), "--json", "-j", "1")
            check_output(code, out, err, f.name, has_lines=True)
            assert tree(work / "src") == sources
            if code != 0:
                assert tree(work / "build") == before
            assert sorted(p.name for p in work.iterdir()) in (["build", "src"], [".build.lock", "build", "src"])
        finally:
            shutil.rmtree(work, ignore_errors=True)

    inner()
