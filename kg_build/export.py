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

from . import __version__, iris, paths, rdfio
from .atomic import atomic_write_bytes
from .store import DATASET_GRAPH

LICENSE = "https://creativecommons.org/licenses/by/4.0/"
MEDIA_TYPES = {"dataset.nq": "application/n-quads", "dataset.trig": "application/trig",
               "graph.ttl": "text/turtle", "graph.jsonld": "application/ld+json"}


def merged_review_triples(nquads: bytes, review_graphs: list[str]) -> bytes:
    """The triples of the review graphs as sorted, de-duplicated N-Triples (shared nodes such as a
    local authority or an annotator appear in several review graphs)."""
    suffixes = tuple(f" <{g}> .".encode() for g in review_graphs)
    lines = {line[: line.rindex(b" <")] + b" ." for line in nquads.splitlines() if line.endswith(suffixes)}
    return b"".join(line + b"\n" for line in sorted(lines))


def write_exports(out: Path, nquads: bytes, review_graphs: list[str]) -> dict[str, Path]:
    """Write every export under `out`. `nquads` is the whole dataset in canonical order (graph by
    graph, lines sorted), so parsing it in order gives the same output bytes for the same input."""
    out.mkdir(parents=True, exist_ok=True)
    prefixes = rdfio.prefixes()
    written = {}
    atomic_write_bytes(out / "dataset.nq", nquads)
    written["dataset.nq"] = out / "dataset.nq"
    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    atomic_write_bytes(out / "dataset.trig", ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes))
    written["dataset.trig"] = out / "dataset.trig"
    ntriples = merged_review_triples(nquads, review_graphs)
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    atomic_write_bytes(out / "graph.ttl", ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes))
    written["graph.ttl"] = out / "graph.ttl"
    atomic_write_bytes(out / "graph.jsonld", jsonld_with_context(ntriples))
    written["graph.jsonld"] = out / "graph.jsonld"
    return written


def jsonld_with_context(ntriples: bytes) -> bytes:
    """JSON-LD of the merged triples: pyoxigraph's node objects (full IRIs, so they read the same under
    any context) in a document that carries ontology/context.jsonld, so consumers can compact it with
    one call. rdflib's compacting serialiser took ~50 s for 200k triples here; this takes ~1 s."""
    context = json.loads(paths.context_file().read_text(encoding="utf-8"))["@context"]
    body = ox.serialize(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.JSON_LD)
    head = json.dumps({"@context": context}, indent=1, sort_keys=True, ensure_ascii=False)
    return head[:-2].encode("utf-8") + b',\n "@graph": ' + body.strip() + b"\n}\n"


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
        media = MEDIA_TYPES[name]
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
