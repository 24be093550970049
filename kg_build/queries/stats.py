"""Counts per review on the built store: children, persons, agencies, events, claims.

The counts are the stored query cases/count-elements-by-review, so `sgkg stats`, the report's index
and a researcher running the query see the same numbers."""
from __future__ import annotations

from pathlib import Path

from kg_build.queries.stored import get, select_local
from kg_build.store import open_store

QUERY = "cases/count-elements-by-review"

#: the counts, as `sgkg stats` names them, with the query's column for each
COUNTS = {"children": "children", "persons": "persons", "agencies": "agencies", "events": "events",
          "risk_factors": "riskFactors", "missed_opportunities": "missedOpportunities", "findings": "findings",
          "recommendations": "recommendations", "systemic_factors": "systemicFactors"}


def review_stats(build_dir: Path) -> list[dict]:
    """One row a review: its IRI, title and the counts named in COUNTS."""
    result = select_local(get(QUERY), open_store(Path(build_dir) / "store"))
    rows = []
    for r in result.records(labels=False):
        row = {"review": str(r["review"]), "title": r["title"]}
        row.update({k: r[column] for k, column in COUNTS.items()})
        rows.append(row)
    return rows
