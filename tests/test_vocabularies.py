"""Every concept scheme is complete: labels, definitions, notations unique in the scheme, a sound hierarchy,
a version and a change note; deprecated concepts are kept and point at what replaces them."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from kg_build import resources as paths
from kg_build.model import iris, ontology

#: the scheme files (mappings.ttl, written from ontology/mappings/, holds only mapping triples)
VOCAB_FILES = paths.scheme_files()
MATCH_PHRASE = URIRef(iris.ONTOLOGY + "matchPhrase")
MAPPING_PROPERTIES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
VERSION = "0.2.0"


def deprecated(g: Graph, c) -> bool:
    return any(str(v).lower() == "true" for v in g.objects(c, OWL.deprecated))


def test_there_are_vocabularies():
    assert len(VOCAB_FILES) >= 15


@pytest.mark.parametrize("path", VOCAB_FILES, ids=lambda p: p.stem)
def test_scheme_file_is_one_complete_concept_scheme(path):
    g = Graph().parse(path, format="turtle")
    scheme = iris.scheme(path.stem)
    assert list(g.subjects(RDF.type, SKOS.ConceptScheme)) == [scheme], "one scheme a file, named as the file"
    assert g.value(scheme, SKOS.prefLabel) is not None and g.value(scheme, SKOS.definition) is not None
    concepts = sorted(g.subjects(RDF.type, SKOS.Concept))
    assert concepts, "a scheme without concepts"
    problems = []
    notations = Counter()
    labels = Counter()
    for c in concepts:
        pref = [label for label in g.objects(c, SKOS.prefLabel) if label.language == "en"]
        defs = [d for d in g.objects(c, SKOS.definition) if d.language == "en"]
        nots = list(g.objects(c, SKOS.notation))
        if len(pref) != 1:
            problems.append(f"{c}: {len(pref)} English prefLabels")
        if len(defs) != 1 or len(defs[0]) < 15 or re.search(r"\b(TODO|TBD|FIXME)\b", defs[0]):
            problems.append(f"{c}: definition {defs!r}")
        if len(nots) != 1:
            problems.append(f"{c}: {len(nots)} notations")
        else:
            notations[str(nots[0])] += 1
            if iris.concept(path.stem, str(nots[0])) != c:
                problems.append(f"{c}: notation {nots[0]} does not match its IRI")
        labels.update(str(label).lower() for label in pref)
        if (c, SKOS.inScheme, scheme) not in g:
            problems.append(f"{c}: not in scheme {scheme}")
        broader = list(g.objects(c, SKOS.broader))
        for b in broader:
            if (b, SKOS.inScheme, scheme) not in g:
                problems.append(f"{c}: broader {b} is not a concept of this scheme")
            elif deprecated(g, b) and not deprecated(g, c):
                problems.append(f"{c}: a current concept under the deprecated {b}")
        top = (c, SKOS.topConceptOf, scheme) in g or (scheme, SKOS.hasTopConcept, c) in g
        if deprecated(g, c):
            if top:
                problems.append(f"{c}: a deprecated concept must not be a top concept")
        elif not broader and (c, SKOS.topConceptOf, scheme) not in g:
            problems.append(f"{c}: a concept without broader must be a top concept")
        if (c, SKOS.topConceptOf, scheme) in g and (scheme, SKOS.hasTopConcept, c) not in g:
            problems.append(f"{c}: top concept not listed by skos:hasTopConcept")
        if (scheme, SKOS.hasTopConcept, c) in g and (c, SKOS.topConceptOf, scheme) not in g:
            problems.append(f"{c}: listed by skos:hasTopConcept without skos:topConceptOf")
    problems += [f"notation {n!r} used {k} times" for n, k in notations.items() if k > 1]
    problems += [f"prefLabel {n!r} used {k} times" for n, k in labels.items() if k > 1]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", VOCAB_FILES, ids=lambda p: p.stem)
def test_scheme_has_a_version_and_a_change_note(path):
    g = Graph().parse(path, format="turtle")
    scheme = iris.scheme(path.stem)
    assert g.value(scheme, OWL.versionInfo) == Literal(VERSION), f"{path.name}: owl:versionInfo {VERSION!r}"
    notes = [n for n in g.objects(scheme, SKOS.changeNote) if n.language == "en"]
    assert notes and any(VERSION in n or "New in" in n for n in notes), f"{path.name}: a skos:changeNote for {VERSION}"
    assert g.value(scheme, DCTERMS.license) is not None


@pytest.mark.parametrize("path", VOCAB_FILES, ids=lambda p: p.stem)
def test_match_phrases_are_tagged_and_distinct_from_labels(path):
    """sg:matchPhrase holds phrases of review texts, tagged @en; a phrase is not also a label of its concept."""
    g = Graph().parse(path, format="turtle")
    problems = []
    for c, phrase in g.subject_objects(MATCH_PHRASE):
        if not isinstance(phrase, Literal) or phrase.language != "en" or not str(phrase).strip():
            problems.append(f"{c}: match phrase {phrase!r} is not a non-empty @en literal")
        labels = {str(v).lower() for p in (SKOS.prefLabel, SKOS.altLabel) for v in g.objects(c, p)}
        if str(phrase).lower() in labels:
            problems.append(f"{c}: {phrase!r} is both a label and a match phrase")
    for c, label in g.subject_objects(SKOS.altLabel):
        if not isinstance(label, Literal) or label.language != "en":
            problems.append(f"{c}: altLabel {label!r} is not tagged @en")
    assert not problems, "\n".join(problems)


def test_deprecated_concepts_are_replaced_by_a_current_concept():
    g = ontology.load_vocabularies()
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    problems = []
    found = 0
    for c in sorted(concepts):
        if not deprecated(g, c):
            continue
        found += 1
        replacements = list(g.objects(c, DCTERMS.isReplacedBy))
        if len(replacements) != 1:
            problems.append(f"{c}: {len(replacements)} dcterms:isReplacedBy, expected one")
        for r in replacements:
            if r not in concepts:
                problems.append(f"{c}: replaced by {r}, which is not a concept")
            elif deprecated(g, r):
                problems.append(f"{c}: replaced by {r}, which is deprecated too")
        if (c, SKOS.inScheme, None) not in g or g.value(c, SKOS.notation) is None:
            problems.append(f"{c}: a deprecated concept keeps its scheme and its code")
    assert found, "no deprecated concept found"
    assert not problems, "\n".join(problems)


ABUSE_FORMS = ["neglect", "medical-neglect", "supervisory-neglect", "nutritional-neglect", "physical-neglect",
               "educational-neglect", "emotional-abuse", "exposure-to-domestic-abuse", "sexual-abuse",
               "child-sexual-exploitation", "child-criminal-exploitation", "fabricated-or-induced-illness"]
OFFENCES = ["murder", "manslaughter", "infanticide", "causing-or-allowing-death", "causing-or-allowing-serious-harm",
            "grievous-bodily-harm", "assault-occasioning-abh", "child-cruelty", "sexual-offence"]


@pytest.mark.parametrize("old, new", [
    *[(("harm-type", n), ("abuse-category", n)) for n in ABUSE_FORMS],
    *[(("legal-outcome", n), ("offence", n)) for n in OFFENCES],
    (("legal-outcome", "arrest-only"), ("legal-outcome", "arrest")),
], ids=lambda v: "/".join(v))
def test_split_concepts_are_deprecated_not_deleted(old, new):
    g = ontology.load_vocabularies()
    c = iris.concept(*old)
    assert (c, SKOS.inScheme, iris.scheme(old[0])) in g, f"{c} was deleted: deprecate it instead"
    assert deprecated(g, c)
    assert g.value(c, DCTERMS.isReplacedBy) == iris.concept(*new)
    assert ontology.scheme(old[0]).lookup(old[1]) == c, "the old code is still accepted"


REQUIRED = {
    "child-role": "subject-child sibling other-child-in-household other-child",
    "ethnicity": "white-british white-irish traveller-of-irish-heritage gypsy-roma any-other-white "
                 "white-and-black-caribbean white-and-black-african white-and-asian any-other-mixed indian pakistani "
                 "bangladeshi any-other-asian black-caribbean black-african any-other-black chinese "
                 "any-other-ethnic-group refused information-not-obtained white mixed asian black other",
    "first-language": "english other-than-english believed-english believed-other-than-english unclassified",
    "disability": "none mobility hand-function personal-care incontinence communication learning hearing vision "
                  "behaviour consciousness autism other-disability",
    "legal-status": "early-help child-in-need child-protection-plan looked-after previously-looked-after "
                    "no-statutory-involvement",
    "abuse-category": "neglect physical-abuse emotional-abuse sexual-abuse multiple " + " ".join(ABUSE_FORMS[1:6])
                      + " exposure-to-domestic-abuse child-sexual-exploitation fabricated-or-induced-illness "
                      "child-criminal-exploitation",
    "household-role": "partner-of-parent lodger visitor resident-relative other-resident",
    "source-role": "the-review reports-the-review background",
    "coverage": "whole summary-only some-sections extract",
    "identified-by": "the-review court inquest press board other",
    "cause-status": "provisional final disputed not-established",
    "certainty": "confirmed suspected possible",
    "harm-cause": "inflicted accidental medical-condition unexplained",
    "offence": " ".join(OFFENCES),
    "legal-outcome": "arrest charge prosecution proceedings-ongoing no-charges charges-not-pursued conviction "
                     "acquittal family-court-finding",
    "harm-type": "vitamin-d-deficiency rickets faltering-growth",
    "event-type": "post-mortem-examination inquest joint-agency-response emergency-call ambulance-attendance "
                  "police-attendance-after-death hospital-discharge-planning no-professional-contact",
    "agency-type": "coroner pathology-service ambulance-service",
    "risk-factor": "unsafe-sleeping-arrangements refusal-of-medical-care health-advice-not-followed",
    "missed-opportunity-type": "health-advice-not-given condition-not-diagnosed agency-checks-not-made "
                               "missed-appointment missed-appointments-not-followed-up",
    "finding-theme": "health-promotion faith-and-culture recording-and-forms",
    "professional-role": "review-author",
}


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_model_0_2_codes_are_current(name):
    s = ontology.scheme(name)
    g = ontology.load_vocabularies()
    missing = [c for c in REQUIRED[name].split() if s.lookup(c) is None]
    assert not missing, f"{name}: no concept for {missing}"
    old = [c for c in REQUIRED[name].split() if deprecated(g, s.lookup(c))]
    assert not old, f"{name}: deprecated {old}"


def test_ethnicity_groups_and_census_codes():
    g = ontology.load_vocabularies()
    eth = ontology.scheme("ethnicity")
    top = {str(c).rsplit("/", 1)[1] for c in g.objects(eth.iri, SKOS.hasTopConcept)}
    assert top == {"white", "mixed", "asian", "black", "other", "refused", "information-not-obtained"}
    assert g.value(eth.lookup("white-british"), SKOS.broader) == eth.lookup("white")
    assert Literal("WBRI", lang="en") in set(g.objects(eth.lookup("white-british"), SKOS.altLabel))


def test_scheme_files_hold_no_mapping_triples():
    """Mappings live in ontology/mappings/ (SSSOM) and reach the graph through the generated mappings.ttl."""
    for path in VOCAB_FILES:
        g = Graph().parse(path, format="turtle")
        inline = [(s, p, o) for p in MAPPING_PROPERTIES for s, o in g.subject_objects(p)]
        assert not inline, f"{path.name}: move {inline[:3]} to ontology/mappings/"


def test_hierarchies_have_no_cycles():
    g = ontology.load_vocabularies()
    for c in set(g.subjects(SKOS.broader, None)):
        seen, todo = set(), [c]
        while todo:
            node = todo.pop()
            for b in g.objects(node, SKOS.broader):
                assert b != c, f"{c} is its own ancestor"
                if b not in seen:
                    seen.add(b)
                    todo.append(b)


def test_mapping_targets_exist():
    g = ontology.load_vocabularies()
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    for prop in MAPPING_PROPERTIES:
        for s, o in g.subject_objects(prop):
            if str(o).startswith(iris.VOCAB):
                assert o in concepts, f"{s} maps to {o}, which is not defined"


def test_scheme_index_reads_codes_from_the_files():
    rf = ontology.scheme("risk-factor")
    assert rf.lookup("depression") == iris.concept("risk-factor", "depression")
    assert rf.lookup("no-such-code") is None
    with pytest.raises(KeyError):
        ontology.scheme("no-such-scheme")
