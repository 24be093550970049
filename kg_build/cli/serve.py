"""`sgkg serve`: a read-only SPARQL endpoint with a query page over the built store."""
from __future__ import annotations

from pathlib import Path


def register(sub, common) -> None:
    p = sub.add_parser("serve", help="a read-only SPARQL endpoint with a query page over the built store")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=7878, help="port to listen on (default: 7878; 0 picks a free one)")
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds a query may run before it is stopped and answered 503 (default: 30)")
    p.add_argument("--workers", type=int, default=None,
                   help="queries that can run at once, each in its own process (default: 2 to 4, by cores)")
    p.add_argument("--cors", action="store_true", help="allow cross-origin requests")
    p.add_argument("--named-graphs-only", action="store_true",
                   help="an empty default graph, as in the store (default: the default graph is the union of the "
                   "review, ontology, vocabulary and description graphs, so queries need no GRAPH)")
    common(p)
    p.set_defaults(func=run)



def run(args) -> int:
    from kg_build.publish.serve import run

    # serves until SIGTERM, SIGHUP or Ctrl-C, then stops every process it started and returns 0
    return run(Path(args.out) / "store", args.host, args.port, args.timeout, args.cors, workers=args.workers,
               quiet=args.quiet, json_line=args.json, union=not args.named_graphs_only)
