"""`sgkg build`: annotation files to a validated store and exports, in a build folder."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from kg_build.cli.common import EXIT_NONCONFORMING, EXIT_OK, Progress, print_problems
from kg_build.validation import DEFAULT_ENGINE, ENGINES


def register(sub, common) -> None:
    p = sub.add_parser("build", help="annotation files -> validated store and exports in build/")
    p.add_argument("paths", nargs="*", type=Path, default=[Path("data")], help="files or folders (default: data)")
    p.add_argument("--strict", action="store_true", help="fail on warnings as well as violations")
    p.add_argument("--jobs", "-j", type=int, default=None, help="parallel workers (default: all cores)")
    p.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                   help="SHACL engine: pyshacl-turbo (default, fast) or pyshacl (the reference)")
    p.add_argument("--no-export", action="store_true",
                   help="write the store only, not build/export/ (fastest rebuild while editing reviews; "
                        "export and push need a build with exports)")
    common(p)
    p.set_defaults(func=run)



def run(args) -> int:
    from kg_build.pipeline.builder import build

    result = build(args.paths, Path(args.out), strict=args.strict, jobs=args.jobs, engine=args.engine,
                   exports=not args.no_export, progress=Progress(not args.quiet and not args.json, "building"))
    if args.json:
        print(json.dumps({**result.summary(), "exit_code": EXIT_OK if result.ok else EXIT_NONCONFORMING}, indent=2))
    else:
        for notice in result.notices:
            print(f"sgkg: {notice}", file=sys.stderr)
        print_problems(result.problems, args.quiet)
        s = result.summary()
        if not args.quiet:
            state = "built" if result.written else "NOT built (previous build kept)"
            print(f"{state}: {s['reviews']} reviews ({s['rebuilt']} rebuilt, {s['reviews'] - s['rebuilt']} "
                  f"unchanged), {s['triples']} triples, {s['violations']} violations, "
                  f"{s['warnings']} warnings -> {s['out']}")
    return EXIT_OK if result.ok else EXIT_NONCONFORMING
