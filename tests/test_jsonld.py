"""graph.jsonld is compact JSON-LD with the project's context, and says exactly what graph.ttl says."""
from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic

from kg_build.exports.formats import compact_iri, jsonld_context, jsonld_nodes
from kg_build.model import rdfio

EX = "https://example.org/"
SG = "https://w3id.org/sgkg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def test_compaction_keeps_every_kind_of_term():
    s = ox.NamedNode("https://w3id.org/sgkg/id/review/x")
    b = ox.BlankNode("b1")
    triples = [
        ox.Triple(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(SG + "Review")),
        ox.Triple(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(EX + "Other")),
        ox.Triple(s, ox.NamedNode(SG + "reviewType"),
                  ox.NamedNode("https://w3id.org/sgkg/vocab/review-type/serious-case-review")),
        ox.Triple(s, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("A \"title\" – ü")),
        ox.Triple(s, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("un titre", language="fr")),
        ox.Triple(s, ox.NamedNode("http://purl.org/dc/terms/issued"), typed("2013", XSD + "gYear")),
        ox.Triple(s, ox.NamedNode(SG + "occasions"), typed("3", XSD + "nonNegativeInteger")),
        ox.Triple(s, ox.NamedNode(EX + "p"), ox.NamedNode("https://w3id.org/sgkg/id///odd")),
        ox.Triple(s, ox.NamedNode(EX + "q"), b),
        ox.Triple(b, ox.NamedNode(EX + "r"), typed("x", EX + "dt")),
    ]
    doc = {"@context": jsonld_context(), "@graph": json.loads(b"[" + jsonld_nodes(triples) + b"]")}
    review = next(n for n in doc["@graph"] if n["@id"] == "sgid:review/x")
    assert review["@type"] == ["https://example.org/Other", "sg:Review"]
    assert review["sg:reviewType"] == {"@id": "vocab:review-type/serious-case-review"}
    assert review["dcterms:issued"] == {"@type": "xsd:gYear", "@value": "2013"}
    expected = Graph().parse(data=rdfio.serialized(triples, ox.RdfFormat.N_TRIPLES).decode(), format="nt")
    assert isomorphic(Graph().parse(data=json.dumps(doc), format="json-ld"), expected)


def test_an_iri_is_compacted_only_where_its_local_part_cannot_read_as_an_iri():
    assert compact_iri(SG + "Review") == "sg:Review"
    assert compact_iri("https://w3id.org/sgkg/id///x").startswith("https://")  # sgid://x would be an IRI
    assert compact_iri("https://w3id.org/sgkg/id//x") == "sgid:/x"
    assert compact_iri(EX + "x") == EX + "x"


def test_the_export_is_compact_and_each_review_is_found_by_its_type(data_build):
    text = (data_build / "export" / "graph.jsonld").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["@context"] == {"@version": 1.1, **jsonld_context()}
    assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" not in text
    reviews = [n for n in doc["@graph"] if "sg:Review" in ([n["@type"]] if isinstance(n.get("@type"), str)
                                                          else n.get("@type", []))]
    # one object a review, its other nodes inside it
    assert all(n["@id"].startswith(r["@id"]) for r in reviews for n in r.get("@included", []))
    ttl = Graph().parse(data_build / "export" / "graph.ttl", format="turtle")
    assert len(reviews) == len(set(ttl.subjects(predicate=None, object=None, unique=True)) &
                               set(ttl.subjects(object=ox_to_rdflib(SG + "Review"))))
    assert all(r["@id"].startswith("sgid:review/") for r in reviews)


def ox_to_rdflib(iri: str):
    from rdflib import URIRef

    return URIRef(iri)


def test_a_labelled_export_lets_a_consumer_read_every_code_without_the_vocabularies(data_build, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from rdflib import URIRef
    from rdflib.namespace import SKOS

    root = Path(__file__).resolve().parent.parent
    for fmt in ("jsonld", "ttl"):
        out = tmp_path / f"labelled.{fmt}"
        r = subprocess.run([sys.executable, "-m", "kg_build.cli", "export", "--out", str(data_build), "--format", fmt,
                            "--labels", "-o", str(out)], capture_output=True, text=True, cwd=root)
        assert r.returncode == 0, r.stderr
        g = Graph().parse(out, format="json-ld" if fmt == "jsonld" else "turtle")
        plain = Graph().parse(data_build / "export" / "graph.ttl", format="turtle")
        assert len(g) > len(plain) and all(t in g for t in plain.triples((None, None, None)))
        concepts = {o for o in plain.objects() if isinstance(o, URIRef) and o.startswith("https://w3id.org/sgkg/vocab/")}
        unlabelled = [c for c in concepts if g.value(c, SKOS.prefLabel) is None]
        assert not unlabelled, unlabelled[:5]
    refused = subprocess.run([sys.executable, "-m", "kg_build.cli", "export", "--out", str(data_build), "--format",
                              "trig", "--labels"], capture_output=True, text=True, cwd=root)
    assert refused.returncode == 2 and "--labels is for the merged exports" in refused.stderr


def test_each_claim_is_one_tree_with_its_evidence(data_build):
    """A node that one other node of its review refers to is written inside it: evidence (a Web
    Annotation with its target and selectors) inside its claim, a time inside its event."""
    tops = json.loads((data_build / "export" / "graph.jsonld").read_text(encoding="utf-8"))["@graph"]
    graph = tops + [n for r in tops for n in r.get("@included", [])]  # the review's trees
    top_types = {t for n in graph for t in ([n["@type"]] if isinstance(n.get("@type"), str) else n.get("@type", []))}
    assert not top_types & {"oa:Annotation", "oa:SpecificResource", "oa:TextQuoteSelector", "time:Instant"}
    event = next(n for n in graph if n.get("@type") == "sg:Event" and "sg:evidence" in n)
    evidence = event["sg:evidence"] if isinstance(event["sg:evidence"], list) else [event["sg:evidence"]]
    assert evidence[0]["@type"] == "oa:Annotation" and evidence[0]["oa:hasBody"] == {"@id": event["@id"]}


def test_nodes_that_refer_to_each_other_become_one_tree_from_the_shorter_iri():
    from kg_build.exports.formats import _embed

    claim = {"@id": "sgid:r/x/e1", "sg:evidence": {"@id": "sgid:r/x/e1/evidence/1"}}
    note = {"@id": "sgid:r/x/e1/evidence/1", "oa:hasBody": {"@id": "sgid:r/x/e1"}}
    (tree,) = _embed([claim, note])
    assert tree["@id"] == "sgid:r/x/e1" and tree["sg:evidence"]["oa:hasBody"] == {"@id": "sgid:r/x/e1"}
    review = {"@id": "sgid:r/x", "@type": "sg:Review"}
    (whole,) = _embed([review, claim, note])
    assert whole["@id"] == "sgid:r/x" and [n["@id"] for n in whole["@included"]] == ["sgid:r/x/e1"]
