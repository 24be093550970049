"""The build folder (`--out`): what counts as one, one writer at a time, and how a new build takes
the place of the previous one so that a kill at any moment leaves one of them whole.

- A build is written into a staging folder beside `--out` (`.NAME.staging-XXXX`), then exchanged
  with the previous build in one step (`atomic.exchange`). Where the file system cannot exchange,
  the previous build is first renamed `.NAME.old`; the next build puts it back if it was left there.
- The cache (`NAME/cache/`, files named by content) is never taken out of the live build before the
  swap: the new build's cache files are added to it (files that no manifest names yet harm nothing),
  and it moves into the new build right after the exchange. If a kill falls between the two steps,
  the next build finds it in the stale staging folder and moves it back.
- `--out` is refused when replacing it could lose anything that is not a previous build: a file, a
  folder holding anything besides a build's own entries, the current folder or one of its parents,
  an input or a folder holding an input.
- One build at a time: an exclusive lock on `.NAME.lock` beside the folder, held for the whole build.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg_build.atomic import exchange, umask
from kg_build.problems import SgkgError

MANIFEST = "manifest.json"
CACHE = "cache"
PUSH_STATE = "push-state.json"
ENTRIES = {MANIFEST, "store", "export", CACHE, PUSH_STATE}  # what a build folder may hold


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_out(out: Path, inputs: Iterable[Path]) -> Path:
    """The build folder to write, as an absolute path with symbolic links resolved; SgkgError when
    writing there could delete or move anything that is not a previous sgkg build."""
    given = out
    if str(out) in ("", ".", ".."):
        raise SgkgError("is not a folder name: the build replaces its --out folder", given,
                        hint="name a build folder, e.g. --out build", rule="output-path")
    out = Path(os.path.realpath(out))
    if out.parent == out:
        raise SgkgError("is the root folder", given, hint="name a build folder, e.g. --out build", rule="output-path")
    cwd = Path(os.path.realpath(os.getcwd()))
    if _within(cwd, out):
        raise SgkgError("is the current folder or one of its parents: the build replaces its --out folder",
                        given, hint="name a folder of its own, e.g. --out build", rule="output-path")
    for p in inputs:
        source = Path(os.path.realpath(p))
        if _within(source, out):
            raise SgkgError(f"holds the input {p}: the build replaces its --out folder", given,
                            hint="name a folder of its own, e.g. --out build", rule="output-path")
    try:
        st = os.stat(out)
    except FileNotFoundError:
        return out
    if not stat.S_ISDIR(st.st_mode):
        raise SgkgError("is a file, not a build folder", given, hint="name a build folder, e.g. --out build",
                        rule="output-path")
    entries = set(os.listdir(out))
    if entries and MANIFEST not in entries:
        raise SgkgError("is a folder that holds no sgkg build (no manifest.json): it is not replaced", given,
                        hint="name a new or empty folder, or a previous build", rule="output-path")
    others = sorted(entries - ENTRIES)
    if others:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise SgkgError(f"holds files that are not part of a build ({shown}): it is not replaced", given,
                        hint="move them out, or name another folder", rule="output-path")
    old = old_path(out)
    if os.path.lexists(old) and not old.is_dir():
        raise SgkgError("is in the way of the build (it is not a folder the build left)", old,
                        hint="move or delete it", rule="output-path")
    return out


def old_path(out: Path) -> Path:
    return out.with_name(f".{out.name}.old")


def staging_prefix(out: Path) -> str:
    return f".{out.name}.staging-"


def new_staging(out: Path) -> Path:
    """An empty staging folder beside `out`, readable like any other output (not mkdtemp's 0700)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=staging_prefix(out), dir=out.parent))
    os.chmod(staging, 0o777 & ~umask())
    return staging


@contextmanager
def lock(out: Path, what: str = "build") -> Iterator[None]:
    """Hold the exclusive lock of the build folder `out` for the command `what` (build, push), or
    raise SgkgError naming the command that holds it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    path = out.with_name(f".{out.name}.lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666 & ~umask())
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            command, _, who = holder.partition(": ")
            raise SgkgError(f"another {command or 'build'} is writing this folder ({who or 'another process'})", out,
                            hint="wait for it to finish, or stop it; one build or push at a time per --out",
                            rule="locked") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what}: pid {os.getpid()} on {socket.gethostname()}, since "
                      f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race with a waiting build)


def recover(out: Path) -> list[str]:
    """Repair what a killed build left (call with the lock held); returns a notice for each repair.

    - `out` missing and `.NAME.old` a build: the previous build is put back;
    - a staging folder holding the cache (a kill between the exchange and the cache move) while
      `out` has none: the cache moves back into `out`;
    - stale staging folders and `.NAME.old` are removed."""
    notices = []
    old = old_path(out)
    if not os.path.lexists(out) and old.is_dir() and (old / MANIFEST).exists():
        os.rename(old, out)
        notices.append(f"{out}: put back the previous build, left aside by an interrupted build")
    for entry in sorted(out.parent.glob(staging_prefix(out) + "*")):
        if entry.is_dir() and not entry.is_symlink():
            if (entry / CACHE).is_dir() and out.is_dir() and not (out / CACHE).exists():
                os.rename(entry / CACHE, out / CACHE)
                notices.append(f"{out}: moved the build cache back, left aside by an interrupted build")
            shutil.rmtree(entry, ignore_errors=True)
    if old.is_dir() and out.is_dir():
        shutil.rmtree(old, ignore_errors=True)
    return notices


def publish(staging: Path, out: Path, new_cache: Path) -> None:
    """Put the finished build in `staging` (without a cache folder) in place of `out`.

    The files in `new_cache` join the live cache first; the exchange is the one step that replaces
    the build; then the cache moves into the new build and the old build is removed."""
    if not os.path.lexists(out):
        os.rename(new_cache, staging / CACHE)
        os.rename(staging, out)
        return
    cache = out / CACHE
    cache.mkdir(exist_ok=True)
    for f in new_cache.iterdir():
        os.replace(f, cache / f.name)
    new_cache.rmdir()
    if exchange(staging, out):
        gone = staging  # the previous build, now under the staging name
    else:  # no exchange here: two renames, repaired by `recover` if a kill falls between them
        gone = old_path(out)
        os.rename(out, gone)
        os.rename(staging, out)
    os.rename(gone / CACHE, out / CACHE)
    shutil.rmtree(gone, ignore_errors=True)
