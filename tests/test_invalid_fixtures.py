"""Every invalid annotation fixture fails with the problem its header names, and leaves build/ as it was.

Each file in tests/data/invalid/ opens with comment lines:
    # Rule: <rule>. <why the file must fail>
    # Expect: <line>:<column> <text the problem message or hint contains>
(one or more Expect lines; the column may be omitted: `# Expect: 12 text`).
"""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from kg_build.pipeline import builder as build
from kg_build.problems import InputError

DATA = Path(__file__).parent / "data"
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
VALID = sorted((DATA / "valid").glob("*.yaml"))
EXPECT = re.compile(r"^# Expect: (\d+)(?::(\d+))? (.+)$")


def test_fixture_folders_are_not_empty():
    assert len(INVALID) >= 20, "tests/data/invalid needs at least 20 fixtures"
    assert VALID, "tests/data/valid is empty"


def _expectations(path: Path) -> list[tuple[int, int | None, str]]:
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("#"):
            break
        m = EXPECT.match(line)
        if m:
            out.append((int(m.group(1)), int(m.group(2)) if m.group(2) else None, m.group(3).strip()))
    return out


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("good") / "build"
    result = build.build([DATA / "valid"], out, jobs=1)
    assert result.written
    return out


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_reports_its_rule_and_leaves_build_unchanged(path, good_build, tmp_path):
    header = path.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    assert header.startswith("# Rule: "), f"{path.name} must open with '# Rule: ...'"
    expected = _expectations(path)
    assert expected, f"{path.name} has no '# Expect: line:col text' line"
    out = tmp_path / "build"
    shutil.copytree(good_build, out)
    before = _snapshot(out)
    source_before = path.read_bytes()
    try:
        result = build.build([path], out, jobs=1, strict=True)
        problems = result.problems
        assert not result.written, f"{path.name} built"
    except InputError as exc:
        problems = exc.problems
    assert problems, f"{path.name} produced no problem"
    for line, col, text in expected:
        hits = [p for p in problems if p.line == line and (col is None or p.column == col)
                and text in f"{p.message} ({p.hint})"]
        assert hits, (f"{path.name}: expected a problem at {line}:{col or '*'} containing {text!r}; got:\n"
                      + "\n".join(map(str, problems)))
        assert all(p.file.endswith(path.name) for p in hits)
    assert _snapshot(out) == before, "a failed build changed build/"
    assert path.read_bytes() == source_before, "the source file was modified"
