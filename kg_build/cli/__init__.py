"""`sgkg`: the command line, a thin layer over the library (one module a command in kg_build/cli/).

Exit codes: 0 success; 1 the data does not conform (SHACL violations, or warnings with --strict);
2 unusable input or usage (a file that cannot be loaded, a bad path or option, a damaged build, an
endpoint that does not answer); 3 a bug in sgkg (please report it); 130 interrupted.
Every failure is one line per problem, `sgkg: PATH[:LINE[:COL]]: what (what to do)` or the located
problems of the input, never a traceback (SGKG_DEBUG=1 shows one). With --json, standard output
holds one JSON document in every outcome: `{"ok": false, "exit_code": N, "problems": [...]}` on failure.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from kg_build import __version__
from kg_build.cli import build, draft, export, ontology, push, query, quotes, report, serve, stats, validate
from kg_build.cli.common import EXIT_BUG, EXIT_INTERRUPTED, EXIT_OK, EXIT_UNUSABLE, add_common
from kg_build.problems import InputError, Problem, SgkgError

# one module a command, in help order
COMMANDS = (build, validate, quotes, draft, export, query, report, serve, push, stats, ontology)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sgkg", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"sgkg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub, add_common)
    return parser


class _Parser(argparse.ArgumentParser):
    """argparse that answers a usage error with a JSON document when --json was given."""

    json_mode = False

    def error(self, message):  # noqa: D401 - argparse's hook
        if _Parser.json_mode:
            _emit_failure(EXIT_UNUSABLE, [Problem("", 0, 0, message, f"see `{self.prog} --help`", rule="usage")],
                          json_mode=True)
            raise SystemExit(EXIT_UNUSABLE)
        super().error(message)


def _emit_failure(code: int, problems: list[Problem], json_mode: bool, tail: str = "",
                  located: bool = False) -> None:
    """Report a failed command: the JSON document on stdout with --json, else one line a problem on
    stderr (`located` problems of the input as `file:line:col: error: ...`, others as `sgkg: ...`)."""
    if json_mode:
        print(json.dumps({"ok": False, "exit_code": code, "problems": [p.as_dict() for p in problems]}, indent=2))
        return
    for p in problems:
        if located:
            print(p, file=sys.stderr)
        else:
            print(f"sgkg: {SgkgError(p.message, p.file, p.line, p.column, p.hint)}", file=sys.stderr)
    if tail:
        print(tail, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = query.shorthand(sys.argv[1:] if argv is None else list(argv))
    json_mode = _Parser.json_mode = "--json" in argv
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        n = len(exc.problems)
        _emit_failure(EXIT_UNUSABLE, exc.problems, json_mode,
                      f"{n} problem{'s' if n != 1 else ''} in the input; nothing was written", located=True)
        return EXIT_UNUSABLE
    except SgkgError as exc:
        _emit_failure(exc.exit_code, [exc.problem()], json_mode)
        return exc.exit_code
    except BrokenPipeError:  # the reader of our output went away (`| head`): not an error
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except OSError as exc:
        _emit_failure(EXIT_UNUSABLE, [SgkgError.from_os_error(exc).problem()], json_mode)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        _emit_failure(EXIT_INTERRUPTED, [Problem("", 0, 0, "interrupted", "nothing was changed by this run "
                                                 "that a next run does not redo; the previous build is kept",
                                                 rule="fatal")], json_mode)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: say so in one line; the traceback only when asked for
        if os.environ.get("SGKG_DEBUG"):
            raise
        _emit_failure(EXIT_BUG, [Problem("", 0, 0, f"internal error: {type(exc).__name__}: {exc}",
                                         "this is a bug in sgkg: please report it with the command and its "
                                         "input; SGKG_DEBUG=1 shows the traceback", rule="fatal")], json_mode)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
