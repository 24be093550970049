"""The build folder loses nothing (reliability review D1, D7-D11, D16, D20, D22, D23, B10): `--out`
never replaces what is not a build, one build at a time, damaged cache files and stores are rebuilt,
a failure inside the swap leaves a whole build, and no machine path or log is left in a build."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg_build.exports import writer as export
from kg_build.pipeline import builder as build
from kg_build.pipeline import folder as buildfolder
from kg_build.problems import InputError, SgkgError

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SGKG = Path(sys.executable).with_name("sgkg")
MINIMAL = DATA / "valid" / "minimal-review.yaml"


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (hidden ones included) by relative path, with its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def quads(out: Path) -> tuple[int, list[str]]:
    """A build's store: its size and its quads without blank nodes (each load labels those afresh)."""
    all_quads = [str(q) for q in ox.Store.read_only(str(out / "store"))]
    return len(all_quads), sorted(q for q in all_quads if "_:" not in q)


def sgkg(*args, cwd=None):
    return subprocess.run([str(SGKG), *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture()
def src(tmp_path):
    s = tmp_path / "src"
    shutil.copytree(DATA / "valid", s)
    return s


@pytest.fixture()
def built(tmp_path, src):
    out = tmp_path / "build"
    assert build.build([src], out, jobs=1).written
    return out


# -- D1: --out never replaces anything that is not a previous build ------------------------------

@pytest.mark.parametrize("where", ["input", "parent", "unrelated", "file", "dot"])
def test_out_that_is_not_a_build_is_refused_and_left_alone(tmp_path, src, where):
    (tmp_path / "notes.md").write_text("my notes\n")
    other = tmp_path / "thesis"
    other.mkdir()
    (other / "chapter.md").write_text("draft\n")
    out, cwd = {"input": (src, None), "parent": (tmp_path, None), "unrelated": (other, None),
                "file": (tmp_path / "notes.md", None), "dot": (Path("."), tmp_path)}[where]
    before = tree(tmp_path)
    r = sgkg("build", src, "--out", out, cwd=cwd)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("sgkg: ") and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert tree(tmp_path) == before


def test_out_that_is_a_build_with_other_files_in_it_is_refused(built, src):
    (built / "thesis.md").write_text("draft\n")
    with pytest.raises(SgkgError, match="not part of a build"):
        build.build([src], built, jobs=1)
    assert (built / "thesis.md").read_text() == "draft\n"


def test_an_empty_folder_may_be_the_out(tmp_path, src):
    out = tmp_path / "empty"
    out.mkdir()
    assert build.build([src], out, jobs=1).written and (out / "manifest.json").exists()


# -- D8: one build at a time ----------------------------------------------------------------------

def test_a_second_build_into_a_locked_folder_says_who_holds_it(built, src):
    before = tree(built)
    with buildfolder.lock(built):
        r = sgkg("build", src, "--out", built)
    assert r.returncode == 2 and "another build is writing" in r.stderr and f"pid {os.getpid()}" in r.stderr
    assert tree(built) == before


# -- D9: cache files are checked before use ------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "garbage-json"])
def test_a_damaged_cache_file_is_rebuilt(tmp_path, src, built, damage):
    suffix = "json" if damage == "garbage-json" else "nq" if damage in ("truncate", "delete") else "trig"
    entry = next(e for e in json.loads((built / "manifest.json").read_text())["reviews"]
                 if not e["file"].endswith("minimal-review.yaml"))
    victim = built / "cache" / f"{entry['key']}.{suffix}"  # the cache of a review that does not change
    data = victim.read_bytes()
    if damage == "truncate":
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        victim.write_bytes(data[:100] + bytes([data[100] ^ 1]) + data[101:])
    elif damage == "delete":
        victim.unlink()
    else:
        victim.write_text("{not json")
        # a review's metadata is read from the cache's checked summary of every review; its own file
        # is read when the summary cannot be used
        (built / "cache" / build.SUMMARY).unlink()
    f = src / "minimal-review.yaml"  # another review changes, so the exports are written again
    f.write_text(f.read_text().replace("Baby B bulletin", "Baby B learning bulletin"))
    result = build.build([src], built, jobs=1)
    assert result.written and any(victim.name in n for n in result.notices), result.notices
    fresh = tmp_path / "fresh"
    build.build([src], fresh, jobs=1)
    assert tree(built / "export") == tree(fresh / "export")
    assert tree(built / "cache") == tree(fresh / "cache")


def _store_quads(store: Path) -> tuple[int, set[str]]:
    """The store's size and its quads without blank nodes (each load labels the ontology's afresh)."""
    quads = [str(q) for q in ox.Store.read_only(str(store))]
    return len(quads), {q for q in quads if "_:" not in q}


@pytest.mark.parametrize("damage", ["flip", "delete", "not-a-dict"])
@pytest.mark.parametrize("name", ["summary", "description"])
def test_a_damaged_summary_or_description_in_the_cache_is_ignored(tmp_path, src, built, damage, name):
    """cache/summary.json (every review's cache metadata) and cache/description.nq (the description as
    the store holds it) spare a rebuild work; damaged, they are not used."""
    file = built / "cache" / (build.SUMMARY if name == "summary" else build.DESCRIPTION)
    if damage == "flip":
        data = file.read_bytes()
        file.write_bytes(data[:50] + bytes([data[50] ^ 1]) + data[51:])
    elif damage == "delete":
        file.unlink()
    else:  # another content, with the digest the manifest expects
        file.write_text("[]")
        manifest = json.loads((built / "manifest.json").read_text())
        manifest[f"{name}_sha256"] = hashlib.sha256(b"[]").hexdigest()
        (built / "manifest.json").write_text(json.dumps(manifest))
    f = src / "minimal-review.yaml"
    f.write_text(f.read_text().replace("Baby B bulletin", "Baby B learning bulletin"))
    again = build.build([src], built, jobs=1)
    # not N-Quads, though its digest matches: the store is loaded anew, with a notice
    assert again.written and again.store_update == ("loaded" if name == "description" and damage == "not-a-dict"
                                                     else "replaced graphs"), again.notices
    fresh = tmp_path / "fresh"
    build.build([src], fresh, jobs=1)
    assert tree(built / "export") == tree(fresh / "export")
    assert tree(built / "cache") == tree(fresh / "cache")
    assert _store_quads(built / "store") == _store_quads(fresh / "store")


# -- D10: a damaged store is loaded anew; a query on it says what to do ---------------------------

@pytest.mark.parametrize("damage", ["current", "delete-sst", "truncate-sst", "flip-sst"])
def test_a_damaged_store_is_loaded_anew_by_the_next_build(tmp_path, src, built, damage):
    store = built / "store"
    sst = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    if damage == "current":
        (store / "CURRENT").write_text("garbage\n")
    elif damage == "delete-sst":
        sst.unlink()
    elif damage == "truncate-sst":
        sst.write_bytes(sst.read_bytes()[: sst.stat().st_size // 2])
    else:
        data = bytearray(sst.read_bytes())
        data[len(data) // 3] ^= 0xFF
        sst.write_bytes(bytes(data))
    if damage != "flip-sst":  # a flipped byte shows when the block is read, not when the store opens
        r = sgkg("stats", "--out", built)
        assert r.returncode == 2 and "sgkg build" in r.stderr and "Traceback" not in r.stderr, r.stderr
    result = build.build([src], built, jobs=1)
    assert result.written and result.store_update == "loaded"
    assert any("loaded the store anew" in n for n in result.notices), result.notices
    fresh = tmp_path / "fresh"
    build.build([src], fresh, jobs=1)
    assert quads(built) == quads(fresh)


# -- D11: a manifest of the wrong shape means a full rebuild, not a traceback ---------------------

@pytest.mark.parametrize("manifest", [
    "[]", '{"version": "0.1.0", "reviews": "x"}', '{"version": "0.1.0", "reviews": [{"review": "x"}]}',
    "MISSING-PROBLEMS",
])
def test_a_manifest_of_the_wrong_shape_gives_a_full_rebuild(src, built, manifest):
    m = built / "manifest.json"
    if manifest == "MISSING-PROBLEMS":
        data = json.loads(m.read_text())
        for e in data["reviews"]:
            del e["problems"]
        manifest = json.dumps(data)
    m.write_text(manifest)
    result = build.build([src], built, jobs=1)
    assert result.written and not any(r.cached for r in result.reviews)


# -- D16: all problems of a run together ----------------------------------------------------------

def test_a_loader_error_and_a_shape_violation_in_two_files_are_reported_together(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    text = MINIMAL.read_text()
    (src / "a.yaml").write_text(text.replace("type: home-visit", "type: home-visitt", 1))
    (src / "b.yaml").write_text(text.replace("testshire-2021-baby-b", "testshire-2021-baby-c")
                                .replace('    evidence: {source: s1, quote: "bruise was not referred"}\n', ""))
    with pytest.raises(InputError) as exc:
        build.build([src], tmp_path / "out", jobs=1)
    files = {Path(p.file).name for p in exc.value.problems}
    assert files == {"a.yaml", "b.yaml"}, exc.value.problems


# -- D22: no RocksDB log and no absolute path of the machine in a build ---------------------------

def test_a_build_holds_no_store_log_and_no_absolute_path(tmp_path, src):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "build"
    r = sgkg("build", src.resolve(), "--out", out, cwd=elsewhere)  # input outside the working folder
    assert r.returncode == 0, r.stderr
    again = sgkg("build", src.resolve(), "--out", out, cwd=elsewhere)
    assert again.returncode == 0 and "(0 rebuilt" in again.stdout
    assert not list((out / "store").glob("LOG*"))
    for f in out.rglob("*"):
        if f.is_file() and f.parent.name != "store":
            assert str(tmp_path).encode() not in f.read_bytes(), f
    assert json.loads((out / "manifest.json").read_text())["reviews"][0]["file"].startswith("src/")


# -- D23, B10: export -o replaces only regular files; outputs readable like any other --------------

@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder"])
def test_export_refuses_to_replace_what_is_not_a_regular_file(tmp_path, built, kind):
    target = tmp_path / "target.ttl"
    real = tmp_path / "real.ttl"
    real.write_text("keep me\n")
    if kind == "symlink":
        target.symlink_to(real)
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    r = sgkg("export", "--out", built, "--format", "ttl", "-o", target)
    assert r.returncode == 2 and "not a regular file" in r.stderr, r.stderr
    assert real.read_text() == "keep me\n"
    assert target.is_symlink() if kind == "symlink" else stat.S_ISFIFO(os.lstat(target).st_mode) \
        if kind == "fifo" else target.is_dir()


def test_outputs_get_the_users_permissions(tmp_path, built):
    old = os.umask(0o022)
    try:
        target = tmp_path / "graph.ttl"
        export.export_store(built, "ttl", target)
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert stat.S_IMODE(built.stat().st_mode) & 0o055 == 0o055  # readable by others, as mkdir makes it


# -- the cache fingerprint covers every module ----------------------------------------------------

def test_every_module_of_the_package_is_in_the_fingerprint():
    assert set(build.code_files()) == set((ROOT / "kg_build").resolve().rglob("*.py"))


# -- D7: a kill inside the swap leaves a whole build, repaired by the next one --------------------

KILL_AFTER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from kg_build.pipeline import builder as build
    from kg_build.pipeline import folder as buildfolder
    point = sys.argv[3]
    real_exchange, real_rename = buildfolder.exchange, os.rename
    def die():
        os.kill(os.getpid(), signal.SIGKILL)
    def exchange(a, b):
        if point == "no-exchange":
            return False
        done = real_exchange(a, b)
        if point == "after-exchange":
            die()
        return done
    def rename(a, b, *k, **kw):
        real_rename(a, b, *k, **kw)
        if point == "no-exchange" and str(b).endswith(".old"):
            die()
    buildfolder.exchange = exchange
    buildfolder.os.rename = rename
    build.build([Path(sys.argv[1])], Path(sys.argv[2]), jobs=1)
""")


@pytest.mark.parametrize("point", ["after-exchange", "no-exchange"])
def test_a_kill_inside_the_swap_leaves_a_whole_build(tmp_path, src, built, point):
    f = src / "minimal-review.yaml"
    f.write_text(f.read_text().replace("Baby B bulletin", "Baby B learning bulletin"))
    r = subprocess.run([sys.executable, "-c", KILL_AFTER, str(src), str(built), point], cwd=ROOT)
    assert r.returncode == -signal.SIGKILL
    if point == "after-exchange":  # the new build is in place; its cache waits in the old one
        assert (built / "manifest.json").exists() and (built / "store" / "CURRENT").exists()
    else:  # the previous build was set aside
        assert not built.exists() and (built.parent / ".build.old" / "manifest.json").exists()
    again = build.build([src], built, jobs=1)
    assert again.written and all(r.cached for r in again.reviews) == (point == "after-exchange")
    assert again.notices, "the repair is said"
    assert not list(built.parent.glob(".build.staging-*")) and not (built.parent / ".build.old").exists()
    fresh = tmp_path / "fresh"
    build.build([src], fresh, jobs=1)
    assert tree(built / "export") == tree(fresh / "export")


# -- D20: build workers end with the build ----------------------------------------------------------

def test_build_workers_die_with_the_build(tmp_path):
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--count", "40", "--out", str(corpus)],
                   check=True, capture_output=True)
    proc = subprocess.Popen([str(SGKG), "build", str(corpus), "--out", str(tmp_path / "out"), "-j", "2", "-q"])
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(children) < 2 and proc.poll() is None:
        children = {int(c) for t in Path(f"/proc/{proc.pid}/task").iterdir()
                    for c in (t / "children").read_text().split()} if Path(f"/proc/{proc.pid}").exists() else set()
        time.sleep(0.05)
    assert len(children) >= 2, "no workers started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() and
                                              "zombie" not in Path(f"/proc/{c}/status").read_text()
                                              for c in children):
        time.sleep(0.1)
    alive = [c for c in children
             if Path(f"/proc/{c}").exists() and "(zombie)" not in Path(f"/proc/{c}/status").read_text()]
    assert not alive, f"workers still running: {alive}"


# -- D11 (C4, C5): a read-only parent or a full disk is one line, and the build is kept ------------

@pytest.mark.parametrize("fault", ["disk-full", "read-only"])
def test_an_os_error_during_the_build_is_one_line_and_keeps_the_build(tmp_path, src, built, monkeypatch, capsys, fault):
    import errno

    from kg_build import cli

    f = src / "minimal-review.yaml"
    f.write_text(f.read_text().replace("Baby B bulletin", "Baby B learning bulletin"))
    before = tree(built)
    if fault == "disk-full":  # as a full disk fails the export (running as root, permissions cannot)
        def full(out, *a, **k):
            raise OSError(errno.ENOSPC, "No space left on device", str(out / "dataset.nq"))
        monkeypatch.setattr(build, "write_exports", full)
    else:
        def read_only(out):
            raise PermissionError(errno.EACCES, "Permission denied", str(out.parent / ".build.staging-x"))
        monkeypatch.setattr(buildfolder, "new_staging", read_only)
    assert cli.main(["build", str(src), "--out", str(built), "-j", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("sgkg: ") and str(built.parent) in err[0], err
    assert ("free some disk space" if fault == "disk-full" else "check the permissions") in err[0]
    assert tree(built) == before
    assert sorted(p.name for p in built.parent.iterdir()) == [".build.lock", "build", "src"]
