"""Standard RDF exports of a built dataset, written byte-for-byte deterministically: one file a format
of kg_build/exports/formats.py (dataset.nq, dataset.trig: every named graph; graph.ttl, graph.jsonld:
the reviews' triples merged), and void.ttl, a DCAT/VoID description of them (version, licence,
triples, entities per class, each file's size and SHA-256).

Each review's part of each file is serialised by pyoxigraph when the review is built and cached
(kg_build/exports/parts.py); writing an export concatenates the parts, so it costs a copy of the bytes.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg_build import __version__
from kg_build.atomic import atomic_write_bytes
from kg_build.exports.formats import DATASET, FORMATS, export_files
from kg_build.exports.parts import RDF_TYPE
from kg_build.model import iris
from kg_build.problems import SgkgError
from kg_build.store import DATASET_GRAPH

LICENSE = "https://creativecommons.org/licenses/by/4.0/"


class _Output:
    """A file written in pieces, with its size and SHA-256 kept as it goes (for void.ttl)."""

    def __init__(self, path: Path):
        self.path = path
        self._f = open(path, "wb")
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._f.write(data)
        self._hash.update(data)
        self.size += len(data)

    def close(self) -> tuple[int, str]:
        self._f.close()
        return self.size, self._hash.hexdigest()


def shared_triples(reviews) -> list:
    """The triples whose subject is not the review's own (the case, the annotator, a local authority),
    once each, sorted."""
    lines = sorted({line for r in reviews for line in r.parts.shared})
    return list(ox.parse("".join(line + "\n" for line in lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))


def dataset_nquads(reviews, support_nquads: bytes) -> Iterator[bytes]:
    """dataset.nq in pieces: each review's cached N-Quads in review-id order, then the ontology and
    the vocabularies."""
    for r in reviews:
        yield r.read_part("nq")
    yield support_nquads


def write_exports(out: Path, reviews, support_nquads: bytes, shared: list) -> dict[str, tuple[int, str]]:
    """Write every format of kg_build/exports/formats.py under `out`: its head, the reviews' cached
    parts in review-id order, then the ontology and the vocabularies (dataset formats) or the triples
    about shared nodes (`shared_triples`, merged formats), and its tail. Returns each file's size and
    SHA-256. `out` is a staging folder, put in place whole by the build."""
    out.mkdir(parents=True, exist_ok=True)
    support = list(ox.parse(support_nquads, format=ox.RdfFormat.N_QUADS))
    written = {}
    for f in FORMATS.values():
        output = _Output(out / f.filename)
        output.write(f.head())
        first = True
        for chunk in [*(r.read_part(f.name) for r in reviews), f.part(support if f.scope == DATASET else shared)]:
            if chunk:
                output.write(chunk if first else f.join + chunk)
                first = False
        output.write(f.tail)
        written[f.filename] = output.close()
    return written


def _class_counts(reviews, shared: list) -> dict[str, int]:
    """Entities per class over the review graphs: each review's own subjects, and the shared subjects
    (typed in several reviews) once."""
    counts: dict[str, int] = {}
    for r in reviews:
        for cls, n in r.parts.classes.items():
            counts[cls] = counts.get(cls, 0) + n
    for cls, n in Counter(t.object.value for t in shared if t.predicate.value == RDF_TYPE).items():
        counts[cls] = counts.get(cls, 0) + n
    return dict(sorted(counts.items()))


def describe_dataset(reviews, files: dict[str, tuple[int, str]], shared: list) -> bytes:
    """The DCAT/VoID description (Turtle) of the built dataset and its export files."""
    D = f"<{DATASET_GRAPH}>"
    media_types = {f.filename: f.media_type for f in FORMATS.values()}
    n_triples = sum(r.parts.triples for r in reviews)
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
        f'    dcterms:extent "{len(reviews)} reviews"@en ;',
    ]
    parts = [f"[ void:class <{cls}> ; void:entities {n} ]" for cls, n in _class_counts(reviews, shared).items()]
    if parts:
        lines.append("    void:classPartition " + " ,\n        ".join(parts) + " ;")
    dists = []
    for name, (size, digest) in sorted(files.items()):
        dists.append(
            f"[ a dcat:Distribution ; dcterms:title \"{name}\" ; "
            f"dcat:mediaType \"{media_types[name]}\" ; dcat:byteSize \"{size}\"^^xsd:nonNegativeInteger ; "
            f"dcterms:identifier \"sha256:{digest}\" ]"
        )
    lines.append("    dcat:distribution " + " ,\n        ".join(dists) + " .")
    return ("\n".join(lines) + "\n").encode("utf-8")




def concept_labels(build_dir: Path) -> list[ox.Triple]:
    """What a consumer without the vocabularies needs to read the codes the reviews use: each concept's
    skos:prefLabel, skos:notation and skos:inScheme, and each of those schemes' skos:prefLabel."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import SKOS

    from kg_build.model import ontology
    from kg_build.store import ONTOLOGY_GRAPH, VOCAB_GRAPH, open_store

    store = open_store(Path(build_dir) / "store")
    used = store.query(
        f"SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{ ?s ?p ?c }} FILTER (isIRI(?c) && STRSTARTS(STR(?c), "
        f"\"{iris.VOCAB}\") && ?g != <{ONTOLOGY_GRAPH}> && ?g != <{VOCAB_GRAPH}>) }}")
    vocab = ontology.load_vocabularies()
    found = Graph()
    assert isinstance(used, ox.QuerySolutions)
    for solution in used:
        c = URIRef(solution["c"].value)
        for p in (SKOS.prefLabel, SKOS.notation, SKOS.inScheme):
            for o in vocab.objects(c, p):
                if not (isinstance(o, Literal) and o.language not in (None, "en")):
                    found.add((c, p, o))
    for s in set(found.objects(None, SKOS.inScheme)):
        for o in vocab.objects(s, SKOS.prefLabel):
            found.add((s, SKOS.prefLabel, o))
    nt = found.serialize(format="nt", encoding="utf-8")
    return sorted((q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)), key=str)


def export_store(build_dir: Path, fmt: str, output: Path | None, labels: bool = False) -> Path | None:
    """Copy one export of the last good build to `output` (atomically; an existing `output` that is
    a symbolic link, a FIFO, a device or a folder is refused, not replaced), or to standard output.
    With `labels`, a merged export (ttl, jsonld) gains the labels of the concepts the reviews use."""
    import sys

    source = Path(build_dir) / "export" / export_files()[fmt]
    if labels and (fmt not in FORMATS or FORMATS[fmt].scope == DATASET):
        raise SgkgError(f"--labels is for the merged exports (ttl, jsonld), not {fmt}",
                        hint="the dataset exports (trig, nq) hold the vocabularies in their own graph already",
                        rule="usage")
    if not source.exists():
        raise SgkgError("no export here", source, hint="run `sgkg build` first (without --no-export)",
                        rule="no-build")
    data = source.read_bytes()
    if labels:
        extra = FORMATS[fmt].part(concept_labels(build_dir))
        if fmt == "jsonld":
            tail = FORMATS[fmt].tail
            assert data.endswith(tail), "the JSON-LD export ends with its tail"
            data = data[: -len(tail)] + FORMATS[fmt].join + extra + tail
        else:
            data = data + b"\n" + extra
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return None
    atomic_write_bytes(output, data, regular_only=True)
    return output
