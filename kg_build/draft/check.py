"""`sgkg draft --check`: every quote of one source of an annotation against that source's text.

A quote is found verbatim, or, failing that, with quotation marks, dashes and white space made plain
(then it is replaced by the text's own characters, with a warning); a quote that is not there is
reported with the closest passage (rapidfuzz) and its line. The offsets of every quote found verbatim are
filled in (or corrected), and the source's sha256 recorded, in a round trip that keeps the file's
comments and layout.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from kg_build.annotations.quotes import closest_hint, evidence_items, locate
from kg_build.draft.document import Document
from kg_build.problems import Problem, SgkgError


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)
    checked: int = 0
    found: int = 0
    filled: int = 0  # offsets added or corrected
    rewritten: int = 0  # quotes found with other quotation marks, dashes or spacing, made verbatim
    source: str = ""
    text: str | None = None  # the annotation with offsets filled in, where anything changed


def _line(node, key=None) -> int:
    try:
        if key is not None:
            return node.lc.key(key)[0] + 1
        return node.lc.line + 1
    except (AttributeError, KeyError, TypeError):
        return 0


def _pick_source(sources: list, doc: Document, wanted: str | None, file: str) -> dict:
    ids = [str(s.get("id")) for s in sources if isinstance(s, dict)]
    if wanted is not None:
        for s in sources:
            if str(s.get("id")) == wanted:
                return s
        raise SgkgError(f"--source {wanted}: the annotation has no such source", file,
                        hint=f"its sources: {', '.join(ids) or 'none'}")
    same = [s for s in sources if str(s.get("sha256", "")) == doc.sha256]
    if len(same) == 1:
        return same[0]
    if len(sources) == 1:
        return sources[0]
    own = [s for s in sources if str(s.get("role", "")) == "the-review" and not s.get("sha256")]
    if len(own) == 1:
        return own[0]
    raise SgkgError(f"which source is {doc.path.name} the text of? No source records its SHA-256", file,
                    hint=f"name it with --source (one of: {', '.join(ids)})")


def check_annotation(path: Path, doc: Document, source: str | None = None) -> CheckResult:
    from ruamel.yaml.error import YAMLError

    from kg_build.draft.yamlout import yaml_rt

    y = yaml_rt()
    file = str(path)
    try:
        tree = y.load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise SgkgError(f"not readable YAML: {getattr(exc, 'problem', exc)}", file,
                        (mark.line + 1) if mark else 0, hint="fix the YAML, then check again") from None
    if not isinstance(tree, dict) or not isinstance(tree.get("sources"), list):
        raise SgkgError("the annotation has no sources list", file, hint="see docs/annotation-guide.md")
    src = _pick_source(tree["sources"], doc, source, file)
    sid = str(src.get("id"))
    res = CheckResult(source=sid)
    text = doc.text
    changed = False

    def problem(line: int, message: str, hint: str, severity: str = "error") -> None:
        res.problems.append(Problem(file, line, 0, message, hint, severity, "quotes"))

    recorded = src.get("sha256")
    if recorded and str(recorded) != doc.sha256:
        problem(_line(src, "sha256"), f"source {sid}: {doc.path.name} is not the text the quotes were checked against "
                f"(its SHA-256 is {doc.sha256[:12]}…)", "give the text whose digest is recorded, or delete the "
                "sha256 to check this source against this text")
        return res
    for ev in evidence_items(tree):
        if str(ev.get("source")) != sid or ev.get("quote") is None:
            continue
        q = str(ev["quote"])
        res.checked += 1
        line = _line(ev, "quote")
        span = locate(text, q)
        if span is None:
            problem(line, f"the quote {q[:60]!r} is not in {doc.path.name}",
                    closest_hint(text, q, doc.path.name, doc.where if doc.pages or doc.paragraphs else None))
            continue
        a, b = span
        if text[a:b] != q:
            # the same words, with other quotation marks, dashes or spacing (a copy from a PDF viewer):
            # the quote becomes the text's own characters, so that it is verbatim
            problem(line, f"the quote {q[:60]!r} was not verbatim: replaced by the text's own characters "
                    f"{text[a:b][:80]!r} (quotation marks, dashes or spacing differed)",
                    "nothing to do unless the quote meant another passage", "warning")
            ev["quote"] = DoubleQuotedScalarString(text[a:b])
            res.rewritten += 1
            changed = True
            q = text[a:b]
        res.found += 1
        start, end = ev.get("start"), ev.get("end")
        if isinstance(start, int) and isinstance(end, int) and text[start:end] == q:
            continue  # the recorded occurrence is right (a phrase may occur more than once)
        keys = list(ev)
        at = keys.index("quote") + 1
        for k, v in (("start", a), ("end", b)):
            if k in ev:
                ev[k] = v
            else:
                ev.insert(at, k, v)  # type: ignore[attr-defined]  # a ruamel CommentedMap
            at += 1
        res.filled += 1
        changed = True
    if not recorded and res.checked and res.checked == res.found:
        keys = list(src)
        at = keys.index("id") + 1 if "id" in keys else 0
        src.insert(at, "sha256", doc.sha256)  # type: ignore[attr-defined]
        changed = True
    if changed:
        out = io.StringIO()
        y.dump(tree, out)
        res.text = out.getvalue()
    return res
