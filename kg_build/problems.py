"""Problems found in the input: where (file:line:column), what was expected, and what to do.

Two kinds of failure reach the command line, both exit code 2 (unusable input):
- `InputError`: every located problem of a run's input (each a `Problem`), reported together;
- `SgkgError`: one condition that stops a command (a path that cannot be used, a damaged store, an
  endpoint that does not answer), printed as `sgkg: PATH[:LINE[:COL]]: what (what to do)`.
"""
from __future__ import annotations

import errno
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    message: str
    hint: str = ""
    severity: str = "error"  # error | warning
    rule: str = ""  # the rule broken: a loader check name or a SHACL shape IRI

    def __str__(self) -> str:
        text = f"{self.where}: {self.severity}: {self.message}" if self.file else f"{self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    @property
    def where(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.column}" if self.column else f"{self.file}:{self.line}"

    def as_dict(self) -> dict:
        return {
            "file": self.file, "line": self.line, "column": self.column, "severity": self.severity,
            "message": self.message, "hint": self.hint, "rule": self.rule,
        }


class InputError(Exception):
    """Raised when input is unusable; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SgkgError(Exception):
    """One condition that stops a command, with where it is and what to do about it.

    `exit_code` is 2 (unusable input or usage) unless the condition is about the data's conformance.
    """

    def __init__(self, what: str, path: str | object | None = None, line: int = 0, column: int = 0,
                 hint: str = "", rule: str = "fatal", exit_code: int = 2):
        self.what, self.path, self.line, self.column = what, "" if path is None else str(path), line, column
        self.hint, self.rule, self.exit_code = hint, rule, exit_code
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if where and self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        text = f"{where}: {self.what}" if where else self.what
        return f"{text} ({self.hint})" if self.hint else text

    def problem(self) -> Problem:
        return Problem(self.path, self.line, self.column, self.what, self.hint, rule=self.rule)

    @classmethod
    def from_os_error(cls, exc: OSError) -> SgkgError:
        """An OSError (ours or a library's) as one located line with what to do."""
        what = exc.strerror or str(exc)
        if exc.filename2 is not None:
            what += f" (to {exc.filename2})"
        hint = _OS_HINTS.get(exc.errno, "") if exc.errno is not None else ""
        return cls(what, exc.filename, hint=hint, rule="os-error")


_OS_HINTS = {
    errno.ENOENT: "check the path",
    errno.EACCES: "check the permissions of the file or folder",
    errno.EPERM: "check the permissions of the file or folder",
    errno.ENOSPC: "free some disk space and run again; the previous build is kept",
    errno.EDQUOT: "free some disk space and run again; the previous build is kept",
    errno.ELOOP: "a symbolic link leads back to itself: fix or remove it",
    errno.EISDIR: "name a file, not a folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EROFS: "the file system is read-only: choose another folder",
    errno.ENAMETOOLONG: "use a shorter path",
}
