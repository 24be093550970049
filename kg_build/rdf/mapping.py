"""Mapping a checked annotation file to RDF: one named graph a review, deterministic IRIs.

Every node's IRI comes from the ids in the YAML (kg_build/rdf/iris.py). Every claim carries its
provenance: prov:wasDerivedFrom its source document(s), sg:evidence a Web Annotation quoting the
source, sg:annotatedBy the annotator. `origins` records, for each node, the YAML line that produced
it, so that SHACL results can be reported against the file. The tree it reads holds no null (the
loader refuses an empty value), and booleans are read with annotation.parse_bool, as the loader does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, XSD, Namespace

from kg_build.rdf import iris
from kg_build.rdf import ontology
from kg_build.annotations.reader import ReviewFile, age_in_months, parse_bool, parse_date, scheme_for, value_scheme
from kg_build.rdf.namespace import SG
from kg_build.annotations import spec
from kg_build.annotations.yamlsource import Mapping, Pos, Sequence

TIME = Namespace("http://www.w3.org/2006/time#")
OA = Namespace("http://www.w3.org/ns/oa#")


@dataclass
class MappedReview:
    review_id: str
    iri: URIRef
    graph: Graph
    origins: dict[str, Pos] = field(default_factory=dict)  # node IRI -> YAML position
    file: str = ""


def _list(v) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, Sequence) else [v]


class _Mapper:
    def __init__(self, rf: ReviewFile):
        self.rf = rf
        self.t = rf.tree
        self.g = Graph()
        self.origins: dict[str, Pos] = {}
        self.R = iris.review(rf.review_id)
        self.ids = rf.ids
        ann = self.t["annotation"]["annotator"]
        self.annotator = iris.annotator(str(ann["id"]))
        sources = self.t["sources"]
        self.default_sources = [self.node("source", str(sources[0]["id"]))] if len(sources) == 1 else []
        la = self.t["review"].get("local_authority")
        self.local_authority = None
        if isinstance(la, Mapping):
            gss = la.get("gss")
            self.local_authority = iris.local_authority(str(gss)) if gss else iris.sub(self.R, "local-authority")

    # -- helpers ---------------------------------------------------------------------------

    def add(self, s, p, o) -> None:
        self.g.add((s, p, o))

    def origin(self, node: URIRef, m) -> URIRef:
        pos = getattr(m, "pos", None)
        if pos is not None:
            self.origins.setdefault(str(node), pos)
        return node

    def node(self, kind: str, local_id: str) -> URIRef:
        return iris.part(self.R, kind, local_id)

    _KIND = {"sources": "source", "children": "child", "persons": "actor", "agencies": "agency",
             "events": "event", "risk_factors": "rf", "information_sharing": "info-gap",
             "missed_opportunities": "mo", "findings": "finding", "good_practice": "good-practice",
             "recommendations": "recommendation", "systemic_factors": "systemic-factor",
             "legal_outcomes": "legal-outcome", "inspections": "inspection"}

    def ref(self, v) -> URIRef:
        text = str(v)
        if text == "board":
            return iris.sub(self.R, "board")
        if text == "local-authority" and text not in self.ids:
            return self.local_authority
        section = self.ids[text][0]
        return self.node(self._KIND[section], text)

    def code(self, prop, v, section: str = "", key_name: str = "") -> URIRef:
        """The concept of a checked code; `themes` take their scheme from the section."""
        return ontology.scheme(scheme_for(section, key_name, prop)).lookup(str(v))

    def codes(self, s, prop, v, section: str = "", key_name: str = "") -> None:
        for item in _list(v):
            self.add(s, prop, self.code(prop, item, section, key_name))

    def text(self, s, p, v) -> None:
        if v is not None:
            self.add(s, p, Literal(str(v)))

    def boolean(self, s, p, v) -> None:
        """A checked boolean key (`true` or `false`), read as the checker read it."""
        if v is not None:
            self.add(s, p, Literal(parse_bool(v), datatype=XSD.boolean))

    def date_literal(self, v) -> Literal:
        d = parse_date(str(v))
        return Literal(d.text, datatype=XSD[d.datatype])

    def instant(self, node: URIRef, v) -> URIRef:
        d = parse_date(str(v))
        self.add(node, RDF.type, TIME.Instant)
        prop = {"day": TIME.inXSDDate, "month": TIME.inXSDgYearMonth, "year": TIME.inXSDgYear}[d.precision]
        self.add(node, prop, Literal(d.text, datatype=XSD[d.datatype]))
        return node

    def when(self, s: URIRef, m: Mapping) -> None:
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
        self.text(s, SG.dateText, m.get("date_text"))

    def provenance(self, s: URIRef, m: Mapping, claim: bool = True) -> None:
        """Source(s), evidence annotations and, for claims, the annotator."""
        sources = []
        ev = m.get("evidence")
        items = _list(ev) if ev is not None else []
        for i, e in enumerate(items, start=1):
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
            self.origin(a, e)
        for src in sources or self.default_sources:
            self.add(s, PROV.wasDerivedFrom, src)
        if claim:
            self.add(s, SG.annotatedBy, self.annotator)

    def claim(self, cls, kind: str, m: Mapping, local_id: str | None = None) -> URIRef:
        s = self.origin(self.node(kind, local_id or str(m["id"])), m)
        self.add(s, RDF.type, cls)
        self.when(s, m)
        self.provenance(s, m)
        return s

    def not_stated(self, s: URIRef, m: Mapping, keys) -> None:
        """sg:notStated for each key the annotator recorded as not stated by the sources."""
        by_name = {k.name: k for k in keys}
        for name in _list(m.get("not_stated")):
            self.add(s, SG.notStated, by_name[str(name)].prop)

    def person(self, s: URIRef, m: Mapping) -> None:
        self.add(s, SG.referredToAs, Literal(str(m["as"])))
        self.add(s, RDFS.label, Literal(str(m["as"])))
        self.text(s, FOAF.name, m.get("name"))
        if m.get("name_published_in") is not None:
            self.add(s, SG.namePublishedIn, self.ref(m["name_published_in"]))
        if m.get("sex") is not None:
            self.add(s, SG.sex, self.code(SG.sex, m["sex"]))
        self.text(s, SG.ageText, m.get("age_text"))

    # -- sections --------------------------------------------------------------------------

    def run(self) -> MappedReview:
        t, R = self.t, self.R
        rv = t["review"]
        self.origin(R, rv)
        case = iris.case(str(rv.get("case") or rv["id"]))
        self.origin(case, rv)
        board = self.origin(iris.sub(R, "board"), rv)
        self.add(R, RDF.type, SG.Review)
        self.add(R, DCTERMS.title, Literal(str(rv["title"])))
        self.add(R, RDFS.label, Literal(str(rv["title"])))
        self.add(R, SG.reviewType, self.code(SG.reviewType, rv["type"]))
        self.add(R, DCTERMS.issued, self.date_literal(rv["published"]))
        for k, p in (("commissioned", SG.commissionedOn), ("completed", SG.completedOn)):
            if rv.get(k) is not None:
                self.add(R, p, self.date_literal(rv[k]))
        self.add(R, DCTERMS.publisher, board)
        self.add(board, RDF.type, SG.SafeguardingPartnership)
        self.add(board, RDFS.label, Literal(str(rv["board"])))
        self.add(R, SG.concernsCase, case)
        self.add(case, SG.reviewedIn, R)
        self.add(case, RDF.type, SG.Case)
        self.text(R, DCTERMS.description, rv.get("summary"))
        self.not_stated(case, rv, _keys_of("review"))
        self.boolean(R, SG.detailsWithheld, rv.get("details_withheld"))
        for other in _list(rv.get("published_alongside")):
            self.add(R, SG.publishedAlongside, iris.review(str(other)))
        if self.local_authority is not None:
            la, L = rv["local_authority"], self.local_authority
            self.origin(L, la)
            self.add(L, RDF.type, SG.LocalAuthority)
            self.add(L, RDFS.label, Literal(str(la["name"])))
            if la.get("gss"):
                self.add(L, SG.gssCode, Literal(str(la["gss"])))
                self.add(L, SG.statisticalGeography, iris.ons_geography(str(la["gss"])))
            self.add(case, SG.inLocalAuthority, L)
            self.add(board, SG.inLocalAuthority, L)
        # annotation
        an = t["annotation"]
        a = an["annotator"]
        software = str(a.get("kind") or "person") == "software"
        self.add(self.annotator, RDF.type, PROV.SoftwareAgent if software else PROV.Person)
        self.add(self.annotator, RDF.type, PROV.Agent)
        self.add(self.annotator, FOAF.name, Literal(str(a["name"])))
        self.text(self.annotator, SG.softwareVersion, a.get("version"))
        self.add(R, SG.annotatedBy, self.annotator)
        self.add(R, SG.annotationStatus, self.code(SG.annotationStatus, an["status"]))
        # sources
        for m in t["sources"]:
            s = self.origin(self.node("source", str(m["id"])), m)
            self.add(s, RDF.type, SG.SourceDocument)
            self.add(R, SG.hasSourceDocument, s)
            self.add(s, SG.sourceType, self.code(SG.sourceType, m["type"]))
            self.add(s, DCTERMS.title, Literal(str(m["title"])))
            if m.get("published") is not None:
                self.add(s, DCTERMS.issued, self.date_literal(m["published"]))
            if m.get("publisher") is not None:
                pub = iris.sub(s, "publisher")
                self.add(s, DCTERMS.publisher, pub)
                self.add(pub, RDF.type, FOAF.Organization)
                self.add(pub, FOAF.name, Literal(str(m["publisher"])))
            if m.get("url") is not None:
                self.add(s, FOAF.page, URIRef(str(m["url"])))
            self.not_stated(s, m, _keys_of("sources"))
        if rv.get("reviewer") is not None:
            self.add(R, SG.reviewer, self.ref(rv["reviewer"]))
        # agencies
        for m in t["agencies"]:
            s = self.origin(self.node("agency", str(m["id"])), m)
            concept = self.code(SG.agencyType, m["type"])
            self.add(s, RDF.type, SG.Agency)
            self.add(s, SG.agencyType, concept)
            self.add(s, ORG.classification, concept)
            label = m.get("name") or ontology.scheme(value_scheme(SG.agencyType)).labels[str(m["type"])]
            self.add(s, RDFS.label, Literal(str(label)))
            if self.local_authority is not None:
                self.add(s, SG.inLocalAuthority, self.local_authority)
        # children
        for m in t["children"]:
            s = self.origin(self.node("child", str(m["id"])), m)
            self.add(s, RDF.type, SG.Child)
            self.add(case, SG.concernsChild, s)
            self.person(s, m)
            age = m.get("age")
            if isinstance(age, Mapping):
                unit, n = next(iter(age.items()))
                self.add(s, SG.ageInMonths, Literal(Decimal(age_in_months(unit, int(n))), datatype=XSD.decimal))
            if m.get("born") is not None:
                self.add(s, SG.birthDate, self.date_literal(m["born"]))
            self.not_stated(s, m, _keys_of("children"))
            out = m.get("outcome")
            if out is not None:
                om = out if isinstance(out, Mapping) else None
                o = self.origin(self.node("outcome", str(m["id"])), out)
                self.add(o, RDF.type, SG.Outcome)
                self.add(o, SG.outcomeFor, s)
                self.add(o, SG.outcomeType, self.code(SG.outcomeType, om["type"] if om else out))
                if om is not None:
                    self.codes(o, SG.harmType, om.get("harm"))
                    if om.get("death_category") is not None:
                        self.add(o, SG.deathCategory, self.code(SG.deathCategory, om["death_category"]))
                    self.boolean(o, SG.preventable, om.get("preventable"))
                    self.text(o, DCTERMS.description, om.get("summary"))
                    self.when(o, om)
                self.provenance(o, om if om is not None else Mapping(out.pos))
        # persons
        for m in _list(t.get("persons")):
            s = self.origin(self.node("actor", str(m["id"])), m)
            if m.get("relation") is not None:
                self.add(s, RDF.type, SG.FamilyMember)
                self.codes(s, SG.relationshipToChild, m["relation"])
                for c in _list(m.get("related_child")):
                    self.add(s, SG.relatedChild, self.ref(c))
            elif m.get("agency") is not None:
                self.add(s, RDF.type, SG.Professional)
                self.add(s, ORG.memberOf, self.ref(m["agency"]))
            else:
                self.add(s, RDF.type, SG.Person)
            self.person(s, m)
            self.codes(s, SG.professionalRole, m.get("role"))
            self.codes(s, SG.experienceLevel, m.get("experience"))
            for r in _list(m.get("risk_factors")):
                c = self.claim(SG.RiskFactorAssertion, "rf", r)
                self.add(c, SG.aboutPerson, s)
                self.add(c, SG.riskFactor, self.code(SG.riskFactor, r["factor"]))
                for a in _list(r.get("known_to")):
                    self.add(c, SG.knownTo, self.ref(a))
                for a in _list(r.get("not_known_to")):
                    self.add(c, SG.notKnownTo, self.ref(a))
                self.text(c, DCTERMS.description, r.get("summary"))
        # events, in the order written: that order is the chronology index
        for i, m in enumerate(_list(t.get("events")), start=1):
            s = self.origin(self.node("event", str(m["id"])), m)
            incident = m.get("incident") is not None and parse_bool(m["incident"])
            self.add(s, RDF.type, SG.Incident if incident else SG.Event)
            self.codes(s, SG.eventType, m["type"])
            self.add(s, SG.chronologyIndex, Literal(i, datatype=XSD.nonNegativeInteger))
            for a in _list(m.get("agency")):
                self.add(s, SG.involvedAgency, self.ref(a))
            for p in _list(m.get("persons")):
                self.add(s, SG.involvedPerson, self.ref(p))
            for c in _list(m.get("children")):
                self.add(s, SG.concernsChild, self.ref(c))
            self.codes(s, SG.observedConcern, m.get("observed"))
            if m.get("referred_to") is not None:
                self.add(s, SG.referredTo, self.ref(m["referred_to"]))
            self.boolean(s, SG.repeated, m.get("repeated"))
            if m.get("occasions") is not None:
                self.add(s, SG.occasions, Literal(int(m["occasions"]), datatype=XSD.nonNegativeInteger))
            self.text(s, DCTERMS.description, m.get("summary"))
            self.when(s, m)
            self.not_stated(s, m, _keys_of("events"))
            self.provenance(s, m, claim=False)
            self.add(s, SG.annotatedBy, self.annotator)
        for m in _list(t.get("information_sharing")):
            c = self.claim(SG.InformationSharingFailure, "info-gap", m)
            self.add(c, SG.heldBy, self.ref(m["held_by"]))
            for a in _list(m["not_shared_with"]):
                self.add(c, SG.notSharedWith, self.ref(a))
            if m.get("about") is not None:
                self.add(c, SG.aboutAssertion, self.node("rf", str(m["about"])))
            self.text(c, DCTERMS.description, m["summary"])
        for m in _list(t.get("missed_opportunities")):
            c = self.claim(SG.MissedOpportunity, "mo", m)
            self.codes(c, SG.missedOpportunityType, m["type"])
            for a in _list(m["agency"]):
                self.add(c, SG.responsibleAgency, self.ref(a))
            for e in _list(m.get("events")):
                self.add(c, SG.relatedEvent, self.ref(e))
            self.text(c, DCTERMS.description, m["summary"])
            self.not_stated(c, m, _keys_of("missed_opportunities"))
        for m in _list(t.get("findings")):
            c = self.claim(SG.Finding, "finding", m)
            self.codes(c, SG.theme, m["themes"], "findings", "themes")
            for e in _list(m.get("events")):
                self.add(c, SG.relatedEvent, self.ref(e))
            self.text(c, DCTERMS.description, m["summary"])
        for m in _list(t.get("good_practice")):
            c = self.claim(SG.GoodPractice, "good-practice", m)
            self.codes(c, SG.theme, m.get("themes"), "good_practice", "themes")
            for a in _list(m.get("agency")):
                self.add(c, SG.involvedAgency, self.ref(a))
            self.text(c, DCTERMS.description, m["summary"])
        for m in _list(t.get("recommendations")):
            c = self.claim(SG.Recommendation, "recommendation", m)
            self.text(c, DCTERMS.description, m["summary"])
            for a in _list(m.get("addressee")):
                self.add(c, SG.addressee, self.ref(a))
            if m.get("status") is not None:
                self.add(c, SG.recommendationStatus, self.code(SG.recommendationStatus, m["status"]))
            self.codes(c, SG.theme, m.get("themes"), "recommendations", "themes")
            self.not_stated(c, m, _keys_of("recommendations"))
        for m in _list(t.get("systemic_factors")):
            c = self.claim(SG.SystemicFactorAssertion, "systemic-factor", m)
            self.add(c, SG.systemicFactor, self.code(SG.systemicFactor, m["factor"]))
            for a in _list(m.get("agency")):
                self.add(c, SG.affectedAgency, self.ref(a))
            self.text(c, DCTERMS.description, m.get("summary"))
        for m in _list(t.get("legal_outcomes")):
            c = self.claim(SG.LegalOutcome, "legal-outcome", m)
            for p in _list(m.get("persons")):
                self.add(c, SG.subjectOfProceedings, self.ref(p))
            self.codes(c, SG.legalOutcomeType, m["outcome"])
            self.text(c, SG.sentence, m.get("sentence"))
            self.text(c, DCTERMS.description, m.get("summary"))
        for m in _list(t.get("inspections")):
            c = self.claim(SG.Inspection, "inspection", m)
            self.add(c, SG.inspectedBody, self.ref(m["inspected"]))
            self.add(c, SG.inspectionJudgement, self.code(SG.inspectionJudgement, m["judgement"]))
            self.text(c, SG.inspectorate, m.get("inspectorate"))
            self.text(c, DCTERMS.description, m.get("summary"))
        return MappedReview(self.rf.review_id, R, self.g, self.origins, self.rf.display)


def _keys_of(section: str):
    """The keys of one entry of a section of the annotation format."""
    return next(k for k in spec.SECTIONS if k.name == section).keys


def map_review(rf: ReviewFile) -> MappedReview:
    """The RDF of one checked annotation file, as the review's named graph."""
    return _Mapper(rf).run()
