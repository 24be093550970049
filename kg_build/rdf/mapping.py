"""Mapping a checked annotation file to RDF: one named graph a review, deterministic IRIs.

The mapping is read from the annotation format (ontology/format.yaml, kg_build/model/spec.py):
each entry of a list section becomes a node `review/{id}/{segment}/{entry id}` of the section's class,
and each key with an RDF property fills that property by its kind (a literal, a concept of the key's
vocabulary, the IRI of the entry it names, a typed date ...). Only the structural patterns are
written by hand (kg_build/rdf/patterns.py): evidence as Web Annotations, OWL-Time instants and
intervals, outcomes, ages, the review with its case, board and local authority, the annotator.

Every node's IRI comes from the ids in the YAML (kg_build/model/iris.py). Every claim carries its
provenance: prov:wasDerivedFrom its source document(s), sg:evidence a Web Annotation quoting the
source; who annotated is said once, by the annotation activity of the review's graph (ADR 0009).
`origins` records, for each node, the YAML line that produced
it, so that SHACL results can be reported against the file. The tree it reads holds no null (the
loader refuses an empty value), and booleans are read with reader.parse_bool, as the loader does.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, TIME, XSD, Namespace

from kg_build.annotations.reader import DateValue, ReviewFile, parse_bool, parse_date, scheme_of
from kg_build.annotations.yamlsource import Mapping, Pos, Sequence
from kg_build.model import iris, ontology, spec
from kg_build.model.namespace import SG

OA = Namespace("http://www.w3.org/ns/oa#")
SPDX = Namespace("http://spdx.org/rdf/terms#")


@dataclass
class MappedReview:
    review_id: str
    iri: URIRef
    graph: Graph
    origins: dict[str, Pos] = field(default_factory=dict)  # node IRI -> YAML position
    file: str = ""


def checked_date(v) -> DateValue:
    """The date of a value the checker has accepted as a date."""
    d = parse_date(str(v))
    assert d is not None, f"the checker refuses {v!r}, which is not a date"
    return d


def as_list(v) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, Sequence) else [v]


class Mapper:
    """The RDF of one review file. The patterns of kg_build/rdf/patterns.py use its helpers."""

    def __init__(self, rf: ReviewFile):
        self.rf = rf
        self.t = rf.tree
        self.g = Graph()
        self.origins: dict[str, Pos] = {}
        self.R = iris.review(rf.review_id)
        self.ids = rf.ids
        self.lists = spec.list_sections()
        self.annotation = iris.sub(self.R, "annotation")  # the activity that made this record (ADR 0009)
        self.annotator = iris.annotator(str(self.t["annotation"]["annotator"]["id"]))  # creator of evidence
        sources = self.t["sources"]
        self.default_sources = [self.node("source", str(sources[0]["id"]))] if len(sources) == 1 else []
        self.case = iris.case(str(self.t["review"].get("case") or self.t["review"]["id"]))
        # the area(s) of the case; `local-authority` names the council only where there is one area
        la = self.t["review"].get("local_authority")
        self.areas: list[tuple[URIRef, Mapping]] = []
        for i, area in enumerate(as_list(la)):
            if isinstance(area, Mapping):
                gss = area.get("gss")
                node = (iris.local_authority(str(gss)) if gss else iris.sub(self.R, "local-authority") if i == 0
                        else iris.sub(self.R, "local-authority", str(i + 1)))
                self.areas.append((node, area))
        self.local_authority = self.areas[0][0] if len(self.areas) == 1 else None

    # -- helpers ---------------------------------------------------------------------------

    def add(self, s, p, o) -> None:
        self.g.add((s, p, o))

    def origin(self, node: URIRef, m) -> URIRef:
        pos = getattr(m, "pos", None)
        if pos is not None:
            self.origins.setdefault(str(node), pos)
        return node

    def node(self, segment: str, local_id: str) -> URIRef:
        return iris.part(self.R, segment, local_id)

    def ref(self, v) -> URIRef:
        """The IRI of the entry a checked reference names (or the review's board or local authority)."""
        text = str(v)
        if text == "board":
            return iris.sub(self.R, "board")
        if text == "local-authority" and text not in self.ids:
            assert self.local_authority is not None, "the checker refuses it without review.local_authority"
            return self.local_authority
        return self.entry_node(self.lists[self.ids[text][0]], text)

    def entry_node(self, key: spec.Key, local_id: str) -> URIRef:
        """The node of an entry of `key` (a list, or a map with a segment of its own)."""
        if key.segment is None:
            raise ValueError(f"key {key.name} has no IRI segment, so its entries have no node")
        return self.node(key.segment, local_id)

    def code(self, key: spec.Key, v) -> URIRef:
        """The concept of a checked code of a coded key."""
        concept = ontology.scheme(scheme_of(key)).lookup(str(v))
        assert concept is not None, f"the checker refuses {v!r}, which is not a code of {key.name}"
        return concept

    def text(self, s, p, v) -> None:
        if v is not None:
            self.add(s, p, Literal(str(v)))

    def date_literal(self, v) -> Literal:
        d = checked_date(v)
        return Literal(d.text, datatype=XSD[d.datatype])

    def value(self, s: URIRef, key: spec.Key, v) -> None:
        """A key's value as the objects of its property, by its kind."""
        p, kind = key.prop, key.kind
        for item in as_list(v):
            if kind in (spec.TEXT, spec.GSS):
                self.add(s, p, Literal(str(item)))
            elif kind in (spec.CODE, spec.CODES):
                self.add(s, p, self.code(key, item))
            elif kind in (spec.REF, spec.REFS):
                self.add(s, p, self.ref(item))
            elif kind == spec.DATE:
                self.add(s, p, self.date_literal(item))
            elif kind == spec.BOOL:
                self.add(s, p, Literal(parse_bool(item), datatype=XSD.boolean))
            elif kind == spec.INT:
                self.add(s, p, Literal(int(item), datatype=XSD.nonNegativeInteger))
            elif kind == spec.URL:
                self.add(s, p, URIRef(str(item)))
            else:  # a map, a list or evidence has no value of its own: a pattern maps it
                raise ValueError(f"key {key.name} of kind {kind} needs a pattern, not only a property")

    def keys(self, s: URIRef, m: Mapping, keys: tuple[spec.Key, ...], not_stated_on: URIRef | None = None,
             skip_not_stated: set[str] | frozenset[str] = frozenset()) -> None:
        """Every key of `m` that has a property and no pattern, and the keys it records as not stated
        (sg:notStated <property>, on `not_stated_on` or `s`)."""
        by_name = {k.name: k for k in keys}
        for k in keys:
            if k.prop is not None and k.pattern is None and m.get(k.name) is not None:
                self.value(s, k, m[k.name])
        for name in as_list(m.get("not_stated")):
            if str(name) not in skip_not_stated:
                self.add(not_stated_on or s, SG.notStated, by_name[str(name)].prop)

    def instant(self, node: URIRef, v) -> URIRef:
        d = checked_date(v)
        self.add(node, RDF.type, TIME.Instant)
        prop = {"day": TIME.inXSDDate, "month": TIME.inXSDgYearMonth, "year": TIME.inXSDgYear}[d.precision]
        self.add(node, prop, Literal(d.text, datatype=XSD[d.datatype]))
        return node

    def when(self, s: URIRef, m: Mapping) -> None:
        """`date`, or `from` and `to`, as an OWL-Time instant or interval."""
        if m.get("date") is not None:
            self.add(s, TIME.hasTime, self.instant(iris.sub(s, "time"), m["date"]))
        elif m.get("from") is not None or m.get("to") is not None:
            t = iris.sub(s, "time")
            self.add(s, TIME.hasTime, t)
            self.add(t, RDF.type, TIME.ProperInterval)
            if m.get("from") is not None:
                self.add(t, TIME.hasBeginning, self.instant(iris.sub(t, "beginning"), m["from"]))
            if m.get("to") is not None:
                self.add(t, TIME.hasEnd, self.instant(iris.sub(t, "end"), m["to"]))

    def provenance(self, s: URIRef, m: Mapping) -> None:
        """Source(s) and evidence annotations. Who annotated is said once, by the graph's annotation
        activity, not by every claim (ADR 0009)."""
        sources = []
        for i, e in enumerate(as_list(m.get("evidence")), start=1):
            src = self.node("source", str(e["source"]))
            sources.append(src)
            a = iris.sub(s, "evidence", str(i))
            target = iris.sub(a, "target")
            self.add(s, SG.evidence, a)
            self.add(a, RDF.type, OA.Annotation)
            self.add(a, OA.hasBody, s)
            self.add(a, OA.hasTarget, target)
            self.add(a, DCTERMS.creator, self.annotator)
            self.add(target, RDF.type, OA.SpecificResource)
            self.add(target, OA.hasSource, src)
            if e.get("quote") is not None:
                sel = iris.sub(a, "selector")
                self.add(target, OA.hasSelector, sel)
                self.add(sel, RDF.type, OA.TextQuoteSelector)
                self.add(sel, OA.exact, Literal(str(e["quote"])))
                if e.get("start") is not None and e.get("end") is not None:
                    # the same passage by position in the text whose digest the source records: each
                    # selector alone identifies it (Web Annotation, multiple selectors)
                    pos = iris.sub(a, "position")
                    self.add(target, OA.hasSelector, pos)
                    self.add(pos, RDF.type, OA.TextPositionSelector)
                    self.add(pos, OA.start, Literal(int(e["start"]), datatype=XSD.nonNegativeInteger))
                    self.add(pos, OA.end, Literal(int(e["end"]), datatype=XSD.nonNegativeInteger))
            self.origin(a, e)
        for src in sources or self.default_sources:
            self.add(s, PROV.wasDerivedFrom, src)

    def claim(self, s: URIRef, m: Mapping) -> None:
        """What every claim has: its time and its evidence."""
        self.when(s, m)
        self.provenance(s, m)

    def entries(self, section: spec.Key, items, parent: URIRef | None = None) -> None:
        """The nodes of a list section's entries: class, keys, claim, pattern, nested lists."""
        from kg_build.rdf import patterns

        pattern = patterns.PATTERNS.get(section.pattern) if section.pattern else None
        for index, m in enumerate(as_list(items), start=1):
            s = self.origin(self.entry_node(section, str(m["id"])), m)
            cls = pattern.cls(self, m) if pattern is not None and pattern.cls is not None else section.cls
            self.add(s, RDF.type, cls)
            self.keys(s, m, section.keys)
            if section.claim:
                self.claim(s, m)
            if pattern is not None and pattern.entry is not None:
                pattern.entry(self, s, m, index, parent)
            for nested in section.keys:
                if nested.kind == spec.LIST:
                    self.entries(nested, m.get(nested.name), s)

    # -- the review ------------------------------------------------------------------------

    def run(self) -> MappedReview:
        from kg_build.rdf import patterns

        for section in spec.sections():
            if section.kind == spec.LIST:
                self.entries(section, self.t.get(section.name))
            else:
                assert section.pattern is not None, f"section {section.name} is not a list: a pattern maps it"
                entry = patterns.PATTERNS[section.pattern].entry
                assert entry is not None, f"pattern {section.pattern} maps a section: it has an entry function"
                entry(self, self.R, self.t[section.name], 0, None)
        return MappedReview(self.rf.review_id, self.R, self.g, self.origins, self.rf.display)


def map_review(rf: ReviewFile) -> MappedReview:
    """The RDF of one checked annotation file, as the review's named graph."""
    return Mapper(rf).run()
