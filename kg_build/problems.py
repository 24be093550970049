"""Problems found in the input: where (file:line:column), what was expected, and what to do."""
from __future__ import annotations

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
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

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
