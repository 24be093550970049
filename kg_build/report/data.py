"""What the report shows, as the stored queries answer it.

Every number, row and mark of the report comes from a stored query of queries/, named here, so a
researcher can rerun what a page shows (`sgkg query run NAME`); this module only groups the rows by
review and by statement. The cross-case charts take theirs in charts.py, also from stored queries.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kg_build.queries.stored import Result, get, select_local, unordered
from kg_build.queries.values import PartialDate

#: the stored queries behind the index and the review pages, each run once over every review
REVIEW_QUERIES = {
    "reviews": "cases/list-reviews",
    "counts": "cases/count-elements-by-review",
    "missed": "missed-opportunities/list-missed-opportunities",
    "knowledge": "risk-factors/list-risk-factors",
    "findings": "systems/list-findings",
    "recommendations": "systems/list-recommendations",
    "evidence": "evidence/list-evidence",
    "missing": "evidence/report-missing-elements",
}
#: the chronology of one review, run for each review (its `review` parameter is required)
CHRONOLOGY = "cases/get-chronology"

Records = list[dict[str, Any]]
Runner = Callable[..., Result]


def run_on(store) -> Runner:
    """A function that runs a stored query, by name, on a pyoxigraph store: run(name, params), or
    run(name, params, ordered=False) for its rows in the engine's order (the report groups them)."""
    cache: dict[str, Any] = {}

    def run(name: str, params: dict[str, str], ordered: bool = True) -> Result:
        if name not in cache:
            cache[name] = get(name)
        return select_local(cache[name] if ordered else unordered(cache[name]), store, params)

    return run


def local_id(iri: str) -> str:
    """The last segment of an IRI, as a file or anchor name (letters, digits, dot, dash, underscore)."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", iri.rstrip("/").rsplit("/", 1)[-1]) or "review"


def anchor(iri: str, review: str) -> str:
    """An anchor for a node of a review's graph: its IRI below the review's, with dashes."""
    rest = iri[len(review):].strip("/") if iri.startswith(review) else iri.rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_-]", "-", rest) or "review"


def _group(records: Iterable[dict], key: str = "review") -> dict[str, Records]:
    out: dict[str, Records] = defaultdict(list)
    for r in records:
        if r.get(key) is not None:
            out[str(r[key])].append(r)
    return out


def _unique(values: Iterable[Any]) -> list:
    """The values that are not None, once each, in first-seen order."""
    seen: dict[Any, None] = {}
    for v in values:
        if v is not None and v not in seen:
            seen[v] = None
    return list(seen)


def when(date: Any, end: Any) -> tuple[str, dt.date | None, dt.date | None]:
    """How an event is drawn on a time axis: ("point", day, None) for an exact day, ("span", first
    day, first day after) for a month, a year or a period, ("undated", None, None) without a date."""
    if date is None:
        return "undated", None, None
    start = date.start if isinstance(date, PartialDate) else date
    if not isinstance(start, dt.date):
        return "undated", None, None
    if end is None and not isinstance(date, PartialDate):
        return "point", start, None
    last = end if end is not None else date
    stop = last.end if isinstance(last, PartialDate) else last + dt.timedelta(days=1)
    return "span", start, max(stop, start + dt.timedelta(days=1))


def age(months: Any, text: Any) -> str:
    if text:
        return str(text)
    if isinstance(months, int):
        if months < 24:
            return f"{months} month{'s' if months != 1 else ''}"
        return f"{months // 12} years"
    return ""


@dataclass
class Review:
    iri: str
    id: str
    title: str
    type: str = ""
    board: str = ""
    area: str = ""
    gss: str = ""
    published: Any = None
    children: list[dict] = field(default_factory=list)
    children_not_stated: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def year(self) -> str:
        p = self.published
        return str(p.year) if p is not None and hasattr(p, "year") else ""

    @property
    def outcomes(self) -> list[str]:
        return _unique(o for c in self.children for o in c["outcomes"])


def reviews(rows: Records, counts: Records) -> list[Review]:
    """The reviews of cases/list-reviews (one row a child), with the counts of count-elements-by-review."""
    by_review = _group(rows)
    tallies = {str(r["review"]): r for r in counts}
    out = []
    for iri, rs in by_review.items():
        first = rs[0]
        review = Review(iri, local_id(iri), first["reviewTitle"], first.get("reviewTypeLabel") or "",
                        first.get("boardLabel") or "", first.get("localAuthorityLabel") or "",
                        first.get("gss") or "", first.get("published"),
                        children_not_stated=bool(first.get("childrenNotStated")))
        for child in _unique(str(r["child"]) for r in rs if r.get("child")):
            crs = [r for r in rs if str(r.get("child")) == child]
            c = crs[0]
            review.children.append({
                "as": c.get("childAs") or "", "role": c.get("childRoleLabel") or "",
                "age": age(c.get("ageInMonths"), c.get("ageText")),
                "outcomes": _unique(r.get("outcomeLabel") for r in crs),
                "outcome_types": _unique(r.get("outcomeTypeLabel") for r in crs),
            })
        t = tallies.get(iri, {})
        review.counts = {k: int(t.get(k) or 0) for k in ("events", "missedOpportunities", "findings",
                                                         "recommendations", "riskFactors", "agencies")}
        out.append(review)
    out.sort(key=lambda r: (str(r.published or ""), r.title, r.iri))
    return out


def evidence(rows: Records) -> dict[str, dict]:
    """Each statement's kinds, summary and quotes (source title, URL, phrase), by statement IRI."""
    out: dict[str, dict] = {}
    for r in rows:
        s = out.setdefault(str(r["statement"]), {"types": [], "summary": r.get("summary"), "quotes": []})
        label = r.get("statementTypeLabel")
        if label and label not in s["types"]:
            s["types"].append(label)
        quote = {"source": r.get("sourceTitle") or "", "url": r.get("url") or "", "quote": r.get("quote")}
        if quote not in s["quotes"]:
            s["quotes"].append(quote)
    return out


def missed_opportunities(rows: Records, review: str) -> list[dict]:
    out: dict[str, dict] = {}
    for r in rows:
        mo = out.setdefault(str(r["mo"]), {
            "iri": str(r["mo"]), "anchor": anchor(str(r["mo"]), review), "summary": r["summary"], "types": [],
            "agencies": [], "agency_not_stated": bool(r.get("agencyNotStated")), "events": [],
            "events_not_stated": bool(r.get("eventsNotStated")), "identified_by": r.get("identifiedByLabel") or ""})
        for key, value in (("types", r.get("typeLabel")), ("agencies", r.get("agencyLabel")),
                           ("events", None if r.get("event") is None else str(r["event"]))):
            if value is not None and value not in mo[key]:
                mo[key].append(value)
    return list(out.values())


def chronology(rows: Records, review: str, mos: list[dict]) -> list[dict]:
    """The events of get-chronology (a row per type and agency) in its order, each with how it is
    drawn and the missed opportunities that arose at it."""
    at_event: dict[str, list[dict]] = defaultdict(list)
    for mo in mos:
        for e in mo["events"]:
            at_event[e].append(mo)
    events: dict[str, dict] = {}
    for r in rows:
        iri = str(r["event"])
        e = events.get(iri)
        if e is None:
            kind, start, end = when(r.get("date"), r.get("dateEnd"))
            e = events[iri] = {
                "iri": iri, "anchor": anchor(iri, review), "position": int(r["position"]), "types": [],
                "agencies": [], "agency_not_stated": bool(r.get("agencyNotStated")),
                "date": r.get("date"), "date_end": r.get("dateEnd"), "date_text": r.get("dateText") or "",
                "incident": bool(r.get("incident")), "summary": r.get("summary") or "",
                "kind": kind, "start": start, "end": end, "missed": at_event.get(iri, [])}
        for key, value in (("types", r.get("eventTypeLabel")), ("agencies", r.get("agencyLabel"))):
            if value is not None and value not in e[key]:
                e[key].append(value)
    ordered = list(events.values())
    for n, e in enumerate(ordered, 1):
        e["number"] = n
    return ordered


KNEW, DID_NOT_KNOW, NOT_STATED = "knew", "did not know", "not stated"


def knowledge(rows: Records) -> dict[str, Any]:
    """The "who knew what" matrix of list-risk-factors: a row a risk factor assertion (person and
    factor), a column an agency the review records as knowing or not knowing of any of them; a cell
    says knew, did not know, or not stated (the review records neither)."""
    assertions: dict[str, dict] = {}
    for r in rows:
        a = assertions.setdefault(str(r["assertion"]), {
            "iri": str(r["assertion"]), "person": r.get("personLabel") or "", "relations": [],
            "factor": r.get("factorLabel") or "", "knew": {}})
        rel = r.get("relationLabel")
        if rel and rel not in a["relations"]:
            a["relations"].append(rel)
        if r.get("agency") is not None:
            a["knew"][r.get("agencyLabel") or str(r["agency"])] = KNEW if r.get("knew") else DID_NOT_KNOW
    agencies = sorted({name for a in assertions.values() for name in a["knew"]}, key=str.casefold)
    matrix = []
    for a in sorted(assertions.values(), key=lambda a: (a["person"].casefold(), a["factor"].casefold())):
        matrix.append({**a, "cells": [a["knew"].get(name, NOT_STATED) for name in agencies]})
    return {"agencies": agencies, "rows": matrix}


def findings(rows: Records, review: str) -> list[dict]:
    out: dict[str, dict] = {}
    for r in rows:
        f = out.setdefault(str(r["finding"]), {"iri": str(r["finding"]), "anchor": anchor(str(r["finding"]), review),
                                               "summary": r["summary"], "themes": [], "events": []})
        for key, value in (("themes", r.get("themeLabel")), ("events", None if r.get("event") is None
                                                             else str(r["event"]))):
            if value is not None and value not in f[key]:
                f[key].append(value)
    return list(out.values())


def recommendations(rows: Records, review: str) -> list[dict]:
    out: dict[str, dict] = {}
    for r in rows:
        iri = str(r["recommendation"])
        rec = out.setdefault(iri, {"iri": iri, "anchor": anchor(iri, review), "summary": r["summary"],
                                   "addressees": [], "addressee_not_stated": bool(r.get("addresseeNotStated")),
                                   "status": r.get("statusLabel") or "", "themes": []})
        if r.get("addressee") is not None:
            kind = str(r.get("addresseeKind") or "").rsplit("#", 1)[-1]
            who = {"label": r.get("addresseeLabel") or "", "kind": {"SafeguardingPartnership": "board",
                                                                    "LocalAuthority": "local authority"}
                   .get(kind, r.get("agencyTypeLabel") or "agency")}
            if who not in rec["addressees"]:
                rec["addressees"].append(who)
        theme = r.get("themeLabel")
        if theme and theme not in rec["themes"]:
            rec["themes"].append(theme)
    return sorted(out.values(), key=lambda rec: rec["iri"])


def missing(rows: Records, review: str) -> dict[str, list[dict]]:
    """The rows of report-missing-elements: what the sources do not state (recorded as not stated),
    and expected elements the annotation lacks."""
    silent: list[dict] = []
    gaps: list[dict] = []
    for r in rows:
        item = {"node": r.get("nodeLabel") or anchor(str(r["node"]), review),
                "missing": str(r["missing"]).rsplit("#", 1)[-1].rsplit("/", 1)[-1], "key": r.get("key") or "",
                "value": r.get("value")}
        (silent if r.get("sourceSilent") else gaps).append(item)
    return {"silent": silent, "gaps": gaps}


@dataclass
class ReportData:
    reviews: list[Review]
    pages: dict[str, dict]  # review IRI -> what its page shows
    results: dict[str, Records]  # query name -> its rows (for the index)


def gather(run: Runner, progress: Callable[[int, int], None] | None = None) -> ReportData:
    """Run the report's stored queries and group their rows by review."""
    results = {key: run(name, {}, ordered=False).records(labels=False) for key, name in REVIEW_QUERIES.items()}
    listed = reviews(results["reviews"], results["counts"])
    grouped = {key: _group(rows) for key, rows in results.items() if key not in ("reviews", "counts")}
    pages = {}
    for n, review in enumerate(listed, 1):
        iri = review.iri
        mos = missed_opportunities(grouped["missed"].get(iri, []), iri)
        events = chronology(run(CHRONOLOGY, {"review": iri}).records(labels=False), iri, mos)
        pages[iri] = {
            "events": events, "missed": mos, "knowledge": knowledge(grouped["knowledge"].get(iri, [])),
            "findings": findings(grouped["findings"].get(iri, []), iri),
            "recommendations": recommendations(grouped["recommendations"].get(iri, []), iri),
            "evidence": evidence(grouped["evidence"].get(iri, [])),
            "missing": missing(grouped["missing"].get(iri, []), iri),
        }
        if progress:
            progress(n, len(listed))
    return ReportData(listed, pages, {"reviews": results["reviews"]})
