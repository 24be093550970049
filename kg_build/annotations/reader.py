"""Loading annotated reviews: one YAML file a review, checked against the annotation format.

Every problem is reported with file:line:column, what was expected and a hint (closest keys, closest
codes of the vocabulary), and all problems of a run are reported together. A file that loads is a
`ReviewFile`: the checked YAML tree (values keep their positions) that the mapping turns into RDF,
with the warnings found on the way (a date after today, a name in an id).

Two rules keep the checker and the mapping in step. A value left empty (`date:`, `sex: ~`, `null`) is
an error wherever it appears, so a tree that loads holds no null for the mapping to trip on (the
sources' silence is recorded with `not_stated`, not with an empty key). A boolean key takes `true` or
`false` only, read by `parse_bool` for both.
"""
from __future__ import annotations

import calendar
import datetime
import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rdflib.namespace import Namespace

from kg_build.annotations.yamlsource import Mapping, Pos, Scalar, Sequence, load_yaml
from kg_build.model import iris, ontology, spec
from kg_build.model.spec import Key
from kg_build.problems import InputError, Problem

SGV = Namespace(iris.ONTOLOGY)
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
URL_RE = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
SHA256_RE = re.compile(r"[0-9a-f]{64}")
NAME_TOKEN = re.compile(r"[^\W\d_]{3,}")  # a word of a name: three or more letters


@dataclass(frozen=True)
class DateValue:
    """A date as precise as the source: a year, a month or a day."""

    text: str
    precision: str  # year | month | day

    @property
    def datatype(self) -> str:
        return {"year": "gYear", "month": "gYearMonth", "day": "date"}[self.precision]


def parse_date(text: str) -> DateValue | None:
    m = DATE_RE.fullmatch(text)
    if not m:
        return None
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month is not None and not 1 <= int(month) <= 12:
        return None
    if day is not None and not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        return None
    precision = "day" if day else "month" if month else "year"
    return DateValue(text, precision)


def parse_bool(v) -> bool | None:
    """The value of a boolean key: True for `true`, False for `false`, None for anything else.
    YAML 1.1 also reads yes/no/on/off (and True, FALSE ...) as booleans; they are refused, because
    an editor's YAML 1.2 reads them as text and `on`/`off` are easily misread. The checker and the
    mapping both read booleans through this function."""
    if isinstance(v, Scalar) and v.kind == "bool" and not v.quoted and str(v) in ("true", "false"):
        return str(v) == "true"
    return None


def is_null(v) -> bool:
    """A value left empty: `key:`, `key: ~`, `key: null` (not the quoted text "null")."""
    return isinstance(v, Scalar) and v.kind == "null"


def value_scheme(prop) -> str:
    """The concept scheme (name) whose codes a property takes, read from the ontology."""
    return _value_scheme(ontology.load_ontology(), prop)


@lru_cache(maxsize=512)
def _value_scheme(g, prop) -> str:  # keyed by the ontology graph: a reloaded ontology is read anew
    s = g.value(prop, SGV.valueScheme)
    if s is None:
        raise KeyError(f"{prop} names no sg:valueScheme in ontology/sgkg.ttl")
    return str(s).removeprefix(iris.VOCAB)


def scheme_of(key: spec.Key) -> str:
    """The concept scheme a coded key reads: the one the format names for it (ontology/format.yaml),
    or its property's sg:valueScheme."""
    return key.scheme or value_scheme(key.prop)


@dataclass
class ReviewFile:
    path: Path
    display: str
    tree: Mapping
    ids: dict[str, tuple[str, Pos]] = field(default_factory=dict)  # local id -> (section, position)
    risk_factor_ids: dict[str, Pos] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # severity "warning": the file still builds

    @property
    def review_id(self) -> str:
        return str(self.tree["review"]["id"])


def _closest(word: str, options: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(word, list(options), n=n, cutoff=0.5)


class _Checker:
    def __init__(self, display: str, today: datetime.date | None = None):
        self.file = display
        self.tree: Mapping | None = None  # the whole file, once loaded
        self.today = (today or datetime.date.today()).isoformat()
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.ids: dict[str, tuple[str, Pos]] = {}
        self.refs: list[tuple[Scalar, tuple[str, ...], str]] = []  # (value, allowed sections, key)
        self.rf_ids: dict[str, Pos] = {}

    def problem(self, pos: Pos | None, message: str, hint: str = "", rule: str = "") -> None:
        line, col = (pos.line, pos.column) if pos else (0, 0)
        self.problems.append(Problem(self.file, line, col, message, hint, rule=rule))

    def warning(self, pos: Pos | None, message: str, hint: str = "", rule: str = "") -> None:
        line, col = (pos.line, pos.column) if pos else (0, 0)
        self.warnings.append(Problem(self.file, line, col, message, hint, severity="warning", rule=rule))

    def empty(self, pos: Pos | None, where: str, hint: str = "write the value, or drop the key") -> None:
        self.problem(pos, f"{where} is empty", hint, "empty-value")

    # -- structure --------------------------------------------------------------------------

    def check_mapping(self, value, keys: tuple[Key, ...], where: str, section: str) -> None:
        if is_null(value):
            self.empty(value.pos, where, "write the entry, or delete the line")
            return
        if not isinstance(value, Mapping):
            self.problem(getattr(value, "pos", None), f"{where} must be a mapping of keys to values",
                         f"expected keys: {', '.join(k.name for k in keys)}", "type")
            return
        known = {k.name: k for k in keys}
        for name in value:
            if name not in known:
                close = _closest(name, known)
                hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else \
                    f"allowed here: {', '.join(sorted(known))}"
                self.problem(value.key_pos[name], f"unknown key {name!r} in {where}", hint, "unknown-key")
        if "not_stated" in known and "not_stated" in value:
            self._check_not_stated(value, keys, where)
        listed = value.get("not_stated") if "not_stated" in known else None
        unstated = {str(x) for x in (listed if isinstance(listed, Sequence) else [listed] if listed else [])}
        for k in keys:
            if k.name == "not_stated":
                continue
            if k.name not in value:
                if k.required and not (k.unstated and k.name in unstated):
                    self.problem(value.pos, f"{where} lacks the required key {k.name!r}",
                                 k.doc or f"add {k.name}: …", "required-key")
                continue
            name = k.name if not section else f"{where}.{k.name}"
            if is_null(value[k.name]):
                if k.required:
                    self.problem(value.key_pos[k.name], f"{name} is required but empty",
                                 k.doc or f"write its value after '{k.name}:'", "required-key")
                else:
                    self.empty(value.key_pos[k.name], name, "write the value, or drop the key"
                               + ("; if the sources do not say, list it under not_stated" if k.unstated else ""))
                continue
            self.check_value(value[k.name], k, name, section or k.name, value.key_pos[k.name])

    def _check_not_stated(self, value: Mapping, keys: tuple[Key, ...], where: str) -> None:
        allowed = [k.name for k in keys if k.unstated]
        sections = [k.name for k in spec.sections() if k.unstated] if where == "review" else []
        allowed += sections  # the review records that its sources do not state a whole section (children)
        raw = value["not_stated"]
        items = raw if isinstance(raw, Sequence) else [raw]
        for item in items:
            if is_null(item):
                self.empty(item.pos if item is not raw else value.key_pos["not_stated"], f"{where}.not_stated",
                           f"list the keys the sources do not state (allowed here: {', '.join(allowed)}), "
                           "or drop the key")
            elif not isinstance(item, Scalar):
                self.problem(getattr(item, "pos", value.key_pos["not_stated"]),
                             f"{where}.not_stated lists key names", f"allowed here: {', '.join(allowed)}", "type")
            elif str(item) not in allowed:
                self.problem(item.pos, f"{where}.not_stated: {str(item)!r} cannot be recorded as not stated here",
                             f"allowed here: {', '.join(allowed) or 'none'}", "not-stated")
            elif str(item) in value or (str(item) in sections and self.tree is not None and str(item) in self.tree):
                self.problem(item.pos, f"{where}: {str(item)!r} is both given and recorded as not stated",
                             f"drop {item} from not_stated, or drop the {item} key", "not-stated")

    def check_value(self, v, key: Key, where: str, section: str, key_pos: Pos) -> None:
        kind = key.kind
        if kind == spec.MAP:
            if key.many and isinstance(v, Sequence):
                if not v:
                    self.problem(v.pos, f"{where} is an empty list", "give at least one, or drop the key", "type")
                for i, item in enumerate(v):
                    self.check_value(item, replace(key, many=False), f"{where}[{i}]", section, key_pos)
                return
            if key.shorthand and isinstance(v, Scalar):
                self.check_value(v, next(k for k in key.keys if k.name == key.shorthand),
                                 where, section, key_pos)
                return
            self.check_mapping(v, key.keys, where, section)
            if key.name == "age" and isinstance(v, Mapping) and len(v) != 1:
                self.problem(v.pos, f"{where} takes exactly one of years, months, weeks, days",
                             "e.g. age: {months: 11}", "type")
            if isinstance(v, Mapping) and set(v) & {"date", "from", "to"}:
                self._check_when(v, where)
            return
        if kind == spec.LIST:
            if not isinstance(v, Sequence):
                self.problem(getattr(v, "pos", key_pos), f"{where} must be a list (lines starting with '- ')",
                             rule="type")
                return
            for i, item in enumerate(v):
                self.check_mapping(item, key.keys, f"{where}[{i}]", section)
                if isinstance(item, Mapping) and set(item) & {"date", "from", "to"}:
                    self._check_when(item, f"{where}[{i}]")
            return
        if kind == spec.EVIDENCE:
            items = v if isinstance(v, Sequence) else [v]
            if isinstance(v, Sequence) and not v:
                self.problem(v.pos, f"{where} is an empty list", "give {source: …, quote: …}, or drop the key",
                             "type")
            for i, item in enumerate(items):
                at = where if len(items) == 1 else f"{where}[{i}]"
                self.check_mapping(item, spec.EVIDENCE_KEYS, at, section)
                if isinstance(item, Mapping):
                    self._check_offsets(item, at)
            return
        if kind in (spec.CODES, spec.REFS):
            items = v if isinstance(v, Sequence) else [v]
            if isinstance(v, Sequence) and not v:
                self.problem(v.pos, f"{where} is an empty list", "give at least one value, or drop the key",
                             "type")
            for item in items:
                self.check_scalar(item, spec.CODE if kind == spec.CODES else spec.REF, key, where, section)
            return
        self.check_scalar(v, kind, key, where, section)

    def _check_offsets(self, e: Mapping, where: str) -> None:
        """start and end locate the quote in the source's text: both or neither, with a quote, and
        spanning exactly its length (the text itself is checked by `sgkg quotes`)."""
        given = [k for k in ("start", "end") if k in e and not is_null(e[k])]
        if not given:
            return
        pos = e.key_pos[given[0]]
        if len(given) == 1:
            self.problem(pos, f"{where} gives {given[0]} without {'end' if given[0] == 'start' else 'start'}",
                         "give both start and end (the quote's offsets in the source's text), or neither", "offsets")
            return
        quote = e.get("quote")
        if quote is None or is_null(quote):
            self.problem(pos, f"{where} gives offsets without a quote", "offsets locate a quote: add the quote",
                         "offsets")
            return
        start, end = e["start"], e["end"]
        if not all(isinstance(x, Scalar) and x.kind == "int" and str(x).isdigit() for x in (start, end)):
            return  # reported as not a whole number
        if int(end) - int(start) != len(str(quote)):
            self.problem(pos, f"{where}: end - start is {int(end) - int(start)}, but the quote is "
                         f"{len(str(quote))} characters long",
                         "recompute the offsets from the text (sgkg quotes REVIEW.yaml --texts DIR)", "offsets")

    def check_scalar(self, v, kind: str, key: Key, where: str, section: str) -> None:
        if not isinstance(v, Scalar):
            self.problem(getattr(v, "pos", None), f"{where} must be a single value, not a "
                         f"{'list' if isinstance(v, Sequence) else 'mapping'}", rule="type")
            return
        pos, text = v.pos, str(v)
        if is_null(v):
            self.empty(pos, where, "write the value, or drop it from the list")
            return
        if kind == spec.ID:
            if not iris.LOCAL_ID.fullmatch(text):
                self.problem(pos, f"{where}: {text!r} is not a valid id",
                             "ids are lowercase letters, digits and single hyphens, e.g. mother, gp, mo1",
                             "id-format")
        elif kind == spec.TEXT:
            if not text.strip():
                self.problem(pos, f"{where} is empty", "write the text, or drop the key", "type")
            elif key.name == "quote" and len(text) > 200:
                self.problem(pos, f"{where} is {len(text)} characters long",
                             "an evidence quote is a short phrase of at most 200 characters; "
                             "paraphrase the rest in summary", "quote-length")
        elif kind == spec.CODE:
            sch_name = scheme_of(key)
            sch = ontology.scheme(sch_name)
            if sch.lookup(text) is None:
                close = _closest(text, sch.current)
                hint = (f"closest codes: {', '.join(close)}" if close else
                        f"see ontology/vocab/{sch_name}.ttl for the codes")
                self.problem(pos, f"{where}: {text!r} is not a code of the {sch_name} vocabulary",
                             hint + "; a missing concept is added to the vocabulary, not coded as other",
                             "unknown-code")
            elif text in sch.deprecated:  # still accepted: a file written before the change keeps building
                by = sch.deprecated[text]
                instead = (f"use {str(by).removeprefix(iris.VOCAB).replace('/', ': ', 1)} instead" if by is not None
                           else f"see ontology/vocab/{sch_name}.ttl for what replaces it")
                self.warning(pos, f"{where}: {text!r} is a deprecated code of the {sch_name} vocabulary", instead,
                             "deprecated-code")
        elif kind == spec.REF:
            self.refs.append((v, key.refs, where))
        elif kind == spec.DATE:
            d = parse_date(text)
            if d is None:
                self.problem(pos, f"{where}: {text!r} is not a valid date",
                             "write a year (2013), a month (2013-10) or a day (2013-10-01) that exists",
                             "date-format")
            elif _after(d.text, self.today):
                self.warning(pos, f"{where} is {text}, after today", "check the date", "date-in-future")
        elif kind == spec.BOOL:
            if parse_bool(v) is None:
                self.problem(pos, f"{where}: {text!r} is not true or false",
                             "write true or false, without quotes" if v.quoted and text in ("true", "false")
                             else "write true or false", "type")
        elif kind == spec.INT:
            if v.kind != "int" or not text.isascii() or not text.isdigit():
                self.problem(pos, f"{where}: {text!r} is not a whole number ≥ 0", rule="type")
        elif kind == spec.URL:
            if not URL_RE.fullmatch(text):
                self.problem(pos, f"{where}: {text!r} is not an http(s) URL", rule="type")
        elif kind == spec.SHA256:
            if not SHA256_RE.fullmatch(text):
                self.problem(pos, f"{where}: {text!r} is not a SHA-256 digest",
                             "write the 64 hexadecimal digits of hashlib.sha256(text_bytes).hexdigest()", "type")
        elif kind == spec.GSS:
            if not iris.GSS_CODE.fullmatch(text):
                self.problem(pos, f"{where}: {text!r} is not a GSS code",
                             "nine characters: E, W, S or N and eight digits, e.g. E06000046", "gss-format")

    # -- ids, references and dates ------------------------------------------------------------

    def _declare(self, v: Scalar, section: str) -> None:
        text = str(v)
        if text in self.ids:
            first = self.ids[text][1]
            self.problem(v.pos, f"id {text!r} is used twice in this file",
                         f"first used on line {first.line}; ids are unique within a review file", "duplicate-id")
        elif text in (r for r in spec.RESERVED_IDS.values()):
            self.problem(v.pos, f"id {text!r} is reserved", "it names the review's own board or area; "
                         "choose another id", "reserved-id")
        else:
            self.ids[text] = (section, v.pos)

    def _check_when(self, m: Mapping, where: str) -> None:
        if "date" in m and ("from" in m or "to" in m):
            self.problem(m.key_pos["date"], f"{where} has both date and from/to",
                         "a point in time is date; a period is from and/or to", "date-conflict")
        a, b = m.get("from"), m.get("to")
        if isinstance(a, Scalar) and isinstance(b, Scalar):
            da, db = parse_date(a), parse_date(b)
            if da and db and str(da.text) > str(db.text) and not da.text.startswith(db.text):
                self.problem(a.pos, f"{where}: the period starts ({a}) after it ends ({b})",
                             "swap from and to", "date-order")

    def resolve_refs(self, tree: Mapping) -> None:
        for v, allowed, where in self.refs:
            text = str(v)
            sections = {s for s in allowed if not s.startswith("@")}
            if "@board" in allowed and text == "board":
                if "board" not in tree.get("review", {}):
                    self.problem(v.pos, f"{where}: 'board' is named but review.board is not given",
                                 "add review.board", "dangling-ref")
                continue
            if "@local_authority" in allowed and text == "local-authority":
                if "local_authority" not in tree.get("review", {}):
                    self.problem(v.pos, f"{where}: 'local-authority' is named but review.local_authority "
                                 "is not given", "add review.local_authority", "dangling-ref")
                elif isinstance(tree["review"]["local_authority"], Sequence):
                    self.problem(v.pos, f"{where}: 'local-authority' cannot say which of the review's areas "
                                 "it means", "add the council as an agency (type local-authority) and name it",
                                 "dangling-ref")
                continue
            if "@reviews" in allowed:
                if not iris.LOCAL_ID.fullmatch(text):
                    self.problem(v.pos, f"{where}: {text!r} is not a valid review id", rule="id-format")
                continue
            if "@risk_factors" in allowed:
                if text not in self.rf_ids:
                    self.problem(v.pos, f"{where}: no risk factor has id {text!r}",
                                 "give the risk factor an id under persons[].risk_factors", "dangling-ref")
                continue
            target = self.ids.get(text)
            if target is None or target[0] not in sections:
                pool = [i for i, (s, _) in self.ids.items() if s in sections]
                close = _closest(text, pool)
                hint = (f"did you mean {', '.join(map(repr, close))}?" if close else
                        f"ids defined under {', '.join(sorted(sections))}: {', '.join(sorted(pool)) or 'none'}")
                what = ("is not defined" if target is None else
                        f"is an entry of {target[0]}, not of {' or '.join(sorted(sections))}")
                self.problem(v.pos, f"{where}: {text!r} {what}", hint, "dangling-ref")

    def check_semantics(self, tree: Mapping) -> None:
        review = tree.get("review")
        if not isinstance(review, Mapping):
            return
        published = review.get("published")
        pub = parse_date(published) if isinstance(published, Scalar) else None
        order = [("commissioned", review.get("commissioned")), ("completed", review.get("completed")),
                 ("published", published)]
        dated = [(n, v, d) for n, v in order if isinstance(v, Scalar) and (d := parse_date(v)) is not None]
        for (n1, v1, d1), (n2, v2, d2) in zip(dated, dated[1:]):
            if d1.text > d2.text and not d1.text.startswith(d2.text):
                self.problem(v2.pos, f"review.{n2} ({v2}) is before review.{n1} ({v1})",
                             "check both dates against the source", "date-order")
        if pub is None:
            return
        for section in ("events", "missed_opportunities", "findings", "risk_factors"):
            for item in _walk_items(tree, section):
                for k in ("date", "from", "to"):
                    v = item.get(k)
                    d = parse_date(v) if isinstance(v, Scalar) else None
                    if d and d.text > pub.text and not d.text.startswith(pub.text):
                        self.problem(v.pos, f"an entry of {section} is dated {v}, after the review was "
                                     f"published ({published})",
                                     "an event cannot follow the review that reports it; check the date",
                                     "date-after-publication")
        for child in _walk_items(tree, "children"):
            person = child.get("name")
            if isinstance(person, Scalar) and not is_null(person) and "name_published_in" not in child:
                self.problem(person.pos, "a real name is given without name_published_in",
                             "record a real name only where a source published it, and cite that source; "
                             "otherwise keep only 'as'", "real-name")
        for p in _walk_items(tree, "persons"):
            if "relation" in p and "agency" in p:
                self.problem(p.key_pos["agency"], "a person has both relation (family) and agency "
                             "(professional)", "a family member has relation; a professional has agency",
                             "person-kind")
            if isinstance(p.get("name"), Scalar) and not is_null(p["name"]) and "name_published_in" not in p:
                self.problem(p["name"].pos, "a real name is given without name_published_in",
                             "record a real name only where a source published it, and cite that source",
                             "real-name")
        for child in _walk_items(tree, "children"):
            a = child.get("age")
            if isinstance(a, Mapping) and len(a) == 1:
                unit, n = next(iter(a.items()))
                if isinstance(n, Scalar) and n.kind == "int" and n.isascii() and n.isdigit():
                    age = age_in_months(unit, int(n))
                    if age > 216:
                        self.problem(n.pos, f"age {n} {unit} is over 18 years",
                                     "case reviews concern children: check the age", "age-range")

    def check_names_in_ids(self, tree: Mapping) -> None:
        """Warn where an id carries a word of a real name given in this file (`name` of a child or a
        person): IRIs are minted from ids and published, so an id must never carry a name, even one a
        source published. An id word matches when it begins with a word of the name (three or more
        letters, any case): `jane-doe` and `janedoe` match the name Jane Doe."""
        names: list[tuple[str, Scalar]] = []
        for section in ("children", "persons"):
            for m in _walk_items(tree, section):
                n = m.get("name")
                if isinstance(n, Scalar) and not is_null(n):
                    names += [(w.lower(), n) for w in NAME_TOKEN.findall(str(n))]
        if not names:
            return
        review = tree.get("review")
        ids: list[tuple[str, Scalar]] = []
        if isinstance(review, Mapping):
            ids += [(f"review.{k}", review[k]) for k in ("id", "case") if isinstance(review.get(k), Scalar)]
        for section in ("children", "persons"):
            for i, m in enumerate(_walk_items(tree, section)):
                if isinstance(m.get("id"), Scalar):
                    ids.append((f"{section}[{i}].id", m["id"]))
        for where, v in ids:
            words = str(v).lower().split("-")
            hit = next(((w, n) for w, n in names if any(x.startswith(w) for x in words)), None)
            if hit is not None:
                word, name = hit
                self.warning(v.pos, f"{where} {str(v)!r} contains {word!r}, a word of the name given on "
                             f"line {name.pos.line}",
                             "IRIs are minted from ids and published with the data, so ids must never carry "
                             "names, even published ones; use the pseudonym or role (e.g. child-c, mother)",
                             "name-in-id")


def _after(date_text: str, today: str) -> bool:
    """Whether a date (a year, a month or a day) begins after `today` (an ISO day)."""
    return date_text > today and not today.startswith(date_text)


def _walk_items(tree: Mapping, section: str):
    if section == "risk_factors":
        for p in _walk_items(tree, "persons"):
            rfs = p.get("risk_factors")
            if isinstance(rfs, Sequence):
                yield from (r for r in rfs if isinstance(r, Mapping))
        return
    items = tree.get(section)
    if isinstance(items, Sequence):
        yield from (i for i in items if isinstance(i, Mapping))


def age_in_months(unit: str, n: int) -> Decimal:
    per_month = {"years": Decimal(12), "months": Decimal(1), "weeks": Decimal(7) / Decimal("30.4375"),
                 "days": Decimal(1) / Decimal("30.4375")}[unit]
    return (per_month * n).quantize(Decimal("0.01")) if unit in ("weeks", "days") else per_month * n


def default_risk_factor_ids(tree: Mapping) -> None:
    """Give risk factors without an id the id {person}-{factor}; a clash is reported by the checker."""
    for p in _walk_items(tree, "persons"):
        for r in p.get("risk_factors", []) if isinstance(p.get("risk_factors"), Sequence) else []:
            if isinstance(r, Mapping) and "id" not in r and isinstance(r.get("factor"), Scalar) \
                    and isinstance(p.get("id"), Scalar):
                r["id"] = Scalar(f"{p['id']}-{r['factor']}", r.pos, "str", False)
                r.key_pos["id"] = r.pos


def load_review(path: Path, display: str | None = None) -> ReviewFile:
    """Load and check one annotation file; raises InputError listing every problem in it."""
    display = display or str(path)
    tree = load_yaml(path, display)
    chk = _Checker(display)
    chk.tree = tree if isinstance(tree, Mapping) else None
    if not isinstance(tree, Mapping):
        raise InputError([Problem(display, getattr(tree, "pos", Pos(1, 1)).line, 1,
                                  "an annotation file is a mapping with review, annotation, sources, ... at the top",
                                  "start from the example in docs/annotation-guide.md", rule="type")])
    default_risk_factor_ids(tree)
    chk.check_mapping(tree, spec.SECTIONS, "the file", "")
    # one id namespace a file: every id is declared with the section it names an entry of
    for sec in (k.name for k in spec.sections() if k.kind == spec.LIST):
        for item in _walk_items(tree, sec):
            if isinstance(item.get("id"), Scalar):
                chk._declare(item["id"], sec)
    for r in _walk_items(tree, "risk_factors"):
        if isinstance(r.get("id"), Scalar):
            chk._declare(r["id"], "risk_factors")
            chk.rf_ids.setdefault(str(r["id"]), r["id"].pos)
    chk.resolve_refs(tree)
    chk.check_semantics(tree)
    if chk.problems:
        raise InputError(chk.problems)
    chk.check_names_in_ids(tree)
    return ReviewFile(path, display, tree, dict(chk.ids), dict(chk.rf_ids), sorted(chk.warnings))


def display_name(p: Path, root: Path | None = None) -> str:
    """How a file is named in messages: relative to `root` (default: the working folder) if inside it.
    (String operations on absolute paths: resolving symlinks for each of 10,000 files took 1 s.)"""
    base = os.path.abspath(root or os.getcwd())
    full = os.path.abspath(p)
    return full[len(base) + 1:] if full.startswith(base + os.sep) else str(p)
