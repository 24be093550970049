"""`sgkg quotes`: check annotation files' evidence quotes and offsets against the texts of their sources."""
from __future__ import annotations

import json
from pathlib import Path

from kg_build.cli.common import EXIT_NONCONFORMING, EXIT_OK, EXIT_UNUSABLE, print_problems
from kg_build.problems import InputError, SgkgError


def register(sub, common) -> None:
    p = sub.add_parser("quotes", help="check evidence quotes and their offsets against the sources' texts")
    p.add_argument("paths", nargs="+", type=Path, help="annotation files (.yaml) or folders of them")
    p.add_argument("--texts", type=Path, required=True, metavar="DIR",
                   help="folder of the texts read: DIR/<review id>/<source id>.txt (not committed)")
    p.add_argument("--strict", action="store_true", help="fail on warnings (no digest, no offsets) as well")
    common(p, out=False)
    p.set_defaults(func=run)


def run(args) -> int:
    from kg_build.annotations.quotes import check_quotes
    from kg_build.annotations.reader import load_review
    from kg_build.inputs import find_inputs

    if not args.texts.is_dir():
        raise SgkgError(f"--texts {args.texts}: no such folder",
                        hint="give the folder that holds <review id>/<source id>.txt", rule="usage")
    paths, found = find_inputs(args.paths, {".yaml", ".yml"})
    unusable = [p for p in found if p.severity == "error"]
    problems = [p for p in found if p.severity != "error"]
    checked = unchecked = 0
    files: list[str] = []
    for path in paths:
        files.append(str(path))
        try:
            rf = load_review(path)
        except InputError as exc:
            unusable.extend(exc.problems)
            continue
        result = check_quotes(rf, args.texts)
        problems.extend(result.problems)
        checked += result.checked
        unchecked += result.unchecked
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    code = EXIT_UNUSABLE if unusable else EXIT_NONCONFORMING if (errors or (args.strict and warnings)) else EXIT_OK
    if args.json:
        print(json.dumps({"ok": code == EXIT_OK, "exit_code": code, "files": files, "checked": checked,
                          "unchecked": unchecked, "problems": [p.as_dict() for p in unusable + problems]}, indent=2))
        return code
    print_problems(unusable + problems, args.quiet)
    if not args.quiet:
        print(f"{len(files)} file{'s' if len(files) != 1 else ''}: {checked} quotes checked against their texts, "
              f"{unchecked} without a text held; {len(errors)} errors, {len(warnings)} warnings")
    return code
