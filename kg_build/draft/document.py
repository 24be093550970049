"""A review's text, read from plain text, HTML or PDF, with where its pages and numbered paragraphs begin.

The offsets of a draft's quotes are offsets in this text. For a PDF or an HTML page the text is the one
extracted here (pages of a PDF joined by a form feed, as a plain-text copy of a report often has them),
so `sgkg draft --text-out` saves it, and the quotes can be checked again against the saved copy.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg_build.inputs import os_problem, read_input
from kg_build.problems import InputError, Problem

#: a numbered paragraph of a report: "3.4", "3.4.1" or "12." at the start of a line
_PARAGRAPH = re.compile(r"(?:^|(?<=\f))[ \t]*(\d{1,2}(?:\.\d{1,3}){1,3}|\d{1,3}\.)(?=[ \t]+\S)", re.MULTILINE)
PAGE_BREAK = "\f"


@dataclass
class Document:
    """The text of one source, and what its layout gives: page labels and paragraph numbers."""

    path: Path
    text: str
    kind: str  # text | html | pdf
    #: (offset, label) of each page start, where the source has pages
    pages: list[tuple[int, str]] = field(default_factory=list)
    paragraphs: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.paragraphs = [(m.start(1), m.group(1).rstrip(".")) for m in _PARAGRAPH.finditer(self.text)]
        self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        if not self.pages and PAGE_BREAK in self.text:
            starts = [0] + [m.end() for m in re.finditer(PAGE_BREAK, self.text)]
            self.pages = [(at, str(n)) for n, at in enumerate(starts, 1)]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def line_of(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1

    def _at(self, marks: list[tuple[int, str]], offset: int) -> str | None:
        i = bisect.bisect_right(marks, (offset, "\uffff")) - 1
        return marks[i][1] if i >= 0 else None

    def where(self, offset: int) -> str:
        """'p. 12, para 3.4' or 'line 40': where a reader finds the offset in the source."""
        parts = []
        page = self._at(self.pages, offset) if self.pages else None
        if page is not None:
            parts.append(f"p. {page}")
        para = self._at(self.paragraphs, offset)
        if para is not None:
            parts.append(f"para {para}")
        return ", ".join(parts) if parts else f"line {self.line_of(offset)}"


def _problem(path: Path, message: str, hint: str) -> InputError:
    return InputError([Problem(str(path), 0, 0, message, hint, "error", "input")])


def _pdf(path: Path, data: bytes) -> Document:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            raise _problem(path, "the PDF is encrypted", "save an unencrypted copy, or its text as .txt")
        try:
            labels = list(reader.page_labels)  # the report's own page numbers ("i", "ii", "1" ...)
        except Exception:  # a damaged label tree: number the pages instead
            labels = [str(n) for n in range(1, len(reader.pages) + 1)]
        texts = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as exc:
        raise _problem(path, f"not a readable PDF ({exc})", "give the report as PDF, HTML or plain text") from None
    pages: list[tuple[int, str]] = []
    out: list[str] = []
    at = 0
    for label, text in zip(labels, texts):
        pages.append((at, label))
        out.append(text)
        at += len(text) + len(PAGE_BREAK)
    text = PAGE_BREAK.join(out)
    if not text.strip():
        raise _problem(path, "the PDF has no text layer (a scan?)",
                       "run it through OCR first, or give its text as a .txt file")
    return Document(path, text, "pdf", pages)


def _html(path: Path, data: bytes) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    text = soup.get_text("\n")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    return Document(path, text, "html")


def read_document(path: Path) -> Document:
    """The text of a review: .pdf, .html/.htm, or any other file as UTF-8 text."""
    try:
        data = read_input(path, str(path), what="a review's text", limit=200 * 1024 * 1024)
    except OSError as exc:
        raise InputError([os_problem(path, exc)]) from None
    suffix = path.suffix.lower()
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        return _pdf(path, data)
    if suffix in {".html", ".htm", ".xhtml"}:
        return _html(path, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _problem(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                       "save the text as UTF-8, or give the PDF or HTML") from None
    return Document(path, text, "text")
