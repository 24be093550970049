"""`sgkg`: the command line, a thin layer over the library.

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
from pathlib import Path

from kg_build import __version__
from kg_build.problems import InputError, Problem, SgkgError

EXIT_OK, EXIT_NONCONFORMING, EXIT_UNUSABLE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130



class _Progress:
    """A one-line progress counter on stderr, only on a terminal and never with --quiet."""

    def __init__(self, enabled: bool, label: str):
        self.enabled = enabled and sys.stderr.isatty()
        self.label = label

    def __call__(self, done: int, total: int) -> None:
        if self.enabled:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def _print_problems(problems, quiet: bool) -> None:
    for p in problems:
        if quiet and p.severity != "error":
            continue
        print(p, file=sys.stderr)


def cmd_build(args) -> int:
    from kg_build.pipeline.builder import build

    result = build(args.paths, Path(args.out), strict=args.strict, jobs=args.jobs, engine=args.engine,
                   exports=not args.no_export, progress=_Progress(not args.quiet and not args.json, "building"))
    if args.json:
        print(json.dumps({**result.summary(), "exit_code": EXIT_OK if result.ok else EXIT_NONCONFORMING}, indent=2))
    else:
        for notice in result.notices:
            print(f"sgkg: {notice}", file=sys.stderr)
        _print_problems(result.problems, args.quiet)
        s = result.summary()
        if not args.quiet:
            state = "built" if result.written else "NOT built (previous build kept)"
            print(f"{state}: {s['reviews']} reviews ({s['rebuilt']} rebuilt, {s['reviews'] - s['rebuilt']} "
                  f"unchanged), {s['triples']} triples, {s['violations']} violations, "
                  f"{s['warnings']} warnings -> {s['out']}")
    return EXIT_OK if result.ok else EXIT_NONCONFORMING


def cmd_validate(args) -> int:
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
    _print_problems(problems, args.quiet)
    if not args.quiet:
        n = len(checked)
        print(f"{n} file{'s' if n != 1 else ''} checked: " + (f"{len(unusable)} input errors, " if unusable else "")
              + f"{len(errors)} violations, {len(warnings)} warnings")
    return code


def cmd_export(args) -> int:
    from kg_build.exports.writer import export_store

    if args.json and not args.output:
        raise SgkgError("--json needs --output FILE", hint="the export itself is written to standard output "
                        "otherwise", rule="usage")
    target = export_store(Path(args.out), args.format, Path(args.output) if args.output else None)
    if args.json:
        print(json.dumps({"ok": True, "exit_code": EXIT_OK, "format": args.format, "wrote": str(target)}, indent=2))
    elif target is not None and not args.quiet:
        print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


def cmd_stats(args) -> int:
    from kg_build.queries.stats import COUNTS, review_stats

    rows = review_stats(Path(args.out))
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    headers = ["review"] + [c.replace("_", " ") for c in COUNTS]
    table = [[r["review"].rsplit("/", 1)[-1]] + [str(r[c]) for c in COUNTS] for r in rows]
    totals = ["total"] + [str(sum(r[c] for r in rows)) for c in COUNTS]
    widths = [max(len(x) for x in col) for col in zip(headers, *table, totals)]
    for line in [headers, *table, totals]:
        print("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(line, widths))))
    return EXIT_OK


def cmd_query(args) -> int:
    from kg_build import queries

    if args.action == "list":
        if args.rest:
            raise queries.QueryError("`sgkg query list` takes no further arguments", rule="usage")
        cat = queries.catalogue()
        if args.json:
            print(json.dumps([{"name": q.name, "cq": list(q.cq), "summary": q.summary,
                               "params": [p.__dict__ for p in q.params], "tags": list(q.tags)}
                              for q in cat.values()], indent=2))
            return EXIT_OK
        for q in cat.values():
            params = " ".join(f"{p.name}:{p.type}" + (f"={p.default}" if p.default else "") for p in q.params)
            print(f"{q.name:55} {','.join(q.cq):6} {q.summary}" + (f"  [{params}]" if params else ""))
        return EXIT_OK
    if args.action == "run":
        if len(args.rest) != 1:
            raise queries.QueryError("usage: sgkg query run NAME [--param name=value ...]", rule="usage")
        q = queries.get(args.rest[0])
    else:
        if args.rest:
            raise queries.QueryError("usage: sgkg query FILE.rq [--param name=value ...]", rule="usage")
        path = Path(args.action)
        if not path.exists():
            raise queries.QueryError("no such query file", path, hint="or use `sgkg query run NAME`", rule="path")
        q = queries.adhoc(path)
    values = queries.parse_param_args(args.param)
    if args.endpoint:
        result = queries.run_endpoint(q, args.endpoint, values, timeout=args.timeout)
    else:  # in a child process that is stopped at the deadline (pyoxigraph cannot cancel a query)
        result = queries.run_local_with_deadline(q, Path(args.out) / "store", values, timeout=args.timeout)
    result.write("json" if args.json else args.format, sys.stdout)
    return EXIT_OK


def cmd_serve(args) -> int:
    from kg_build.publish.serve import run

    # serves until SIGTERM, SIGHUP or Ctrl-C, then stops every process it started and returns 0
    return run(Path(args.out) / "store", args.host, args.port, args.timeout, args.cors, workers=args.workers,
               quiet=args.quiet, json_line=args.json)


def cmd_push(args) -> int:
    from kg_build.publish.push import credentials_from_env, push

    password, token = credentials_from_env()
    graph_store = args.graph_store or args.endpoint
    # the store is asked once first: one that does not answer or refuses the credentials stops the
    # push at once, with nothing sent and push-state.json untouched
    report = push(Path(args.out), args.endpoint, graph_store, changed_only=args.changed_only,
                  user=args.user, password=password, token=token, auth=args.auth,
                  on_warning=lambda message: print(f"sgkg: {message}", file=sys.stderr))
    s = report.summary()
    if args.json:
        print(json.dumps({**s, "exit_code": EXIT_OK if report.ok else EXIT_NONCONFORMING}, indent=2))
    else:
        for g in report.graphs:
            if not args.quiet or g.status in ("failed", "mismatch"):
                print(f"{g.status:8} {g.triples:8} {g.graph}" + (f"  ({g.detail})" if g.detail else ""))
        by = s["by_status"]
        print(f"{s['graphs']} graphs: {by.get('ok', 0)} pushed and checked, {by.get('skipped', 0)} unchanged, "
              f"{len(report.failed)} failed", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_NONCONFORMING


def _seconds(text: str) -> float:
    """A positive number of seconds, for `sgkg query --timeout`."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sgkg", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"sgkg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p, out=True):
        p.add_argument("--quiet", "-q", action="store_true", help="print only errors")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        if out:
            p.add_argument("--out", default="build", help="build folder (default: build)")

    p = sub.add_parser("build", help="annotation files -> validated store and exports in build/")
    p.add_argument("paths", nargs="*", type=Path, default=[Path("data")], help="files or folders (default: data)")
    p.add_argument("--strict", action="store_true", help="fail on warnings as well as violations")
    p.add_argument("--jobs", "-j", type=int, default=None, help="parallel workers (default: all cores)")
    p.add_argument("--engine", choices=["turbo", "pyshacl"], default="turbo",
                   help="SHACL engine: pyshacl-turbo (default, fast) or pyshacl (the reference)")
    p.add_argument("--no-export", action="store_true",
                   help="write the store only, not build/export/ (fastest rebuild while editing reviews; "
                        "export and push need a build with exports)")
    common(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check annotation files or RDF files against the shapes")
    p.add_argument("paths", nargs="+", type=Path, help=".yaml, .ttl, .trig, .nt, .nq, .jsonld files or folders")
    p.add_argument("--strict", action="store_true", help="fail on warnings as well as violations")
    p.add_argument("--max-size", type=float, default=2, metavar="MB",
                   help="largest RDF file read, in MiB (default: 2; annotation files are always at most 2)")
    common(p, out=False)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="write the built dataset in one RDF format")
    p.add_argument("--format", choices=["trig", "nq", "ttl", "jsonld", "void"], default="trig")
    p.add_argument("--output", "-o", help="file to write (default: standard output)")
    common(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("query", help="list or run stored SPARQL queries, or run a .rq file",
                       description="sgkg query list | sgkg query run NAME [--param k=v] | sgkg query FILE.rq")
    p.add_argument("action", help="list, run, or the path of a .rq file")
    p.add_argument("rest", nargs="*", help="the query name, for run")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter value, typed by the query's header (repeat -p for each parameter)")
    p.add_argument("--format", "-f", choices=["table", "csv", "tsv", "json"], default="table")
    p.add_argument("--endpoint", help="a SPARQL 1.1 endpoint URL instead of the embedded store")
    p.add_argument("--timeout", type=_seconds, default=60.0, metavar="SECONDS",
                   help="stop the query after this many seconds, locally or with --endpoint (default: 60)")
    common(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("serve", help="a read-only SPARQL endpoint with a query page over the built store")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=7878, help="port to listen on (default: 7878; 0 picks a free one)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds a query may run before it is stopped and answered 503 (default: 30)")
    p.add_argument("--workers", type=int, default=None,
                   help="queries that can run at once, each in its own process (default: 2 to 4, by cores)")
    p.add_argument("--cors", action="store_true", help="allow cross-origin requests")
    common(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("push", help="load every named graph into a SPARQL 1.1 Graph Store Protocol store",
                       description="Password or token from the environment: SGKG_PASSWORD, SGKG_TOKEN.")
    p.add_argument("--endpoint", required=True, help="the store's SPARQL query endpoint (read back counts)")
    p.add_argument("--graph-store", help="the Graph Store Protocol endpoint (default: --endpoint)")
    p.add_argument("--user", help="user name (password from SGKG_PASSWORD)")
    p.add_argument("--auth", choices=["basic", "digest"], default="basic")
    p.add_argument("--changed-only", action="store_true", help="push only graphs changed since the last push")
    common(p)
    p.set_defaults(func=cmd_push)

    p = sub.add_parser("stats", help="counts per review on the built store")
    common(p)
    p.set_defaults(func=cmd_stats)
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
    argv = sys.argv[1:] if argv is None else list(argv)
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
