"""The build: exports deterministic byte for byte, incremental, atomic, and sources never written."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg_build.exports import writer as export
from kg_build.model import iris
from kg_build.pipeline import builder as build
from kg_build.problems import InputError, SgkgError

DATA = Path(__file__).parent / "data"


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("b") / "build"
    result = build.build([DATA / "valid"], out, jobs=2)
    assert result.ok and result.written, [str(p) for p in result.problems]
    return out


def test_build_writes_store_exports_and_manifest(built):
    names = {p.name for p in (built / "export").iterdir()}
    assert names == {"dataset.nq", "dataset.trig", "graph.ttl", "graph.jsonld", "void.ttl"}
    assert (built / "manifest.json").exists() and (built / "store").is_dir()


def test_exports_are_the_same_rdf_in_every_format(built):
    ds_nq = Dataset().parse(built / "export" / "dataset.nq", format="nquads")
    ds_trig = Dataset().parse(built / "export" / "dataset.trig", format="trig")
    assert len(ds_nq) == len(ds_trig) > 0
    merged_ttl = Graph().parse(built / "export" / "graph.ttl", format="turtle")
    merged_jsonld = Graph().parse(built / "export" / "graph.jsonld", format="json-ld")
    assert len(merged_ttl) == len(merged_jsonld)
    from rdflib.compare import isomorphic

    assert isomorphic(merged_ttl, merged_jsonld)


def test_same_input_gives_identical_exports_twice(built, tmp_path):
    again = tmp_path / "again"
    build.build([DATA / "valid"], again, jobs=1)
    a, b = _hashes(built / "export"), _hashes(again / "export")
    assert a == b


def test_store_holds_one_named_graph_per_review_plus_ontology_and_vocabularies(built):
    store = ox.Store.read_only(str(built / "store"))
    graphs = {g.value for g in store.named_graphs()}
    assert str(iris.review("testshire-2020-child-a")) in graphs
    assert str(iris.review("testshire-2021-baby-b")) in graphs
    assert "https://w3id.org/sgkg/ontology" in graphs and "https://w3id.org/sgkg/vocab" in graphs


def test_void_description_counts_triples_and_classes(built):
    g = Graph().parse(built / "export" / "void.ttl")
    from rdflib import URIRef

    triples = int(g.value(URIRef("https://w3id.org/sgkg/id/dataset"), iris_void("triples")))
    nq = [line for line in (built / "export" / "dataset.nq").read_text().splitlines()
          if "/id/review/" in line.rsplit(" ", 2)[-2]]
    assert triples == len(nq)
    assert len(list(g.objects(None, iris_void("classPartition")))) > 5


def iris_void(local: str):
    from rdflib import URIRef

    return URIRef("http://rdfs.org/ns/void#" + local)


def test_unchanged_reviews_are_not_rebuilt(built, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(DATA / "valid", src)
    out = tmp_path / "build"
    first = build.build([src], out, jobs=1)
    assert [r.cached for r in first.reviews] == [False, False]
    second = build.build([src], out, jobs=1)
    assert all(r.cached for r in second.reviews)
    f = src / "minimal-review.yaml"
    f.write_text(f.read_text().replace("Baby B bulletin", "Baby B learning bulletin"))
    third = build.build([src], out, jobs=1)
    assert {r.review_id: r.cached for r in third.reviews} == {
        "testshire-2020-child-a": True, "testshire-2021-baby-b": False}
    assert "Baby B learning bulletin" in (out / "export" / "graph.ttl").read_text()


def test_a_nonconforming_build_leaves_the_previous_build(built, tmp_path):
    out = tmp_path / "build"
    shutil.copytree(built, out)
    before = _hashes(out)
    bad = tmp_path / "bad.yaml"
    text = (DATA / "valid" / "minimal-review.yaml").read_text()
    bad.write_text(text.replace('    evidence: {source: s1, quote: "bruise was not referred"}\n', ""))
    result = build.build([bad], out, jobs=1)
    assert not result.ok and not result.written
    assert any("need evidence" in p.message for p in result.violations)
    assert _hashes(out) == before


def test_a_crash_while_writing_leaves_the_previous_build(built, tmp_path, monkeypatch):
    out = tmp_path / "build"
    shutil.copytree(built, out)
    before = _hashes(out)
    src = tmp_path / "src"
    shutil.copytree(DATA / "valid", src)
    (src / "minimal-review.yaml").write_text((src / "minimal-review.yaml").read_text().replace("2021", "2022"))

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(build, "write_exports", boom)
    with pytest.raises(OSError):
        build.build([src], out, jobs=1)
    assert _hashes(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".build.staging")]


def test_unusable_input_raises_with_every_problem_and_writes_nothing(tmp_path):
    (tmp_path / "a.yaml").write_text("review: [\n")
    (tmp_path / "b.yaml").write_text("")
    out = tmp_path / "build"
    with pytest.raises(InputError) as exc:
        build.build([tmp_path], out)
    files = {Path(p.file).name for p in exc.value.problems}
    assert files == {"a.yaml", "b.yaml"}
    assert not out.exists()


def test_duplicate_review_ids_across_files_are_reported(tmp_path):
    for name in ("one.yaml", "two.yaml"):
        shutil.copy(DATA / "valid" / "minimal-review.yaml", tmp_path / name)
    with pytest.raises(InputError) as exc:
        build.build([tmp_path], tmp_path / "build")
    assert any(p.rule == "duplicate-review-id" for p in exc.value.problems)


def test_export_copies_one_format(built, tmp_path):
    target = tmp_path / "x.ttl"
    export.export_store(built, "ttl", target)
    assert target.read_bytes() == (built / "export" / "graph.ttl").read_bytes()


def _quads(store_dir: Path) -> tuple[int, set[str]]:
    """The store's size and its quads without blank nodes (each load labels those afresh)."""
    quads = [str(q) for q in ox.Store.read_only(str(store_dir))]
    return len(quads), {q for q in quads if "_:" not in q}


def test_a_rebuild_replaces_changed_graphs_and_equals_a_build_from_scratch(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(DATA / "valid", src)
    out = tmp_path / "build"
    assert build.build([src], out, jobs=1).store_update == "loaded"
    (out / "push-state.json").write_text('{"http://example.org/gsp": {}}\n')
    f = src / "minimal-review.yaml"
    f.write_text(f.read_text().replace("Baby B bulletin", "Baby B learning bulletin"))
    again = build.build([src], out, jobs=1)
    assert again.written and again.store_update == "replaced graphs"
    fresh = tmp_path / "fresh"
    build.build([src], fresh, jobs=1)
    assert _quads(out / "store") == _quads(fresh / "store")
    assert _hashes(out / "export") == _hashes(fresh / "export")
    # the state of `sgkg push --changed-only` is kept; the cache holds only what the build uses
    assert (out / "push-state.json").read_text() == '{"http://example.org/gsp": {}}\n'
    assert sorted(p.name for p in (out / "cache").iterdir()) == sorted(p.name for p in (fresh / "cache").iterdir())


def test_a_rebuild_drops_the_graph_of_a_removed_review(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(DATA / "valid", src)
    out = tmp_path / "build"
    build.build([src], out, jobs=1)
    (src / "minimal-review.yaml").unlink()
    again = build.build([src], out, jobs=1)
    assert again.store_update == "replaced graphs"
    graphs = {g.value for g in ox.Store.read_only(str(out / "store")).named_graphs()}
    assert str(iris.review("testshire-2021-baby-b")) not in graphs
    assert str(iris.review("testshire-2020-child-a")) in graphs
    # one review's files, the summary of the reviews' cache metadata and the description's N-Quads
    kept = (build.SUMMARY, build.DESCRIPTION)
    assert len({p.name.split(".", 1)[0] for p in (out / "cache").iterdir() if p.name not in kept}) == 1
    assert all((out / "cache" / name).is_file() for name in kept)


def test_a_build_without_exports_writes_the_store_only_and_export_says_why(tmp_path):
    out = tmp_path / "build"
    result = build.build([DATA / "valid"], out, jobs=1, exports=False)
    assert result.written and (out / "store").is_dir() and not (out / "export").exists()
    # two reviews, the ontology, the vocabularies and the dataset's description
    assert len(list(ox.Store.read_only(str(out / "store")).named_graphs())) == 5
    with pytest.raises(SgkgError, match="without --no-export"):
        export.export_store(out, "nq", None)
    # a later build with exports writes them, though no review changed
    again = build.build([DATA / "valid"], out, jobs=1)
    assert again.store_update == "replaced graphs" and (out / "export" / "dataset.nq").exists()


def test_a_touched_file_is_hashed_again_and_stays_cached(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(DATA / "valid", src)
    out = tmp_path / "build"
    build.build([src], out, jobs=1)
    f = src / "minimal-review.yaml"
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # same content, new modification time
    again = build.build([src], out, jobs=1)
    assert all(r.cached for r in again.reviews)
    entry = next(e for e in json.loads((out / "manifest.json").read_text())["reviews"]
                 if e["file"].endswith("minimal-review.yaml"))
    assert entry["stat"] == [st.st_size, st.st_mtime_ns + 10**9]
    assert entry["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()


def test_the_qc_of_the_ontology_is_reused_while_ontology_shapes_and_queries_are_unchanged(tmp_path, monkeypatch):
    from kg_build.validation import qc

    src = tmp_path / "src"
    shutil.copytree(DATA / "valid", src)
    out = tmp_path / "build"
    build.build([src], out, jobs=1)
    assert json.loads((out / "manifest.json").read_text())["support_problems"] == []

    def not_again(*a, **k):
        raise AssertionError("the ontology and vocabularies were checked again")

    monkeypatch.setattr(qc, "support_problems", not_again)
    f = src / "minimal-review.yaml"
    f.write_text(f.read_text().replace("Baby B bulletin", "Baby B learning bulletin"))
    assert build.build([src], out, jobs=1).written


def test_an_export_format_is_one_entry_of_the_registry(tmp_path, monkeypatch):
    """Adding N-Triples of the merged graph takes one ExportFormat: the build writes its parts and its
    file, void.ttl describes it, `sgkg export --format nt` copies it."""
    from kg_build.exports import formats

    nt = formats.ExportFormat("nt", "graph.nt", "application/n-triples", formats.MERGED,
                              lambda triples: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b"")
    monkeypatch.setitem(formats.FORMATS, "nt", nt)
    out = tmp_path / "build"
    assert build.build([DATA / "valid"], out, jobs=1).written
    merged = Graph().parse(out / "export" / "graph.ttl")
    assert len(merged) > 100 and isomorphic(Graph().parse(out / "export" / "graph.nt", format="nt"), merged)
    assert '"graph.nt"' in (out / "export" / "void.ttl").read_text()
    target = tmp_path / "copy.nt"
    export.export_store(out, "nt", target)
    assert target.read_bytes() == (out / "export" / "graph.nt").read_bytes()
