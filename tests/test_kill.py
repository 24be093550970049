"""A build killed with SIGKILL at any moment leaves the previous build or the new one, whole, and the
next build succeeds (reliability review C1, D7, D20).

A synthetic corpus is built once; then a build of other inputs into the same folder is killed again
and again: at moments spread over its run (loading, mapping and validating in the workers, exports,
store, manifest), and when a file of each late stage appears in its staging folder; sometimes the
whole process group, sometimes the main process only (its workers must end with it). The moments
inside the swap itself are injected in tests/test_build_safety.py.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).parent.parent
SGKG = Path(sys.executable).with_name("sgkg")
REVIEWS = 16


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def generate(folder: Path, seed: int) -> None:
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "-n", str(REVIEWS), "-s", str(seed),
                    "-o", str(folder)], check=True, capture_output=True)


def start(inputs: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([str(SGKG), "build", str(inputs), "--out", str(out), "-j", "2", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def children(pid: int) -> set[int]:
    try:
        return {int(c) for t in Path(f"/proc/{pid}/task").iterdir() for c in (t / "children").read_text().split()}
    except OSError:
        return set()


def gone(pids: set[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists()
                 and "zombie" not in Path(f"/proc/{p}/status").read_text(errors="replace")]
        if not alive:
            return True
        time.sleep(0.05)
    return False


def kill_when(proc: subprocess.Popen, out: Path, at: float | None, appears: str | None, group: bool) -> set[int]:
    """Kill the build after `at` seconds, or when a staging path matching `appears` exists.
    Returns its worker processes, seen before the kill."""
    t0 = time.monotonic()
    workers: set[int] = set()
    while proc.poll() is None:
        workers |= children(proc.pid)
        if (at is not None and time.monotonic() - t0 >= at) or \
                (appears is not None and any(out.parent.glob(f".{out.name}.staging-*/{appears}"))):
            if group:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)
    proc.wait()
    return workers


def store_size(out: Path) -> int:
    return len(ox.Store.read_only(str(out / "store")))


@pytest.mark.parametrize("scenario", ["full", "incremental"])
def test_a_killed_build_leaves_a_whole_build_and_the_next_build_succeeds(tmp_path, scenario):
    old_src, new_src = tmp_path / "src", tmp_path / "new" / "src"  # same folder name: same manifest names
    generate(old_src, 0)
    if scenario == "full":
        generate(new_src, 1)
    else:  # a few reviews change: the store is updated graph by graph
        shutil.copytree(old_src, new_src)
        for f in sorted(new_src.glob("*.yaml"))[:3]:
            f.write_text(f.read_text().replace("summary: ", "summary: Revised. ", 1))
    pristine, ref = tmp_path / "pristine" / "build", tmp_path / "ref" / "build"
    assert subprocess.run([str(SGKG), "build", str(old_src), "--out", str(pristine), "-q"]).returncode == 0
    t0 = time.monotonic()
    assert subprocess.run([str(SGKG), "build", str(new_src), "--out", str(ref), "-q"]).returncode == 0
    duration = time.monotonic() - t0
    ref_manifest = json.loads((ref / "manifest.json").read_text())["reviews"]
    ref_exports, ref_cache, ref_size = tree(ref / "export"), tree(ref / "cache"), store_size(ref)
    old_tree = tree(pristine)

    out = tmp_path / "work" / "build"
    if scenario == "full":  # at least ten moments over all the stages
        fractions, stages = (0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95), ("new/*.json", "export/dataset.nq",
                                                                        "store/CURRENT", "manifest.json")
    else:  # the incremental store update and what follows it
        fractions, stages = (0.5, 0.8), ("store/CURRENT", "manifest.json")
    moments = [(duration * f, None) for f in fractions] + [(None, stage) for stage in stages]
    outcomes = []
    for i, (at, appears) in enumerate(moments):
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(pristine, out, symlinks=True)
        proc = start(new_src, out)
        workers = kill_when(proc, out, at, appears, group=i % 2 == 0)
        assert gone(workers), f"moment {i}: workers outlived the build"
        if proc.returncode == 0:
            outcomes.append("finished")
        elif tree(out) == old_tree:
            outcomes.append("old")
            continue
        else:
            outcomes.append("new")
        # the new build is in place, whole: manifest, store and exports as a build run to the end
        assert json.loads((out / "manifest.json").read_text())["reviews"] == ref_manifest, f"moment {i}"
        assert tree(out / "export") == ref_exports and store_size(out) == ref_size, f"moment {i}"
        stranded = [s / "cache" for s in out.parent.glob(f".{out.name}.staging-*") if (s / "cache").is_dir()]
        assert (out / "cache").is_dir() or stranded, f"moment {i}: the cache is lost"
    assert "old" in outcomes, outcomes  # the moments really fell inside the build
    # the next build succeeds, repairs what the last kill left, and equals a build run to the end
    shutil.rmtree(out)
    shutil.copytree(pristine, out, symlinks=True)
    proc = start(new_src, out)
    kill_when(proc, out, None, "manifest.json", group=True)
    r = subprocess.run([str(SGKG), "build", str(new_src), "--out", str(out), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert tree(out / "export") == ref_exports and tree(out / "cache") == ref_cache and store_size(out) == ref_size
    assert sorted(p.name for p in out.parent.iterdir()) == [f".{out.name}.lock", out.name]  # nothing left over
