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
from typing import Any

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


DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"


def _distribution(name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{DATASET_GRAPH}/distribution/{name}")


_XSD = "http://www.w3.org/2001/XMLSchema#"
_DCTERMS = "http://purl.org/dc/terms/"
_FOAF = "http://xmlns.com/foaf/0.1/"
_OWL = "http://www.w3.org/2002/07/owl#"
PREFIXES = {"dcat": DCAT, "void": VOID, "spdx": SPDX, "sd": SD, "dcterms": _DCTERMS, "foaf": _FOAF, "owl": _OWL,
            "xsd": _XSD}


def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(_XSD + "integer"))


def description(reviews, shared: list, support_triples: int) -> list[ox.Triple]:
    """The DCAT/VoID description of the built dataset, as it goes into its own named graph
    (DATASET_GRAPH) in the store, the dataset exports and a push: the dataset with its licence,
    version, publisher, date of last change (the latest annotation or verification), class partitions,
    one void:subset a review graph with its triple count, and each export as a dcat:Distribution with
    its media type, access URL and triple count. The size and checksum of each file are in void.ttl
    only: the dataset exports hold this graph, so they cannot hold their own checksums.

    Written as pyoxigraph triples: at 10,000 reviews it is some 50,000 triples, rebuilt by every build
    (a one-review edit too), which rdflib made a second of work."""
    N = ox.NamedNode  # noqa: N806 - short, as in the RDF it writes
    a = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    d = N(DATASET_GRAPH)
    dcat, void, dcterms = (lambda x: N(DCAT + x)), (lambda x: N(VOID + x)), (lambda x: N(_DCTERMS + x))
    out: list[ox.Triple] = []
    add = out.append
    review_triples = sum(r.parts.triples for r in reviews)
    add(ox.Triple(d, a, dcat("Dataset")))
    add(ox.Triple(d, a, void("Dataset")))
    add(ox.Triple(d, dcterms("title"), ox.Literal("Safeguarding Review Knowledge Graph", language="en")))
    add(ox.Triple(d, dcterms("description"), ox.Literal(
        "Child safeguarding case reviews published in England, annotated and mapped to the sgkg ontology: one "
        "named graph a review.", language="en")))
    add(ox.Triple(d, dcterms("license"), N(LICENSE)))
    add(ox.Triple(d, N(_OWL + "versionInfo"), ox.Literal(__version__)))
    add(ox.Triple(d, dcat("version"), ox.Literal(__version__)))
    publisher = N(f"{DATASET_GRAPH}/publisher")
    add(ox.Triple(d, dcterms("publisher"), publisher))
    add(ox.Triple(publisher, a, N(_FOAF + "Organization")))
    add(ox.Triple(publisher, N(_FOAF + "name"), ox.Literal("Safeguarding Review Knowledge Graph project",
                                                           language="en")))
    modified = max((r.parts.modified for r in reviews), default="")
    if modified:
        add(ox.Triple(d, dcterms("modified"), ox.Literal(modified, datatype=N(_XSD + "date"))))
    add(ox.Triple(d, dcterms("conformsTo"), N(iris.ONTOLOGY_IRI)))
    add(ox.Triple(d, dcterms("conformsTo"), N(str(iris.ontology_version_iri(__version__)))))
    add(ox.Triple(d, void("vocabulary"), N(iris.ONTOLOGY)))
    add(ox.Triple(d, void("uriSpace"), ox.Literal(iris.ID)))
    add(ox.Triple(d, void("triples"), _integer(review_triples)))
    add(ox.Triple(d, dcterms("extent"), ox.Literal(f"{len(reviews)} reviews", language="en")))
    for cls, n in _class_counts(reviews, shared).items():
        # an IRI, not a blank node: the store keeps it as written, so a rebuild can remove it by its text
        part = N(f"{DATASET_GRAPH}/class/{hashlib.sha256(cls.encode()).hexdigest()[:16]}")
        add(ox.Triple(d, void("classPartition"), part))
        add(ox.Triple(part, void("class"), N(cls)))
        add(ox.Triple(part, void("entities"), _integer(n)))
    dataset_type, sd_name, triples = void("Dataset"), N(SD + "name"), void("triples")
    for r in reviews:
        subset = N(f"{DATASET_GRAPH}/graph/{r.review_id}")
        add(ox.Triple(d, void("subset"), subset))
        add(ox.Triple(subset, a, dataset_type))
        add(ox.Triple(subset, sd_name, N(r.parts.review)))
        add(ox.Triple(subset, triples, _integer(r.parts.triples)))
    for f in FORMATS.values():
        dist = _distribution(f.filename)
        add(ox.Triple(d, dcat("distribution"), dist))
        add(ox.Triple(dist, a, dcat("Distribution")))
        add(ox.Triple(dist, dcterms("title"), ox.Literal(f.filename)))
        add(ox.Triple(dist, dcat("mediaType"), N(f"https://www.iana.org/assignments/media-types/{f.media_type}")))
        add(ox.Triple(dist, dcat("accessURL"), d))
    # what each file holds: the dataset exports hold this graph too, with the void:triples added below
    merged = sum(r.parts.triples - len(r.parts.shared) for r in reviews) + len(shared)
    dataset = review_triples + support_triples + len(set(out)) + len(FORMATS)
    for f in FORMATS.values():
        count = dataset if f.scope == DATASET else merged
        add(ox.Triple(_distribution(f.filename), triples, _integer(count)))
    return list(dict.fromkeys(out))  # each once; description_nquads sorts the lines it writes


def description_nquads(triples: list[ox.Triple]) -> bytes:
    """The description as sorted N-Quads in its named graph (it has no blank nodes: a class partition
    is named from its class)."""
    from kg_build.model import rdfio

    graph = ox.NamedNode(DATASET_GRAPH)
    text = rdfio.serialized([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples],
                            ox.RdfFormat.N_QUADS)
    return "".join(line + "\n" for line in sorted(text.decode("utf-8").splitlines()) if line).encode("utf-8")


def describe_dataset(triples: list[ox.Triple], files: dict[str, tuple[int, str]]) -> bytes:
    """void.ttl: the description, and for each export file its download URL (relative: the file
    beside void.ttl), byte size and SHA-256 checksum (spdx:checksum). Written by rdflib's Turtle
    serialiser, which groups each subject's statements."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, XSD

    from kg_build.model import rdfio

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    term: Any = rdfio.rdflib_term  # the description holds no RDF 1.2 triple terms
    g.addN((term(t.subject), term(t.predicate), term(t.object), g) for t in triples)
    for name, (size, digest) in sorted(files.items()):
        dist = URIRef(_distribution(name).value)
        g.add((dist, URIRef(DCAT + "byteSize"), Literal(size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode(f"checksum-{digest[:16]}")
        g.add((dist, URIRef(SPDX + "checksum"), checksum))
        g.add((checksum, RDF.type, URIRef(SPDX + "Checksum")))
        g.add((checksum, URIRef(SPDX + "algorithm"), URIRef(SPDX + "checksumAlgorithm_sha256")))
        g.add((checksum, URIRef(SPDX + "checksumValue"), Literal(digest, datatype=XSD.hexBinary)))
    text = g.serialize(format="turtle")
    # the download URL of each file is the file itself, beside void.ttl: a relative IRI, resolved by
    # the reader against where it found void.ttl (the description in the store has no download URL)
    lines = [f"<{_distribution(name).value}> <{DCAT}downloadURL> <{name}> ." for name in sorted(files)]
    return (text + "\n" + "\n".join(lines) + "\n").encode("utf-8")


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
