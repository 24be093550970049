"""Loader and validation defects found by the reliability and newcomer reviews, one test (or more) each.

Each test names the defect it covers (reliability review: D2, D3, D12, D18, D22; newcomer review: B1,
B9) and fails on the code before the fix: a traceback, a silent acceptance, or engines that disagree.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from rdflib import Literal

from kg_build.annotations import reader as annotation
from kg_build.annotations import yamlsource
from kg_build.model import iris
from kg_build.model.namespace import SG
from kg_build.pipeline import builder as build
from kg_build.problems import InputError
from kg_build.rdf import mapping
from kg_build.validation import files as checking
from kg_build.validation import shacl as validation

DATA = Path(__file__).parent / "data"
MINIMAL = (DATA / "valid" / "minimal-review.yaml").read_text(encoding="utf-8")
CHILD = ("{id: baby-b, as: Baby B, sex: male, age: {weeks: 6}, not_stated: [ethnicity, legal_status],\n"
         "     outcome: {type: serious-harm, evidence: {source: s1}}}")
EVENT = "{id: e1, type: home-visit, date: 2020-11-03, agency: hv, children: [baby-b], observed: [bruising]}"


def _write(tmp_path: Path, *edits: tuple[str, str], name: str = "review.yaml") -> Path:
    """The minimal review with each (old, new) replacement made once; the file is in tmp_path."""
    text = MINIMAL
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def _load_problems(path: Path) -> list:
    with pytest.raises(InputError) as exc:
        annotation.load_review(path)
    return exc.value.problems


# -- D2 / B1: results that cannot be compared crashed the sort -------------------------------------------

@pytest.mark.parametrize("engine", validation.ENGINES)
def test_d2_child_without_sex_and_outcome_gives_two_warnings_not_a_traceback(tmp_path, engine):
    path = _write(tmp_path, (CHILD, "{id: baby-b, as: Baby B, age: {weeks: 6}, not_stated: [ethnicity, legal_status]}"))
    m = mapping.map_review(annotation.load_review(path))
    report = validation.validate_graph(m.graph, engine=engine)
    child = str(iris.part(iris.review("testshire-2021-baby-b"), "child", "baby-b"))
    on_child = [r for r in report.results if r.focus == child]
    assert report.conforms() and len(on_child) == 2, report.results
    assert {r.path is None for r in on_child} == {True, False}  # one with sh:resultPath, one without


def test_b1_two_line_turtle_file_validates(tmp_path):
    path = tmp_path / "child-only.ttl"
    path.write_text("@prefix sg: <https://w3id.org/sgkg/ontology#> .\n"
                    "<https://w3id.org/sgkg/id/review/r1/child/c1> a sg:Child ; sg:referredToAs \"Child C\" .\n",
                    encoding="utf-8")
    problems = checking.validate_rdf_file(path)
    # expected and missing: the child's sex, outcome, ethnicity and legal status
    assert sorted(p.severity for p in problems) == ["warning"] * 4, [str(p) for p in problems]


def test_d2_results_sort_whatever_fields_are_none():
    a = validation.ShapeResult("Warning", "x", None, "SPARQLConstraintComponent", "s", "m")
    b = validation.ShapeResult("Warning", "x", "p", "MinCountConstraintComponent", None, "m", "v")
    assert sorted([b, a], key=validation._sort_key) == [a, b]


# -- D3: an empty value is a located error, never a null in the mapping ------------------------------

EMPTY = [
    # (what the review calls it, edit, text on the reported line, message)
    ("A37 event date", ("date: 2020-11-03,", "date: ,"), "- {id: e1", "events[0].date is empty"),
    ("A37b sex: ~", ("sex: male", "sex: ~"), "- {id: baby-b", "children[0].sex is empty"),
    ("A37c age weeks", ("weeks: 6", "weeks: "), "- {id: baby-b", "children[0].age.weeks is empty"),
    ("A22b name_published_in: null", ("as: Baby B,", "as: Baby B, name: Jane Doe, name_published_in: null,"),
     "- {id: baby-b", "children[0].name_published_in is empty"),
    ("A37d review summary", ("  board: Testshire Safeguarding Partnership\n",
                             "  board: Testshire Safeguarding Partnership\n  summary:\n"),
     "  summary:", "review.summary is empty"),
    ("required title", ("  title: Learning review for Baby B (synthetic)\n", "  title:\n"),
     "  title:", "review.title is required but empty"),
    ("null in a list of codes", ("observed: [bruising]", "observed: [bruising, ~]"), "- {id: e1",
     "events[0].observed is empty"),
    ("null in a list of references", ("    events: [e1]\n", "    events: [e1, null]\n"), "    events: [e1",
     "missed_opportunities[0].events is empty"),
    ("null entry of a list", ("agencies:\n", "agencies:\n  -\n"), "agencies:", "agencies[0] is empty"),
    ("null evidence", ("evidence: {source: s1, quote: \"bruise was not referred\"}", "evidence: ~"),
     "    evidence:", "missed_opportunities[0].evidence is empty"),
    ("null not_stated", ("  published: 2021\n", "  published: 2021\n  not_stated:\n"), "  not_stated:",
     "review.not_stated is empty"),
]


@pytest.mark.parametrize("case", EMPTY, ids=[c[0] for c in EMPTY])
def test_d3_empty_value_is_a_located_error(tmp_path, case):
    _, edit, needle, message = case
    path = _write(tmp_path, edit)
    problems = _load_problems(path)
    hits = [p for p in problems if message in p.message]
    assert hits, [str(p) for p in problems]
    line = _line_of(path, needle) if needle != "agencies:" else _line_of(path, "agencies:") + 1
    assert all(p.line == line and p.column > 0 and p.severity == "error" for p in hits), [str(p) for p in hits]


def test_d3_a_quoted_null_is_text_and_an_empty_string_is_still_refused(tmp_path):
    quoted = _write(tmp_path, ("  board: Testshire Safeguarding Partnership\n",
                               "  board: Testshire Safeguarding Partnership\n  summary: \"null\"\n"))
    assert str(annotation.load_review(quoted).tree["review"]["summary"]) == "null"
    empty = _write(tmp_path, ("  board: Testshire Safeguarding Partnership\n",
                              "  board: Testshire Safeguarding Partnership\n  summary: \"\"\n"), name="e.yaml")
    assert any("review.summary is empty" in p.message for p in _load_problems(empty))


def test_d3_every_loaded_tree_is_free_of_nulls():
    """What the mapping reads: a file that loads holds no null anywhere."""
    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                yield from walk(x)
        elif isinstance(v, list):
            for x in v:
                yield from walk(x)
        else:
            yield v
    paths = sorted((DATA / "valid").glob("*.yaml")) + sorted(Path(__file__).parent.parent.glob("data/**/*.yaml"))
    for path in paths:
        assert not any(annotation.is_null(v) for v in walk(annotation.load_review(path).tree)), path.name


# -- booleans: true and false only, read by one function ----------------------------------------------

@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "True", "FALSE", "y", "1", '"true"'])
def test_boolean_other_than_true_or_false_is_a_located_error(tmp_path, word):
    path = _write(tmp_path, (EVENT, EVENT.replace("observed:", f"repeated: {word}, observed:")))
    problems = _load_problems(path)
    shown = word.strip('"')
    hits = [p for p in problems if f"events[0].repeated: {shown!r} is not true or false" in p.message]
    assert hits and "write true or false" in hits[0].hint, [str(p) for p in problems]
    line_text = path.read_text(encoding="utf-8").splitlines()[hits[0].line - 1]
    assert line_text[hits[0].column - 1:].startswith(word)


@pytest.mark.parametrize("word,value", [("true", True), ("false", False)])
def test_boolean_checker_and_mapping_read_the_same_value(tmp_path, word, value):
    path = _write(tmp_path, (EVENT, EVENT.replace("observed:", f"repeated: {word}, incident: {word}, observed:")))
    rf = annotation.load_review(path)
    assert annotation.parse_bool(rf.tree["events"][0]["repeated"]) is value
    g = mapping.map_review(rf).graph
    event = iris.part(iris.review("testshire-2021-baby-b"), "event", "e1")
    assert (event, SG.repeated, Literal(value)) in g  # an xsd:boolean
    assert ((event, None, SG.Incident) in g) is value


# -- D12: deep nesting is a located error, not a RecursionError ---------------------------------------

def _deep(tmp_path: Path, summary: str, extra: str = "") -> Path:
    return _write(tmp_path, ("  board: Testshire Safeguarding Partnership\n",
                             f"  board: Testshire Safeguarding Partnership\n  summary: {summary}\n{extra}"))


def _alias_chain(levels: int) -> str:
    """Anchors a0..aN, each a list holding the previous one: `levels` levels from a few bytes each."""
    return "[&a0 [x], " + ", ".join(f"&a{i} [*a{i - 1}]" for i in range(1, levels)) + "]"


@pytest.mark.parametrize("case", ["A11f 350 nested flow sequences", "A11e 2,000-level alias nesting",
                                  "A11d 10,000-level alias nesting", "a recursive alias"])
def test_d12_deep_nesting_is_a_located_input_error(tmp_path, case):
    if case.startswith("A11f"):
        path = _deep(tmp_path, "[" * 350 + "]" * 350)
    elif case.startswith("A11e"):
        path = _deep(tmp_path, _alias_chain(2000))
    elif case.startswith("A11d"):
        path = _deep(tmp_path, "x", "  " + "chain: " + _alias_chain(10_000) + "\n")
    else:
        path = _deep(tmp_path, "&r [*r]")
    problems = _load_problems(path)
    assert [p.rule for p in problems] == ["yaml-depth"], [str(p) for p in problems]
    p = problems[0]
    assert f"nested deeper than {yamlsource.MAX_DEPTH} levels" in p.message and p.line > 0 and p.column > 0


def test_d12_nesting_up_to_the_limit_loads(tmp_path):
    # the summary is level 3 (file, review, summary): MAX_DEPTH - 3 more lists still load
    n = yamlsource.MAX_DEPTH - 3
    path = _deep(tmp_path, "[" * n + "]" * n)
    assert isinstance(yamlsource.load_yaml(path)["review"]["summary"], yamlsource.Sequence)


# -- D18: dates after today are warnings ---------------------------------------------------------------

def test_d18_future_dates_are_located_warnings(tmp_path):
    path = _write(tmp_path, ("published: 2021", "published: 2099-01-01"), ("date: 2020-11-03", "date: 2098-05-01"))
    rf = annotation.load_review(path)
    got = {(p.line, p.message, p.hint, p.severity) for p in rf.warnings}
    assert (_line_of(path, "published: 2099"), "review.published is 2099-01-01, after today", "check the date",
            "warning") in got
    assert (_line_of(path, "- {id: e1"), "events[0].date is 2098-05-01, after today", "check the date",
            "warning") in got
    assert all(p.column > 0 and p.rule == "date-in-future" for p in rf.warnings)


def test_d18_today_and_the_current_year_or_month_are_not_in_the_future(tmp_path):
    today = datetime.date.today()
    path = _write(tmp_path, ("published: 2021", f"published: {today.isoformat()}"),
                  ("date: 2020-11-03", f"date: {today.year}"))
    assert annotation.load_review(path).warnings == []
    chk = annotation._Checker("x", today=datetime.date(2030, 6, 15))
    assert [annotation._after(d, chk.today) for d in ("2030", "2030-06", "2030-06-15", "2030-07", "2031")] == \
        [False, False, False, True, True]


def test_d18_a_date_after_publication_is_still_an_error(tmp_path):
    path = _write(tmp_path, ("published: 2021", "published: 2099-01-01"), ("date: 2020-11-03", "date: 2099-05-01"))
    assert any(p.rule == "date-after-publication" for p in _load_problems(path))


# -- D22: ids that carry a name given in the file -----------------------------------------------------

def test_d22_ids_carrying_a_name_are_located_warnings(tmp_path):
    path = _write(tmp_path, ("id: testshire-2021-baby-b", "id: testshire-2021-jane-doe\n  case: doe-family"),
                  (CHILD, CHILD.replace("{id: baby-b, as: Baby B,",
                                        "{id: janedoe, as: Baby B, name: Jane Doe, name_published_in: s1,")),
                  ("children: [baby-b]", "children: [janedoe]"),
                  ("agencies:\n", "persons:\n  - {id: mr-doe, as: Father, name: John Doe, name_published_in: s1, "
                                  "relation: father}\n  - {id: mother, as: Mother, relation: mother}\nagencies:\n"))
    rf = annotation.load_review(path)
    got = {p.message.split(" contains ")[0]: p for p in rf.warnings}
    assert set(got) == {"review.id 'testshire-2021-jane-doe'", "review.case 'doe-family'",
                        "children[0].id 'janedoe'", "persons[0].id 'mr-doe'"}, [str(p) for p in rf.warnings]
    lines = path.read_text(encoding="utf-8").splitlines()
    for p in got.values():
        assert p.severity == "warning" and p.rule == "name-in-id"
        assert "IRIs are minted from ids" in p.hint and "never carry names" in p.hint
        value = p.message.split("'")[1]
        assert lines[p.line - 1][p.column - 1:].startswith(value)  # located at the id itself


def test_d22_no_warning_without_a_name_or_for_short_words(tmp_path):
    assert annotation.load_review(_write(tmp_path, ("agencies:\n", "agencies:\n"))).warnings == []
    path = _write(tmp_path, (CHILD, CHILD.replace("as: Baby B,", "as: Baby B, name: Bo Li, name_published_in: s1,")),
                  name="short.yaml")
    assert annotation.load_review(path).warnings == []  # words of fewer than three letters are ignored


# -- the warnings reach `sgkg validate` and `sgkg build` ----------------------------------------------

def test_loader_warnings_reach_validate_and_build(tmp_path):
    folder = tmp_path / "reviews"
    folder.mkdir()
    path = _write(folder, ("published: 2021", "published: 2099-01-01"))
    assert [p.rule for p in checking.validate_yaml_file(path)] == ["date-in-future"]
    result = build.build([folder], tmp_path / "build", jobs=1)
    assert result.written and [p.rule for p in result.warnings] == ["date-in-future"]
    assert not build.build([folder], tmp_path / "strict", jobs=1, strict=True).written


# -- A31: a character YAML does not allow is located, not given as an offset ----------------------------

def test_a31_control_character_is_reported_at_its_line_and_column(tmp_path):
    path = tmp_path / "nul.yaml"
    path.write_bytes(MINIMAL.replace("Baby B bulletin", "Baby B\x00bulletin").encode("utf-8"))
    (p,) = _load_problems(path)
    assert (p.line, p.column) == (_line_of(path, "Baby B\x00"),
                                  path.read_text().splitlines()[p.line - 1].index("\x00") + 1)
    assert "U+0000" in p.message and "position" not in p.message
