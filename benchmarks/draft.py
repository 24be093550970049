"""How good and how fast `sgkg draft` is: precision, recall and F1 against hand annotations.

    python benchmarks/draft.py [--texts DIR] [--write docs/draft.md]     (make bench-draft)

Gold: the synthetic reviews of benchmarks/draft/ (fictional texts written for this benchmark, each with
a hand annotation), and every review of data/reviews/ whose source texts are found: in --texts
(DIR/<review id>/<source id>.txt) or in the seeds folder beside the checkout (../shared/seeds), matched by
the SHA-256 each source records. A review's gold is restricted to the claims whose evidence cites a text
that was drafted (agencies and persons, which cite nothing, are kept whole).

Measured per section at concept level (the set of codes a section uses in a review) and at relation
level (which family member has which risk factor; which agency type is responsible for which missed
opportunity), micro-averaged over reviews; beside it a keyword-only baseline (every label match of the
section's vocabulary, without negation, hedging or any placement rule). Also: the share of draft quotes
that are verbatim at their offsets (must be 100%), and the time to draft a 40,000-word text.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg_build.annotations.quotes import evidence_items  # noqa: E402
from kg_build.draft.document import Document, read_document  # noqa: E402
from kg_build.draft.propose import SCHEMES, propose  # noqa: E402
from kg_build.draft.reading import read  # noqa: E402
from kg_build.draft.yamlout import dump  # noqa: E402

SYNTHETIC = ROOT / "benchmarks" / "draft"
SEEDS = ROOT.parent / "shared" / "seeds"
BEGIN, END = "<!-- results: begin (make bench-draft writes this) -->", "<!-- results: end -->"

#: concept-level measures: name -> (section, key, scheme of the baseline)
CONCEPTS = {
    "review type": ("review", "type", "review-type"),
    "agencies (type)": ("agencies", "type", "agency-type"),
    "family (relation)": ("persons", "relation", "relationship"),
    "risk factors": ("persons", "risk_factors", "risk-factor"),
    "events (type)": ("events", "type", "event-type"),
    "observed harms": ("events", "observed", "harm-type"),
    "child outcome": ("children", "outcome", "outcome-type"),
    "missed opportunities (type)": ("missed_opportunities", "type", "missed-opportunity-type"),
    "findings (theme)": ("findings", "themes", "finding-theme"),
    "systemic factors": ("systemic_factors", "factor", "systemic-factor"),
    "legal outcomes": ("legal_outcomes", "outcome", "legal-outcome"),
    "inspections (judgement)": ("inspections", "judgement", "inspection-judgement"),
}


def _list(v) -> list:
    return [] if v is None else v if isinstance(v, list) else [v]


def _cites(entry: dict, drafted: set[str]) -> bool:
    ev = _list(entry.get("evidence"))
    return not ev or any(isinstance(e, dict) and str(e.get("source")) in drafted for e in ev)


def codes(tree: dict, drafted: set[str] | None = None) -> dict[str, set]:
    """The codes (and relations) an annotation uses, per measure."""
    keep = (lambda e: True) if drafted is None else (lambda e: _cites(e, drafted))
    out: dict[str, set] = defaultdict(set)
    rv = tree.get("review") or {}
    if rv.get("type"):
        out["review type"].add(rv["type"])
    agency_type = {str(a["id"]): str(a["type"]) for a in tree.get("agencies") or []}
    out["agencies (type)"] = set(agency_type.values())
    for p in tree.get("persons") or []:
        rel = [str(r) for r in _list(p.get("relation"))]
        out["family (relation)"].update(rel)
        for rf in p.get("risk_factors") or []:
            if keep(rf):
                out["risk factors"].add(str(rf["factor"]))
                out["person-risk factor"].update((r, str(rf["factor"])) for r in rel)
    for e in tree.get("events") or []:
        if keep(e):
            out["events (type)"].update(str(t) for t in _list(e.get("type")))
            out["observed harms"].update(str(t) for t in _list(e.get("observed")))
    for c in tree.get("children") or []:
        o = c.get("outcome")
        if isinstance(o, dict) and keep(o):
            out["child outcome"].add(str(o.get("type")))
        elif isinstance(o, str):
            out["child outcome"].add(o)
    for m in tree.get("missed_opportunities") or []:
        if keep(m):
            types = [str(t) for t in _list(m.get("type"))]
            out["missed opportunities (type)"].update(types)
            for a in _list(m.get("agency")):
                out["agency-missed opportunity"].update((agency_type.get(str(a), str(a)), t) for t in types)
    for f in tree.get("findings") or []:
        if keep(f):
            out["findings (theme)"].update(str(t) for t in _list(f.get("themes")))
    for s in tree.get("systemic_factors") or []:
        if keep(s):
            out["systemic factors"].add(str(s["factor"]))
    for lo in tree.get("legal_outcomes") or []:
        if keep(lo):
            out["legal outcomes"].update(str(t) for t in _list(lo.get("outcome")))
    for i in tree.get("inspections") or []:
        if keep(i):
            out["inspections (judgement)"].add(str(i["judgement"]))
    return out


def baseline(text: str) -> dict[str, set]:
    """Every label match of each measure's vocabulary, negated or not; relations by co-occurrence in a
    sentence."""
    r = read(text, SCHEMES)
    out: dict[str, set] = defaultdict(set)
    by_scheme = {scheme: name for name, (_s, _k, scheme) in CONCEPTS.items()}
    for m in r.mentions:
        if m.scheme in by_scheme:
            out[by_scheme[m.scheme]].add(m.code)
    for i in range(len(r.sentences)):
        ms = r.in_sentence(i)
        rel = [m.code for m in ms if m.scheme == "relationship"]
        ag = [m.code for m in ms if m.scheme == "agency-type"]
        for m in ms:
            if m.scheme == "risk-factor":
                out["person-risk factor"].update((x, m.code) for x in rel)
            if m.scheme == "missed-opportunity-type":
                out["agency-missed opportunity"].update((x, m.code) for x in ag)
    return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def cases(texts: Path | None, kinds: tuple[str, ...] = ("synthetic", "data")
          ) -> list[tuple[str, str, dict, list[tuple[str, Document]]]]:
    """(kind, review id, gold annotation, [(source id, text)]) for every review with a text found."""
    out = []
    for gold in sorted((SYNTHETIC / "gold").glob("*.yaml")) if "synthetic" in kinds else []:
        tree = yaml.safe_load(gold.read_text(encoding="utf-8"))
        rid = tree["review"]["id"]
        docs = [(s["id"], read_document(SYNTHETIC / "texts" / rid / f"{s['id']}.txt")) for s in tree["sources"]]
        out.append(("synthetic", rid, tree, docs))
    if "data" not in kinds:
        return out
    by_digest: dict[str, Path] = {}
    for folder in [d for d in (texts, SEEDS) if d is not None and d.is_dir()]:
        for f in folder.rglob("*.txt"):
            by_digest.setdefault(hashlib.sha256(f.read_bytes()).hexdigest(), f)
    for path in sorted((ROOT / "data" / "reviews").glob("*.yaml")):
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        docs = [(str(s["id"]), read_document(by_digest[s["sha256"]])) for s in tree["sources"]
                if s.get("sha256") in by_digest]
        if docs:
            out.append(("data", tree["review"]["id"], tree, docs))
    return out


def evaluate(texts: Path | None, kinds: tuple[str, ...] = ("synthetic", "data")) -> dict:
    tallies = {kind: {"draft": defaultdict(lambda: [0, 0, 0]), "baseline": defaultdict(lambda: [0, 0, 0])}
               for kind in ("synthetic", "data")}
    quotes = verbatim = 0
    reviews = defaultdict(int)
    texts_read = defaultdict(int)
    for kind, rid, gold, docs in cases(texts, kinds):
        reviews[kind] += 1
        texts_read[kind] += len(docs)
        gold_codes = codes(gold, {sid for sid, _ in docs})
        drafted: dict[str, set] = defaultdict(set)
        base: dict[str, set] = defaultdict(set)
        for sid, doc in docs:
            d = propose(doc, rid, source_id=sid, today="2026-12-07", version="bench")
            tree = yaml.safe_load(dump(d))
            for name, got in codes(tree).items():
                drafted[name] |= got
            for name, got in baseline(doc.text).items():
                base[name] |= got
            for ev in evidence_items(tree):
                quotes += 1
                verbatim += doc.text[ev["start"]:ev["end"]] == ev["quote"]
        for system, found in (("draft", drafted), ("baseline", base)):
            for name in list(CONCEPTS) + ["person-risk factor", "agency-missed opportunity"]:
                g, f = gold_codes.get(name, set()), found.get(name, set())
                t = tallies[kind][system][name]
                t[0] += len(g & f)
                t[1] += len(f - g)
                t[2] += len(g - f)
    return {"tallies": tallies, "quotes": quotes, "verbatim": verbatim, "reviews": dict(reviews),
            "texts": dict(texts_read)}


def speed(words: int = 40_000) -> tuple[int, float]:
    """Seconds for `sgkg draft` (the whole command, start-up included) on a text of `words` words, made of
    the synthetic texts repeated."""
    parts = [p.read_text(encoding="utf-8") for p in sorted((SYNTHETIC / "texts").rglob("*.txt"))]
    text, n, i = [], 0, 0
    while n < words:
        text.append(parts[i % len(parts)])
        n += len(parts[i % len(parts)].split())
        i += 1
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "long-report.txt"
        src.write_text("\n\n".join(text), encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kg_build.cli", "draft", str(src), "-o", str(Path(tmp) / "d.yaml"),
                        "-q"], check=True, cwd=ROOT)
        return n, time.perf_counter() - t0


def table(result: dict, words: int, seconds: float) -> str:
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {result['reviews'].get('synthetic', 0)} synthetic reviews "
             f"and {result['reviews'].get('data', 0)} reviews of data/ ({result['texts'].get('data', 0)} source texts "
             "found).", ""]
    for kind, title in (("synthetic", "Synthetic reviews (benchmarks/draft/)"), ("data", "Reviews of data/")):
        if not result["reviews"].get(kind):
            continue
        lines += [f"### {title}", "", "| measure | draft P | draft R | draft F1 | keyword baseline P | R | F1 |",
                  "|---|---|---|---|---|---|---|"]
        total = {"draft": [0, 0, 0], "baseline": [0, 0, 0]}
        for name in list(CONCEPTS) + ["person-risk factor", "agency-missed opportunity"]:
            row = [name]
            for system in ("draft", "baseline"):
                t = result["tallies"][kind][system][name]
                if name in CONCEPTS:
                    total[system] = [a + b for a, b in zip(total[system], t)]
                row += [f"{x:.2f}" for x in _prf(*t)]
            lines.append("| " + " | ".join(row) + " |")
        row = ["**all concepts (micro)**"]
        for system in ("draft", "baseline"):
            row += [f"**{x:.2f}**" for x in _prf(*total[system])]
        lines += ["| " + " | ".join(row) + " |", ""]
    share = result["verbatim"] / result["quotes"] if result["quotes"] else 1.0
    lines += [f"Draft quotes verbatim at their offsets: {result['verbatim']} of {result['quotes']} "
              f"({share:.0%}).", "",
              f"Speed: a {words:,}-word text drafted in {seconds:.1f} s by `sgkg draft` (start-up included; "
              "target: at most 10 s on 2 cores).", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--texts", type=Path, help="folder of source texts: DIR/<review id>/<source id>.txt")
    ap.add_argument("--write", type=Path, help="replace the results section of this markdown file")
    args = ap.parse_args()
    result = evaluate(args.texts)
    words, seconds = speed()
    out = table(result, words, seconds)
    print(out)
    if args.write:
        doc = args.write.read_text(encoding="utf-8")
        doc = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: f"{BEGIN}\n{out}\n{END}", doc, flags=re.S)
        args.write.write_text(doc, encoding="utf-8")
    if result["verbatim"] != result["quotes"]:
        print("error: a draft quote is not verbatim at its offsets", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
