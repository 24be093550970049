"""The synthetic corpus generator: deterministic, prefix-stable, and every file builds clean.

Run with `.venv/bin/python -m pytest benchmarks/test_generate.py` (the default test run covers tests/
only). Fast: five reviews.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
import yaml

from kg_build.annotations import reader as annotation
from kg_build.pipeline import builder as build

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("sgkg_benchmarks_generate", HERE / "generate.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

N, SEED = 5, 20240


def _bytes(paths):
    return [(p.name, p.read_bytes()) for p in paths]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    return gen.generate(N, SEED, tmp_path_factory.mktemp("corpus"))


def test_same_seed_gives_identical_bytes(corpus, tmp_path):
    again = gen.generate(N, SEED, tmp_path / "again")
    assert _bytes(again) == _bytes(corpus)
    assert [p.read_text(encoding="utf-8") for p in corpus] == [gen.review_yaml(i, SEED) for i in range(N)]


def test_different_seed_gives_different_files(corpus, tmp_path):
    other = gen.generate(N, SEED + 1, tmp_path / "other")
    assert [p.name for p in other] == [p.name for p in corpus]
    assert all(a != b for (_, a), (_, b) in zip(_bytes(other), _bytes(corpus)))


def test_a_smaller_corpus_is_a_prefix(corpus, tmp_path):
    small = gen.generate(2, SEED, tmp_path / "small")
    assert _bytes(small) == _bytes(corpus)[:2]
    # and file i does not depend on which files were generated before it
    assert gen.review_yaml(N - 1, SEED) == corpus[-1].read_text(encoding="utf-8")


def _plain(v):
    """The generator's tree as yaml.safe_load returns it (a day is read as a date)."""
    if isinstance(v, gen.Day):
        return dt.date.fromisoformat(v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def test_the_yaml_reads_back_as_the_tree():
    for i in range(N):
        assert yaml.safe_load(gen.review_yaml(i, SEED)) == _plain(gen.review_tree(i, SEED))


def test_no_real_names_and_synthetic_areas(corpus):
    for p in corpus:
        tree = yaml.safe_load(p.read_text(encoding="utf-8"))
        people = tree["children"] + tree.get("persons", [])
        assert not any("name" in person for person in people)
        la = tree["review"].get("local_authority")
        if la:
            assert la["gss"].startswith(gen.GSS_PREFIX)


def _sizes(t: dict) -> dict[str, int]:
    persons = t.get("persons", [])
    return {"sources": len(t["sources"]), "children": len(t["children"]), "agencies": len(t["agencies"]),
            "family": sum(1 for p in persons if "relation" in p),
            "professionals": sum(1 for p in persons if "agency" in p and "relation" not in p),
            "events": len(t["events"]), "risk_factors": sum(len(p.get("risk_factors", [])) for p in persons),
            **{k: len(t.get(k, [])) for k in ("information_sharing", "missed_opportunities", "findings",
                                              "good_practice", "recommendations", "systemic_factors",
                                              "legal_outcomes", "inspections")}}


def _guarded(s: dict) -> dict[str, int]:
    """A real review's sizes as the generator keeps them: at least one source, child, event (the
    incident) and two agencies; a family member where there are risk factors or legal outcomes."""
    family = max(s["family"], 1 if s["risk_factors"] or s["legal_outcomes"] else 0)
    return {**s, "sources": max(1, s["sources"]), "children": min(6, max(1, s["children"])),
            "agencies": max(2, s["agencies"]), "events": max(1, s["events"]), "family": family}


def test_each_review_has_the_section_sizes_of_a_review_of_data():
    real = [_guarded(s) for s in gen.shapes()]
    assert len(real) == len(list((gen.ROOT / "data" / "reviews").glob("*.yaml")))
    drawn = []
    for i in range(60):
        t = gen.review_tree(i, SEED)
        sizes = _sizes(t)
        # information sharing needs a risk factor known to one agency and not another: at most as drawn
        match = [s for s in real if {**s, "information_sharing": 0} == {**sizes, "information_sharing": 0}
                 and sizes["information_sharing"] <= s["information_sharing"]]
        assert match, sizes
        drawn.append(real.index(match[0]))
        assert t["events"][-1]["incident"] is True
        published = str(t["review"]["published"])
        assert gen.FIRST_YEAR <= int(published[:4]) <= gen.LAST_YEAR
    assert len(set(drawn)) > len(real) // 2  # drawn from many reviews, not one


def test_files_load_and_build_strict_with_no_problem(corpus, tmp_path):
    assert len([annotation.load_review(f) for f in corpus]) == N
    result = build.build(corpus, tmp_path / "build", strict=True, jobs=1)
    assert result.violations == [] and result.warnings == [], [p.as_dict() for p in result.problems]
    assert result.ok and result.written
    assert len(result.reviews) == N and all(r.triples > 0 for r in result.reviews)
