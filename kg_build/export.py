"""Standard RDF exports of a built dataset, written byte-for-byte deterministically with pyoxigraph.

- dataset.nq, dataset.trig: every named graph (reviews, ontology, vocabularies), sorted
- graph.ttl: the reviews' triples merged into one graph (Turtle)
- graph.jsonld: the same as JSON-LD, compacted with the prefixes of ontology/context.jsonld
- void.ttl: a DCAT/VoID description: version, licence, triples, entities per class, the files
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from . import __version__, iris, paths, rdfio
from .atomic import atomic_write_bytes
from .store import DATASET_GRAPH

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
FILES = {
    "dataset.nq": ("application/n-quads", ox.RdfFormat.N_QUADS),
    "dataset.trig": ("application/trig", ox.RdfFormat.TRIG),
    "graph.ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "graph.jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}


def _sorted_quads(nquads: bytes) -> list[ox.Quad]:
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    return quads


def write_exports(out: Path, nquads: bytes, review_graphs: list[str]) -> dict[str, Path]:
    """Write every export under `out`; `nquads` is the whole dataset as sorted N-Quads."""
    out.mkdir(parents=True, exist_ok=True)
    quads = _sorted_quads(nquads)
    reviews = set(review_graphs)
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads
                      if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in reviews},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = rdfio.prefixes()
    written = {}
    atomic_write_bytes(out / "dataset.nq", nquads)
    written["dataset.nq"] = out / "dataset.nq"
    atomic_write_bytes(out / "dataset.trig", ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes))
    written["dataset.trig"] = out / "dataset.trig"
    atomic_write_bytes(out / "graph.ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes))
    written["graph.ttl"] = out / "graph.ttl"
    atomic_write_bytes(out / "graph.jsonld", compact_jsonld(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)))
    written["graph.jsonld"] = out / "graph.jsonld"
    return written


def _canonical_json(value):
    """Sort object keys and array items so the JSON text does not depend on graph order."""
    if isinstance(value, dict):
        return {k: _canonical_json(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        items = [_canonical_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def compact_jsonld(ntriples: bytes) -> bytes:
    """JSON-LD compacted with ontology/context.jsonld (rdflib's serializer), in canonical order."""
    g = Graph()
    g.parse(data=ntriples.decode("utf-8"), format="nt")
    context = json.loads(paths.context_file().read_text(encoding="utf-8"))["@context"]
    doc = json.loads(g.serialize(format="json-ld", context=context, auto_compact=True))
    doc = _canonical_json(doc)
    doc["@context"] = context
    return (json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


VOID_QUERY_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class } FILTER (?g IN (%s))
} GROUP BY ?class ORDER BY ?class
"""


def describe_dataset(store: ox.Store, review_graphs: list[str], files: dict[str, Path]) -> bytes:
    """The DCAT/VoID description (Turtle) of the dataset in `store` and its export files."""
    D = f"<{DATASET_GRAPH}>"
    graphs = ", ".join(f"<{g}>" for g in sorted(review_graphs)) or "<urn:none>"
    n_triples = sum(1 for g in review_graphs for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    lines = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"{D} a dcat:Dataset , void:Dataset ;",
        '    dcterms:title "Safeguarding Review Knowledge Graph"@en ;',
        '    dcterms:description "Child safeguarding case reviews published in England, annotated and '
        'mapped to the sgkg ontology: one named graph a review."@en ;',
        f"    dcterms:license <{LICENSE}> ;",
        f'    owl:versionInfo "{__version__}" ;',
        f'    dcat:version "{__version__}" ;',
        f"    dcterms:conformsTo <{iris.ONTOLOGY_IRI}> , <{iris.ontology_version_iri(__version__)}> ;",
        f"    void:vocabulary <{iris.ONTOLOGY}> ;",
        f'    void:uriSpace "{iris.ID}" ;',
        f"    void:triples {n_triples} ;",
        f'    dcterms:extent "{len(review_graphs)} reviews"@en ;',
    ]
    parts = []
    for row in store.query(VOID_QUERY_CLASSES % graphs):
        parts.append(f"[ void:class <{row['class'].value}> ; void:entities {row['n'].value} ]")
    if parts:
        lines.append("    void:classPartition " + " ,\n        ".join(parts) + " ;")
    dists = []
    for name, path in sorted(files.items()):
        media = FILES[name][0]
        data = path.read_bytes()
        dists.append(
            f"[ a dcat:Distribution ; dcterms:title \"{name}\" ; "
            f"dcat:mediaType \"{media}\" ; dcat:byteSize \"{len(data)}\"^^xsd:nonNegativeInteger ; "
            f"dcterms:identifier \"sha256:{hashlib.sha256(data).hexdigest()}\" ]"
        )
    lines.append("    dcat:distribution " + " ,\n        ".join(dists) + " .")
    return ("\n".join(lines) + "\n").encode("utf-8")


EXPORT_NAMES = {"nq": "dataset.nq", "trig": "dataset.trig", "ttl": "graph.ttl", "jsonld": "graph.jsonld",
                "void": "void.ttl"}


def export_store(build_dir: Path, fmt: str, output: Path | None) -> Path | None:
    """Copy one export of the last good build to `output` (atomically), or to standard output."""
    import sys

    source = Path(build_dir) / "export" / EXPORT_NAMES[fmt]
    if not source.exists():
        raise FileNotFoundError(f"no export at {source}: run `sgkg build` first")
    data = source.read_bytes()
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    atomic_write_bytes(output, data)
    return output
