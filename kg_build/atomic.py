"""Atomic file output: a reader sees the old file or the new one, never half of one.

Files are created with the permissions any other output of the user gets (0666 less the umask), not
the 0600 of a temporary file. A folder is put in place of another by exchanging the two names in one
step (Linux renameat2 with RENAME_EXCHANGE), so there is no moment when neither exists.
"""
from __future__ import annotations

import ctypes
import errno
import os
import stat
import tempfile
from pathlib import Path

from kg_build.problems import SgkgError


def umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def refuse_special(path: Path) -> None:
    """Refuse to replace `path` if it exists and is not a regular file: a symbolic link, a FIFO, a
    device, a socket or a folder would be replaced by a regular file (or block the writer)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISREG(st.st_mode):
        return
    kind = ("a symbolic link" if stat.S_ISLNK(st.st_mode) else "a folder" if stat.S_ISDIR(st.st_mode)
            else "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode)
            or stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
    raise SgkgError(f"is {kind}, not a regular file: it is not replaced", path,
                    hint="name a new file, or a regular file to overwrite", rule="output-path")


def atomic_write_bytes(path: Path, data: bytes, regular_only: bool = False) -> None:
    """Write `data` to `path` through a temporary file renamed over it. With `regular_only`, an
    existing `path` that is not a regular file is refused rather than replaced."""
    path = Path(path)
    if regular_only:
        refuse_special(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o666 & ~umask())
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, regular_only: bool = False) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), regular_only)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2():
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_EXCHANGE = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap the names `a` and `b` (both existing) in one step. False when the system or the file
    system cannot (not Linux, or a file system without RENAME_EXCHANGE); nothing is changed then."""
    if _EXCHANGE is None:
        return False
    if _EXCHANGE(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))
