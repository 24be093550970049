"""Check an annotation's evidence quotes against the texts its sources were read in.

The texts are not committed (they belong to their publishers); whoever holds the same text can check
that every quote is a verbatim phrase of it and that the offsets recorded beside a quote (evidence
`start`, `end`) locate it. The source's `sha256` says which text that is: a text whose digest differs
is not the one the quotes were taken from, and is not checked against.

Texts are looked up as TEXTS/<review id>/<source id>.txt (UTF-8).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg_build.annotations.reader import ReviewFile, is_null
from kg_build.annotations.yamlsource import Mapping, Pos, Scalar, Sequence
from kg_build.problems import Problem


@dataclass(frozen=True)
class QuoteCheck:
    """What was checked in one file: quotes found at their offsets, quotes with no text to check."""

    problems: tuple[Problem, ...]
    checked: int
    unchecked: int


def _evidence(node) -> Iterator[Mapping]:
    """Every evidence item of the tree, wherever a claim carries one."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "evidence":
                for item in value if isinstance(value, Sequence) else [value]:
                    if isinstance(item, Mapping):
                        yield item
            else:
                yield from _evidence(value)
    elif isinstance(node, Sequence):
        for item in node:
            yield from _evidence(item)


def _pos(node, fallback: Pos) -> Pos:
    return getattr(node, "pos", None) or fallback


def check_quotes(rf: ReviewFile, texts: Path) -> QuoteCheck:
    """Every quote of the file against the text of its source, where that text is held."""
    problems: list[Problem] = []

    def problem(pos: Pos, message: str, hint: str, severity: str = "error") -> None:
        problems.append(Problem(rf.display, pos.line, pos.column, message, hint, severity, "quotes"))

    folder = texts / rf.review_id
    held: dict[str, str | None] = {}  # source id -> its text (None: not held, or not the same text)
    for src in rf.tree.get("sources") or []:
        sid = str(src["id"])
        path = folder / f"{sid}.txt"
        if not path.is_file():
            held[sid] = None
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        recorded = src.get("sha256")
        if recorded is None or is_null(recorded):
            problem(_pos(src.get("id"), src.pos), f"source {sid} records no sha256 of its text",
                    f"add sha256: {digest} (the digest of {path.name}), so that others can tell it is the same "
                    "text", "warning")
        elif str(recorded) != digest:
            problem(recorded.pos, f"source {sid}: {path.name} is not the text the quotes were checked against "
                    f"(its SHA-256 is {digest[:12]}…)", "find the text whose digest is recorded, or re-check every "
                    "quote of this source against this text and record its digest")
            held[sid] = None
            continue
        try:
            held[sid] = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problem(src.pos, f"source {sid}: {path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})",
                    "save the text as UTF-8")
            held[sid] = None
    checked = unchecked = 0
    for e in _evidence(rf.tree):
        quote, sid = e.get("quote"), str(e.get("source"))
        if quote is None or is_null(quote):
            continue
        text = held.get(sid)
        if text is None:
            unchecked += 1
            continue
        checked += 1
        q = str(quote)
        at = text.find(q)
        if at < 0:
            problem(quote.pos, f"the quote {q[:60]!r} is not in the text of source {sid}",
                    "copy the phrase exactly as the text has it (spaces, quotation marks, dashes)")
            continue
        start, end = e.get("start"), e.get("end")
        if not (isinstance(start, Scalar) and isinstance(end, Scalar)) or is_null(start) or is_null(end):
            problem(quote.pos, f"the quote {q[:60]!r} has no offsets", f"add start: {at}, end: {at + len(q)}",
                    "warning")
        elif text[int(start):int(end)] != q:
            problem(start.pos, f"start {start}, end {end} do not locate the quote {q[:60]!r} in the text of "
                    f"source {sid}", f"it is at start: {at}, end: {at + len(q)}")
    return QuoteCheck(tuple(problems), checked, unchecked)
