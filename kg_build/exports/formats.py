"""The export formats, one entry each: adding a format is adding an entry (and a test row).

A build writes each review's part of every format where the review is built (kg_build/exports/parts.py,
in a worker, cached with the review), and an export file is then its head, the parts in review-id
order, what no single review holds, and its tail (kg_build/exports/writer.py). Two scopes:

- "dataset": every named graph, each review's graph as it is, then the ontology and the vocabularies
  in their own graphs (N-Quads, TriG);
- "merged": the reviews' triples in one graph (Turtle, JSON-LD); a review's part holds only the
  triples about its own nodes, and the triples about shared nodes (the case, the annotator, a local
  authority), which several reviews state, come once at the end.

`void` (the DCAT/VoID description of the others) is written from the exports, not from parts.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from kg_build import resources
from kg_build.model import rdfio

DATASET, MERGED = "dataset", "merged"


def prefix_header() -> bytes:
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in rdfio.prefixes().items()).encode("utf-8")


def body_of(serialised: bytes) -> bytes:
    """A Turtle or TriG document without its @prefix lines (written once, at the top of the export)."""
    lines = serialised.split(b"\n")
    i = 0
    while i < len(lines) and (lines[i].startswith(b"@prefix ") or not lines[i].strip()):
        i += 1
    return b"\n".join(lines[i:]).strip() + b"\n" if i < len(lines) else b""


def jsonld_nodes(triples: list) -> bytes:
    """The JSON-LD node objects of some triples, without the enclosing array (b"" for none)."""
    return rdfio.serialized(triples, ox.RdfFormat.JSON_LD).strip()[1:-1].strip() if triples else b""


def _turtle_like(fmt: ox.RdfFormat) -> Callable[[list], bytes]:
    def part(items: list) -> bytes:
        return body_of(rdfio.serialized(items, fmt, prefixes=rdfio.prefixes())) if items else b""
    return part


@lru_cache(maxsize=1)
def _jsonld_head() -> bytes:
    context = json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]
    head = json.dumps({"@context": context}, indent=1, sort_keys=True, ensure_ascii=False)
    return head[:-2].encode("utf-8") + b',\n "@graph": [\n'


@dataclass(frozen=True)
class ExportFormat:
    name: str  # the --format value, and the suffix of the review's cached part
    filename: str  # in build/export/
    media_type: str
    scope: str  # DATASET or MERGED
    part: Callable[[list], bytes]  # quads (DATASET) or triples (MERGED) -> bytes
    head: Callable[[], bytes] = lambda: b""
    join: bytes = b""  # between two non-empty parts
    tail: bytes = b""


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("nq", "dataset.nq", "application/n-quads", DATASET,
                 lambda quads: rdfio.serialized(quads, ox.RdfFormat.N_QUADS) if quads else b""),
    ExportFormat("trig", "dataset.trig", "application/trig", DATASET, _turtle_like(ox.RdfFormat.TRIG),
                 head=prefix_header),
    ExportFormat("ttl", "graph.ttl", "text/turtle", MERGED, _turtle_like(ox.RdfFormat.TURTLE), head=prefix_header),
    ExportFormat("jsonld", "graph.jsonld", "application/ld+json", MERGED, jsonld_nodes, head=_jsonld_head,
                 join=b",\n", tail=b"\n]\n}\n"),
)}

DESCRIPTION = ("void", "void.ttl", "text/turtle")  # name, file, media type of the dataset description


def export_files() -> dict[str, str]:
    """Every name `sgkg export --format` takes, and its file in build/export/."""
    return {**{f.name: f.filename for f in FORMATS.values()}, DESCRIPTION[0]: DESCRIPTION[1]}
