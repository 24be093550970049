"""The six annotated reviews of data/: they build with no violation and no warning, and each holds the
key facts of its sources (asserted through SPARQL on the built store, not by reading the YAML)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg_build.pipeline import builder as build
from kg_build.store import open_store

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = """
PREFIX sg: <https://w3id.org/sgkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX at: <https://w3id.org/sgkg/vocab/agency-type/>
PREFIX rf: <https://w3id.org/sgkg/vocab/risk-factor/>
PREFIX mo: <https://w3id.org/sgkg/vocab/missed-opportunity-type/>
PREFIX sf: <https://w3id.org/sgkg/vocab/systemic-factor/>
PREFIX ft: <https://w3id.org/sgkg/vocab/finding-theme/>
PREFIX lo: <https://w3id.org/sgkg/vocab/legal-outcome/>
PREFIX ot: <https://w3id.org/sgkg/vocab/outcome-type/>
PREFIX ht: <https://w3id.org/sgkg/vocab/harm-type/>
PREFIX rt: <https://w3id.org/sgkg/vocab/review-type/>
PREFIX ij: <https://w3id.org/sgkg/vocab/inspection-judgement/>
PREFIX rel: <https://w3id.org/sgkg/vocab/relationship/>
PREFIX R: <https://w3id.org/sgkg/id/review/>
"""
VOCAB = "<https://w3id.org/sgkg/vocab>"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = tmp_path_factory.mktemp("data") / "build"
    result = build.build([ROOT / "data"], out, strict=True, jobs=2)
    assert result.written and not result.problems, [str(p) for p in result.problems]
    return open_store(out / "store")


def ask(store, body: str) -> bool:
    return store.query(PREFIXES + "ASK {" + body + "}")


def select(store, query: str) -> set:
    return {tuple(term.value for term in s) for s in store.query(PREFIXES + query)}


def test_every_review_of_data_is_in_the_graph(store):
    files = sorted((ROOT / "data" / "reviews").glob("*.yaml"))
    reviews = select(store, "SELECT ?r WHERE { GRAPH ?r { ?r a sg:Review } }")
    assert len(files) >= 30 and len(reviews) == len(files)
    children = select(store, "SELECT ?c WHERE { GRAPH R:southampton-scr-child-g-and-h { ?c a sg:Child } }")
    assert len(children) == 2


def test_callum_wilson(store):
    g = "R:windsor-maidenhead-scr-2014"
    # missed opportunities attributed to the GP practice, the children's centre and the child health clinic
    for agency_type in ("gp-practice", "childrens-centre", "child-health-clinic"):
        assert ask(store, f"GRAPH {g} {{ ?mo a sg:MissedOpportunity ; "
                          f"sg:responsibleAgency/sg:agencyType at:{agency_type} }}"), agency_type
    # a systemic factor about health visitor caseloads
    assert ask(store, f"GRAPH {g} {{ ?s sg:systemicFactor sf:caseloads-above-recommended-levels ; "
                      "sg:affectedAgency/sg:agencyType at:health-visiting }")
    # a finding about GP record transfer
    assert ask(store, f"GRAPH {g} {{ ?f a sg:Finding ; sg:theme ft:record-transfer }}")
    # the child, named as the source published it, died; the review found the death preventable
    assert ask(store, f"GRAPH {g} {{ ?c a sg:Child ; foaf:name 'Callum Wilson' ; sg:namePublishedIn ?src . "
                      "?o sg:outcomeFor ?c ; sg:outcomeType ot:death ; sg:preventable true }")
    # his mother was convicted of murder
    assert ask(store, f"GRAPH {g} {{ ?l sg:offence <https://w3id.org/sgkg/vocab/offence/murder> ; "
                      "sg:legalOutcomeType lo:conviction ; sg:subjectOfProceedings ?m . "
                      "?m sg:relationshipToChild rel:mother }")
    # a newly qualified social worker held the case
    assert ask(store, f"GRAPH {g} {{ ?p a sg:Professional ; "
                      "sg:experienceLevel <https://w3id.org/sgkg/vocab/experience-level/newly-qualified> }")


def test_southampton_child_g_and_h(store):
    g = "R:southampton-scr-child-g-and-h"
    # the father's prior conviction was known to the police and not known to children's social care
    assert ask(store, f"GRAPH {g} {{ ?rf sg:aboutPerson ?f ; sg:riskFactor rf:prior-conviction-offence-against-child ; "
                      "sg:knownTo/sg:agencyType at:police ; sg:notKnownTo/sg:agencyType at:childrens-social-care . "
                      "?f sg:relationshipToChild rel:father }")
    # twins: Child G died, Child H was seriously harmed
    assert ask(store, f"GRAPH {g} {{ ?o sg:outcomeFor ?g ; sg:outcomeType ot:death . ?g sg:referredToAs 'Child G' }}")
    assert ask(store, f"GRAPH {g} {{ ?h sg:referredToAs 'Child H' }}")
    # no charges were brought
    assert ask(store, f"GRAPH {g} {{ ?l sg:legalOutcomeType lo:no-charges }}")
    # records were not transferred when the couple changed GP practice
    assert ask(store, f"GRAPH {g} {{ ?m sg:missedOpportunityType ?t }} "
                      f"GRAPH {VOCAB} {{ ?t skos:broader* mo:records-not-transferred }}")


def test_wolverhampton_baby_l(store):
    g = "R:wolverhampton-cspr-baby-l"
    assert ask(store, f"GRAPH {g} {{ {g} sg:reviewType rt:child-safeguarding-practice-review ; "
                      "sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E08000031' }")
    assert ask(store, f"GRAPH {g} {{ ?m sg:missedOpportunityType mo:pre-birth-assessment-not-considered }}")
    # the mother's mental health problems (parental mental ill-health or narrower) and her ACEs
    assert ask(store, f"GRAPH {g} {{ ?r sg:riskFactor ?f }} "
                      f"GRAPH {VOCAB} {{ ?f skos:broader* rf:parental-mental-ill-health }}")
    assert ask(store, f"GRAPH {g} {{ ?r sg:riskFactor rf:adverse-childhood-experiences }}")
    assert ask(store, f"GRAPH {g} {{ ?m sg:missedOpportunityType mo:roles-unclear }}")
    assert ask(store, f"GRAPH {g} {{ ?gp a sg:GoodPractice }}")


def test_isle_of_wight_baby_t(store):
    g = "R:isle-of-wight-scr-baby-t"
    assert ask(store, f"GRAPH {g} {{ ?i sg:inspectionJudgement ij:inadequate ; sg:inspectedBody ?la . "
                      "?la sg:gssCode 'E06000046' }")
    for factor in ("reliance-on-less-qualified-staff", "budget-cuts", "restructuring"):
        assert ask(store, f"GRAPH {g} {{ ?s sg:systemicFactor ?f }} "
                          f"GRAPH {VOCAB} {{ ?f skos:broader* sf:{factor} }}"), factor
    assert ask(store, f"GRAPH {g} {{ ?l sg:legalOutcomeType lo:charges-not-pursued }}")
    assert ask(store, f"GRAPH {g} {{ {g} sg:reviewer ?r . ?r foaf:name 'Barry Raynes' }}")
    assert ask(store, f"GRAPH {g} {{ {g} sg:publishedAlongside R:isle-of-wight-scr-withheld-2013 }}")
    assert ask(store, f"GRAPH {g} {{ ?m sg:missedOpportunityType mo:male-carer-not-assessed }}")
    assert ask(store, f"GRAPH {g} {{ ?o sg:outcomeFor ?c ; sg:preventable true }}")


def test_isle_of_wight_withheld_review(store):
    g = "R:isle-of-wight-scr-withheld-2013"
    assert ask(store, f"GRAPH {g} {{ {g} sg:detailsWithheld true }}")
    assert len(select(store, f"SELECT ?gp WHERE {{ GRAPH {g} {{ ?gp a sg:GoodPractice }} }}")) == 4
    assert ask(store, f"GRAPH {g} {{ ?m sg:missedOpportunityType mo:request-not-acted-on }}")
    # the source speaks only of "children involved": no placeholder child, the gap recorded on the case
    assert ask(store, f"GRAPH {g} {{ {g} sg:concernsCase ?case . ?case sg:notStated sg:concernsChild }}")
    assert not ask(store, f"GRAPH {g} {{ ?c a sg:Child }}")


def test_sunderland_baby_o(store):
    g = "R:sscb-scr-baby-o"
    assert len(select(store, f"SELECT ?f WHERE {{ GRAPH {g} {{ ?f a sg:Finding }} }}")) >= 5
    assert len(select(store, f"SELECT ?r WHERE {{ GRAPH {g} {{ ?r a sg:Recommendation ; sg:addressee ?b . "
                             "?b a sg:SafeguardingPartnership } }")) == 3
    assert ask(store, f"GRAPH {g} {{ ?o sg:harmType ht:femur-fracture }}")
    assert ask(store, f"GRAPH {g} {{ ?r sg:aboutPerson ?f ; sg:riskFactor rf:anxiety . "
                      "?f sg:relationshipToChild rel:father }")
    assert ask(store, f"GRAPH {g} {{ ?r sg:aboutPerson ?m ; sg:riskFactor rf:depression . "
                      "?m sg:relationshipToChild rel:mother }")
    assert ask(store, f"GRAPH {g} {{ ?l sg:legalOutcomeType lo:prosecution ; sg:subjectOfProceedings ?p . "
                      "?p sg:relationshipToChild rel:paternal-grandmother }")
    assert ask(store, f"GRAPH {g} {{ {g} sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E08000024' }}")
    assert ask(store, f"GRAPH {g} {{ ?m sg:missedOpportunityType mo:male-carer-not-assessed }}")


# Key facts of the reviews added by the corpus issue, one or more per review, each checked against the
# file's second reading: the area, the outcome for the subject child, and a missed opportunity, legal
# outcome or finding the sources state (with the agency's type, or its silence about the agency).
OFFENCE = "<https://w3id.org/sgkg/vocab/offence/{}>"
KEY_FACTS = {
    "derby-derbyshire-cspr-2024": [
        "?r sg:reviewType rt:child-safeguarding-practice-review ; "
        "sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E10000007'",
        "?o sg:outcomeFor ?c ; sg:outcomeType ot:death",
        "?mo sg:missedOpportunityType mo:insufficient-monitoring ; sg:responsibleAgency/sg:agencyType at:police",
        "?mo sg:missedOpportunityType mo:assessment-inadequate ; sg:notStated sg:responsibleAgency",
        f"?l sg:offence {OFFENCE.format('murder')}",
    ],
    "derbyshire-scr-2017-polly": [
        "?r sg:reviewType rt:serious-case-review ; sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E10000007'",
        "?mo sg:missedOpportunityType mo:disguised-compliance-accepted ; "
        "sg:responsibleAgency/sg:agencyType at:childrens-social-care",
        "?a sg:aboutPerson ?p ; sg:riskFactor rf:domestic-abuse-victim",
    ],
    "cumbria-cspr-2022": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E10000006'",
        "?mo sg:missedOpportunityType mo:information-not-shared ; sg:notStated sg:responsibleAgency",
        "?a sg:aboutPerson ?p ; sg:riskFactor rf:alcohol-misuse",
    ],
    "norfolk-scr-2020-child-ag": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E10000020'",
        "?o sg:outcomeFor ?c ; sg:outcomeType ot:serious-neglect",
        "?mo sg:missedOpportunityType mo:information-not-collated-or-analysed ; sg:notStated sg:responsibleAgency",
    ],
    "waltham-forest-child-c": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E09000031'",
        "?mo sg:missedOpportunityType mo:drift-and-delay ; sg:responsibleAgency/sg:agencyType at:housing-service",
        f"?l sg:offence {OFFENCE.format('murder')}",
    ],
    "oxfordshire-scr-cse-2015": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E10000025'",
        "?o sg:outcomeFor ?c ; sg:outcomeType ot:serious-sexual-abuse",
        "?mo sg:missedOpportunityType mo:concerns-not-escalated ; sg:notStated sg:responsibleAgency",
    ],
    "rochdale-scr-cse-2013": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E08000005'",
        "?mo sg:missedOpportunityType mo:concerns-not-escalated ; sg:responsibleAgency/sg:agencyType at:police",
        "?mo sg:missedOpportunityType mo:failure-to-refer ; sg:notStated sg:responsibleAgency",
    ],
    "newham-scr-chris": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E09000025'",
        "?mo sg:missedOpportunityType mo:assessment-inadequate ; "
        "sg:responsibleAgency/sg:agencyType at:youth-offending-service",
        "?mo sg:missedOpportunityType mo:concerns-not-escalated ; sg:notStated sg:responsibleAgency",
    ],
    "hackney-cspr-child-q": [
        "?r sg:reviewType rt:child-safeguarding-practice-review ; "
        "sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E09000012'",
        "?mo sg:missedOpportunityType mo:professional-curiosity-lacking ; sg:responsibleAgency/sg:agencyType at:school",
    ],
    "plymouth-scr-little-teds-nursery": [
        "?case sg:notStated sg:concernsChild",
        "?mo sg:missedOpportunityType mo:concerns-not-escalated ; "
        "sg:responsibleAgency/sg:agencyType at:nursery-early-years",
        f"?l sg:offence {OFFENCE.format('sexual-offence')}",
    ],
    "sheffield-scr-q-family": [
        "?o sg:outcomeFor ?c ; sg:outcomeType ot:serious-sexual-abuse",
        "?mo sg:missedOpportunityType mo:failure-to-refer ; sg:notStated sg:responsibleAgency",
        f"?l sg:offence {OFFENCE.format('sexual-offence')}",
    ],
    "hartlepool-stockton-cspr-emma": [
        "?r sg:concernsCase ?case . ?case sg:notStated sg:inLocalAuthority",
        "?o sg:outcomeFor ?c ; sg:outcomeType ot:death",
        "?a sg:aboutPerson ?p ; sg:riskFactor rf:sexual-offending",
    ],
    "gloucestershire-scr-abigail-and-siblings": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E10000013'",
        "?mo sg:missedOpportunityType mo:failure-to-refer ; sg:responsibleAgency/sg:agencyType at:school",
        f"?l sg:offence {OFFENCE.format('child-cruelty')}",
    ],
    "northamptonshire-scr-child-ap": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E10000021'",
        "?mo sg:missedOpportunityType mo:male-carer-not-assessed ; sg:notStated sg:responsibleAgency",
        "?a sg:aboutPerson ?p ; sg:riskFactor rf:unrelated-male-in-household",
    ],
    "csap-cspr-chloe-and-harper": [
        "?o sg:outcomeFor ?c ; sg:outcomeType ot:serious-harm",
        "?mo sg:missedOpportunityType mo:voice-of-child-not-heard ; "
        "sg:responsibleAgency/sg:agencyType at:childrens-social-care",
        "?a sg:aboutPerson ?p ; sg:riskFactor rf:parental-mental-ill-health",
    ],
    "national-panel-2022-child-protection-in-england": [
        "?r sg:reviewType rt:national-review ; sg:concernsCase ?case . "
        "?case sg:inLocalAuthority ?solihull , ?bradford . ?solihull sg:gssCode 'E08000029' . "
        "?bradford sg:gssCode 'E08000032'",
        "?o1 sg:outcomeFor ?c1 ; sg:outcomeType ot:death . ?o2 sg:outcomeFor ?c2 ; sg:outcomeType ot:death . "
        "FILTER (?c1 != ?c2)",
        f"?l sg:offence {OFFENCE.format('manslaughter')}",
        "?mo sg:missedOpportunityType mo:agency-checks-not-made ; "
        "sg:responsibleAgency/sg:agencyType at:multi-agency-safeguarding-hub",
    ],
    "birmingham-scr-2010": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E08000025'",
        "?o sg:outcomeFor ?c ; sg:outcomeType ot:death ; sg:deathCategory ?dc . "
        "FILTER (STRENDS(STR(?dc), '/extreme-neglect'))",
        "?mo sg:missedOpportunityType mo:request-not-acted-on ; "
        "sg:responsibleAgency/sg:agencyType at:childrens-social-care",
    ],
    "sutton-scr-2016-child-d": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E09000029'",
        "?a sg:agencyType at:independent-social-work-provider",
        f"?l sg:offence {OFFENCE.format('murder')}",
    ],
    "croydon-cspr-2022": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E09000008'",
        "?mo sg:missedOpportunityType mo:child-not-seen ; sg:responsibleAgency/sg:agencyType at:childrens-social-care",
        "?mo sg:missedOpportunityType mo:risk-underestimated ; sg:notStated sg:responsibleAgency",
    ],
    "haringey-scr-baby-p": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E09000014'",
        "?mo sg:missedOpportunityType mo:care-proceedings-not-issued ; sg:responsibleAgency ?la . "
        "?la a sg:LocalAuthority",
        f"?l sg:offence {OFFENCE.format('causing-or-allowing-death')}",
    ],
    "coventry-scr-2013-dp": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E08000026'",
        "?mo sg:missedOpportunityType mo:injury-not-referred ; sg:responsibleAgency/sg:agencyType at:school",
        "?mo sg:missedOpportunityType mo:voice-of-child-not-heard ; sg:notStated sg:responsibleAgency",
    ],
    "bradford-scr-2013-hk": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E08000032'",
        f"?l sg:offence {OFFENCE.format('preventing-lawful-burial')}",
    ],
    "birmingham-scr-2013-kw": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E08000025'",
        "?mo sg:missedOpportunityType mo:injury-not-referred ; "
        "sg:responsibleAgency/sg:agencyType at:nursery-early-years",
        f"?l sg:offence {OFFENCE.format('murder')}",
    ],
    "bedford-scr-patrick": [
        "?r sg:concernsCase/sg:inLocalAuthority/sg:gssCode 'E06000055'",
        "?o sg:outcomeFor ?c ; sg:outcomeType ot:death",
    ],
}


@pytest.mark.parametrize("review,fact", [(r, f) for r, facts in KEY_FACTS.items() for f in facts])
def test_key_facts_of_the_added_reviews(store, review, fact):
    g = f"R:{review}"
    assert ask(store, f"GRAPH {g} {{ BIND ({g} AS ?r) {fact} }}"), fact


def test_every_review_has_a_second_reading_by_another_reader(store):
    unread = select(store, """SELECT ?r WHERE { GRAPH ?r { ?r a sg:Review .
        FILTER NOT EXISTS { ?a sg:annotationOf ?r . ?v sg:verificationOf ?a } } }""")
    assert not unread, sorted(unread)
