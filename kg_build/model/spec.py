"""The annotation format, read from its one description: ontology/format.yaml.

Every section and key of a review file: its kind of value, whether it is required, the RDF property
it fills and how (kg_build/rdf/mapping.py), the vocabulary of a coded key (the property's
sg:valueScheme in ontology/sgkg.ttl, unless the key names a `scheme`), whether it may be recorded as
not stated, the warning when it is expected and missing, the IRI segment and class of a list's
entries. The loader's checks, the mapping, the JSON Schema, the guide's section table and the
expected-element shapes are all read from here (ADR 0008).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rdflib import URIRef

from kg_build import resources
from kg_build.problems import SgkgError

# kinds of value
ID = "id"            # a local id: lowercase letters, digits, hyphens
TEXT = "text"        # free text
CODE = "code"        # one code of the property's vocabulary
CODES = "codes"      # one code or a list of codes
REF = "ref"          # one local id of the given kinds
REFS = "refs"        # one local id or a list
DATE = "date"        # 2016, 2016-09 or 2016-09-06
BOOL = "bool"
INT = "int"
URL = "url"
GSS = "gss"
SHA256 = "sha256"
MAP = "map"          # a nested mapping
LIST = "list"        # a list of mappings
EVIDENCE = "evidence"  # {source, quote} or a list of them
NOT_STATED = "not_stated"  # names of keys of this entry whose value the sources do not state
KINDS = (ID, TEXT, CODE, CODES, REF, REFS, DATE, BOOL, INT, URL, GSS, SHA256, MAP, LIST, EVIDENCE, NOT_STATED)

#: ids that name the review's own board and local authority where an agency id is expected
RESERVED_IDS = {"@board": "board", "@local_authority": "local-authority"}


@dataclass(frozen=True)
class Expected:
    """The warning for an expected key that is neither given nor recorded as not stated."""

    shape: str  # the shape's name: sgsh:{shape}ExpectedShape
    target: URIRef  # the class whose nodes carry the value (or sg:notStated)
    message: str


@dataclass(frozen=True)
class Key:
    name: str
    kind: str
    required: bool = False
    prop: URIRef | None = None        # the RDF property the value fills (coded keys read their scheme from it)
    refs: tuple[str, ...] = ()        # for REF/REFS: which sections the id may come from
    keys: tuple[Key, ...] = ()      # for MAP/LIST: the keys of the nested mapping
    doc: str = ""
    shorthand: str | None = None      # MAP may be written as a plain scalar meaning this key
    unstated: bool = False            # may be listed under not_stated (its `prop` is then recorded)
    scheme: str | None = None         # the vocabulary of a coded key, where not its property's sg:valueScheme
    pattern: str | None = None        # a structural mapping of kg_build/rdf/patterns.py
    expected: Expected | None = None
    cls: URIRef | None = None         # LIST: the class of each entry
    segment: str | None = None        # LIST: the IRI segment of each entry (review/{id}/{segment}/{entry id})
    claim: bool = False               # LIST: each entry is a claim (dates, evidence, annotator)
    many: bool = False                # MAP: one mapping, or a list of them

    def key(self, name: str) -> Key:
        return next(k for k in self.keys if k.name == name)


class FormatError(SgkgError):
    """ontology/format.yaml does not describe a format this code can read (a data engineer's slip)."""

    def __init__(self, what: str):
        super().__init__(what, resources.format_file(), hint="fix the format description (its header says what "
                         "each field means)", rule="format")


@lru_cache(maxsize=4)
def _prefixes(context: Path) -> dict[str, str]:
    ctx = json.loads(context.read_text(encoding="utf-8"))["@context"]
    return {k: v for k, v in ctx.items() if isinstance(v, str)}


def _iri(curie: str | None, where: str) -> URIRef | None:
    if curie is None:
        return None
    prefix, _, local = str(curie).partition(":")
    ns = _prefixes(resources.context_file()).get(prefix)
    if ns is None or not local:
        raise FormatError(f"{where}: {curie!r} is not a CURIE of a prefix of ontology/context.jsonld")
    return URIRef(ns + local)


_KEY_FIELDS = {"kind", "required", "property", "refs", "keys", "doc", "shorthand", "not_stated", "scheme",
               "pattern", "expected", "class", "segment", "claim", "many"}


def _keys(raw: dict | None, groups: dict, where: str) -> tuple[Key, ...]:
    out: list[Key] = []
    if not isinstance(raw or {}, dict):
        raise FormatError(f"{where}: keys are a mapping of key names to their description")
    for name, spec in (raw or {}).items():
        name = str(name)
        if not isinstance(spec or {}, dict):
            raise FormatError(f"{where}.{name}: a key is described by a mapping (kind, property ...)")
        if name.startswith("(") and name.endswith(")"):
            group = name[1:-1]
            if group not in groups:
                raise FormatError(f"{where}: no group {group!r} (groups: {', '.join(groups)})")
            out += _keys(groups[group], groups, f"{where}.{name}")
            continue
        out.append(_key(name, spec or {}, groups, f"{where}.{name}"))
    names = [k.name for k in out]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise FormatError(f"{where}: a key is given twice ({', '.join(twice)})")
    return tuple(out)


def _key(name: str, spec: dict, groups: dict, where: str) -> Key:
    unknown = set(spec) - _KEY_FIELDS
    if unknown:
        raise FormatError(f"{where}: unknown field(s) {', '.join(sorted(unknown))} "
                          f"(fields: {', '.join(sorted(_KEY_FIELDS))})")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FormatError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    exp = spec.get("expected")
    expected = None
    if exp is not None:
        if not isinstance(exp, dict) or set(exp) != {"shape", "target", "message"}:
            raise FormatError(f"{where}.expected: give shape, target and message")
        target = _iri(exp["target"], f"{where}.expected")
        if target is None:
            raise FormatError(f"{where}.expected: give shape, target and message")
        expected = Expected(str(exp["shape"]), target, str(exp["message"]))
    return Key(
        name=name, kind=kind, required=bool(spec.get("required", False)),
        prop=_iri(spec.get("property"), where), refs=tuple(spec.get("refs") or ()),
        keys=_keys(spec.get("keys"), groups, where) if kind in (MAP, LIST) else (),
        doc=str(spec.get("doc") or ""), shorthand=spec.get("shorthand"),
        unstated=bool(spec.get("not_stated", False)) and kind != NOT_STATED,
        scheme=spec.get("scheme"), pattern=spec.get("pattern"), expected=expected,
        cls=_iri(spec.get("class"), where), segment=spec.get("segment"), claim=bool(spec.get("claim", False)),
        many=bool(spec.get("many", False)) and kind == MAP,
    )


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[tuple[Key, ...], tuple[Key, ...]]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise FormatError(f"not valid YAML: {exc}".splitlines()[0]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("sections"), dict):
        raise FormatError("a format description has `sections` (and `groups`) at the top")
    groups = doc.get("groups") or {}
    sections = _keys(doc["sections"], groups, "sections")
    evidence = _keys(groups["evidence"], groups, "groups.evidence")
    return sections, evidence


def sections() -> tuple[Key, ...]:
    """The sections of a review file, in order: review, annotation, sources, children ..."""
    return _load(resources.format_file())[0]


def evidence_keys() -> tuple[Key, ...]:
    """The keys of one evidence item: source and quote."""
    return _load(resources.format_file())[1]


def section(name: str) -> Key:
    return next(k for k in sections() if k.name == name)


def walk(keys: tuple[Key, ...] | None = None, path: str = ""):
    """Every key of the format, depth first, with its dotted path (e.g. events.agency)."""
    for k in sections() if keys is None else keys:
        where = f"{path}.{k.name}" if path else k.name
        yield where, k
        yield from walk(k.keys, where)


def list_sections() -> dict[str, Key]:
    """Every list whose entries are nodes (sections and nested lists), by name: sources, events,
    risk_factors ..."""
    return {k.name: k for _, k in walk() if k.kind == LIST}


def clear_cache() -> None:
    _load.cache_clear()
    _prefixes.cache_clear()


def __getattr__(name: str):
    """SECTIONS and EVIDENCE_KEYS as module attributes (read from the description when first asked)."""
    if name == "SECTIONS":
        return sections()
    if name == "EVIDENCE_KEYS":
        return evidence_keys()
    raise AttributeError(name)
