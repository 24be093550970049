"""The `sgkg` command line: every subcommand runs, and exit codes are as documented (0, 1, 2)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg_build import cli

DATA = Path(__file__).parent / "data"
SGKG = Path(sys.executable).with_name("sgkg")


def run(*args, cwd=None):
    return subprocess.run([str(SGKG), *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_console_script_is_installed_and_answers():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("sgkg ")
    for sub in ("build", "validate", "export", "stats"):
        assert run(sub, "--help").returncode == 0


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "build"
    assert cli.main(["build", str(DATA / "valid"), "--out", str(out), "--quiet"]) == 0
    return out


def test_build_json_summary(tmp_path):
    r = run("build", DATA / "valid", "--out", tmp_path / "b", "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["ok"] and summary["reviews"] == 2 and summary["violations"] == 0


def test_build_exit_1_when_shapes_report_violations(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "valid" / "minimal-review.yaml").read_text()
                   .replace('    evidence: {source: s1, quote: "bruise was not referred"}\n', ""))
    r = run("build", bad, "--out", tmp_path / "b")
    assert r.returncode == 1
    assert "bad.yaml:" in r.stderr and "need evidence" in r.stderr
    assert "NOT built" in r.stdout


def test_build_exit_2_on_unusable_input(tmp_path):
    r = run("build", DATA / "invalid" / "unknown-key.yaml", "--out", tmp_path / "b")
    assert r.returncode == 2
    assert "unknown-key.yaml:24:5" in r.stderr and "nothing was written" in r.stderr
    assert run("build", tmp_path / "missing", "--out", tmp_path / "b").returncode == 2


def test_strict_fails_on_warnings(tmp_path):
    warn = tmp_path / "warn.yaml"
    warn.write_text((DATA / "valid" / "minimal-review.yaml").read_text()
                    .replace("{id: e1, type: home-visit, date: 2020-11-03, agency: hv,",
                             "{id: e1, type: home-visit, date: 2020-11-03,"))
    assert run("build", warn, "--out", tmp_path / "a").returncode == 0
    assert run("build", warn, "--out", tmp_path / "b", "--strict").returncode == 1


def test_stats_and_export(built):
    r = run("stats", "--out", built, "--json")
    assert r.returncode == 0
    rows = {row["review"].rsplit("/", 1)[-1]: row for row in json.loads(r.stdout)}
    assert rows["testshire-2021-baby-b"]["missed_opportunities"] == 1
    assert rows["testshire-2020-child-a"]["persons"] == 6  # mother, partner, lodger, visitor, sw1, reviewer
    r = run("export", "--out", built, "--format", "nq")
    assert r.returncode == 0 and r.stdout.count("\n") > 100


def test_stats_without_a_build_is_exit_2(tmp_path):
    assert run("stats", "--out", tmp_path / "nothing").returncode == 2


def test_validate_accepts_rdf_from_other_tools(built, tmp_path):
    for name in ("graph.ttl", "dataset.trig", "dataset.nq", "graph.jsonld"):
        r = run("validate", built / "export" / name)
        assert r.returncode == 0, (name, r.stderr)
    nt = tmp_path / "one.nt"
    nt.write_text('<https://w3id.org/sgkg/id/review/x/agency/gp> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                  '<https://w3id.org/sgkg/ontology#Agency> .\n')
    r = run("validate", nt)
    assert r.returncode == 1 and "agency-type vocabulary" in r.stderr
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> .")
    r = run("validate", broken)
    assert r.returncode == 2  # unusable input: reported as a located problem, not a crash
    assert f"{broken}:1:1: error: cannot parse as Turtle" in r.stderr


def test_validate_yaml_reports_lines(tmp_path):
    r = run("validate", DATA / "valid")
    assert r.returncode == 0 and "0 violations" in r.stdout
    r = run("validate", DATA / "invalid" / "unknown-key.yaml")
    assert r.returncode == 2 and "unknown-key.yaml:24:5" in r.stderr  # a file that cannot be loaded
