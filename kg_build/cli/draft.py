"""`sgkg draft`: propose an annotation from a review's text; `sgkg draft --check`: check its quotes."""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

from kg_build.cli.common import EXIT_NONCONFORMING, EXIT_OK, print_problems
from kg_build.problems import SgkgError


def register(sub, common) -> None:
    p = sub.add_parser("draft", help="propose a draft annotation from a review's text (plain text, HTML or PDF)",
                       description="Draft: `sgkg draft REPORT.pdf --out draft.yaml`. Check the quotes of an "
                       "annotation against a text and fill in their offsets: `sgkg draft --check FILE.yaml "
                       "--text REPORT.pdf`.")
    p.add_argument("text_file", nargs="?", type=Path, metavar="REVIEW-TEXT",
                   help="the review's text: .txt (UTF-8), .html or .pdf")
    p.add_argument("--out", "-o", type=Path, metavar="FILE.yaml",
                   help="write the draft here (default: standard output); with --check, write the checked "
                   "annotation here instead of updating FILE.yaml in place")
    p.add_argument("--id", dest="review_id", help="the review id (default: from the text's file name)")
    p.add_argument("--source-id", default="report", help="the id of the text's source entry (default: report)")
    p.add_argument("--source-type", default="review-report",
                   help="the source-type code of the text (default: review-report; news-report, learning-summary ...)")
    p.add_argument("--text-out", type=Path, metavar="FILE.txt",
                   help="also save the plain text read (what the offsets count in), e.g. of a PDF")
    p.add_argument("--force", action="store_true",
                   help="replace an existing --out or --text-out file (a draft never overwrites one otherwise)")
    p.add_argument("--check", type=Path, metavar="FILE.yaml",
                   help="check the quotes of this annotation against --text and fill in their offsets")
    p.add_argument("--text", type=Path, metavar="REVIEW-TEXT", help="with --check: the source's text")
    p.add_argument("--source", help="with --check: which source of the annotation the text is (default: the "
                   "one whose sha256 matches, or the only one)")
    common(p, out=False)
    p.set_defaults(func=run)


def _needs_extra() -> None:
    import importlib.util

    missing = [m for m in ("spacy", "negspacy", "dateparser", "pypdf", "bs4", "ruamel.yaml")
               if importlib.util.find_spec(m.split(".")[0]) is None]
    if missing:
        raise SgkgError(f"sgkg draft needs {', '.join(missing)}, not installed",
                        hint="pip install 'sgkg[draft]'", rule="usage")


def run(args) -> int:
    _needs_extra()
    if args.check is not None:
        return _check(args)
    if args.text_file is None:
        raise SgkgError("give the review's text (sgkg draft REPORT.pdf), or --check FILE.yaml --text REPORT",
                        rule="usage")
    from kg_build import __version__
    from kg_build.atomic import atomic_write_text
    from kg_build.draft.document import read_document
    from kg_build.draft.propose import propose
    from kg_build.draft.yamlout import dump
    from kg_build.model import ontology

    if args.source_type not in ontology.scheme("source-type").current:
        raise SgkgError(f"--source-type {args.source_type}: not a code of the source-type vocabulary",
                        hint="one of: " + ", ".join(ontology.scheme("source-type").current), rule="usage")
    review_id = args.review_id or re.sub(r"[^a-z0-9]+", "-", args.text_file.stem.lower()).strip("-") or "review"
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", review_id):
        raise SgkgError(f"--id {review_id}: an id is lowercase letters, digits and hyphens", rule="usage")
    for target in (args.out, args.text_out):
        if target is not None and target.exists() and not args.force:
            raise SgkgError(f"{target} exists: a draft does not overwrite a file (it may hold an annotator's work)",
                            hint="give a new file, or --force to replace it", rule="usage")
    doc = read_document(args.text_file)
    draft = propose(doc, review_id, source_id=args.source_id, source_type=args.source_type,
                    today=dt.date.today().isoformat(), version=__version__)
    text = dump(draft)
    if args.text_out is not None:
        atomic_write_text(args.text_out, doc.text, regular_only=True)
    if args.out is None:
        sys.stdout.write(text)
    else:
        atomic_write_text(args.out, text, regular_only=True)
    counts = {k: len(v) for k, v in draft.sections.items() if v}
    if args.json and args.out is not None:
        print(json.dumps({"ok": True, "exit_code": EXIT_OK, "out": str(args.out), "sections": counts}, indent=2))
    elif not args.quiet:
        print(f"{args.text_file}: drafted " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
              + (f" into {args.out}" if args.out else ""), file=sys.stderr)
    return EXIT_OK


def _check(args) -> int:
    from kg_build.atomic import atomic_write_text
    from kg_build.draft.check import check_annotation
    from kg_build.draft.document import read_document

    if args.text is None:
        raise SgkgError("--check needs --text: the source's text to check the quotes against", rule="usage")
    if not args.check.is_file():
        raise SgkgError(f"{args.check}: no such file", hint="give the annotation file to check", rule="usage")
    doc = read_document(args.text)
    res = check_annotation(args.check, doc, args.source)
    target = args.out or args.check
    if res.text is not None:
        atomic_write_text(target, res.text, regular_only=True)
    errors = [p for p in res.problems if p.severity == "error"]
    code = EXIT_NONCONFORMING if errors else EXIT_OK
    if args.json:
        print(json.dumps({"ok": code == EXIT_OK, "exit_code": code, "source": res.source, "checked": res.checked,
                          "found": res.found, "filled": res.filled, "rewritten": res.rewritten,
                          "written": str(target) if res.text is not None else None,
                          "problems": [p.as_dict() for p in res.problems]}, indent=2))
        return code
    print_problems(res.problems, args.quiet)
    if not args.quiet:
        print(f"{args.check}: source {res.source}: {res.checked} quotes checked, {res.found} found verbatim, "
              f"{len(errors)} not; offsets filled in for {res.filled}, {res.rewritten} made verbatim"
              + (f" ({target} written)" if res.text is not None else ""), file=sys.stderr)
    return code
