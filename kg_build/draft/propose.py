"""From a reading of a review's text to a draft annotation in the project's format.

Every proposal is a concept the text mentions (reading.py) placed by simple, stated rules:
- agencies, family members and children are drafted once each, from their first mention;
- a sentence that mentions an event type (not negated) is an event, with the date, agencies,
  family members and observed harms the same sentence gives;
- a risk factor belongs to the family member mentioned nearest to it in its sentence; with none,
  it is not drafted (the draft never guesses whose it is);
- a missed opportunity is drafted per sentence with its types, the sentence's agencies and event;
- findings and systemic factors are drafted once per concept, with up to three mentions as evidence;
- recommendations are the items under a "Recommendations" heading, with the agencies they name.
A hedged mention ("may have", "suspected") is drafted with a `# check: hedged` comment (an observed
harm: observed_certainty: possible); a negated one ("no bruising was seen") is not drafted.
What the draft cannot tell is left out, so that `sgkg validate` warns of it, or listed under
not_stated where the format requires a value: a draft never records silence it has not read.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from kg_build.draft.document import Document
from kg_build.draft.reading import DateMention, Mention, Reading, cues, read
from kg_build.model import ontology
from kg_build.model.spec import RESERVED_IDS

MAX_QUOTE = 200
RESERVED = set(RESERVED_IDS.values())
#: how many sentences back a risk factor with no family member in its sentence looks for one
BACK = 4


#: the vocabularies a draft reads, by the section and key of the format they fill
SCHEMES = ("review-type", "agency-type", "relationship", "risk-factor", "event-type", "harm-type",
           "abuse-category", "missed-opportunity-type", "finding-theme", "systemic-factor", "legal-outcome",
           "offence", "outcome-type", "inspection-judgement")


@dataclass
class Entry:
    """One proposed entry of a section: its keys in order, and comments for the annotator."""

    values: dict
    comment: str | None = None  # a line above the entry
    notes: dict[str, str] = field(default_factory=dict)  # key -> end-of-line comment


@dataclass
class Draft:
    review: Entry
    annotation: dict
    sources: list[Entry]
    sections: dict[str, list[Entry]]
    header: list[str]


def _yaml_date(d: DateMention):
    """A date as the annotations write it: a day as a date, a month as 2019-03, a year as a number."""
    if d.precision == "day":
        return dt.date.fromisoformat(d.value)
    return int(d.value) if d.precision == "year" else d.value


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _quote(text: str, start: int, end: int, bounds: tuple[int, int]) -> tuple[int, int]:
    """A short verbatim phrase around text[start:end] within its sentence: the sentence itself where it
    is short, else a window cut at word boundaries; never longer than MAX_QUOTE characters."""
    a, b = bounds
    while a < b and (text[a].isspace() or text[a] in "-\u2022*\u00b7\u25aa\u25cf"):
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if b - a <= MAX_QUOTE:
        return a, b
    room = max(0, MAX_QUOTE - (end - start))
    lo = max(a, start - room // 2)
    hi = min(b, end + (room - (start - lo)))
    lo = max(a, min(lo, hi - MAX_QUOTE))
    if lo > a:  # start at a word
        sp = text.find(" ", lo, start)
        lo = sp + 1 if sp >= 0 else lo
    if hi < b:
        sp = text.rfind(" ", end, hi)
        hi = sp if sp >= 0 else hi
    return lo, hi


class _Proposer:
    def __init__(self, doc: Document, reading: Reading, source_id: str):
        self.doc = doc
        self.r = reading
        self.text = doc.text
        self.src = source_id
        self.cues = cues()
        self.agencies: dict[str, Entry] = {}
        self.persons: dict[str, Entry] = {}
        self.children: dict[str, Entry] = {}
        self.events_by_sentence: dict[int, str] = {}
        self.by_relation: dict[str, str] = {}  # relation code -> the pseudonymised adult who has it
        self.adults: dict[int, list[tuple[int, int, str]]] = defaultdict(list)  # sentence -> (start, end, id)
        self.board_spans = [(p.start, p.end) for p in reading.phrases if p.kind == "board"]
        self.generic = set(self.cues["generic_agency_types"])
        self.board_types = _branch("agency-type", tuple(self.cues["board_agency_types"]))
        self.has_board = any(p.kind == "board" for p in reading.phrases)
        self.rec_sentences: set[int] = set()

    # -- evidence ---------------------------------------------------------------------------------
    def evidence(self, start: int, end: int, sentence: int) -> dict:
        a, b = _quote(self.text, start, end, self.r.sentences[sentence])
        return {"source": self.src, "quote": self.text[a:b], "start": a, "end": b}

    def where(self, m) -> str:
        return self.doc.where(m.start)

    def labels(self, scheme: str, codes: list[str]) -> str:
        """The concepts' labels, as a summary of what the draft proposes ("Home visit and Referral")."""
        names = ontology.scheme(scheme).labels
        return " and ".join(names.get(c, c) for c in codes)

    def agency_labels(self, ids: list[str]) -> str:
        types = [self.agencies[i].values["type"] if i in self.agencies else i for i in ids]
        return self.labels("agency-type", [t for t in types if t != "board"]) + \
            (" and the board" if "board" in ids else "") if types != ["board"] else "the board"

    def words(self, m) -> str:
        return self.text[m.start:m.end]

    # -- people and agencies ----------------------------------------------------------------------
    def agency_mentions(self, sentence: int) -> list[Mention]:
        """The sentence's agencies: not inside the board's name, the narrowest type where a sentence names
        a service and its kind ("the health visiting service" and "health"), a generic "agencies" only
        where no agency is named."""
        found = [m for m in self.r.in_sentence(sentence, "agency-type")
                 if not any(a <= m.start and m.end <= b for a, b in self.board_spans)]
        keep = set(narrowest("agency-type", [m.code for m in found]))
        specific = [m for m in found if m.code in keep and m.code not in self.generic]
        return specific or [m for m in found if m.code in keep]

    def agency_ids(self, sentence: int) -> list[str]:
        out: list[str] = []
        for m in self.agency_mentions(sentence):
            aid = self.agency(m)
            if aid not in out:
                out.append(aid)
        return out

    def agency(self, m: Mention) -> str:
        if self.has_board and m.code in self.board_types:
            return "board"  # the review's own board: a reference, not an agency of the case
        aid = f"{m.code}-agency" if m.code in RESERVED else m.code  # 'local-authority' names the review's area
        if aid not in self.agencies:
            self.agencies[aid] = Entry({"id": aid, "type": m.code},
                                       notes={"type": f"first named {self.where(m)}: {self.words(m)!r}"})
        return aid

    def person(self, m: Mention) -> str:
        if m.code in self.by_relation:  # "Mr K, the mother's partner": the partner is Mr K
            return self.by_relation[m.code]
        if m.code not in self.persons:
            self.persons[m.code] = Entry({"id": m.code, "as": self.words(m), "relation": [m.code]},
                                         notes={"relation": f"first named {self.where(m)}"})
        return m.code

    # -- sections -----------------------------------------------------------------------------------
    def everyone(self) -> None:
        """Every agency and family member the text names outside its recommendations, from the first
        mention: the narrowest concepts only (no 'parent' beside 'mother', no 'health' beside 'health
        visiting'), and no generic 'agencies' (drafted only where a claim names no agency)."""
        self.pseudonymised_adults()
        agencies = [m for i in range(len(self.r.sentences)) if i not in self.rec_sentences
                    for m in self.agency_mentions(i) if m.code not in self.generic]
        relations = [m for m in self.r.mentions if m.scheme == "relationship" and m.sentence not in self.rec_sentences]
        agencies = [m for m in agencies if not (self.has_board and m.code in self.board_types)]
        for group, scheme, add in ((agencies, "agency-type", self.agency), (relations, "relationship", self.person)):
            keep = set(narrowest(scheme, [m.code for m in group]))
            for m in group:
                if m.code in keep:
                    add(m)

    def pseudonymised_adults(self) -> None:
        """Adults the text names by pseudonym ("Ms A", "Mr K"), each with the relation named right beside
        it ("Mr K, the mother's partner"; "the mother, Ms A") where the text gives one."""
        near = 40  # characters between a pseudonym and a relation named with it
        for p in self.r.phrases:
            if p.kind != "adult":
                continue
            words = self.text[p.start:p.end]
            pid = _slug(words)
            self.adults[p.sentence].append((p.start, p.end, pid))
            if pid not in self.persons:
                self.persons[pid] = Entry({"id": pid, "as": words},
                                          notes={"as": f"first named {self.doc.where(p.start)}"})
            entry = self.persons[pid]
            if "relation" in entry.values:
                continue
            beside = [m for m in self.r.in_sentence(p.sentence, "relationship")
                      if -near <= m.start - p.end <= near or -near <= p.start - m.end <= near]
            if beside:
                m = min(beside, key=lambda m: min(abs(m.start - p.end), abs(p.start - m.end)))
                if m.code not in self.by_relation:
                    entry.values["relation"] = [m.code]
                    entry.notes["relation"] = f"check: named beside {words!r}: {self.words(m)!r}"
                    self.by_relation[m.code] = pid

    def people_in(self, i: int) -> list[tuple[int, int, Mention | str]]:
        """The family members a sentence names, by relation (a mention, drafted as a person once chosen:
        see who()) or by pseudonym (a person id): (start, end, mention or id), in text order."""
        out: list[tuple[int, int, Mention | str]] = [(m.start, m.end, m) for m in self.r.in_sentence(i, "relationship")]
        return sorted(out + list(self.adults.get(i, [])), key=lambda x: (x[0], x[1]))

    def who(self, found: Mention | str) -> str:
        return found if isinstance(found, str) else self.person(found)

    def recommendations(self) -> list[Entry]:
        heads = {h.lower() for h in self.cues["recommendation_headings"]}
        out: list[Entry] = []
        sents = self.r.sentences
        under = False
        for i, (a, b) in enumerate(sents):
            line = self.text[a:b].strip()
            plain = re.sub(r"^[\d.\s]+", "", line).strip(" :").lower()
            if plain in heads:
                under = True
                continue
            if not under:
                continue
            # a heading (a short line without a full stop) ends the list
            if len(line) < 60 and not line.endswith((".", ";", ":")) and not re.match(r"^[\d(\[]", line) \
                    and not line[:1].islower() and len(line.split()) <= 6:
                under = False
                continue
            if len(line) < 25:
                continue
            self.rec_sentences.add(i)
            addressees = self.agency_ids(i)
            low = line.lower()
            if any(re.search(rf"\b{re.escape(w)}\b", low) for w in self.cues["board_words"]) \
                    and self.has_board and "board" not in addressees:
                addressees.append("board")
            themes = sorted({m.code for m in self.r.in_sentence(i, "finding-theme")})
            summary = "Recommendation" + (f" to {self.agency_labels(addressees)}" if addressees else "") + \
                (f" on {self.labels('finding-theme', themes).lower()}" if themes else "")
            values: dict = {"id": f"r{len(out) + 1}", "summary": summary}
            notes = {"summary": "proposed from the codes: write the recommendation in your own words",
                     "evidence": self.doc.where(a)}
            if addressees:
                values["addressee"] = addressees
                notes["addressee"] = "check: the agencies the recommendation names"
            if themes:
                values["themes"] = themes
            values["evidence"] = self.evidence(a, a, i)
            out.append(Entry(values, notes=notes))
        return out

    def events(self) -> list[Entry]:
        out: list[Entry] = []
        for i in range(len(self.r.sentences)):
            if i in self.rec_sentences:
                continue
            types = [m for m in self.r.in_sentence(i, "event-type") if m.asserted]
            harms = [m for m in self.r.in_sentence(i, "harm-type") if m.asserted]
            dates = self.r.dates_in(i)
            if not types and not (harms and (dates or self.agency_mentions(i))):
                continue
            codes = list(dict.fromkeys(m.code for m in types))
            if harms:  # a harm seen: an observation (an injury, or another concern)
                seen = self.cues["observation_event_types"]
                kind = next((event for harm, event in seen["by_harm"].items()
                             if any(m.code in _branch("harm-type", (harm,)) for m in harms)), seen["other"])
                codes = narrowest("event-type", codes + [kind])
                types = types or harms[:1]
            eid = f"e{len(out) + 1}"
            values: dict = {"id": eid, "type": codes}
            notes: dict[str, str] = {}
            values.update(self.when(dates, notes))
            agencies = self.agency_ids(i)
            if agencies:
                values["agency"] = agencies
            persons = list(dict.fromkeys(self.who(x) for _s, _e, x in self.people_in(i)))
            if persons:
                values["persons"] = persons
            if harms:
                values["observed"] = narrowest("harm-type", [m.code for m in harms])
                if any(m.hedged for m in harms):
                    values["observed_certainty"] = "possible"
                    notes["observed_certainty"] = "check: hedged in the text"
            concerns = [m for m in self.r.in_sentence(i, "abuse-category") if m.asserted]
            if concerns:
                values["concern"] = list(dict.fromkeys(m.code for m in concerns))
            if any(m.hedged for m in types):
                notes["type"] = "check: hedged in the text"
            if "date" not in values and "date_text" not in values:
                values["not_stated"] = ["date"]
                notes["not_stated"] = "check: the sentence gives no date; the text around it may"
            values["summary"] = self.labels("event-type", codes) + \
                (f" ({self.agency_labels(values['agency'])})" if values.get("agency") else "") + \
                (f", {values.get('date_text') or values['date']}" if values.get("date") or values.get("date_text")
                 else "")
            notes["summary"] = "proposed from the codes: write what happened in your own words"
            notes["evidence"] = self.where(types[0])
            values["evidence"] = self.evidence(types[0].start, types[0].end, i)
            self.events_by_sentence[i] = eid
            out.append(Entry(values, notes=notes))
        return out

    def when(self, dates: list[DateMention], notes: dict[str, str]) -> dict:
        """The sentence's most precise date; vague wording ("early 2019", "before June 2019") kept in
        date_text, and a date the wording puts the event outside of ("before ...") not recorded."""
        if not dates:
            return {}
        best = sorted(dates, key=lambda d: (d.qualifier == "outside", ("day", "month", "year").index(d.precision)))[0]
        words = self.text[best.start:best.end]
        key = "date" if best.qualifier != "outside" else "date_text"
        out: dict = {"date": _yaml_date(best), "date_text": words} if best.qualifier != "outside" \
            else {"date_text": words}
        if best.precision == "day" and best.qualifier is None:
            del out["date_text"]
        elif best.qualifier is None and best.precision != "day":
            out["date_text"] = words
        if len({d.value for d in dates}) > 1:
            notes[key] = "check: the sentence gives several dates: " + ", ".join(
                repr(self.text[d.start:d.end]) for d in dates)
        return out

    def risk_factors(self) -> None:
        for i in range(len(self.r.sentences)):
            people = self.people_in(i)
            before = next((ps for j in range(i - 1, max(-1, i - 1 - BACK), -1) if (ps := self.people_in(j))), [])
            for m in self.r.in_sentence(i, "risk-factor"):
                if m.negated or not (people or before):
                    continue
                # the family member named nearest in the sentence, else the last one named just before
                # (the review goes on about them: "She had ...")
                near = min(people, key=lambda p: min(abs(p[0] - m.end), abs(m.start - p[1]))) if people \
                    else before[-1]
                pid = self.who(near[2])
                named = self.text[near[0]:near[1]]
                entry = self.persons[pid]
                factors = entry.values.setdefault("risk_factors", [])
                if any(f["factor"] == m.code for f in factors):
                    continue
                rf: dict = {"factor": m.code}
                if m.hedged:
                    rf["_comment"] = "check: hedged in the text; keep only if the review states it"
                elif not people:
                    rf["_comment"] = f"check: whose? {named!r} is named in a sentence before"
                rf["evidence"] = self.evidence(m.start, m.end, i)
                factors.append(rf)

    def missed_opportunities(self) -> tuple[list[Entry], list[Entry]]:
        sharing = _branch("missed-opportunity-type", tuple(self.cues["information_sharing_types"]))
        mos: list[Entry] = []
        gaps: list[Entry] = []
        for i in range(len(self.r.sentences)):
            if i in self.rec_sentences:
                continue
            found = [m for m in self.r.in_sentence(i, "missed-opportunity-type") if m.asserted]
            if not found:
                continue
            codes = list(dict.fromkeys(m.code for m in found))
            values: dict = {"id": f"mo{len(mos) + 1}", "type": codes}
            notes: dict[str, str] = {}
            agencies = self.agency_ids(i)
            if agencies:
                values["agency"] = agencies
                notes["agency"] = "check: the agencies the sentence names; keep those responsible"
            if i in self.events_by_sentence:
                values["events"] = [self.events_by_sentence[i]]
            values["summary"] = self.labels("missed-opportunity-type", codes) + \
                (f" ({self.agency_labels(agencies)})" if agencies else "")
            notes["summary"] = "proposed from the codes: write the missed opportunity in your own words"
            notes["evidence"] = self.where(found[0])
            if any(m.hedged for m in found):
                notes["type"] = "check: hedged in the text"
            values["evidence"] = self.evidence(found[0].start, found[0].end, i)
            mos.append(Entry(values, notes=notes))
            info = [m for m in found if m.code in sharing]
            if info:
                gap: dict = {"id": f"info{len(gaps) + 1}",
                             "summary": self.labels("missed-opportunity-type", [m.code for m in info][:1]) +
                             (f" ({self.agency_labels(agencies)})" if agencies else "")}
                gap_notes = {"summary": "proposed from the codes: write what was not shared, in your own words",
                             "evidence": self.where(info[0])}
                held = [a for a in agencies if a != "board"]
                if held:
                    gap["held_by"] = held[0]
                    gap_notes["held_by"] = "check: the first agency the sentence names"
                others = [a for a in agencies if a not in held[:1]]
                if held and others:
                    gap["not_shared_with"] = others
                gap["evidence"] = self.evidence(info[0].start, info[0].end, i)
                gaps.append(Entry(gap, notes=gap_notes))
        return mos, gaps

    def per_concept(self, scheme: str, key: str, prefix: str, with_agency: bool) -> list[Entry]:
        """One entry per concept of `scheme` the text mentions, with up to three mentions as evidence."""
        seen: dict[str, list[Mention]] = defaultdict(list)
        for m in self.r.mentions:
            if m.scheme == scheme and m.asserted and m.sentence not in self.rec_sentences:
                seen[m.code].append(m)
        out: list[Entry] = []
        labels = ontology.scheme(scheme).labels
        for code, ms in seen.items():
            values: dict = {"id": f"{prefix}{len(out) + 1}", key: [code] if key == "themes" else code}
            if with_agency:
                agencies: list[str] = []
                for m in ms[:3]:
                    agencies += [a for a in self.agency_ids(m.sentence) if a not in agencies and a != "board"]
                if agencies:
                    values["agency"] = agencies
            values["summary"] = labels.get(code, code)
            firsts = list({m.sentence: m for m in reversed(ms)}.values())[::-1]  # one mention a sentence
            ev = [self.evidence(m.start, m.end, m.sentence) for m in firsts[:3]]
            values["evidence"] = ev[0] if len(ev) == 1 else ev
            out.append(Entry(values, notes={"summary": f"proposed from the codes ({len(ms)} mention"
                                                       f"{'s' if len(ms) != 1 else ''}): write the review's point "
                                                       "in your own words", "evidence": self.where(ms[0])}))
        return out

    def legal_outcomes(self) -> list[Entry]:
        out: list[Entry] = []
        for i in range(len(self.r.sentences)):
            found = [m for m in self.r.in_sentence(i, "legal-outcome") if m.asserted and not m.hedged]
            if not found:
                continue
            values: dict = {"id": f"lo{len(out) + 1}"}
            persons = list(dict.fromkeys(self.who(x) for _s, _e, x in self.people_in(i)))
            if persons:
                values["persons"] = persons
            offences = [m.code for m in self.r.in_sentence(i, "offence") if m.asserted]
            if offences:
                values["offence"] = list(dict.fromkeys(offences))
            values["outcome"] = list(dict.fromkeys(m.code for m in found))
            values["summary"] = self.labels("legal-outcome", values["outcome"]) + \
                (f" ({self.labels('offence', values['offence']).lower()})" if offences else "")
            values["evidence"] = self.evidence(found[0].start, found[0].end, i)
            notes = {"summary": "proposed from the codes: write it in your own words", "evidence": self.where(found[0])}
            if persons:
                notes["persons"] = "check: the family members the sentence names"
            out.append(Entry(values, notes=notes))
        return out

    def inspections(self) -> list[Entry]:
        words = [w.lower() for w in self.cues["inspection_words"]]
        out: list[Entry] = []
        for i, (a, b) in enumerate(self.r.sentences):
            low = self.text[a:b].lower()
            if not any(re.search(rf"\b{re.escape(w)}\b", low) for w in words):
                continue
            judged = [m for m in self.r.in_sentence(i, "inspection-judgement") if m.asserted and not m.hedged]
            agencies = [x for x in self.agency_ids(i) if x != "board"]
            if not judged or not agencies:
                continue
            values = {"id": f"inspection{len(out) + 1}", "inspected": agencies[0], "judgement": judged[0].code,
                      "evidence": self.evidence(judged[0].start, judged[0].end, i)}
            out.append(Entry(values, notes={"inspected": "check: the first agency the sentence names"}))
        return out

    def children_and_outcome(self) -> None:
        for p in self.r.phrases:
            if p.kind != "child":
                continue
            words = self.text[p.start:p.end]
            cid = _slug(words)
            if cid not in self.children:
                self.children[cid] = Entry({"id": cid, "as": words},
                                           notes={"as": f"first named {self.doc.where(p.start)}"})
        if not self.children:
            words = "|".join(re.escape(w) for w in self.cues["child_words"])
            found = re.search(rf"\b(?:the |a |her |his )?(?:{words})\b", self.text, re.I)
            if found is None:
                return
            self.children["child"] = Entry({"id": "child", "as": found.group(0)},
                                           notes={"as": f"check: no pseudonym found; first named "
                                                        f"{self.doc.where(found.start())}"})
        first = next(iter(self.children.values()))
        first.values["role"] = "subject-child"
        first.notes["role"] = "check: the child the text names first"
        said = [m for m in self.r.mentions if m.scheme == "outcome-type" and m.asserted]
        if said:  # the outcome the text names most often (a review of a death names it throughout)
            top = Counter(m.code for m in said).most_common(1)[0][0]
            outcome = next(m for m in said if m.code == top)
            o: dict = {"type": outcome.code}
            harms = [m.code for m in self.r.in_sentence(outcome.sentence, "harm-type") if m.asserted]
            if harms:
                o["harm"] = list(dict.fromkeys(harms))
            abuse = [m.code for m in self.r.in_sentence(outcome.sentence, "abuse-category") if m.asserted]
            if abuse:
                o["abuse"] = list(dict.fromkeys(abuse))
            if outcome.hedged:
                o["_comment"] = "check: hedged in the text"
            o["evidence"] = self.evidence(outcome.start, outcome.end, outcome.sentence)
            first.values["outcome"] = o


def narrowest(scheme: str, codes: list[str]) -> list[str]:
    """The codes, in order, without those broader than another of them (skos:broader, transitively)."""
    uniq = list(dict.fromkeys(codes))
    return [c for c in uniq if not any(d != c and d in _branch(scheme, (c,)) for d in uniq)]


@lru_cache(maxsize=4096)
def _branch(scheme: str, tops: tuple[str, ...]) -> set[str]:
    """The codes of `tops` and of every concept narrower than one of them (skos:broader, transitively)."""
    from rdflib import SKOS

    g = ontology.load_vocabularies()
    sch = ontology.scheme(scheme)
    by_iri: dict = {iri: code for code, iri in sch.concepts.items()}
    out = set()
    for top in tops:
        iri = sch.concepts.get(top)
        if iri is None:
            continue
        for c in g.transitive_subjects(SKOS.broader, iri):
            if c in by_iri:
                out.add(by_iri[c])
    return out


def _review(p: _Proposer, review_id: str, today: str) -> Entry:
    text, r = p.text, p.r
    notes: dict[str, str] = {}
    unstated: list[str] = []
    title = next((ln.strip() for ln in text.splitlines() if ln.strip()), review_id)[:MAX_QUOTE]
    values: dict = {"id": review_id, "title": title}
    notes["title"] = "check: the text's first line"
    early = [m for m in r.mentions if m.scheme == "review-type" and m.asserted]
    if early:
        top = Counter(m.code for m in early).most_common(1)[0][0]
        first = next(m for m in early if m.code == top)
        values["type"] = top
        notes["type"] = f"named {sum(1 for m in early if m.code == top)} times, first {p.where(first)}: " \
                        f"{p.words(first)!r}"
    else:
        unstated.append("type")
    pub_words = [w.lower() for w in p.cues["publication_words"]]
    published = None
    for d in r.dates:
        a, b = r.sentences[d.sentence]
        if any(w in text[a:b].lower() for w in pub_words) and d.value <= today:
            published = d
            break
    if published is not None:
        values["published"] = _yaml_date(published)
        notes["published"] = f"check: a date of a sentence about publication, {p.doc.where(published.start)}"
    else:
        unstated.append("published")
    board = next((x for x in r.phrases if x.kind == "board"), None)
    if board is not None:
        name = text[board.start:board.end]
        values["board"] = name
        notes["board"] = f"first named {p.doc.where(board.start)}"
        area = _area(name, p.cues["board_endings"])
        if area:
            values["local_authority"] = {"name": area}
            notes["local_authority"] = "check: read from the board's name; add its gss code"
    else:
        unstated.append("board")
    if unstated:
        values["not_stated"] = unstated
        notes["not_stated"] = "the draft found none in the text: give it if the review states it"
    return Entry(values, notes=notes)


def _area(board: str, endings: list[str]) -> str | None:
    low = board.lower()
    for ending in sorted(endings, key=len, reverse=True):
        if low.endswith(ending):
            area = board[: len(board) - len(ending)].strip()
            area = re.sub(r"^(the)\s+", "", area, flags=re.I)
            area = re.sub(r"\s+(local|and)$", "", area, flags=re.I).strip()
            return area or None
    return None


def propose(doc: Document, review_id: str, *, source_id: str = "report", source_type: str = "review-report",
            today: str, version: str) -> Draft:
    """A draft annotation of the review whose text is `doc`."""
    reading = read(doc.text, SCHEMES)
    p = _Proposer(doc, reading, source_id)
    review = _review(p, review_id, today)
    sections: dict[str, list[Entry]] = {}
    recommendations = p.recommendations()
    p.everyone()
    p.children_and_outcome()
    events = p.events()
    p.risk_factors()
    mos, gaps = p.missed_opportunities()
    findings = p.per_concept("finding-theme", "themes", "f", with_agency=False)
    systemic = p.per_concept("systemic-factor", "factor", "sf", with_agency=True)
    legal = p.legal_outcomes()
    inspections = p.inspections()
    sections["children"] = list(p.children.values())
    sections["persons"] = list(p.persons.values())
    sections["agencies"] = list(p.agencies.values())
    sections["events"] = events
    sections["information_sharing"] = gaps
    sections["missed_opportunities"] = mos
    sections["findings"] = findings
    sections["recommendations"] = recommendations
    sections["systemic_factors"] = systemic
    sections["legal_outcomes"] = legal
    sections["inspections"] = inspections
    if not p.children:
        review.values.setdefault("not_stated", []).append("children")
        review.notes["not_stated"] = "the draft found none in the text: give it if the review states it"
    source = Entry({"id": source_id, "sha256": doc.sha256, "type": source_type, "title": review.values["title"]},
                   notes={"type": "check: --source-type sets it", "sha256": f"of the text read ({doc.kind})"})
    if "board" in review.values:
        source.values["publisher"] = review.values["board"]
        source.notes["publisher"] = "check: the board the text names; the publisher as the document prints it"
    source.values.update({"role": "the-review", "coverage": "whole"})
    source.notes["role"] = "check: the-review, reports-the-review or background"
    annotation = {"annotator": {"id": "sgkg-draft", "name": "sgkg draft", "kind": "software", "version": version},
                  "status": "machine-extracted", "machine_assisted": True, "date": dt.date.fromisoformat(today)}
    n_neg = sum(1 for m in reading.mentions if m.negated)
    n_hedge = sum(1 for m in reading.mentions if m.hedged and not m.negated)
    header = [f"Draft annotation of {doc.path.name} ({doc.kind}, {len(doc.text.split()):,} words), proposed by "
              f"`sgkg draft` {version} from the vocabularies' labels and phrases.",
              f"{len(reading.mentions)} concept mentions read: {n_neg} negated (not drafted), {n_hedge} hedged "
              "(drafted with a '# check: hedged' comment).",
              "Every claim quotes the text at its offsets; `# check:` comments mark what to confirm. Rewrite each",
              "summary in your own words, remove what the review does not state, then run `sgkg draft --check`",
              "and `sgkg validate` (docs/annotation-guide.md, 'From a draft to a reviewed annotation')."]
    return Draft(review, annotation, [source], sections, header)
