"""The structural patterns of the mapping: what a review file says that is more than one key filling
one property (kg_build/rdf/mapping.py maps those from ontology/format.yaml). A section or key names
its pattern there (`pattern: child`); here is what each writes.

A Pattern has `cls` (the class of an entry, where it depends on the entry) and `entry` (called for
each entry after its keys are mapped, with the entry's node, its YAML mapping, its position in the
section, 1 for the first, and the node of the entry it is nested in).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, RDF, RDFS, XSD

from kg_build.annotations.reader import age_in_months, parse_bool, scheme_of
from kg_build.annotations.yamlsource import Mapping
from kg_build.model import iris, ontology, spec
from kg_build.model.namespace import SG
from kg_build.rdf.mapping import SPDX, Mapper, as_list


@dataclass(frozen=True)
class Pattern:
    entry: Callable[[Mapper, URIRef, Mapping, int, URIRef | None], None] | None = None
    cls: Callable[[Mapper, Mapping], URIRef] | None = None


def review(mp: Mapper, R: URIRef, rv: Mapping, _index: int, _parent) -> None:
    """The review, its case and board, and the local authority they are in."""
    keys = spec.section("review")
    mp.origin(R, rv)
    case = mp.origin(mp.case, rv)
    board = mp.origin(iris.sub(R, "board"), rv) if rv.get("board") is not None else None
    mp.add(R, RDF.type, SG.Review)
    mp.add(R, DCTERMS.title, Literal(str(rv["title"])))
    mp.add(R, RDFS.label, Literal(str(rv["title"])))
    # what the sources do not state is about the case: a key of the review, or a whole section (children)
    # what the review's own text does not give (a required key recorded as not stated) is about the review
    sections = tuple(k for k in spec.sections() if k.unstated)
    own = tuple(k for k in keys.keys if k.required and k.unstated)
    unstated = [str(n) for n in as_list(rv.get("not_stated"))]
    mp.keys(R, rv, keys.keys + sections, not_stated_on=case, skip_not_stated={k.name for k in own})
    for k in own:
        if k.name in unstated:
            mp.add(R, SG.notStated, k.prop)
    if board is not None:
        mp.add(R, DCTERMS.publisher, board)
        mp.add(board, RDF.type, SG.SafeguardingPartnership)
        mp.add(board, RDFS.label, Literal(str(rv["board"])))
    mp.add(R, SG.concernsCase, case)
    mp.add(case, SG.reviewedIn, R)
    mp.add(case, RDF.type, SG.Case)
    for other in as_list(rv.get("published_alongside")):
        mp.add(R, SG.publishedAlongside, iris.review(str(other)))
    for L, la in mp.areas:
        mp.origin(L, la)
        mp.add(L, RDF.type, SG.LocalAuthority)
        mp.add(L, RDFS.label, Literal(str(la["name"])))
        if la.get("gss"):
            mp.add(L, SG.gssCode, Literal(str(la["gss"])))
            mp.add(L, SG.statisticalGeography, iris.ons_geography(str(la["gss"])))
        mp.add(case, SG.inLocalAuthority, L)
    # a board, and the agencies, are placed only where there is one area
    if mp.local_authority is not None and board is not None:
        mp.add(board, SG.inLocalAuthority, mp.local_authority)


AGENT_CLASSES = {"person": PROV.Person, "organisation": PROV.Organization, "software": PROV.SoftwareAgent}


def _agent(mp: Mapper, a: Mapping) -> URIRef:
    """A person, organisation or software that annotated or verified (never a product name: the data's rule)."""
    node = iris.annotator(str(a["id"]))
    mp.add(node, RDF.type, AGENT_CLASSES.get(str(a.get("kind") or "person"), PROV.Person))
    mp.add(node, RDF.type, PROV.Agent)
    mp.add(node, FOAF.name, Literal(str(a["name"])))
    mp.text(node, SG.softwareVersion, a.get("version"))
    return node


def annotation(mp: Mapper, R: URIRef, an: Mapping, _index: int, _parent) -> None:
    """The annotation is an activity of its own (ADR 0009): it made the review's named graph from the
    review's sources, by its annotator, machine-assisted or not, with a status; a second reading is a
    verification of it. The review itself is the board's, not the annotator's."""
    key = spec.section("annotation")
    A = mp.origin(mp.annotation, an)
    mp.add(A, RDF.type, SG.Annotation)
    mp.add(A, SG.annotationOf, R)
    mp.add(A, PROV.wasAssociatedWith, _agent(mp, an["annotator"]))
    for m in as_list(mp.t.get("sources")):
        mp.add(A, PROV.used, mp.node("source", str(m["id"])))
    mp.keys(A, an, key.keys)
    mp.entries(key.key("verifications"), an.get("verifications"), A)


def verification(mp: Mapper, v: URIRef, m: Mapping, _index: int, annotation_node: URIRef | None) -> None:
    """A second reader's check of the annotation, by someone other than its annotator."""
    mp.add(v, SG.verificationOf, annotation_node)
    mp.add(v, PROV.wasAssociatedWith, _agent(mp, m["verifier"]))


def source(mp: Mapper, s: URIRef, m: Mapping, _index: int, _parent) -> None:
    """A source document of the review; its publisher is an organisation named as the source gives it."""
    mp.add(mp.R, SG.hasSourceDocument, s)
    if m.get("publisher") is not None:
        pub = iris.sub(s, "publisher")
        mp.add(s, DCTERMS.publisher, pub)
        mp.add(pub, RDF.type, FOAF.Organization)
        mp.add(pub, FOAF.name, Literal(str(m["publisher"])))
    if m.get("sha256") is not None:
        # the text the quotes were checked against, by its digest (SPDX checksum, as DCAT 3 does)
        c = iris.sub(s, "checksum")
        mp.add(s, SPDX.checksum, c)
        mp.add(c, RDF.type, SPDX.Checksum)
        mp.add(c, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        mp.add(c, SPDX.checksumValue, Literal(str(m["sha256"]), datatype=XSD.hexBinary))


def agency(mp: Mapper, s: URIRef, m: Mapping, _index: int, _parent) -> None:
    """An agency: classified by its type (ORG), named as the source names it or by its type's label."""
    key = spec.section("agencies").key("type")
    concept = mp.code(key, m["type"])
    mp.add(s, ORG.classification, concept)
    label = m.get("name") or ontology.scheme(scheme_of(key)).labels[str(m["type"])]
    mp.add(s, RDFS.label, Literal(str(label)))
    if mp.local_authority is not None:
        mp.add(s, SG.inLocalAuthority, mp.local_authority)


def _person(mp: Mapper, s: URIRef, m: Mapping) -> None:
    mp.add(s, SG.referredToAs, Literal(str(m["as"])))
    mp.add(s, RDFS.label, Literal(str(m["as"])))


def _age(mp: Mapper, s: URIRef, m: Mapping) -> None:
    """An age given in years, months, weeks or days, as months (a decimal for weeks and days)."""
    age = m.get("age")
    if isinstance(age, Mapping):
        unit, n = next(iter(age.items()))
        # the canonical lexical form (2.3, not 2.30), as stores return it: exports and answers agree
        months = format(age_in_months(unit, int(n)).normalize(), "f")
        mp.add(s, SG.ageInMonths, Literal(months, datatype=XSD.decimal))


def child(mp: Mapper, s: URIRef, m: Mapping, _index: int, _parent) -> None:
    """A child of the case: named as the source refers to the child, an age in months, an outcome."""
    mp.add(mp.case, SG.concernsChild, s)
    _person(mp, s, m)
    _age(mp, s, m)
    out = m.get("outcome")
    if out is not None:
        keys = spec.section("children").key("outcome")
        om = out if isinstance(out, Mapping) else None
        o = mp.origin(mp.entry_node(keys, str(m["id"])), out)  # one outcome a child: named by the child
        mp.add(o, RDF.type, keys.cls)
        mp.add(o, SG.outcomeFor, s)
        if om is not None:
            mp.keys(o, om, keys.keys)
            mp.when(o, om)
        else:  # the shorthand: `outcome: death` is its type
            mp.add(o, SG.outcomeType, mp.code(keys.key("type"), out))
        mp.provenance(o, om if om is not None else Mapping(out.pos))


def person_class(_mp: Mapper, m: Mapping) -> URIRef:
    """A family member or carer has a relation to the child; a professional works for an agency or has
    a professional role (the source may not say who employed them)."""
    if m.get("relation") is not None:
        return SG.FamilyMember
    if m.get("agency") is not None or m.get("role") is not None:
        return SG.Professional
    return SG.Person


def person(mp: Mapper, s: URIRef, m: Mapping, _index: int, _parent) -> None:
    if m.get("relation") is None and m.get("agency") is not None:
        mp.add(s, ORG.memberOf, mp.ref(m["agency"]))
    _person(mp, s, m)
    _age(mp, s, m)


def risk_factor(mp: Mapper, s: URIRef, _m: Mapping, _index: int, person_node: URIRef | None) -> None:
    """A risk factor is asserted about the person it is listed under."""
    mp.add(s, SG.aboutPerson, person_node)


def event_class(_mp: Mapper, m: Mapping) -> URIRef:
    """The incident in which the child was harmed or died is an sg:Incident, other events sg:Event."""
    return SG.Incident if m.get("incident") is not None and parse_bool(m["incident"]) else SG.Event


def event(mp: Mapper, s: URIRef, _m: Mapping, index: int, _parent) -> None:
    """Events are numbered in the order written: that order is the chronology."""
    mp.add(s, SG.chronologyIndex, Literal(index, datatype=XSD.nonNegativeInteger))


PATTERNS: dict[str, Pattern] = {
    "review": Pattern(review),
    "annotation": Pattern(annotation),
    "verification": Pattern(verification),
    "source": Pattern(source),
    "agency": Pattern(agency),
    "child": Pattern(child),
    "person": Pattern(person, person_class),
    "risk_factor": Pattern(risk_factor),
    "event": Pattern(event, event_class),
}
