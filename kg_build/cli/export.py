"""`sgkg export`: one export of the last good build, to a file or standard output."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from kg_build.cli.common import EXIT_OK
from kg_build.exports.formats import export_files
from kg_build.problems import SgkgError


def register(sub, common) -> None:
    p = sub.add_parser("export", help="write the built dataset in one RDF format")
    p.add_argument("--format", choices=list(export_files()), default="trig")
    p.add_argument("--output", "-o", help="file to write (default: standard output)")
    p.add_argument("--labels", action="store_true",
                   help="ttl, jsonld: add the label, code and scheme of every concept the reviews use, for a "
                   "consumer without the vocabularies")
    common(p)
    p.set_defaults(func=run)



def run(args) -> int:
    from kg_build.exports.writer import export_store

    if args.json and not args.output:
        raise SgkgError("--json needs --output FILE", hint="the export itself is written to standard output "
                        "otherwise", rule="usage")
    target = export_store(Path(args.out), args.format, Path(args.output) if args.output else None, args.labels)
    if args.json:
        print(json.dumps({"ok": True, "exit_code": EXIT_OK, "format": args.format, "wrote": str(target)}, indent=2))
    elif target is not None and not args.quiet:
        print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK
