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
from kg_build.annotations.yamlsource import Pos, Scalar
from kg_build.inputs import os_problem, read_input
from kg_build.problems import InputError, Problem

#: characters a copied quote often changes: typographic quotation marks, apostrophes and dashes
_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
                        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})


def _loose(text: str) -> tuple[str, list[int]]:
    """The text with quotation marks and dashes made plain and each run of white space made one space,
    and for each character of it the offset of the character it comes from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text.translate(_PLAIN)):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch)
        where.append(i)
    return "".join(out), where


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """Where the quote is in the text, verbatim; or, failing that, where it is once quotation marks,
    dashes and white space are made plain (the caller says it is not verbatim)."""
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    loose_text, where = _loose(text)
    loose_quote = _loose(quote.strip())[0]
    at = loose_text.find(loose_quote) if loose_quote else -1
    if at < 0:
        return None
    return where[at], where[at + len(loose_quote) - 1] + 1


def nearest(text: str, quote: str) -> tuple[int, int, float] | None:
    """The passage of the text most like the quote (start, end, similarity in per cent), if any is."""
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(quote, text, score_cutoff=60)
    if found is None:
        return None
    return found.dest_start, found.dest_end, found.score


@dataclass(frozen=True)
class QuoteCheck:
    """What was checked in one file: quotes found at their offsets, quotes with no text to check."""

    problems: tuple[Problem, ...]
    checked: int
    unchecked: int


def evidence_items(node) -> Iterator[dict]:
    """Every evidence item of an annotation's tree, wherever a claim carries one (any mappings and
    lists: the loader's, a round-trip YAML reader's or plain ones)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "evidence":
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, dict):
                        yield item
            else:
                yield from evidence_items(value)
    elif isinstance(node, list):
        for item in node:
            yield from evidence_items(item)


def closest_hint(text: str, quote: str, name: str, where=None) -> str:
    """What to do about a quote that is not in `text` (the file `name`): the closest passage, with its
    line and, where `where` gives it, its place in the source (page, paragraph)."""
    close = nearest(text, quote)
    if close is None:
        return "copy the phrase exactly as the text has it; no passage of the text is like it"
    a, b, score = close
    place = f" ({where(a)})" if where is not None else ""
    return (f"the closest passage, {score:.0f}% alike, is on line {text.count(chr(10), 0, a) + 1} of {name}{place} "
            f"at start: {a}, end: {b}: {text[a:b][:80]!r}")


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
        try:  # the project's one reader of input files: bounded, and never blocked by a FIFO
            data = read_input(path, str(path), what="a source's text")
        except InputError as exc:
            problems.extend(exc.problems)
            held[sid] = None
            continue
        except OSError as exc:
            problems.append(os_problem(path, exc))
            held[sid] = None
            continue
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
    for e in evidence_items(rf.tree):
        quote, sid = e.get("quote"), str(e.get("source"))
        if quote is None or is_null(quote):
            continue
        text = held.get(sid)
        if text is None:
            unchecked += 1
            continue
        checked += 1
        q = str(quote)
        span = locate(text, q)
        if span is None:
            problem(quote.pos, f"the quote {q[:60]!r} is not in the text of source {sid}",
                    closest_hint(text, q, f"{sid}.txt"))
            continue
        if text[span[0]:span[1]] != q:
            a, b = span
            problem(quote.pos, f"the quote {q[:60]!r} is not verbatim: the text has {text[a:b][:80]!r} "
                    "(quotation marks, dashes or spacing differ)",
                    f"copy the text's own characters: quote: {text[a:b]!r}, start: {a}, end: {b}")
            continue
        at = span[0]
        start, end = e.get("start"), e.get("end")
        if not (isinstance(start, Scalar) and isinstance(end, Scalar)) or is_null(start) or is_null(end):
            problem(quote.pos, f"the quote {q[:60]!r} has no offsets", f"add start: {at}, end: {at + len(q)}",
                    "warning")
        elif text[int(start):int(end)] != q:
            problem(start.pos, f"start {start}, end {end} do not locate the quote {q[:60]!r} in the text of "
                    f"source {sid}", f"it is at start: {at}, end: {at + len(q)}")
    return QuoteCheck(tuple(problems), checked, unchecked)
