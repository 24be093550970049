"""The report's charts: Plotly figures (plain JSON that plotly.js draws) from stored queries' rows.

Each cross-case chart is one stored query's answer, drawn: the query is named under the chart, and
the table beside it holds the rows the chart shows. Figures are written as the JSON plotly.js reads
(data and layout); building them through plotly's Python graph objects would validate each property
at a cost that 1,000 review timelines cannot afford, so tests check the figures against plotly's own
schema instead (tests/test_report.py).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kg_build.queries.stored import Result

#: Okabe and Ito's palette, told apart by people with any common colour-vision deficiency
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HEAT = [[0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1, "#08306b"]]
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13}
#: at most this many rows or columns on a chart; the table beside it holds every row
MAX_CATEGORIES = 30
SANKEY_SIDE = 12  # agency types drawn by name on each side of the Sankey diagram


@dataclass
class Chart:
    id: str
    title: str
    query: str  # the stored query whose rows the chart draws
    description: str
    figure: dict
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""
    params: dict[str, str] = field(default_factory=dict)

    @property
    def command(self) -> str:
        params = "".join(f" -p {k}={v}" for k, v in self.params.items())
        return f"sgkg query run {self.query}{params}"


def _layout(title: str, x: str, y: str, height: int, **more) -> dict:
    layout = {"title": {"text": title, "x": 0, "xanchor": "left"}, "font": FONT, "height": height,
              "margin": {"l": 10, "r": 10, "t": 60, "b": 10}, "paper_bgcolor": "white", "plot_bgcolor": "white",
              "xaxis": {"title": {"text": x}, "automargin": True},
              "yaxis": {"title": {"text": y}, "automargin": True}}
    layout.update(more)
    return layout


def _ranked(counts: Counter, limit: int = MAX_CATEGORIES) -> list[str]:
    """Categories by count, most first (ties by name), at most `limit`."""
    return [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]).casefold()))][:limit]


def _limited(shown: int, total: int, what: str) -> str:
    return f"The chart shows the {shown} {what} with the most; the table has all {total}." if shown < total else ""


def heatmap(title: str, cells: dict[tuple[str, str], int], x_title: str, y_title: str,
            value: str) -> tuple[dict, str]:
    """A heatmap of counts by (row, column), the busiest rows and columns first; and a note when some
    were left out for readability."""
    rows: Counter[str] = Counter()
    cols: Counter[str] = Counter()
    for (r, c), n in cells.items():
        rows[r] += n
        cols[c] += n
    ys, xs = _ranked(rows), _ranked(cols)
    z = [[cells.get((y, x)) for x in xs] for y in ys]
    figure = {"data": [{"type": "heatmap", "x": xs, "y": ys, "z": z, "colorscale": HEAT, "xgap": 1, "ygap": 1,
                        "colorbar": {"title": {"text": value}},
                        "hovertemplate": f"{y_title}: %{{y}}<br>{x_title}: %{{x}}<br>{value}: %{{z}}<extra></extra>"}],
              "layout": _layout(title, x_title, y_title, 160 + 24 * len(ys),
                                yaxis={"title": {"text": y_title}, "automargin": True, "autorange": "reversed",
                                       "type": "category"},
                                xaxis={"title": {"text": x_title}, "automargin": True, "type": "category",
                                       "tickangle": -40})}
    note = " ".join(filter(None, [_limited(len(ys), len(rows), y_title.lower() + "s"),
                                  _limited(len(xs), len(cols), x_title.lower() + "s")]))
    return figure, note


def _party(kind: str | None, label: str | None) -> str:
    return str(label) if kind == "agency" and label else str(kind or "not recorded")


def missed_by_type_and_agency(result: Result) -> Chart:
    recs = result.records(labels=False)
    cells: Counter = Counter()
    for r in recs:
        cells[(r["typeLabel"], _party(r["agencyKind"], r.get("agencyTypeLabel")))] += int(r["missedOpportunities"])
    figure, note = heatmap("Missed opportunities by type and responsible agency type", cells,
                           "Responsible agency type", "Missed-opportunity type", "missed opportunities")
    rows = [[r["typeLabel"], _party(r["agencyKind"], r.get("agencyTypeLabel")), r["missedOpportunities"], r["reviews"]]
            for r in recs]
    return Chart("missed", "Missed opportunities by type and agency type",
                 "missed-opportunities/count-by-type-and-agency-type",
                 "How many missed opportunities of each type each kind of agency was responsible for, across "
                 "all reviews. \u201cnot stated\u201d: the source does not name the agency.", figure,
                 ["type", "responsible (agency type or kind)", "missed opportunities", "reviews"], rows, note)


def risk_factor_pairs(result: Result) -> Chart:
    recs = result.records(labels=False)
    cells: dict[tuple[str, str], int] = {}
    for r in recs:
        a, b, n = r["factorALabel"], r["factorBLabel"], int(r["cases"])
        cells[(a, b)] = cells[(b, a)] = n
    figure, note = heatmap("Risk factors recorded together in a case", cells, "Risk factor", "Risk factor",
                           "cases")
    rows = [[r["factorALabel"], r["factorBLabel"], r["cases"]] for r in recs]
    return Chart("pairs", "Risk-factor co-occurrence", "risk-factors/count-risk-factor-pairs",
                 "In how many cases two risk factors were both recorded (for any people of the case). A factor "
                 "is not paired with a broader or narrower factor of its own.", figure,
                 ["risk factor", "risk factor", "cases"], rows, note)


TRIO = (("domesticAbuse", "domestic abuse"), ("parentalMentalIllHealth", "parental mental ill-health"),
        ("substanceMisuse", "substance misuse"))


def toxic_trio(result: Result, cases: int) -> Chart:
    recs = result.records(labels=False)
    combos: Counter = Counter()
    for r in recs:
        combos[" + ".join(label for key, label in TRIO if r.get(key))] += 1
    order = [" + ".join(label for key, label in TRIO if key != left) for left, _ in TRIO]
    order += [" + ".join(label for _, label in TRIO)]
    counts = [combos.get(c, 0) for c in order]
    share = [f"{100 * n / cases:.0f}% of {cases}" if cases else "" for n in counts]
    figure = {"data": [{"type": "bar", "orientation": "h", "x": counts, "y": order, "text": share,
                        "textposition": "auto", "marker": {"color": PALETTE[5]},
                        "hovertemplate": "%{y}: %{x} cases (%{text})<extra></extra>"}],
              "layout": _layout(f"Cases with two or more of the toxic trio ({len(recs)} of {cases} cases)",
                                "Cases", "Factors present in the family", 320,
                                yaxis={"title": {"text": "Factors present in the family"}, "automargin": True,
                                       "autorange": "reversed"})}
    rows = [[c, n, s] for c, n, s in zip(order, counts, share)] + [["any two or more", len(recs),
                                                                     f"{100 * len(recs) / cases:.0f}% of {cases}"
                                                                     if cases else ""]]
    return Chart("trio", "Toxic-trio prevalence", "risk-factors/find-toxic-trio-cases",
                 "Cases whose family members (not the child) had at least two of domestic abuse, parental "
                 "mental ill-health and substance misuse, by which of them; the share is of all cases.", figure,
                 ["factors present", "cases", "share of all cases"], rows)


AGE_BANDS = ["under 1", "1-4", "5-10", "11+", "unknown"]


def outcomes_by_age(result: Result) -> Chart:
    recs = result.records(labels=False)
    by_outcome: dict[str, dict[str, int]] = defaultdict(dict)
    for r in recs:
        by_outcome[r.get("outcomeLabel") or "no outcome recorded"][r["ageBand"]] = int(r["children"])
    data = [{"type": "bar", "name": outcome, "x": AGE_BANDS, "y": [bands.get(b, 0) for b in AGE_BANDS],
             "marker": {"color": PALETTE[i % len(PALETTE)]},
             "hovertemplate": f"{outcome}, %{{x}}: %{{y}} children<extra></extra>"}
            for i, (outcome, bands) in enumerate(sorted(by_outcome.items()))]
    figure = {"data": data, "layout": _layout("Children by outcome and age at the incident", "Age band (years)",
                                              "Children", 380, barmode="group",
                                              legend={"title": {"text": "Outcome"}})}
    rows = [[r.get("outcomeLabel") or "no outcome recorded", r["ageBand"], r["children"], r["cases"], r["reviews"]]
            for r in recs]
    return Chart("outcomes", "Outcomes by age band", "cases/count-outcomes-by-age-band",
                 "Children of all cases by the outcome recorded for them and their age at the incident.", figure,
                 ["outcome", "age band", "children", "cases", "reviews"], rows)


def sharing_failures(result: Result) -> Chart:
    recs = [r for r in result.records(labels=False) if r.get("case") is None]  # the totals rows
    held = [_party(r["holderKind"], r.get("holderTypeLabel")) for r in recs]
    needed = [_party(r["recipientKind"], r.get("recipientTypeLabel")) for r in recs]
    # the busiest sides drawn by name, the rest pooled, so that 1,000 reviews stay readable
    keep_held: Counter[str] = Counter()
    keep_needed: Counter[str] = Counter()
    for h, n, r in zip(held, needed, recs):
        keep_held[h] += int(r["failures"])
        keep_needed[n] += int(r["failures"])
    shown_held, shown_needed = set(_ranked(keep_held, SANKEY_SIDE)), set(_ranked(keep_needed, SANKEY_SIDE))
    links: Counter = Counter()
    for h, n, r in zip(held, needed, recs):
        links[(f"{h if h in shown_held else 'other agency types'} (held)",
               f"{n if n in shown_needed else 'other agency types'} (needed)")] += int(r["failures"])
    nodes = list(dict.fromkeys(h for h, _ in links)) + list(dict.fromkeys(n for _, n in links))
    index = {n: i for i, n in enumerate(nodes)}
    note = " ".join(filter(None, [_limited(len(shown_held), len(keep_held), "holders"),
                                  _limited(len(shown_needed), len(keep_needed), "intended recipients")]))
    figure = {"data": [{"type": "sankey", "arrangement": "snap",
                        "node": {"label": nodes, "pad": 12, "thickness": 14,
                                 "color": [PALETTE[0] if n.endswith("(held)") else PALETTE[1] for n in nodes]},
                        "link": {"source": [index[h] for h, _ in links], "target": [index[n] for _, n in links],
                                 "value": list(links.values()), "color": "rgba(0,114,178,0.25)"}}],
              "layout": {"title": {"text": "Information not shared: who held it \u2192 who needed it", "x": 0,
                                   "xanchor": "left"},
                         "font": FONT, "height": max(360, 30 * max(len(shown_held), len(shown_needed)) + 160),
                         "margin": {"l": 10, "r": 10, "t": 60, "b": 10}}}
    rows = [[_party(r["holderKind"], r.get("holderTypeLabel")), _party(r["recipientKind"], r.get("recipientTypeLabel")),
             r["failures"], r["cases"]] for r in recs]
    return Chart("sharing", "Information-sharing failures, holder to intended recipient",
                 "information-sharing/count-sharing-failures-by-pair",
                 "Each band is the number of information-sharing failures in which an agency of one type (left) "
                 "held information that one of another type (right) needed and did not receive; the totals "
                 "rows of the query.", figure,
                 ["held by", "needed by", "failures", "cases"], rows, note.replace("with the most", "with the most "
                                                                                    "failures (the rest pooled)"))


def systemic_by_area(result: Result) -> Chart:
    recs = result.records(labels=False)
    factors: dict[tuple[str, str], set] = defaultdict(set)
    reviews: dict[tuple[str, str], set] = defaultdict(set)
    gss: dict[str, str] = {}
    for r in recs:
        area = r.get("areaLabel") or "area not recorded"
        if r.get("gss"):
            gss[area] = str(r["gss"])
        factors[(area, r["broaderLabel"])].add(str(r["sf"]))
        reviews[(area, r["broaderLabel"])].add(str(r["review"]))
    cells = {k: len(v) for k, v in factors.items()}
    figure, note = heatmap("Systemic factors cited, by area", cells, "Systemic factor", "Area",
                           "factors cited")
    rows = [[area, gss.get(area, ""), factor, len(factors[(area, factor)]), len(reviews[(area, factor)])]
            for area, factor in sorted(factors, key=lambda k: (k[0].casefold(), k[1].casefold()))]
    return Chart("systemic", "Systemic factors by area", "systems/list-systemic-factors",
                 "How many systemic factors reviews cite in each local authority area, by broader factor "
                 "(the top concept of the systemic-factor vocabulary); the query lists each factor cited.",
                 figure, ["area", "GSS code", "systemic factor", "factors cited", "reviews"], rows, note)


def recurring_themes(result: Result) -> Chart:
    recs = result.records(labels=False)
    themes: dict[str, int] = {}
    for r in recs:
        themes[r["themeLabel"]] = int(r["reviews"])
    order = _ranked(Counter(themes))
    figure = {"data": [{"type": "bar", "orientation": "h", "x": [themes[t] for t in order], "y": order,
                        "marker": {"color": PALETTE[2]}, "hovertemplate": "%{y}: %{x} reviews<extra></extra>"}],
              "layout": _layout("Finding themes found by more than one review", "Reviews", "Finding theme",
                                140 + 24 * len(order), yaxis={"title": {"text": "Finding theme"}, "automargin": True,
                                                              "autorange": "reversed", "type": "category"})}
    rows = [[t, themes[t]] for t in sorted(themes, key=lambda t: (-themes[t], t.casefold()))]
    return Chart("themes", "Recurring finding themes", "systems/find-recurring-themes",
                 "Finding themes that more than one review found, counted through the theme hierarchy (a "
                 "narrower theme counts for its broader themes too).", figure, ["theme", "reviews"], rows,
                 _limited(len(order), len(themes), "themes"))


def dashboard(run: Callable[[str, dict[str, str]], Result], cases: int) -> list[Chart]:
    """The cross-case charts, each from its stored query; `cases` is the number of cases in all."""
    return [
        missed_by_type_and_agency(run("missed-opportunities/count-by-type-and-agency-type", {})),
        risk_factor_pairs(run("risk-factors/count-risk-factor-pairs", {})),
        toxic_trio(run("risk-factors/find-toxic-trio-cases", {}), cases),
        outcomes_by_age(run("cases/count-outcomes-by-age-band", {})),
        sharing_failures(run("information-sharing/count-sharing-failures-by-pair", {})),
        systemic_by_area(run("systems/list-systemic-factors", {})),
        recurring_themes(run("systems/find-recurring-themes", {})),
    ]


# -- a review's timeline -------------------------------------------------------------------------

def _iso(d: dt.date) -> str:
    return d.isoformat()


def _ms(start: dt.date, end: dt.date) -> int:
    return int((end - start).total_seconds() * 1000)


def timeline(events: list[dict]) -> dict | None:
    """A review's dated events on a time axis, one row each in chronology order (top to bottom): an
    exact day a point, a month, year or period a bar over its span; events with a missed opportunity
    in their own colour. None when no event has a date. Undated events are not drawn (the event list
    beside the chart holds them in source order)."""
    dated = [e for e in events if e["kind"] != "undated"]
    if not dated:
        return None
    labels = [f"{e['number']}. {', '.join(e['types'])}"
              + (f" \u2014 {', '.join(e['agencies'])}" if e["agencies"] else "") for e in dated]
    label_of = {e["iri"]: lab for e, lab in zip(dated, labels)}

    def hover(e: dict) -> str:
        said = e["date_text"] or (str(e["date"]) + (f" to {e['date_end']}" if e["date_end"] else ""))
        extra = "".join(f"<br>missed opportunity: {', '.join(m['types'])}" for m in e["missed"])
        return f"{said}{extra}"

    traces = []
    groups = [("span", False, "date vague or a period (span)", PALETTE[0]),
              ("span", True, "span, with a missed opportunity", PALETTE[5]),
              ("point", False, "exact date", PALETTE[0]),
              ("point", True, "exact date, with a missed opportunity", PALETTE[5])]
    for kind, missed, name, colour in groups:
        chosen = [e for e in dated if e["kind"] == kind and bool(e["missed"]) == missed]
        if not chosen:
            continue
        if kind == "span":
            traces.append({"type": "bar", "orientation": "h", "name": name, "y": [label_of[e["iri"]] for e in chosen],
                           "base": [_iso(e["start"]) for e in chosen], "x": [_ms(e["start"], e["end"]) for e in chosen],
                           "marker": {"color": colour, "opacity": 0.55, "line": {"color": colour, "width": 1}},
                           "text": [hover(e) for e in chosen], "textposition": "none",
                           "hovertemplate": "%{y}<br>%{text}<extra></extra>"})
        else:
            traces.append({"type": "scatter", "mode": "markers", "name": name,
                           "y": [label_of[e["iri"]] for e in chosen], "x": [_iso(e["start"]) for e in chosen],
                           "marker": {"color": colour, "size": 11, "symbol": "diamond" if missed else "circle",
                                      "line": {"color": "white", "width": 1}},
                           "text": [hover(e) for e in chosen], "hovertemplate": "%{y}<br>%{text}<extra></extra>"})
    layout = _layout("Timeline of events", "Date", "Event (chronology order)", 170 + 26 * len(dated),
                     xaxis={"type": "date", "title": {"text": "Date"}, "automargin": True},
                     yaxis={"type": "category", "categoryorder": "array", "categoryarray": labels,
                            "autorange": "reversed", "automargin": True,
                            "title": {"text": "Event (chronology order)"}},
                     barmode="overlay", legend={"orientation": "h", "y": -0.12 if len(dated) > 6 else -0.3},
                     margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return {"data": traces, "layout": layout}
