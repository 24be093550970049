"""Expected results of stored queries, written by hand, and how results are compared with them.

tests/queries/expected/{fixture,data}/<topic>/<name>.yaml holds, for one query and one target graph
(the synthetic fixture, or the reviews of data/ listed in tests/queries/expected/data/reviews.txt):

    # where each expected row comes from (the fixture YAML, or the source text for data/)
    cases:
      - params: {agencyType: health}      # optional
        ordered: false                    # compare in order (only for queries with ORDER BY)
        rows:
          - {review: "review:testshire-2020-child-a", mo: "review:testshire-2020-child-a/mo/mo1"}

Only the columns named in the rows are compared (every row names the same columns); values are the
plain string of the term: an IRI (prefixes review:, id:, vocab:, sg: are expanded) or a literal's
lexical form; ~ (null) for unbound. A plain `rows:` at the top level is one case without parameters.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from kg_build.model import iris

EXPECTED = Path(__file__).parent / "queries" / "expected"
PREFIXES = {"review:": iris.ID + "review/", "id:": iris.ID, "vocab:": iris.VOCAB, "sg:": iris.ONTOLOGY}


def expand(v):
    if v is None:
        return None
    v = str(v)
    for p, ns in PREFIXES.items():
        if v.startswith(p):
            return ns + v[len(p):]
    return v


def load(target: str, name: str) -> list[dict] | None:
    path = EXPECTED / target / f"{name}.yaml"
    if not path.exists():
        return None
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = doc.get("cases") if "cases" in doc else [doc]
    out = []
    for c in cases:
        rows = c.get("rows") or []
        cols = sorted({k for r in rows for k in r})
        for r in rows:
            assert sorted(r) == cols, f"{path}: every row must name the same columns {cols}"
        out.append({"params": {k: str(v) for k, v in (c.get("params") or {}).items()},
                    "ordered": bool(c.get("ordered", False)), "columns": cols,
                    "rows": [[expand(r[k]) for k in cols] for r in rows], "path": path})
    return out


def project(result, columns: list[str]) -> list[list]:
    missing = [c for c in columns if c not in result.variables]
    assert not missing, f"the query returns no column {missing}; it returns {result.variables}"
    idx = [result.variables.index(c) for c in columns]
    return [[row[i] for i in idx] for row in result.values()]


def compare(case: dict, result) -> None:
    actual = project(result, case["columns"]) if case["columns"] else [[] for _ in result.rows]
    expected = case["rows"]
    if case["ordered"]:
        assert actual == expected, f"{case['path']}: rows differ (in order)\nactual:   {actual}\nexpected: {expected}"
    else:
        a, e = Counter(map(tuple, actual)), Counter(map(tuple, expected))
        assert a == e, (f"{case['path']}: rows differ\nonly actual:   {sorted((a - e).elements(), key=str)}"
                        f"\nonly expected: {sorted((e - a).elements(), key=str)}")
