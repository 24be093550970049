"""`sgkg report`: a static site of the last good build (index, a page a review, charts across cases)."""
from __future__ import annotations

import json
from pathlib import Path

from kg_build.cli.common import EXIT_OK, Progress


def register(sub, common) -> None:
    p = sub.add_parser("report", help="a static report of the last good build: an index of the reviews, a page a "
                       "review with its timeline, charts across cases (opens from file://, nothing fetched)")
    p.add_argument("--out", default="report",
                   help="the report folder to write (default: report); replaced only if it is new, empty or a "
                   "previous report")
    p.add_argument("--build", default="build", help="the build folder to report on (default: build)")
    common(p, out=False)
    p.set_defaults(func=run)


def run(args) -> int:
    from kg_build.report import write

    summary = write(Path(args.build), Path(args.out), progress=Progress(not args.quiet, "report"))
    if args.json:
        print(json.dumps({"ok": True, **summary}))
    elif not args.quiet:
        print(f"wrote the report of {summary['reviews']} reviews ({summary['pages']} pages) to {args.out}; "
              f"open {Path(args.out) / 'index.html'}")
    return EXIT_OK
