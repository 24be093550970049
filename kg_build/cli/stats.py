"""`sgkg stats`: counts per review on the built store."""
from __future__ import annotations

import json
from pathlib import Path

from kg_build.cli.common import EXIT_OK


def register(sub, common) -> None:
    p = sub.add_parser("stats", help="counts per review on the built store")
    common(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from kg_build.queries import text_table
    from kg_build.queries.stats import COUNTS, review_stats

    rows = review_stats(Path(args.out))
    if args.json:
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    headers = ["review"] + [c.replace("_", " ") for c in COUNTS]
    table = [[r["review"].rsplit("/", 1)[-1]] + [str(r[c]) for c in COUNTS] for r in rows]
    totals = ["total"] + [str(sum(r[c] for r in rows)) for c in COUNTS]
    print(text_table(headers, [*table, totals], right=tuple(range(1, len(headers)))), end="")
    return EXIT_OK
