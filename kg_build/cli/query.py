"""`sgkg query`: list the stored queries, run one by name, or run a .rq file.

    sgkg query list
    sgkg query show NAME
    sgkg query run NAME [-p name=value ...]
    sgkg query FILE.rq [-p name=value ...]      (also `sgkg query file FILE.rq`)
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kg_build.cli.common import EXIT_OK, add_common, seconds

ACTIONS = ("list", "show", "run", "file")


def register(sub, common) -> None:
    p = sub.add_parser("query", help="list or run stored SPARQL queries, or run a .rq file",
                       description="sgkg query list | sgkg query run NAME [--param k=v] | sgkg query FILE.rq")
    actions = p.add_subparsers(dest="action", required=True, metavar="{list,show,run,FILE.rq}")
    running = argparse.ArgumentParser(add_help=False)
    running.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                         help="a parameter value, typed by the query's header (repeat -p for each parameter)")
    running.add_argument("--format", "-f", choices=["table", "csv", "tsv", "json", "ttl", "nt"], default="table",
                         help="a table (SELECT): table, csv, tsv, json; a graph (CONSTRUCT, DESCRIBE): ttl (the "
                         "default), nt, json (JSON-LD); ASK: table (true or false), json")
    running.add_argument("--endpoint", help="a SPARQL 1.1 endpoint URL instead of the embedded store")
    running.add_argument("--timeout", type=seconds, default=60.0, metavar="SECONDS",
                         help="stop the query after this many seconds, locally or with --endpoint (default: 60)")
    add_common(running)

    a = actions.add_parser("list", help="the stored queries, with their questions and parameters")
    add_common(a, out=False)
    a.set_defaults(func=run_list)
    a = actions.add_parser("show", help="a stored query's header (question, parameters) and its SPARQL text")
    a.add_argument("name", help="topic/name, or the name alone when it is unique")
    add_common(a, out=False)
    a.set_defaults(func=run_show)
    a = actions.add_parser("run", parents=[running], help="run a stored query by name")
    a.add_argument("name", help="topic/name, or the name alone when it is unique")
    a.set_defaults(func=run_named)
    a = actions.add_parser("file", parents=[running], help="run a .rq file (`sgkg query FILE.rq` for short)")
    a.add_argument("path", type=Path, help="a SPARQL query file; a `#+` header is optional")
    a.set_defaults(func=run_file)


def shorthand(argv: list[str]) -> list[str]:
    """`sgkg query FILE.rq ...` is `sgkg query file FILE.rq ...`."""
    if len(argv) >= 2 and argv[0] == "query" and argv[1] not in ACTIONS and not argv[1].startswith("-"):
        return [argv[0], "file", *argv[1:]]
    return argv


def run_list(args) -> int:
    from kg_build import queries

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


def run_show(args) -> int:
    from kg_build import queries

    q = queries.get(args.name)
    if args.json:
        print(json.dumps({"name": q.name, "cq": list(q.cq), "summary": q.summary,
                          "params": [p.__dict__ for p in q.params], "tags": list(q.tags), "file": str(q.path),
                          "text": q.text}, indent=2))
        return EXIT_OK
    sys.stdout.write(q.text if q.text.endswith("\n") else q.text + "\n")
    return EXIT_OK


def run_named(args) -> int:
    from kg_build import queries

    return _run(queries.get(args.name), args)


def run_file(args) -> int:
    from kg_build import queries

    if not args.path.exists():
        raise queries.QueryError("no such query file", args.path, hint="or use `sgkg query run NAME`", rule="path")
    return _run(queries.adhoc(args.path), args)


def _run(q, args) -> int:
    from kg_build import queries

    values = queries.parse_param_args(args.param)
    result: queries.Answer
    if args.endpoint:
        result = queries.run_endpoint(q, args.endpoint, values, timeout=args.timeout)
    else:  # in a child process that is stopped at the deadline (pyoxigraph cannot cancel a query)
        result = queries.run_local_with_deadline(q, Path(args.out) / "store", values, timeout=args.timeout)
    result.write("json" if args.json else args.format, sys.stdout)
    return EXIT_OK
