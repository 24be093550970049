"""Synthetic corpus of annotated reviews for the benchmarks.

    python benchmarks/generate.py --count 1000 --seed 1 --out /tmp/corpus

writes synth-000000.yaml ... synth-000999.yaml: one annotated review a file, in the format of
docs/annotation-guide.md, each of which builds with no violation and no warning (`sgkg build --strict`).

Nothing here is real: no case, child, family, place or board. Children and family are "Child 0042-A",
"Adult 0042-3"; areas are "Synthetic Area 017" with GSS codes E06009000-E06009999, a range that ONS
has not issued (real unitary-authority codes stop far below E06009000).

Deterministic: review i is drawn from its own random.Random seeded with (seed, i) only, so the same
seed gives byte-identical files, and a corpus of 100 is the first 100 files of a corpus of 1,000.
Every code is taken from the concept schemes in ontology/vocab/ (kg_build.ontology.schemes()),
which scheme a key takes is read from kg_build.schema and the ontology; nothing is hard-coded but a
few preferences ("death" for the outcome of most children, core agencies such as police), each used
only when the vocabulary has that code. A change of the vocabularies changes the corpus.

Shaped like the real corpus: each review takes the section sizes of one annotated review of data/
(drawn at random: sources, children, family, professionals, agencies, events, risk factors,
information sharing, missed opportunities, findings, good practice, recommendations, systemic
factors, legal outcomes, inspections), and its claims cite evidence as data/'s do (nearly every claim,
1.56 quoted entries a claim, each with its offsets). A change of data/ changes the corpus too.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from kg_build.annotations import reader as annotation  # noqa: E402 (needs ROOT on sys.path, set above)
from kg_build.model import ontology  # noqa: E402 (needs ROOT on sys.path, set above)
from kg_build.model import spec as schema  # noqa: E402 (needs ROOT on sys.path, set above)

GENERATOR = "sgkg-benchmark-generator"
GENERATOR_VERSION = "2"  # 2: each review's section sizes are those of a review of data/
GSS_PREFIX = "E06009"  # synthetic: E06009000-E06009999 are not issued GSS codes
AREAS = 400            # the synthetic areas reviews are spread over (so some share an area)
FIRST_YEAR, LAST_YEAR = 2010, 2024


# -- the shape of the real corpus ---------------------------------------------------------------

SHAPE_KEYS = ("sources", "children", "family", "professionals", "agencies", "events", "risk_factors",
              "information_sharing", "missed_opportunities", "findings", "good_practice", "recommendations",
              "systemic_factors", "legal_outcomes", "inspections")


@cache
def shapes(folder: Path = ROOT / "data" / "reviews") -> tuple[dict[str, int], ...]:
    """How many entries each section has in each annotated review of data/ (risk factors counted over
    persons and children; family members are the persons without an agency, professionals those with
    one). Each synthetic review takes the sizes of one of them, drawn at random, so the corpus has the
    real one's sizes and their correlations (a long chronology with many missed opportunities)."""
    out = []
    for f in sorted(folder.glob("*.yaml")):
        d = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        persons = d.get("persons") or []
        s = {k: len(d.get(k) or []) for k in SHAPE_KEYS}
        s["professionals"] = sum(1 for p in persons if p.get("agency"))
        s["family"] = len(persons) - s["professionals"]
        s["risk_factors"] = sum(len(x.get("risk_factors") or []) for x in [*persons, *(d.get("children") or [])])
        out.append(s)
    if not out:
        raise SystemExit(f"no annotated reviews in {folder}: the corpus takes its sizes from them")
    return tuple(out)


# -- vocabularies --------------------------------------------------------------------------------

def _key(path: str) -> tuple[str, schema.Key]:
    """The schema key at a dotted path such as 'children.outcome.harm'; returns (section, key)."""
    section, *rest = path.split(".")
    key = next(k for k in schema.SECTIONS if k.name == section)
    for name in rest:
        key = next(k for k in key.keys if k.name == name)
    return section, key


@cache
def codes(path: str) -> tuple[str, ...]:
    """Every current code of the key at `path` (deprecated ones give warnings), sorted (the vocabulary's
    own order is not stable)."""
    section, key = _key(path)
    name = annotation.scheme_of(key)
    return tuple(sorted(ontology.scheme(name).current))


@cache
def labels(path: str) -> dict[str, str]:
    section, key = _key(path)
    return dict(ontology.scheme(annotation.scheme_of(key)).labels)


def label(path: str, code: str) -> str:
    return labels(path).get(code, code.replace("-", " "))


def present(path: str, *wanted: str) -> list[str]:
    """Those of `wanted` that are codes of the key at `path` (a preference, never an assumption)."""
    have = set(codes(path))
    return [w for w in wanted if w in have]


# -- YAML output -----------------------------------------------------------------------------------

class Flow(dict):
    """A mapping written on one line: {source: s1, quote: "..."}."""


class FlowList(list):
    """A list written on one line: [e1, e2]."""


class Day(str):
    """A day, written as a plain 2019-03-02 (YAML reads it as a timestamp; the builder as a day)."""


_RESOLVER = yaml.resolver.Resolver()
_PLAIN = re.compile(r"^[A-Za-z0-9][^:#\[\]{},\"\n]*$")
_STR = "tag:yaml.org,2002:str"


def _scalar(v) -> str:
    """One scalar as YAML: plain where that reads back as the same string, else double-quoted."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, Day)):
        return str(v)
    s = str(v)
    if _PLAIN.match(s) and not s.endswith(" ") and _RESOLVER.resolve(yaml.ScalarNode, s, (True, False)) == _STR:
        return s
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _flow(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_flow(x) for x in v) + "]"
    return _scalar(v)


def _block(m: dict, indent: int, out: list[str], first_prefix: str | None = None) -> None:
    """A block mapping; its first line may start with `first_prefix` ('- ' of a list item)."""
    pad = " " * indent
    for i, (k, v) in enumerate(m.items()):
        lead = first_prefix if (i == 0 and first_prefix is not None) else pad
        if isinstance(v, (Flow, FlowList)) or not isinstance(v, (dict, list)):
            out.append(f"{lead}{k}: {_flow(v)}")
        elif isinstance(v, dict):
            out.append(f"{lead}{k}:")
            _block(v, indent + 2, out)
        else:
            out.append(f"{lead}{k}:")
            for item in v:
                dash = " " * (indent + 2) + "- "
                if isinstance(item, (Flow, FlowList)) or not isinstance(item, dict):
                    out.append(dash + _flow(item))
                else:
                    _block(item, indent + 4, out, first_prefix=dash)


def _dump(tree: dict) -> str:
    """The tree as block YAML, Flow/FlowList parts on one line. A small emitter of its own: PyYAML's
    pure-Python one took 90% of the generation time."""
    out: list[str] = []
    _block(tree, 0, out)
    return "\n".join(out) + "\n"


# -- dates -----------------------------------------------------------------------------------------

def when(d: dt.date, precision: str):
    """A date as written in a file: a year (int), a month ('2019-03') or a day."""
    if precision == "year":
        return d.year
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    return Day(d.isoformat())


def _precision(rng: random.Random) -> str:
    return rng.choices(("day", "month", "year"), weights=(60, 30, 10))[0]


# -- text ------------------------------------------------------------------------------------------

QUOTES = (
    "was not shared with", "no referral was made", "the concerns were not escalated",
    "the child was not seen alone", "did not consider the family history", "was not followed up",
    "lacked professional curiosity", "the risk was underestimated", "no strategy discussion took place",
    "information was not passed on", "was never assessed", "missed appointments were not pursued",
    "the injury was not explained", "management oversight was limited", "caseloads were high",
    "the voice of the child was not heard", "an opportunity was missed", "was accepted at face value",
    "there was no multi-agency plan", "records did not follow the family", "would have been different",
    "was known to several agencies", "did not reach the threshold", "the history was not known",
    "the assessment did not consider", "staff were inexperienced", "was closed without a visit",
)
EVENT_NOTES = ("recorded by the agency", "concerns were noted", "no further action was taken",
               "the family was seen", "the child was not seen", "a follow-up was planned",
               "the case was discussed", "advice was given")
WHEN_WORDS = ("in the months before the incident", "around that time", "shortly afterwards",
              "over the following weeks", "in early spring", "later that year")
SENTENCES = ("two years' imprisonment", "a suspended sentence", "a community order",
             "life imprisonment with a minimum term of 18 years", "six years' imprisonment",
             "nine years' imprisonment")


def _evidence(rng: random.Random, sources: list[str], quote_p: float = 1.0):
    """A claim's evidence as the reviews of data/ have it: one entry, or two or three (1.56 a claim
    there), each with a quote (every entry there has one) unless `quote_p` says otherwise."""
    entries = []
    quotes = rng.sample(QUOTES, min(len(QUOTES), 3))
    for j in range(rng.choices((1, 2, 3), weights=(55, 35, 10))[0]):
        src = sources[0] if len(sources) == 1 or rng.random() < 0.7 else rng.choice(sources)
        ev = Flow(source=src)
        if rng.random() < quote_p:  # with where it stands in the source's text, as data/ records it
            ev["quote"] = quotes[j]
            ev["start"] = rng.randrange(200_000)
            ev["end"] = ev["start"] + len(quotes[j])
        if ev not in entries:
            entries.append(ev)
    return entries[0] if len(entries) == 1 else entries


def _sample(rng: random.Random, pool, lo: int, hi: int) -> list:
    pool = list(pool)
    return rng.sample(pool, min(len(pool), rng.randint(lo, hi)))


# -- one review ------------------------------------------------------------------------------------

def area(k: int) -> dict:
    """Synthetic area k: the same name and GSS code in every review that uses it."""
    return {"name": f"Synthetic Area {k:03d}", "gss": f"{GSS_PREFIX}{k:03d}"}


def review_tree(index: int, seed: int) -> dict:
    """The annotation of review `index` of the corpus of `seed`, as plain Python data."""
    rng = random.Random(f"sgkg-benchmark:{seed}:{index}")
    tag = f"{index:04d}"
    size = rng.choice(shapes())

    # -- review, dates
    year = rng.randint(FIRST_YEAR, LAST_YEAR)
    published_day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    published_prec = rng.choices(("day", "month", "year"), weights=(50, 35, 15))[0]
    incident_day = published_day - dt.timedelta(days=rng.randint(400, 1100))
    commissioned = incident_day + dt.timedelta(days=rng.randint(20, 90))
    completed = published_day - dt.timedelta(days=rng.randint(20, 150))
    start_day = incident_day - dt.timedelta(days=rng.randint(120, 1500))
    k = rng.randrange(AREAS)
    la = area(k)
    partnership = year >= 2019
    board = f"{la['name']} Safeguarding {'Children Partnership' if partnership else 'Children Board'}"
    preferred_type = present("review.type", "child-safeguarding-practice-review" if partnership
                             else "serious-case-review")
    rtype = preferred_type[0] if preferred_type and rng.random() < 0.75 else rng.choice(codes("review.type"))
    review_id = f"synth-{year}-child-{tag}"
    review = {
        "id": review_id,
        "title": f"{label('review.type', rtype)}: Child {tag}-A (synthetic benchmark review)",
        "type": rtype,
        "published": when(published_day, published_prec),
        "board": board,
    }
    if rng.random() < 0.6:
        review["commissioned"] = when(commissioned, rng.choice(("day", "month")))
    if rng.random() < 0.5:
        review["completed"] = when(completed, "month")
    if rng.random() < 0.9:
        review["local_authority"] = Flow(la)
    else:
        review["not_stated"] = FlowList(["local_authority"])
    if rng.random() < 0.05:
        review["details_withheld"] = True
    review["summary"] = f"A synthetic review generated for benchmarks (seed {seed}, review {index}); no real case."

    tree: dict = {"review": review}
    tree["annotation"] = {
        "annotator": Flow(id=GENERATOR, name="sgkg synthetic corpus generator", kind="software",
                          version=GENERATOR_VERSION),
        "status": rng.choice(codes("annotation.status")),
    }

    # -- sources
    src_types = codes("sources.type")
    sources = []
    for j in range(max(1, size["sources"])):
        stype = present("sources.type", "review-report")[0] if j == 0 and present(
            "sources.type", "review-report") and rng.random() < 0.6 else rng.choice(src_types)
        s = {"id": f"s{j + 1}", "type": stype,
             "title": f"{label('sources.type', stype)} on Child {tag}-A (synthetic)"}
        if rng.random() < 0.9:
            s["publisher"] = board if rng.random() < 0.8 else "The Synthetic Gazette"
        else:
            s["not_stated"] = FlowList(["publisher"])
        s["published"] = when(published_day + dt.timedelta(days=j * rng.randint(0, 30)), "day")
        s["role"] = rng.choice(codes("sources.role"))
        s["sha256"] = f"{rng.getrandbits(256):064x}"  # of a text that does not exist: the quotes' offsets refer to it
        if rng.random() < 0.9:
            s["coverage"] = rng.choice(codes("sources.coverage"))
        else:
            s.setdefault("not_stated", FlowList()).append("coverage")
        sources.append(s)
    tree["sources"] = [Flow(s) if len(s) <= 5 else s for s in sources]
    sids = [s["id"] for s in sources]

    # -- agencies
    agency_types = codes("agencies.type")
    core = present("agencies.type", "childrens-social-care", "police", "gp-practice", "health-visiting",
                   "school", "hospital", "midwifery", "emergency-department", "probation",
                   "adult-mental-health-service", "substance-misuse-service", "housing-service")
    n_agencies = max(2, size["agencies"])
    chosen = [c for c in core[:4] if rng.random() < 0.85]
    chosen += [c for c in core[4:] if rng.random() < 0.3]
    while len(chosen) < n_agencies:
        chosen.append(rng.choice(agency_types))
    chosen = chosen[:n_agencies]
    rng.shuffle(chosen)
    agencies, used = [], set(schema.RESERVED_IDS.values())
    for t in chosen:
        aid, n = t, 1
        while aid in used:
            n += 1
            aid = f"{t}-{n}"
        used.add(aid)
        a = Flow(id=aid, type=t)
        if rng.random() < 0.5:
            a["name"] = f"{la['name']} {label('agencies.type', t)}" + (f" {n}" if n > 1 else "")
        agencies.append(a)
    aids = [a["id"] for a in agencies]

    # -- children
    sexes = codes("children.sex")
    stated_sexes = [s for s in sexes if s != "not-stated"] or list(sexes)
    outcome_types = codes("children.outcome.type")
    deaths = present("children.outcome.type", "death")
    harms = codes("children.outcome.harm")
    children = []
    n_children = min(6, max(1, size["children"]))  # a case has a child: a review withholding it gives 1
    for j in range(n_children):
        letter = "abcdef"[j]
        c: dict = {"id": f"child-{letter}", "as": f"Child {tag}-{letter.upper()}",
                   "sex": rng.choice(stated_sexes) if rng.random() < 0.95 else rng.choice(sexes)}
        band = rng.choices(("infant", "pre-school", "primary", "secondary"), weights=(45, 20, 15, 20))[0]
        if band == "infant":
            unit = rng.choice(("days", "weeks", "months", "months"))
            n = {"days": rng.randint(1, 27), "weeks": rng.randint(1, 12), "months": rng.randint(1, 11)}[unit]
            age_days = {"days": n, "weeks": 7 * n, "months": 30 * n}[unit]
        else:
            lo, hi = {"pre-school": (1, 4), "primary": (5, 11), "secondary": (12, 17)}[band]
            unit, n = "years", rng.randint(lo, hi)
            age_days = 365 * n + rng.randrange(300)
        c["age"] = Flow({unit: n})
        c["role"] = "subject-child" if j == 0 else rng.choice(codes("children.role"))
        unstated = []
        for key in ("ethnicity", "legal_status"):
            if rng.random() < 0.4:
                c[key] = FlowList([rng.choice(codes(f"children.{key}"))])
            else:
                unstated.append(key)
        if unstated:
            c["not_stated"] = FlowList(unstated)
        if rng.random() < 0.5:
            born = incident_day - dt.timedelta(days=age_days)
            c["born"] = when(born, rng.choice(("month", "year")))
        died = bool(deaths) and rng.random() < 0.55
        otype = deaths[0] if died else rng.choice([o for o in outcome_types if o not in deaths])
        outcome: dict = {"type": otype, "harm": FlowList(_sample(rng, harms, 1, 3))}
        if died and rng.random() < 0.7:
            outcome["death_category"] = rng.choice(codes("children.outcome.death_category"))
        if rng.random() < 0.4:
            outcome["preventable"] = rng.random() < 0.5
        outcome["summary"] = f"{label('children.outcome.type', otype)} of Child {tag}-{letter.upper()}."
        outcome["date"] = when(incident_day, rng.choice(("day", "month")))
        outcome["evidence"] = _evidence(rng, sids)
        c["outcome"] = outcome
        children.append(c)
    tree["children"] = children
    cids = [c["id"] for c in children]

    # -- persons: family and carers, some professionals, maybe the reviewer
    relations = codes("persons.relation")
    factors = codes("persons.risk_factors.factor")
    persons, risk_factors = [], []  # risk_factors: (id, known_to, not_known_to)
    family = []
    n_family = max(size["family"], 1 if size["risk_factors"] or size["legal_outcomes"] else 0)
    per_person = [0] * n_family
    for _ in range(size["risk_factors"]):  # the review's risk factors, each for one family member
        per_person[rng.randrange(n_family)] += 1
    for j in range(n_family):
        pid = f"adult-{j + 1}"
        rel = rng.choice(relations)
        p: dict = {"id": pid, "as": f"Adult {tag}-{j + 1}", "relation": rel,
                   "related_child": FlowList(_sample(rng, cids, 1, len(cids)))}
        if rng.random() < 0.8:
            p["sex"] = _sex_of(rel, stated_sexes, rng)
        rfs = []
        for factor in _sample(rng, factors, per_person[j], per_person[j]):
            r: dict = {"factor": factor}
            shuffled = rng.sample(aids, len(aids))
            n_known = rng.randint(0, min(3, len(aids)))
            n_unknown = rng.randint(0, min(3, len(aids) - n_known))
            if n_known:
                r["known_to"] = FlowList(shuffled[:n_known])
            if n_unknown:
                r["not_known_to"] = FlowList(shuffled[n_known:n_known + n_unknown])
            if rng.random() < 0.4:
                r["summary"] = f"{label('persons.risk_factors.factor', factor)} ({p['as']})."
            if rng.random() < 0.3:
                a = start_day + dt.timedelta(days=rng.randrange((incident_day - start_day).days))
                b = a + dt.timedelta(days=rng.randrange((incident_day - a).days + 1))
                r["from"], r["to"] = when(a, "month"), when(b, "month")
            elif rng.random() < 0.2:
                r["date"] = when(start_day, "year")
            r["evidence"] = _evidence(rng, sids)
            rfs.append(r)
            risk_factors.append((f"{pid}-{factor}", r.get("known_to", []), r.get("not_known_to", [])))
        if rfs:
            p["risk_factors"] = rfs
        persons.append(p)
        family.append(pid)
    roles = codes("persons.role")
    levels = codes("persons.experience")
    professionals = []
    for j in range(size["professionals"]):
        p = Flow(id=f"worker-{j + 1}", **{"as": f"Practitioner {tag}-{j + 1}"}, agency=rng.choice(aids),
                 role=rng.choice(roles))
        if rng.random() < 0.5:
            p["experience"] = rng.choice(levels)
        persons.append(p)
        professionals.append(p["id"])
    reviewer_roles = present("persons.role", "independent-reviewer")
    if reviewer_roles and rng.random() < 0.6:
        persons.append(Flow(id="reviewer", **{"as": "the independent reviewer"}, role=reviewer_roles[0],
                            not_stated=["agency"]))
        review["reviewer"] = "reviewer"
    # the review's keys in the documented order (reviewer is known only now)
    tree["review"] = review = {k.name: review[k.name] for k in _key("review")[1].keys if k.name in review}
    if persons:
        tree["persons"] = persons
    tree["agencies"] = agencies

    # -- events: chronological; the last is the incident
    event_types = codes("events.type")
    incident_types = present("events.type", "death-of-child", "harm-incident")
    ordinary = [t for t in event_types if t not in incident_types and not t.startswith("review-")]
    observed = codes("events.observed")
    n_events = max(1, size["events"])  # the last is the incident
    span = (incident_day - start_day).days
    days = sorted(start_day + dt.timedelta(days=rng.randrange(span)) for _ in range(n_events - 1))
    events = []
    for j, day in enumerate(days):
        etype = rng.choice(ordinary)
        e: dict = {"id": f"e{j + 1}", "type": etype}
        r = rng.random()
        if r < 0.88:
            e["agency"] = rng.choice(aids)
        elif r < 0.95:
            e["agency"] = FlowList(_sample(rng, aids, 2, 2))
        else:
            e["not_stated"] = FlowList(["agency"])
        if rng.random() < 0.3 and (family or professionals):
            e["persons"] = FlowList(_sample(rng, family + professionals, 1, 2))
        if rng.random() < 0.7:
            e["children"] = FlowList(_sample(rng, cids, 1, len(cids)))
        if rng.random() < 0.3:
            e["observed"] = FlowList(_sample(rng, observed, 1, 2))
        if rng.random() < 0.12:
            e["referred_to"] = rng.choice(aids)
        p = rng.random()
        if p < 0.1:  # a period
            end = min(day + dt.timedelta(days=rng.randint(20, 200)), incident_day)
            e["from"], e["to"] = when(day, "month"), when(end, rng.choice(("month", "day")))
            if rng.random() < 0.5:
                e["repeated"] = True
                e["occasions"] = rng.randint(2, 9)
        else:
            e["date"] = when(day, _precision(rng))
        if rng.random() < 0.1:
            e["date_text"] = rng.choice(WHEN_WORDS)
        e["summary"] = f"{label('events.type', etype)}: {rng.choice(EVENT_NOTES)}."
        if rng.random() < 0.97:  # as in data/: nearly every claim cites its evidence
            e["evidence"] = _evidence(rng, sids)
        events.append(e)
    inc_type = (incident_types[0] if any(c["outcome"]["type"] in deaths for c in children) else
                incident_types[-1]) if incident_types else rng.choice(event_types)
    events.append({"id": f"e{n_events}", "type": inc_type, "incident": True,
                   "date": when(incident_day, rng.choice(("day", "day", "month"))),
                   "agency": rng.choice(aids), "children": FlowList(cids),
                   "summary": f"The incident in which Child {tag}-A was harmed.",
                   "evidence": _evidence(rng, sids)})
    tree["events"] = events
    prior = [e for e in events[:-1]]

    # -- information sharing: about risk factors some agencies knew and others did not
    shareable = [rf for rf in risk_factors if rf[1] and rf[2]]
    info = []
    n_info = size["information_sharing"]
    for j, (rfid, known, unknown) in enumerate(_sample(rng, shareable, n_info, n_info)):
        held = rng.choice(known)
        info.append({"id": f"is{j + 1}", "held_by": held, "not_shared_with": FlowList(_sample(rng, unknown, 1, 2)),
                     "about": rfid, "summary": f"{label('agencies.type', _type_of(agencies, held))} did not "
                     "pass on what it knew.", "evidence": _evidence(rng, sids)})
    if info:
        tree["information_sharing"] = info

    # -- missed opportunities
    mo_types = codes("missed_opportunities.type")
    mos = []
    for j in range(size["missed_opportunities"]):
        m: dict = {"id": f"mo{j + 1}", "type": rng.choice(mo_types) if rng.random() < 0.8
                   else FlowList(_sample(rng, mo_types, 2, 2))}
        related = _sample(rng, prior, 1, 2) if rng.random() < 0.92 else []
        agencies_of = [x for e in related for x in ([e["agency"]] if isinstance(e.get("agency"), str)
                                                   else e.get("agency", []))]
        m["agency"] = rng.choice(agencies_of) if agencies_of and rng.random() < 0.8 else rng.choice(aids)
        if related:
            related.sort(key=prior.index)
            m["events"] = FlowList(e["id"] for e in related)
            if "date" in related[0] and rng.random() < 0.5:
                m["date"] = related[0]["date"]
        else:
            m["not_stated"] = FlowList(["events"])
        first = m["type"] if isinstance(m["type"], str) else m["type"][0]
        m["summary"] = f"{label('missed_opportunities.type', first)}."
        m["evidence"] = _evidence(rng, sids)
        mos.append(m)
    if mos:
        tree["missed_opportunities"] = mos

    # -- findings, good practice, recommendations
    themes = codes("findings.themes")
    findings = []
    for j in range(size["findings"]):
        th = _sample(rng, themes, 1, 3)
        f: dict = {"id": f"f{j + 1}", "themes": FlowList(th),
                   "summary": f"Finding on {label('findings.themes', th[0]).lower()}."}
        if rng.random() < 0.4 and prior:
            f["events"] = FlowList(e["id"] for e in sorted(_sample(rng, prior, 1, 3), key=prior.index))
        f["evidence"] = _evidence(rng, sids)
        findings.append(f)
    if findings:
        tree["findings"] = findings
    gp_themes = codes("good_practice.themes")
    good = []
    for j in range(size["good_practice"]):
        g = {"id": f"gp{j + 1}", "themes": FlowList(_sample(rng, gp_themes, 1, 2)),
             "agency": FlowList(_sample(rng, aids, 1, 2)), "summary": "Practitioners worked well together.",
             "evidence": _evidence(rng, sids)}
        good.append(g)
    if good:
        tree["good_practice"] = good
    statuses = codes("recommendations.status")
    recs = []
    for j in range(size["recommendations"]):
        r: dict = {"id": f"r{j + 1}"}
        th = _sample(rng, themes, 1, 2)
        r["summary"] = f"Agencies should improve {label('recommendations.themes', th[0]).lower()}."
        roll = rng.random()
        if roll < 0.55:
            r["addressee"] = FlowList(_sample(rng, aids, 1, 2))
        elif roll < 0.8:
            r["addressee"] = FlowList(["board"])
        elif roll < 0.95 and "local_authority" in review:
            r["addressee"] = "local-authority"
        else:
            r["not_stated"] = FlowList(["addressee"])
        if rng.random() < 0.8:
            r["status"] = rng.choice(statuses)
        if rng.random() < 0.7:
            r["themes"] = FlowList(th)
        r["evidence"] = _evidence(rng, sids)
        recs.append(r)
    if recs:
        tree["recommendations"] = recs

    # -- systemic factors, legal outcomes, inspections
    sfs = []
    n_sf = size["systemic_factors"]
    for j, factor in enumerate(_sample(rng, codes("systemic_factors.factor"), n_sf, n_sf)):
        s = {"id": f"sf{j + 1}", "factor": factor}
        if rng.random() < 0.7:
            s["agency"] = FlowList(_sample(rng, aids, 1, 2))
        s["summary"] = f"{label('systemic_factors.factor', factor)}."
        s["evidence"] = _evidence(rng, sids)
        sfs.append(s)
    if sfs:
        tree["systemic_factors"] = sfs
    los = []
    for j in range(size["legal_outcomes"] if family else 0):
        o: dict = {"id": f"lo{j + 1}", "persons": FlowList(_sample(rng, family, 1, 2)),
                   "offence": FlowList([rng.choice(codes("legal_outcomes.offence"))]),
                   "outcome": rng.choice(codes("legal_outcomes.outcome"))}
        if rng.random() < 0.4:
            o["sentence"] = rng.choice(SENTENCES)
        o["date"] = when(incident_day + dt.timedelta(days=rng.randint(60, 350)), "month")
        o["evidence"] = _evidence(rng, sids)
        los.append(o)
    if los:
        tree["legal_outcomes"] = los
    if size["inspections"]:
        target = "local-authority" if "local_authority" in review and rng.random() < 0.6 else rng.choice(aids)
        tree["inspections"] = [Flow(id="i1", inspected=target, inspectorate="the inspectorate (synthetic)",
                                    judgement=rng.choice(codes("inspections.judgement")),
                                    date=when(incident_day - dt.timedelta(days=rng.randint(30, 700)), "month"),
                                    evidence=_evidence(rng, sids))]
    return tree


def _sex_of(relation: str, sexes: list[str], rng: random.Random) -> str:
    """A sex that fits the relationship code where its name implies one (mother, uncle, ...)."""
    if "partner" not in relation:
        for words, sex in ((("mother", "aunt"), "female"), (("father", "uncle"), "male")):
            if any(w in relation for w in words) and sex in sexes:
                return sex
    return rng.choice(sexes)


def _type_of(agencies: list[dict], aid: str) -> str:
    return next(a["type"] for a in agencies if a["id"] == aid)


def file_name(index: int) -> str:
    return f"synth-{index:06d}.yaml"


def review_yaml(index: int, seed: int) -> str:
    """The text of file `index` of the corpus of `seed` (independent of the corpus size)."""
    header = (f"# Synthetic benchmark review {index} of seed {seed}, written by benchmarks/generate.py.\n"
              "# Not a real case: every name, area, board and GSS code (E06009xxx) is invented.\n")
    return header + _dump(review_tree(index, seed))


def generate(count: int, seed: int, out_dir) -> list[Path]:
    """Write files 0 .. count-1 of the corpus of `seed` into `out_dir`; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(count):
        p = out / file_name(i)
        p.write_bytes(review_yaml(i, seed).encode("utf-8"))
        written.append(p)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", "-n", type=int, required=True, help="number of reviews")
    ap.add_argument("--seed", "-s", type=int, default=0, help="corpus seed (default 0)")
    ap.add_argument("--out", "-o", type=Path, required=True, help="folder to write into")
    args = ap.parse_args(argv)
    if args.count < 0:
        ap.error("--count must be ≥ 0")
    paths = generate(args.count, args.seed, args.out)
    print(f"wrote {len(paths)} reviews to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
