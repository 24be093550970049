"""Model 0.2 in the loader and the mapping: room for the source's silence (a review whose children are
not stated, a missed opportunity or an information-sharing failure with no agency), deprecated codes
accepted with a warning, the annotation as an activity with an independent verification (ADR 0009),
the source's role and coverage (ADR 0010), adults' ages and the facets of a harm."""
from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import ORG, PROV, RDF

from kg_build.annotations import reader as annotation
from kg_build.model import iris
from kg_build.model.namespace import SG
from kg_build.problems import InputError
from kg_build.rdf import mapping
from kg_build.validation import shacl as validation

DATA = Path(__file__).parent / "data"
MINIMAL = (DATA / "valid" / "minimal-review.yaml").read_text(encoding="utf-8")
R = iris.review("testshire-2021-baby-b")
CHILD = ("  - {id: baby-b, as: Baby B, sex: male, age: {weeks: 6}, not_stated: [ethnicity, legal_status],\n"
         "     outcome: {type: serious-harm, evidence: {source: s1}}}\n")
MO = """  - id: mo1
    type: injury-not-referred
    agency: hv
"""


def _write(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = MINIMAL
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "review.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _build(path: Path):
    rf = annotation.load_review(path)
    m = mapping.map_review(rf)
    return rf, m.graph, validation.validate_graph(m.graph)


def _vocab(scheme: str, code: str) -> URIRef:
    return iris.concept(scheme, code)


def test_a_review_whose_children_are_not_stated_has_no_placeholder_child(tmp_path):
    path = _write(tmp_path, ("children:\n" + CHILD, ""),
                  ("  local_authority: {name: Testshire, gss: E06000099}\n",
                   "  local_authority: {name: Testshire, gss: E06000099}\n  not_stated: [children]\n"),
                  ("children: [baby-b], ", ""))
    _, g, report = _build(path)
    case = iris.case("testshire-2021-baby-b")
    assert (case, SG.notStated, SG.concernsChild) in g
    assert not list(g.subjects(RDF.type, SG.Child))
    assert report.conforms(strict=True), [str(r) for r in report.results]


def test_children_both_given_and_not_stated_is_a_located_error(tmp_path):
    path = _write(tmp_path, ("  local_authority: {name: Testshire, gss: E06000099}\n",
                             "  local_authority: {name: Testshire, gss: E06000099}\n  not_stated: [children]\n"))
    with pytest.raises(InputError) as exc:
        annotation.load_review(path)
    [p] = [p for p in exc.value.problems if p.rule == "not-stated"]
    assert p.line == 11 and "'children' is both given and recorded as not stated" in p.message


def test_no_children_and_no_record_of_it_is_a_warning(tmp_path):
    path = _write(tmp_path, ("children:\n" + CHILD, ""), ("children: [baby-b], ", ""))
    _, _, report = _build(path)
    assert [str(r.shape).rsplit("#", 1)[-1] for r in report.results] == ["CaseChildrenExpectedShape"]


def test_a_missed_opportunity_with_no_stated_agency_builds_with_the_gap_recorded(tmp_path):
    path = _write(tmp_path, (MO, "  - id: mo1\n    type: injury-not-referred\n    not_stated: [agency]\n"))
    _, g, report = _build(path)
    mo = iris.part(R, "mo", "mo1")
    assert (mo, SG.notStated, SG.responsibleAgency) in g and not list(g.objects(mo, SG.responsibleAgency))
    assert report.conforms(strict=True), [str(r) for r in report.results]
    path = _write(tmp_path, (MO, "  - id: mo1\n    type: injury-not-referred\n"))
    _, _, report = _build(path)
    assert [str(r.shape).rsplit("#", 1)[-1] for r in report.results] == ["MissedOpportunityAgencyExpectedShape"]


def test_an_information_sharing_failure_may_leave_either_side_unstated(tmp_path):
    gap = ("information_sharing:\n  - {id: ig1, not_shared_with: [board], not_stated: [held_by], "
           "summary: The board was not told., evidence: {source: s1}}\n")
    path = _write(tmp_path, ("missed_opportunities:\n", gap + "missed_opportunities:\n"))
    _, g, report = _build(path)
    ig = iris.part(R, "info-gap", "ig1")
    assert (ig, SG.notStated, SG.heldBy) in g and (ig, SG.notSharedWith, iris.sub(R, "board")) in g
    assert report.conforms(strict=True), [str(r) for r in report.results]


def test_a_deprecated_code_is_accepted_with_a_warning_naming_its_replacement(tmp_path):
    lo = "legal_outcomes:\n  - {id: lo1, outcome: murder, evidence: {source: s1}}\n"
    path = _write(tmp_path, ("missed_opportunities:\n", lo + "missed_opportunities:\n"))
    rf, g, _ = _build(path)
    [w] = [w for w in rf.warnings if w.rule == "deprecated-code"]
    assert w.line == _line(path, "id: lo1")
    assert "'murder' is a deprecated code of the legal-outcome vocabulary" in w.message
    assert w.hint == "use offence: murder instead"
    assert (iris.part(R, "legal-outcome", "lo1"), SG.legalOutcomeType, _vocab("legal-outcome", "murder")) in g


def test_a_deprecated_code_is_never_suggested(tmp_path):
    lo = "legal_outcomes:\n  - {id: lo1, outcome: arest, evidence: {source: s1}}\n"
    path = _write(tmp_path, ("missed_opportunities:\n", lo + "missed_opportunities:\n"))
    with pytest.raises(InputError) as exc:
        annotation.load_review(path)
    [p] = exc.value.problems
    assert "closest codes: arrest" in p.hint and "arrest-only" not in p.hint


def _line(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in ln)


def test_the_annotation_is_an_activity_and_the_review_is_not_attributed_to_the_annotator(tmp_path):
    _, g, _ = _build(DATA / "valid" / "full-review.yaml")
    review = iris.review("testshire-2020-child-a")
    act = iris.sub(review, "annotation")
    agent = iris.annotator("test-extractor")
    assert (act, RDF.type, SG.Annotation) in g and (act, SG.annotationOf, review) in g
    assert (act, PROV.wasAssociatedWith, agent) in g and (agent, RDF.type, PROV.SoftwareAgent) in g
    assert (act, SG.machineAssisted, Literal(True)) in g
    assert set(g.objects(act, PROV.used)) == {iris.part(review, "source", s) for s in ("s1", "s2", "s3")}
    assert not list(g.triples((None, SG.annotatedBy, None)))
    assert not list(g.triples((review, PROV.wasAttributedTo, None)))
    [v] = g.subjects(RDF.type, SG.Verification)
    assert (v, SG.verificationOf, act) in g
    assert (v, PROV.wasAssociatedWith, iris.annotator("test-curation")) in g
    assert (iris.annotator("test-curation"), RDF.type, PROV.Organization) in g


def test_a_verification_by_the_annotator_is_refused(tmp_path):
    path = _write(tmp_path, ("  status: draft\n", "  status: draft\n  verifications:\n"
                             "    - {id: v1, verifier: {id: test-bot, name: sgkg test fixture, kind: software}}\n"))
    _, _, report = _build(path)
    [r] = report.results
    assert r.severity == "Violation" and r.focus == str(iris.part(R, "verification", "v1"))
    assert "independent reading: its verifier cannot be an annotator" in r.message


def test_adults_ages_roles_and_the_facets_of_a_harm_map(tmp_path):
    _, g, _ = _build(DATA / "valid" / "full-review.yaml")
    review = iris.review("testshire-2020-child-a")
    partner = iris.part(review, "actor", "partner")
    assert (partner, SG.ageInMonths, Literal("300", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))) in g
    assert (partner, SG.householdRole, _vocab("household-role", "partner-of-parent")) in g
    child = iris.part(review, "child", "child-a")
    assert (child, SG.childRole, _vocab("child-role", "subject-child")) in g
    assert (child, SG.legalStatus, _vocab("legal-status", "child-protection-plan")) in g
    assert (child, SG.planCategory, _vocab("abuse-category", "neglect")) in g
    outcome = iris.part(review, "outcome", "child-a")
    assert (outcome, SG.harmCause, _vocab("harm-cause", "inflicted")) in g
    assert (outcome, SG.causeStatus, _vocab("cause-status", "final")) in g
    s1 = iris.part(review, "source", "s1")
    assert (s1, SG.sourceRole, _vocab("source-role", "reports-the-review")) in g
    assert (s1, SG.coverage, _vocab("coverage", "whole")) in g
    mo2 = iris.part(review, "mo", "mo2")
    assert (mo2, SG.identifiedBy, _vocab("identified-by", "court")) in g
    lo1 = iris.part(review, "legal-outcome", "lo1")
    assert (lo1, SG.offence, _vocab("offence", "murder")) in g
    assert (lo1, SG.legalOutcomeType, _vocab("legal-outcome", "conviction")) in g
    e5 = iris.part(review, "event", "e5")
    assert (e5, SG.involvedAgency, iris.sub(review, "board")) in g


def test_an_age_in_weeks_is_written_in_the_canonical_decimal_form(tmp_path):
    # ten weeks is 2.30 months to two places; stores return the canonical 2.3, so the export must too
    path = _write(tmp_path, ("age: {weeks: 6}", "age: {weeks: 10}"))
    _, g, _ = _build(path)
    months = g.value(iris.review("testshire-2021-baby-b") + "/child/baby-b", SG.ageInMonths)
    assert str(months) == "2.3"


def test_a_professional_whose_employer_is_not_stated_is_a_professional_with_the_gap_recorded(tmp_path):
    person = ("persons:\n  - {id: sw1, as: the social worker, role: social-worker, not_stated: [agency]}\n"
              "agencies:\n")
    _, g, report = _build(_write(tmp_path, ("agencies:\n", person)))
    sw = R + "/actor/sw1"
    assert (sw, RDF.type, SG.Professional) in g
    assert (sw, SG.notStated, ORG.memberOf) in g and g.value(sw, ORG.memberOf) is None
    assert report.conforms(strict=True), report.results
    # with neither an agency nor the record of its absence, the build warns
    _, _, report = _build(_write(tmp_path, ("agencies:\n", person.replace(", not_stated: [agency]", ""))))
    assert [r.message for r in report.warnings] == [
        "A professional is expected to name the agency they worked for (persons[].agency), or to record "
        "not_stated: [agency] where the source does not say who employed them."]


AREAS = "local_authority: [{name: Solihull, gss: E08000029}, {name: Bradford, gss: E08000032}]"


def test_a_case_in_two_areas_is_in_both_and_its_board_and_agencies_in_neither(tmp_path):
    text = MINIMAL
    old = next(line for line in text.splitlines() if line.strip().startswith("local_authority:"))
    _, g, report = _build(_write(tmp_path, (old, "  " + AREAS)))
    case = next(g.objects(R, SG.concernsCase))
    assert {str(g.value(la, SG.gssCode)) for la in g.objects(case, SG.inLocalAuthority)} == {"E08000029", "E08000032"}
    assert g.value(R + "/board", SG.inLocalAuthority) is None
    assert g.value(R + "/agency/hv", SG.inLocalAuthority) is None
    assert report.conforms(strict=True), report.results


def test_local_authority_as_an_addressee_is_refused_when_the_case_has_two_areas(tmp_path):
    old = next(line for line in MINIMAL.splitlines() if line.strip().startswith("local_authority:"))
    path = _write(tmp_path, (old, "  " + AREAS), ("    agency: hv\n", "    agency: local-authority\n"))
    with pytest.raises(InputError) as exc:
        annotation.load_review(path)
    assert any("cannot say which of the review's areas" in p.message for p in exc.value.problems)
