"""The dataset's DCAT/VoID description: in its own graph of the store and the dataset exports (so pushed),
and in void.ttl with each file's size and checksum; every count agrees with what the files hold."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg_build.pipeline import builder
from kg_build.store import DATASET_GRAPH

ROOT = Path(__file__).resolve().parent.parent
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
D = URIRef(DATASET_GRAPH)


def as_rdflib(triples) -> Graph:
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")


def void_graph(build: Path) -> Graph:
    path = build / "export" / "void.ttl"
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


def test_the_description_is_in_the_store_and_the_dataset_exports(data_build):
    store = ox.Store.read_only(str(data_build / "store"))
    in_store = {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(DATASET_GRAPH))}
    assert in_store
    trig = ox.Store()
    trig.load(path=str(data_build / "export" / "dataset.trig"), format=ox.RdfFormat.TRIG)
    in_trig = {q.triple for q in trig.quads_for_pattern(None, None, None, ox.NamedNode(DATASET_GRAPH))}
    assert isomorphic(as_rdflib(in_trig), as_rdflib(in_store))  # blank nodes (class partitions) aside
    manifest = json.loads((data_build / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dataset_graph"] == DATASET_GRAPH


def test_every_count_size_and_checksum_agrees_with_the_files(data_build):
    g = void_graph(data_build)
    export = data_build / "export"
    nq_lines = (export / "dataset.nq").read_bytes().count(b"\n")
    merged = len(Graph().parse(export / "graph.ttl", format="turtle"))
    for dist in g.objects(D, URIRef(DCAT + "distribution")):
        name = str(g.value(dist, URIRef("http://purl.org/dc/terms/title")))
        data = (export / name).read_bytes()
        assert int(g.value(dist, URIRef(DCAT + "byteSize"))) == len(data)
        checksum = g.value(dist, URIRef(SPDX + "checksum"))
        assert str(g.value(checksum, URIRef(SPDX + "checksumValue"))) == hashlib.sha256(data).hexdigest()
        assert int(g.value(dist, URIRef(VOID + "triples"))) == (nq_lines if name.startswith("dataset.") else merged)
        download = g.value(dist, URIRef(DCAT + "downloadURL"))
        assert download == URIRef((export / name).as_uri())  # the file beside void.ttl
    manifest = json.loads((data_build / "manifest.json").read_text(encoding="utf-8"))
    counts = {str(g.value(s, URIRef("http://www.w3.org/ns/sparql-service-description#name"))):
              int(g.value(s, URIRef(VOID + "triples"))) for s in g.objects(D, URIRef(VOID + "subset"))}
    assert counts == {f"https://w3id.org/sgkg/id/review/{r['review']}": r["triples"] for r in manifest["reviews"]}
    assert int(g.value(D, URIRef(VOID + "triples"))) == sum(counts.values())
    assert g.value(D, URIRef("http://purl.org/dc/terms/modified")) == Literal(
        max(d for d in _annotation_dates(data_build)), datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))


def _annotation_dates(build: Path) -> list[str]:
    store = ox.Store.read_only(str(build / "store"))
    q = ("SELECT ?d WHERE { GRAPH ?g { ?a a ?c ; <http://purl.org/dc/terms/date> ?d } "
         "VALUES ?c { <https://w3id.org/sgkg/ontology#Annotation> <https://w3id.org/sgkg/ontology#Verification> } }")
    return [s["d"].value for s in store.query(q)]


def test_the_description_conforms_to_shapes_for_the_dcat_fields_it_uses(data_build):
    shapes = Graph().parse(ROOT / "tests" / "data" / "dcat-description-shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(void_graph(data_build), shacl_graph=shapes, inference="none")
    assert conforms, text


def test_an_incremental_build_replaces_the_description(data_build, tmp_path):
    build = tmp_path / "build"
    shutil.copytree(data_build, build, symlinks=True)
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    review = data / "reviews" / "sutton-child-d.yaml"
    review.write_text(review.read_text(encoding="utf-8").replace(
        "  reviewer: reviewer\n", "  reviewer: reviewer\n  commissioned: 2014\n", 1), encoding="utf-8")
    result = builder.build([data], build, jobs=1)
    assert result.ok and result.store_update == "replaced graphs"
    store = ox.Store.read_only(str(build / "store"))
    subsets = list(store.query(
        "SELECT ?n WHERE { GRAPH ?g { ?s <http://www.w3.org/ns/sparql-service-description#name> "
        "<https://w3id.org/sgkg/id/review/sutton-scr-2016-child-d> ; <http://rdfs.org/ns/void#triples> ?n } }"))
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    expected = next(r["triples"] for r in manifest["reviews"] if r["review"] == "sutton-scr-2016-child-d")
    assert [int(s["n"].value) for s in subsets] == [expected]
