"""Quotes located in the text they were read in: offsets and the text's digest in the format and the
graph (oa:TextPositionSelector beside the quote, an SPDX checksum on the source), and `sgkg quotes`,
which checks them against a text held outside the repository."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, XSD

from kg_build.annotations import reader as annotation
from kg_build.problems import InputError
from kg_build.rdf import mapping
from kg_build.rdf.mapping import OA, SPDX
from kg_build.validation import shacl as validation

MINIMAL = (Path(__file__).parent / "data" / "valid" / "minimal-review.yaml").read_text(encoding="utf-8")
TEXT = "The bulletin says that the bruise was not referred to anyone.\n"
AT = TEXT.index("bruise was not referred")
DIGEST = hashlib.sha256(TEXT.encode()).hexdigest()
SOURCE = ("  - {id: s1, type: learning-bulletin, title: Baby B bulletin, "
          "publisher: Testshire Safeguarding Partnership, "
          "coverage: whole}")
QUOTE = 'evidence: {source: s1, quote: "bruise was not referred"}'


def _review(tmp_path: Path, start: int | None = AT, end: int | None = AT + 23, digest: str | None = DIGEST) -> Path:
    text = MINIMAL
    if digest is not None:
        text = text.replace(SOURCE, SOURCE[:-1] + f", sha256: {digest}}}")
    offsets = "".join(f", {k}: {v}" for k, v in (("start", start), ("end", end)) if v is not None)
    text = text.replace(QUOTE, QUOTE[:-1] + offsets + "}")
    path = tmp_path / "review.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _texts(tmp_path: Path, text: str = TEXT) -> Path:
    folder = tmp_path / "texts" / "testshire-2021-baby-b"
    folder.mkdir(parents=True)
    (folder / "s1.txt").write_text(text, encoding="utf-8")
    return tmp_path / "texts"


def _sgkg(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg_build.cli", *map(str, args)], capture_output=True, text=True)


def test_offsets_and_digest_map_to_a_position_selector_and_a_checksum(tmp_path):
    rf = annotation.load_review(_review(tmp_path))
    g = mapping.map_review(rf).graph
    pos = next(g.subjects(RDF.type, OA.TextPositionSelector))
    assert g.value(pos, OA.start) == Literal(AT, datatype=XSD.nonNegativeInteger)
    assert g.value(pos, OA.end) == Literal(AT + 23, datatype=XSD.nonNegativeInteger)
    target = next(g.subjects(OA.hasSelector, pos))
    assert len(set(g.objects(target, OA.hasSelector))) == 2  # the quote and its position: the same passage
    checksum = next(g.subjects(RDF.type, SPDX.Checksum))
    assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(g.value(checksum, SPDX.checksumValue)) == DIGEST
    assert validation.validate_graph(g).conforms(strict=True)


@pytest.mark.parametrize("start,end,message", [
    (AT, None, "gives start without end"),
    (AT, AT + 5, "end - start is 5, but the quote is 23 characters long"),
])
def test_offsets_that_cannot_locate_the_quote_are_located_errors(tmp_path, start, end, message):
    with pytest.raises(InputError) as exc:
        annotation.load_review(_review(tmp_path, start, end))
    assert any(message in p.message and p.line == 29 for p in exc.value.problems), exc.value.problems


def test_a_digest_that_is_not_sha256_is_refused(tmp_path):
    with pytest.raises(InputError) as exc:
        annotation.load_review(_review(tmp_path, digest="abc123"))
    assert any("is not a SHA-256 digest" in p.message and p.line == 15 for p in exc.value.problems)


def test_quotes_found_at_their_offsets_pass(tmp_path):
    r = _sgkg("quotes", _review(tmp_path), "--texts", _texts(tmp_path), "--strict")
    assert r.returncode == 0, r.stderr
    assert "1 quotes checked against their texts, 0 without a text held; 0 errors, 0 warnings" in r.stdout


def test_wrong_offsets_say_where_the_quote_is(tmp_path):
    path = _review(tmp_path, AT + 1, AT + 24)
    r = _sgkg("quotes", path, "--texts", _texts(tmp_path))
    assert r.returncode == 1
    assert f"{path}:29:" in r.stderr and f"it is at start: {AT}, end: {AT + 23}" in r.stderr


def test_a_quote_not_in_the_text_is_an_error(tmp_path):
    texts = _texts(tmp_path, TEXT.replace("bruise", "mark"))
    r = _sgkg("quotes", _review(tmp_path, digest=None), "--texts", texts, "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and doc["checked"] == 1
    assert [p["message"] for p in doc["problems"] if p["severity"] == "error"] == [
        "the quote 'bruise was not referred' is not in the text of source s1"]


def test_a_text_with_another_digest_is_not_checked_against(tmp_path):
    texts = _texts(tmp_path, TEXT + "an edited copy\n")
    r = _sgkg("quotes", _review(tmp_path), "--texts", texts, "--json")
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and doc["checked"] == 0 and doc["unchecked"] == 1
    assert "is not the text the quotes were checked against" in doc["problems"][0]["message"]


def test_missing_digest_and_offsets_are_warnings_that_give_the_values(tmp_path):
    r = _sgkg("quotes", _review(tmp_path, None, None, None), "--texts", _texts(tmp_path))
    assert r.returncode == 0
    assert f"add sha256: {DIGEST}" in r.stderr and f"add start: {AT}, end: {AT + 23}" in r.stderr
    assert _sgkg("quotes", _review(tmp_path, None, None, None), "--texts", _texts(tmp_path / "x"),
                 "--strict").returncode == 1


def test_no_text_held_is_not_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    r = _sgkg("quotes", _review(tmp_path), "--texts", tmp_path / "empty")
    assert r.returncode == 0 and "0 quotes checked against their texts, 1 without a text held" in r.stdout


def test_no_texts_folder_is_a_usage_error(tmp_path):
    r = _sgkg("quotes", _review(tmp_path), "--texts", tmp_path / "nowhere")
    assert r.returncode == 2 and "--texts" in r.stderr


def test_the_position_shape_refuses_an_end_before_the_start(tmp_path):
    g = mapping.map_review(annotation.load_review(_review(tmp_path))).graph
    pos = next(g.subjects(RDF.type, OA.TextPositionSelector))
    g.set((pos, OA.end, Literal(AT - 1, datatype=XSD.nonNegativeInteger)))
    for engine in validation.ENGINES:
        report = validation.validate_graph(g, engine=engine)
        # the selector is checked through the evidence target (sh:node): the violation is the target's
        assert [str(r.path) for r in report.violations] == [str(OA.hasTarget)], engine


def test_a_quote_copied_with_plain_quotation_marks_is_not_verbatim_and_gets_the_texts_own_characters(tmp_path):
    text = "The review said the baby\u2019s bruise \u2013 on the cheek \u2013 was not\n  referred.\n"
    quote = "baby's bruise - on the cheek - was not referred"
    at = text.index("baby\u2019s")
    path = _review(tmp_path, None, None, None)
    path.write_text(path.read_text(encoding="utf-8").replace("bruise was not referred", quote), encoding="utf-8")
    r = _sgkg("quotes", path, "--texts", _texts(tmp_path, text), "--json")
    doc = json.loads(r.stdout)
    errors = [p for p in doc["problems"] if p["severity"] == "error"]
    assert r.returncode == 1 and len(errors) == 1 and "is not verbatim" in errors[0]["message"]
    assert f"start: {at}, end: {text.index('referred') + len('referred')}" in errors[0]["hint"]


def test_a_quote_not_in_the_text_is_shown_the_closest_passage_with_its_line(tmp_path):
    text = "First line.\nThe health visitor saw the bruise but it was not referred on.\n"
    path = _review(tmp_path, None, None, None)
    path.write_text(path.read_text(encoding="utf-8").replace("bruise was not referred", "bruise was never referred"),
                    encoding="utf-8")
    r = _sgkg("quotes", path, "--texts", _texts(tmp_path, text), "--json")
    hint = next(p["hint"] for p in json.loads(r.stdout)["problems"] if p["severity"] == "error")
    assert r.returncode == 1 and "on line 2 of s1.txt" in hint and "% alike" in hint
