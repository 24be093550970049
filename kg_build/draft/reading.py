"""Reading a review's text: sentences, the vocabularies' concepts it mentions, and in what sense.

A blank English spaCy pipeline (tokenizer and rule-based sentence splitter; nothing downloaded)
with three rule-based components:
- `sg_concepts` finds every concept of the vocabularies a draft uses by its skos:prefLabel,
  skos:altLabel and sg:matchPhrase (ontology/vocab/), the longest phrase winning within a scheme;
- two NegEx components (negspacy), one with negation cues and one with hedging cues
  (ontology/draft-cues.yaml), mark each mention negated ("no bruising was seen") or hedged
  ("may have been drinking");
- `sg_dates` finds dates and reads them with dateparser at the precision the text gives: a day,
  a month or a year.
"""
from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml
from rdflib import SKOS, Literal

from kg_build import resources
from kg_build.model import ontology
from kg_build.model.namespace import SG

#: tokens of a year, a day of the month and a date written with figures
_YEAR = r"^(19|20)\d\d$"
_DAY = r"^([1-9]|[12]\d|3[01])(st|nd|rd|th)?$"
_BULLETS = {"\u2022", "\u25aa", "\u25e6", "\u25cf", "\u2023", "\u2043", "\u00b7"}
_NUMERIC = r"^([1-9]|[12]\d|3[01])[./]([1-9]|1[0-2]|0[1-9])[./]((19|20)?\d\d)$"


@dataclass(frozen=True)
class Mention:
    """A concept of a vocabulary met in the text."""

    scheme: str
    code: str
    start: int  # character offsets in the text
    end: int
    sentence: int
    negated: bool
    hedged: bool

    @property
    def asserted(self) -> bool:
        return not self.negated


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    sentence: int
    value: str  # 2013-10-01, 2013-10 or 2013
    precision: str  # day | month | year
    #: the words before the date that make it vague: "within" (early, the summer of: the date holds, its
    #: wording is kept) or "outside" (before, after, since: the wording is kept, not the date)
    qualifier: str | None = None


@dataclass(frozen=True)
class Phrase:
    """A span found by a pattern of the cues file (a child's pseudonym, a board's name)."""

    kind: str
    start: int
    end: int
    sentence: int


@dataclass
class Reading:
    text: str
    sentences: list[tuple[int, int]]
    mentions: list[Mention]
    dates: list[DateMention]
    phrases: list[Phrase]

    def in_sentence(self, i: int, scheme: str | None = None) -> list[Mention]:
        return [m for m in self._by_sentence.get(i, []) if scheme is None or m.scheme == scheme]

    def dates_in(self, i: int) -> list[DateMention]:
        return self._dates_by_sentence.get(i, [])

    def __post_init__(self) -> None:
        self._by_sentence: dict[int, list[Mention]] = {}
        for m in self.mentions:
            self._by_sentence.setdefault(m.sentence, []).append(m)
        self._dates_by_sentence: dict[int, list[DateMention]] = {}
        for d in self.dates:
            self._dates_by_sentence.setdefault(d.sentence, []).append(d)


def cues() -> dict:
    return _cues(resources.ontology_dir())


@lru_cache(maxsize=4)
def _cues(root) -> dict:
    with open(root / "draft-cues.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def _english(lit) -> bool:
    return isinstance(lit, Literal) and (lit.language in (None, "en") or str(lit.language).startswith("en-"))


def terms(scheme_names: tuple[str, ...]) -> dict[str, dict[str, set[str]]]:
    """For each scheme, each current concept's code and the phrases that name or signal it."""
    return _terms(resources.ontology_dir(), scheme_names)


@lru_cache(maxsize=4)
def _terms(root, scheme_names: tuple[str, ...]) -> dict[str, dict[str, set[str]]]:
    g = ontology.load_vocabularies()
    out: dict[str, dict[str, set[str]]] = {}
    for name in scheme_names:
        sch = ontology.scheme(name)
        codes: dict[str, set[str]] = {}
        for code in sch.current:  # deprecated concepts are never proposed
            c = sch.concepts[code]
            phrases = {str(o).strip() for p in (SKOS.prefLabel, SKOS.altLabel, SG.matchPhrase)
                       for o in g.objects(c, p) if _english(o)}
            codes[code] = {p for p in phrases if len(p) >= 2}
        out[name] = codes
    return out


def _termset(section: dict, base: dict | None = None) -> dict[str, list[str]]:
    keys = {"pseudo": "pseudo_negations", "preceding": "preceding_negations",
            "following": "following_negations", "termination": "termination"}
    out = {v: list((base or {}).get(v, [])) for v in keys.values()}
    for k, v in keys.items():
        out[v] = sorted(set(out[v]) | set(section.get(k, [])))
    return out


class _Pipeline:
    """The spaCy pipeline for a set of schemes (built once; about a second)."""

    def __init__(self, scheme_names: tuple[str, ...]):
        import negspacy.negation  # noqa: F401  (registers the negex factory)
        import spacy
        from negspacy.termsets import termset
        from spacy.matcher import Matcher, PhraseMatcher

        self.schemes = scheme_names
        c = cues()
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        self.nlp = nlp
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")  # abbreviations: "ED" is not "ed"
        self.keys: dict[int, tuple[str, str]] = {}
        for scheme, codes in terms(scheme_names).items():
            for code, phrases in sorted(codes.items()):
                key = f"{scheme}|{code}"
                self.keys[nlp.vocab.strings.add(key)] = (scheme, code)
                upper = [p for p in phrases if p.isupper() and len(p) <= 6]
                other = [p for p in phrases if p not in upper]
                if other:
                    self.lower.add(key, [nlp.make_doc(t) for t in other])
                if upper:
                    self.exact.add(key, [nlp.make_doc(t) for t in upper])
        neg = _termset(c["negation"], termset("en").get_patterns())
        hedge = _termset(c["hedging"])
        nlp.add_pipe("negex", name="negation", config={"neg_termset": neg, "span_keys": ["sg"],
                                                      "extension_name": "negex",
                                                      "ent_types": c["negation"]["schemes"]})
        nlp.add_pipe("negex", name="hedging", config={"neg_termset": hedge, "span_keys": ["sg"],
                                                     "extension_name": "hedged",
                                                     "ent_types": c["hedging"]["schemes"]})
        self.patterns = Matcher(nlp.vocab)
        months = [m.lower() for m in calendar.month_name[1:]] + [m.lower() for m in calendar.month_abbr[1:]]
        month: dict = {"LOWER": {"IN": months}}
        year: dict = {"TEXT": {"REGEX": _YEAR}}
        day: dict = {"TEXT": {"REGEX": _DAY}}
        cores: list[list[dict]] = [[day, month, year], [month, day, {"ORTH": ",", "OP": "?"}, year], [month, year],
                                   [year], [{"TEXT": {"REGEX": _NUMERIC}}]]
        self.patterns.add("date", cores, greedy="LONGEST")
        # vague dates: "early March 2019", "the summer of 2019", "before June 2019"
        self.qualifiers: dict[str, str] = {}
        for kind in ("within", "outside"):
            for q in c["date_qualifiers"][kind]:
                toks = [{"LOWER": t.lower_} for t in nlp.tokenizer(q)]
                self.qualifiers[q.lower()] = kind
                self.patterns.add("date", [[*toks, {"LOWER": "of", "OP": "?"}, *core] for core in cores],
                                  greedy="LONGEST")
        heads = [list(nlp.tokenizer(h.lower())) for h in c["child_pseudonym_heads"]]
        self.patterns.add("child", [[*({"LOWER": t.text} for t in h), {"TEXT": {"REGEX": r"^[A-Z][A-Z0-9]{0,2}$"}}]
                                    for h in heads], greedy="LONGEST")
        adults = [list(nlp.tokenizer(h.lower())) for h in c["adult_pseudonym_heads"]]
        self.patterns.add("adult", [[*({"LOWER": t.text} for t in h), {"TEXT": {"REGEX": r"^[A-Z][A-Z0-9]?$"}}]
                                    for h in adults], greedy="LONGEST")
        title = {"IS_TITLE": True}
        for ending in c["board_endings"]:
            toks = [{"LOWER": t.lower_} for t in nlp.tokenizer(ending)]
            joiner = {"LOWER": {"IN": ["of", "and"]}, "OP": "?"}
            self.patterns.add("board", [[title, {"IS_TITLE": True, "OP": "*"}, joiner, {"IS_TITLE": True, "OP": "*"},
                                         *toks]], greedy="LONGEST")

    def read(self, text: str) -> Reading:
        """The reading of the whole text, made a block (paragraphs up to about 4,000 characters) at a
        time: NegEx walks every mention for every sentence, so one long document would cost the square
        of its length. No sentence spans two blocks (blocks end at a blank line or page break)."""
        sentences: list[tuple[int, int]] = []
        mentions: list[Mention] = []
        dates: list[DateMention] = []
        phrases: list[Phrase] = []
        for a, b in _blocks(text):
            part = self._read(text[a:b])
            n = len(sentences)
            sentences += [(s + a, e + a) for s, e in part.sentences]
            mentions += [Mention(m.scheme, m.code, m.start + a, m.end + a, m.sentence + n, m.negated, m.hedged)
                         for m in part.mentions]
            dates += [DateMention(d.start + a, d.end + a, d.sentence + n, d.value, d.precision, d.qualifier)
                      for d in part.dates]
            phrases += [Phrase(p.kind, p.start + a, p.end + a, p.sentence + n) for p in part.phrases]
        return Reading(text, sentences, mentions, dates, phrases)

    def _read(self, text: str) -> Reading:
        from spacy.tokens import Span
        from spacy.util import filter_spans

        nlp = self.nlp
        doc = nlp.make_doc(text)
        doc = nlp.get_pipe("sentencizer")(doc)
        # a blank line or a page break ends a sentence (headings and list items carry no full stop)
        # A line break ends a sentence too where the next line starts as a sentence does (a capital, a
        # figure, a bullet) or the line before ends in punctuation: headings, list items and table cells
        # carry no full stop. A line wrapped mid-sentence (the next line in lower case) does not.
        for tok in doc[1:-1]:
            nxt = doc[tok.i + 1]
            if nxt.text in _BULLETS:
                nxt.is_sent_start = True
                continue
            if tok.is_space or "\n" in tok.whitespace_ or "\t" in tok.whitespace_:
                gap = tok.text if tok.is_space else tok.whitespace_
                if "\n" not in gap and "\t" not in gap and "\f" not in gap:
                    continue
                before = doc[tok.i - 1] if tok.is_space else tok
                if ("\n\n" in gap or "\f" in gap or "\t" in gap or not nxt.text[:1].islower()
                        or before.text[-1:] in ".:;!?"):
                    nxt.is_sent_start = True
        by_scheme: dict[str, list[Span]] = {}
        for matcher in (self.lower, self.exact):
            for key, s, e in matcher(doc):
                scheme, code = self.keys[key]
                by_scheme.setdefault(scheme, []).append(Span(doc, s, e, label=scheme, kb_id=code))
        spans = []
        for found in by_scheme.values():
            longest = filter_spans(found)
            kept = {(x.start, x.end) for x in longest}
            spans += [x for x in found if (x.start, x.end) in kept]  # every concept of the longest phrase
        doc.spans["sg"] = spans
        doc = nlp.get_pipe("negation")(doc)
        doc = nlp.get_pipe("hedging")(doc)
        sent_starts = [s.start_char for s in doc.sents]
        sentences = [(s.start_char, s.end_char) for s in doc.sents]

        def sentence_of(char: int) -> int:
            return bisect.bisect_right(sent_starts, char) - 1

        mentions = [Mention(x.label_, x.kb_id_, x.start_char, x.end_char, sentence_of(x.start_char),
                            bool(x._.negex), bool(x._.hedged))
                    for x in doc.spans["sg"]]
        mentions.sort(key=lambda m: (m.start, -m.end, m.scheme, m.code))
        dates: list[DateMention] = []
        phrases: list[Phrase] = []
        patterned: list = [(nlp.vocab.strings[k], doc[s:e]) for k, s, e in self.patterns(doc)]
        for kind in ("date", "child", "adult", "board"):
            for span in filter_spans([sp for k, sp in patterned if k == kind]):  # type: ignore[misc]
                if kind == "date":
                    words, qualifier = span.text, None
                    low = words.lower()
                    for q in sorted(self.qualifiers, key=len, reverse=True):
                        if low.startswith(q + " "):
                            qualifier = self.qualifiers[q]
                            words = re.sub(r"^of\s+", "", words[len(q):].strip(), flags=re.I)
                            break
                    parsed = parse_date(words)
                    if parsed:
                        dates.append(DateMention(span.start_char, span.end_char, sentence_of(span.start_char),
                                                 *parsed, qualifier))
                else:
                    phrases.append(Phrase(kind, span.start_char, span.end_char, sentence_of(span.start_char)))
        dates.sort(key=lambda d: d.start)
        phrases.sort(key=lambda p: p.start)
        return Reading(text, sentences, mentions, dates, phrases)


def _blocks(text: str, size: int = 4000) -> list[tuple[int, int]]:
    """The text cut at blank lines and page breaks into blocks of about `size` characters."""
    cuts = [m.end() for m in re.finditer(r"\n[ \t]*\n|\f", text)]
    out: list[tuple[int, int]] = []
    start = 0
    last = 0
    for cut in cuts + [len(text)]:
        if cut - start >= size and last > start:
            out.append((start, last))
            start = last
        last = cut
    if start < len(text):
        out.append((start, len(text)))
    return out


@lru_cache(maxsize=4096)
def parse_date(words: str) -> tuple[str, str] | None:
    """A date phrase as (value, precision), as precise as the words are: 2013-10-01 day, 2013-10 month,
    2013 year."""
    if re.fullmatch(r"(19|20)\d\d", words):
        return words, "year"
    data = _date_parser().get_date_data(words)
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj
    if data.period == "day":
        return d.strftime("%Y-%m-%d"), "day"
    if data.period == "month":
        return d.strftime("%Y-%m"), "month"
    return d.strftime("%Y"), "year"


@lru_cache(maxsize=1)
def _date_parser():
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first",
                                                      "RETURN_AS_TIMEZONE_AWARE": False})


@lru_cache(maxsize=4)
def pipeline(scheme_names: tuple[str, ...]) -> _Pipeline:
    return _Pipeline(scheme_names)


def read(text: str, scheme_names: tuple[str, ...]) -> Reading:
    return pipeline(scheme_names).read(text)


__all__ = ["Mention", "DateMention", "Phrase", "Reading", "read", "cues", "terms"]
