"""Finding and reading input files defensively, for `sgkg build` and `sgkg validate` alike.

- Every path named is checked, and every one that cannot be used is reported, not only the first.
- Below a folder, files are found by suffix; links to folders are not followed (no loops).
- Anything that is not a regular file (a FIFO, a device, a socket) is skipped unopened, with a
  warning: opening a FIFO would block the run.
- A file is read without blocking, checked again once open, and only up to a size limit.
- OS errors (unreadable, a link that leads nowhere or back to itself) become problems of their path.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from kg_build.problems import InputError, Problem, SgkgError

MAX_FILE_BYTES = 2 * 1024 * 1024  # one review a file needs a few tens of kilobytes

_FILE_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _kind(mode: int) -> str:
    return next((name for test, name in _FILE_KINDS if test(mode)), "an unknown kind")


def not_a_file(path: Path | str, mode: int, severity: str) -> Problem:
    return Problem(str(path), 0, 0, f"not a regular file ({_kind(mode)}): skipped, not opened",
                   "name files, or folders of files", severity=severity, rule="not-a-file")


def os_problem(path: Path | str, exc: OSError) -> Problem:
    """An OSError met on `path` as a problem of that path, with what to do."""
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return Problem(str(path), 0, 0, f"the symbolic link leads to nothing (to {os.readlink(path)})",
                       "fix or remove the link", rule="path")
    if exc.errno == errno.ENOENT:
        return Problem(str(path), 0, 0, "no such file or folder", "check the path", rule="path")
    return replace(SgkgError.from_os_error(exc).problem(), file=str(path))


def find_inputs(paths: Iterable[Path], suffixes: set[str]) -> tuple[list[Path], list[Problem]]:
    """The files named, and those with one of `suffixes` below the folders named, sorted. Problems:
    each path that cannot be used (errors), and what is skipped as not a regular file (warnings)."""
    found: set[Path] = set()
    problems: list[Problem] = []

    def consider(p: Path, mode: int) -> None:
        if stat.S_ISREG(mode):
            found.add(p)
        else:
            problems.append(not_a_file(p, mode, "warning"))

    for p in map(Path, paths):
        try:
            st = p.stat()
        except OSError as exc:
            problems.append(os_problem(p, exc))
            continue
        if not stat.S_ISDIR(st.st_mode):
            consider(p, st.st_mode)
            continue
        stack = [p]  # links to folders are not followed (no loop); each entry's type comes with the listing
        while stack:
            folder = stack.pop()
            try:
                listing = os.scandir(folder)
            except OSError as exc:
                problems.append(os_problem(folder, exc))
                continue
            with listing:
                for entry in listing:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(Path(entry.path))
                    elif os.path.splitext(entry.name)[1].lower() in suffixes:
                        q = Path(entry.path)
                        try:
                            if entry.is_file(follow_symlinks=True):
                                found.add(q)
                            else:
                                consider(q, q.stat().st_mode)
                        except OSError as exc:  # a link leading nowhere or back to itself
                            problems.append(os_problem(q, exc))
    return sorted(found), list(dict.fromkeys(problems))  # a file named and also found in a folder: once


def read_input(path: Path, file: str, limit: int = MAX_FILE_BYTES, what: str = "an input file") -> bytes:
    """The bytes of a regular file of at most `limit` bytes (InputError otherwise, naming `file`).
    Opened without blocking and checked again once open, so a FIFO put in its place cannot hang the
    read; OSError for a file that cannot be opened."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise InputError([not_a_file(file, mode, "error")])
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with open(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError([not_a_file(file, st.st_mode, "error")])
        data = f.read(limit + 1) if st.st_size <= limit else b""
        size = max(st.st_size, len(data))
    if size > limit:
        raise InputError([Problem(file, 0, 0, f"the file is {size:,} bytes, over the {limit:,}-byte limit for "
                                  f"{what}", "split it into smaller files, or raise the limit (sgkg validate "
                                  "--max-size)", rule="file-size")])
    return data


def duplicate_review_ids(files: Iterable[tuple[str, str]]) -> list[Problem]:
    """A problem for each file whose review id an earlier file of `(file, review id)` already uses,
    naming that file. An id with a `pos` (a yamlsource.Scalar) gives the problem its line and column."""
    first: dict[str, str] = {}
    problems = []
    for file, review_id in files:
        if not review_id:
            continue
        rid = str(review_id)
        if rid in first:
            pos = getattr(review_id, "pos", None)
            problems.append(Problem(file, pos.line if pos else 0, pos.column if pos else 0,
                                    f"review id {rid!r} is also used by {first[rid]}",
                                    "each review has its own id; reviews of one case share review.case instead",
                                    rule="duplicate-review-id"))
        else:
            first[rid] = file
    return problems
