"""`sgkg push`: every named graph to a SPARQL 1.1 Graph Store Protocol store."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from kg_build.cli.common import EXIT_NONCONFORMING, EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("push", help="load every named graph into a SPARQL 1.1 Graph Store Protocol store",
                       description="Password or token from the environment: SGKG_PASSWORD, SGKG_TOKEN.")
    p.add_argument("--endpoint", required=True, help="the store's SPARQL query endpoint (read back counts)")
    p.add_argument("--graph-store", help="the Graph Store Protocol endpoint (default: --endpoint)")
    p.add_argument("--user", help="user name (password from SGKG_PASSWORD)")
    p.add_argument("--auth", choices=["basic", "digest"], default="basic")
    p.add_argument("--changed-only", action="store_true", help="push only graphs changed since the last push")
    common(p)
    p.set_defaults(func=run)



def run(args) -> int:
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
