"""The QC queries (queries/qc/*-violation.rq) as build problems, run one review graph at a time.

A QC query looks inside one review graph (GRAPH ?review { ... }) or inside the ontology and the
vocabularies; none joins two review graphs. So its rows over the whole dataset are the union of its
rows over each review graph alone (kept when ?review is that graph) and its rows over the ontology and
vocabularies alone (kept when ?review is not a review graph). The build runs the first in the worker
that builds the review, on a small in-memory store, and caches the rows with the review; the second
once. tests/test_queries.py checks that the union equals a run over the whole store.
"""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from kg_build.model import iris
from kg_build.problems import Problem


@lru_cache(maxsize=1)
def _queries() -> tuple:
    """The QC queries, read once a process (each review of a build runs them)."""
    from kg_build import queries

    return tuple(q for q in queries.catalogue().values() if q.is_qc)


def problems_of(rows, q, file_of) -> list[Problem]:
    out = []
    for row in rows:
        review = row.get("review") or ""
        out.append(Problem(file_of(review), 0, 0, f"{row.get('message') or q.summary}: {row.get('focus')}",
                           hint=f"QC query {q.name}",
                           severity="error" if q.severity == "error" else "warning", rule=q.name))
    return out


def review_problems(nquads: bytes, review: str, file: str) -> list[Problem]:
    """The QC rows about one review graph, given as N-Quads, as problems of its file."""
    from kg_build import queries

    # a new in-memory store each time: emptying one and reusing it was ten times slower
    store = ox.Store()
    store.load(nquads, format=ox.RdfFormat.N_QUADS)
    out = []
    for q in _queries():
        rows = [r for r in queries.select_local(q, store).records(typed=False) if r.get("review") == review]
        out += problems_of(rows, q, lambda _: file)
    return sorted(out)


def support_problems(support_nquads: bytes) -> list[Problem]:
    """The QC rows about the ontology and the vocabularies (rows not naming a review graph)."""
    from kg_build import queries

    store = ox.Store()
    store.load(support_nquads, format=ox.RdfFormat.N_QUADS)
    out = []
    for q in _queries():
        rows = [r for r in queries.select_local(q, store).records(typed=False)
                if not (r.get("review") or "").startswith(iris.ID + "review/")]
        out += problems_of(rows, q, lambda review: review or "ontology/")
    return sorted(out)

