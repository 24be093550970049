"""`sgkg validate`: check annotation files, or RDF from any tool, against the format and the shapes."""
from __future__ import annotations

import json
from pathlib import Path

from kg_build.cli.common import EXIT_NONCONFORMING, EXIT_OK, EXIT_UNUSABLE, print_problems
from kg_build.problems import SgkgError


def register(sub, common) -> None:
    p = sub.add_parser("validate", help="check annotation files or RDF files against the shapes")
    p.add_argument("paths", nargs="+", type=Path, help=".yaml, .ttl, .trig, .nt, .nq, .jsonld files or folders")
    p.add_argument("--strict", action="store_true", help="fail on warnings as well as violations")
    p.add_argument("--max-size", type=float, default=2, metavar="MB",
                   help="largest RDF file read, in MiB (default: 2; annotation files are always at most 2)")
    common(p, out=False)
    p.set_defaults(func=run)



def run(args) -> int:
    from kg_build.validation.files import validate_paths

    if not args.max_size > 0:
        raise SgkgError(f"--max-size {args.max_size:g}: give a size in MiB above 0", rule="usage")
    run = validate_paths(args.paths, max_bytes=int(args.max_size * 1024 * 1024))
    problems, checked = run.problems, run.files
    unusable = set(run.unusable)
    errors = [p for p in problems if p.severity == "error" and p not in unusable]
    warnings = [p for p in problems if p.severity != "error"]
    code = EXIT_UNUSABLE if unusable else EXIT_NONCONFORMING if (errors or (args.strict and warnings)) else EXIT_OK
    if args.json:
        print(json.dumps({"ok": code == EXIT_OK, "exit_code": code, "files": checked,
                          "problems": [p.as_dict() for p in problems]}, indent=2))
        return code
    print_problems(problems, args.quiet)
    if not args.quiet:
        n = len(checked)
        print(f"{n} file{'s' if n != 1 else ''} checked: " + (f"{len(unusable)} input errors, " if unusable else "")
              + f"{len(errors)} violations, {len(warnings)} warnings")
    return code
