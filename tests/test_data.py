"""The six annotated reviews of data/: they build with no violation and no warning, and each holds the
key facts of its sources (asserted through SPARQL on the built store, not by reading the YAML)."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg_build.pipeline import builder as build
from kg_build.queries import stats
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


def test_data_builds_six_reviews(tmp_path):
    out = tmp_path / "b"
    build.build([ROOT / "data"], out, strict=True)
    rows = {r["review"].rsplit("/", 1)[-1]: r for r in stats.review_stats(out)}
    assert set(rows) == {"windsor-maidenhead-scr-2014", "wolverhampton-cspr-baby-l",
                         "southampton-scr-child-g-and-h", "isle-of-wight-scr-baby-t",
                         "isle-of-wight-scr-withheld-2013", "sscb-scr-baby-o"}
    assert rows["southampton-scr-child-g-and-h"]["children"] == 2
    assert all(r["missed_opportunities"] >= 2 for r in rows.values())


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
