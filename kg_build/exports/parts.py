"""One review's share of every export, made where the review is built (in a worker) and cached with it.

The exports are then concatenations of these parts in review-id order, so writing them costs what
copying the bytes costs, and a rebuild after one review changed re-serialises one review, not the
dataset. For the merged graph (graph.ttl, graph.jsonld) a review's triples are split by subject:
- own: subjects minted under the review's IRI; no other review graph can hold them as subjects, so
  the parts never repeat a triple;
- shared: subjects outside it (the case, the annotator, a local authority by GSS code); several
  reviews state them, so they are collected from every review, de-duplicated and written once.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg_build.exports.formats import DATASET, FORMATS
from kg_build.model import iris, rdfio

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class ReviewParts:
    """What the exports and the dataset description need of one review, as cached in build/cache."""

    review: str  # the review's IRI (its named graph)
    triples: int
    classes: dict[str, int]  # class IRI -> own subjects typed with it
    shared: list[str] = field(default_factory=list)  # N-Triples lines with a shared subject, sorted
    files: dict[str, list] = field(default_factory=dict)  # suffix -> [size, SHA-256] of each part file
    modified: str = ""  # the latest date the review's annotation or a verification of it was made


class DamagedCache(Exception):
    """A cache file that is missing or no longer holds what the build wrote: the review is built anew."""

    def __init__(self, path: Path, what: str):
        self.path, self.what = path, what
        super().__init__(f"{path}: {what}")


ANNOTATION_CLASSES = {iris.ONTOLOGY + "Annotation", iris.ONTOLOGY + "Verification"}
DCTERMS_DATE = "http://purl.org/dc/terms/date"


def _is_own(subject, review: str) -> bool:
    return isinstance(subject, ox.NamedNode) and (subject.value == review or subject.value.startswith(review + "/"))


def make(quads: list[ox.Quad], review: str) -> tuple[dict[str, bytes], ReviewParts]:
    """The export parts of one review graph, its quads given in canonical order
    (kg_build/model/rdfio.review_quads); one part a format of kg_build/exports/formats.py."""
    own: list[ox.Triple] = []
    shared: list[ox.Triple] = []
    for q in quads:
        (own if _is_own(q.subject, review) else shared).append(q.triple)
    # (review graphs come from rdflib, whose terms are never quoted triples)
    classes = Counter(t.object.value for t in own
                      if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Triple))
    files = {f.name: f.part(quads if f.scope == DATASET else own) for f in FORMATS.values()}
    shared_lines = sorted(rdfio.serialized(shared, ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines())
    made = {t.subject for t in own if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)
            and t.object.value in ANNOTATION_CLASSES}
    dates = [t.object.value for t in own if t.subject in made and t.predicate.value == DCTERMS_DATE
             and isinstance(t.object, ox.Literal)]
    return files, ReviewParts(review, len(quads), dict(sorted(classes.items())), shared_lines,
                              modified=max(dates, default=""))


def write(folder: Path, key: str, files: dict[str, bytes], parts: ReviewParts) -> str:
    """Write a review's parts as build/cache/<key>.<suffix>, and <key>.json describing them with the
    size and SHA-256 of each part. Returns the SHA-256 of <key>.json, which the manifest keeps, so
    every cache file is checked before it is used. The folder is a staging folder: it is put in place
    whole, so the files need no atomic write of their own."""
    digests = {}
    for suffix, data in files.items():
        (folder / f"{key}.{suffix}").write_bytes(data)
        digests[suffix] = [len(data), hashlib.sha256(data).hexdigest()]
    parts.files = digests
    data = json.dumps(record(parts), sort_keys=True).encode("utf-8")
    # written last: the build takes its presence to mean the other files are there
    (folder / f"{key}.json").write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def record(parts: ReviewParts) -> dict:
    """What <key>.json holds of a review's parts (and the build's summary of every review)."""
    return {"review": parts.review, "triples": parts.triples, "classes": parts.classes, "shared": parts.shared,
            "files": parts.files, "modified": parts.modified}


def from_record(meta: dict) -> ReviewParts:
    return ReviewParts(meta["review"], meta["triples"], meta["classes"], meta["shared"], meta["files"],
                       meta.get("modified", ""))


def _read_checked(path: Path, size: int | None, digest: str) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DamagedCache(path, "missing") from None
    except IsADirectoryError:
        raise DamagedCache(path, "not a file") from None
    if (size is not None and len(data) != size) or hashlib.sha256(data).hexdigest() != digest:
        raise DamagedCache(path, "changed since the build wrote it")
    return data


def read(folder: Path, key: str, digest: str) -> ReviewParts:
    """A cached review's parts, after checking <key>.json against the digest the manifest holds."""
    return from_record(json.loads(_read_checked(folder / f"{key}.json", None, digest)))


def read_part(folder: Path, key: str, suffix: str, parts: ReviewParts) -> bytes:
    """One part file of a review, checked against the size and digest recorded when it was written."""
    size, digest = parts.files[suffix]
    return _read_checked(folder / f"{key}.{suffix}", size, digest)
