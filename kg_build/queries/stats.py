"""Counts per review on the built store: children, persons, agencies, events, claims."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg_build.store import open_store

COUNTS = ("children", "persons", "agencies", "events", "risk_factors", "missed_opportunities",
          "findings", "recommendations", "systemic_factors")

STATS_QUERY = """
PREFIX sg: <https://w3id.org/sgkg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?review ?title
  (COUNT(DISTINCT ?child) AS ?children) (COUNT(DISTINCT ?person) AS ?persons)
  (COUNT(DISTINCT ?agency) AS ?agencies) (COUNT(DISTINCT ?event) AS ?events)
  (COUNT(DISTINCT ?rf) AS ?risk_factors) (COUNT(DISTINCT ?mo) AS ?missed_opportunities)
  (COUNT(DISTINCT ?finding) AS ?findings) (COUNT(DISTINCT ?rec) AS ?recommendations)
  (COUNT(DISTINCT ?sf) AS ?systemic_factors)
WHERE {
  GRAPH ?review {
    ?review a sg:Review ; dcterms:title ?title .
    { ?child a sg:Child } UNION { ?person a ?pc . VALUES ?pc { sg:FamilyMember sg:Professional sg:Person } }
    UNION { ?agency a sg:Agency } UNION { ?event a ?ec . VALUES ?ec { sg:Event sg:Incident } }
    UNION { ?rf a sg:RiskFactorAssertion } UNION { ?mo a sg:MissedOpportunity }
    UNION { ?finding a sg:Finding } UNION { ?rec a sg:Recommendation }
    UNION { ?sf a sg:SystemicFactorAssertion }
  }
}
GROUP BY ?review ?title
ORDER BY ?review
"""


def review_stats(build_dir: Path) -> list[dict]:
    """One row a review: its IRI, title and the counts named in COUNTS."""
    store = open_store(Path(build_dir) / "store")
    solutions = store.query(STATS_QUERY)
    assert isinstance(solutions, ox.QuerySolutions), "STATS_QUERY is a SELECT query"
    rows = []
    for r in solutions:
        row = {"review": r["review"].value, "title": r["title"].value}
        row.update({k: int(r[k].value) for k in COUNTS})
        rows.append(row)
    return rows
