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


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@lru_cache(maxsize=1)
def jsonld_context() -> dict[str, str]:
    """The export's JSON-LD context: the prefixes of ontology/context.jsonld."""
    ctx = json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]
    return {k: v for k, v in sorted(ctx.items()) if isinstance(v, str)}


@lru_cache(maxsize=1)
def _namespaces() -> tuple[tuple[str, str], ...]:
    """(namespace, prefix), the longest namespace first, for compact IRIs."""
    return tuple(sorted(((ns, p) for p, ns in jsonld_context().items()), key=lambda x: -len(x[0])))


def compact_iri(iri: str) -> str:
    """`prefix:local` where a namespace of the context holds the IRI (and the local part cannot be read as
    an IRI of its own), else the IRI."""
    for ns, prefix in _namespaces():
        if iri.startswith(ns) and len(iri) > len(ns) and not iri[len(ns):].startswith("//"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _compact_value(v: dict):
    if "@id" in v:
        return {"@id": compact_iri(v["@id"])}
    if "@language" in v:
        return v
    datatype = v.get("@type")
    if datatype is None or datatype == XSD_STRING:
        return v["@value"]  # a plain string
    return {"@value": v["@value"], "@type": compact_iri(datatype)}


def compact_node(node: dict) -> dict:
    """An expanded JSON-LD node object (pyoxigraph's) compacted with the export's context: compact IRIs
    for ids, properties, classes and datatypes, `@type` for rdf:type, plain strings for xsd:string, and
    a lone value without its array. Checked against the expanded form by the tests (isomorphic graphs)."""
    out: dict = {}
    for key, values in node.items():
        if key == "@id":
            out["@id"] = compact_iri(values)
        elif key == RDF_TYPE:
            types = sorted(compact_iri(v["@id"]) for v in values)
            out["@type"] = types[0] if len(types) == 1 else types
        else:
            vals = [_compact_value(v) for v in values]
            vals.sort(key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
            out[compact_iri(key)] = vals[0] if len(vals) == 1 else vals
    return out


def _embed(nodes: list[dict]) -> list[dict]:
    """The nodes as trees: a node that exactly one other node of the same part refers to is written
    inside it, in place of the reference (a claim with its evidence, an event with its time); a node
    referred to by several (an agency, a person) or by none is a tree of its own; and a review's part is
    one object, the review, with its other trees `@included` (JSON-LD 1.1)."""
    by_id = {n["@id"]: n for n in nodes if "@id" in n}
    refs: dict[str, int] = {}

    def references(value):
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, dict) and set(v) == {"@id"} and v["@id"] in by_id:
                yield v["@id"]

    for n in nodes:
        for key, value in n.items():
            if key not in ("@id", "@type"):
                for r in references(value):
                    refs[r] = refs.get(r, 0) + 1
    # the review itself is the root of its part, whatever refers to it (its annotation does)
    ids = sorted(by_id, key=len)
    root = ids[0] if ids and all(i == ids[0] or i.startswith(ids[0] + "/") for i in ids) else None
    inner = {i for i, count in refs.items() if count == 1 and i != root}
    placed: set[str] = set()

    def tree(n: dict, path: frozenset) -> dict:
        out = {}
        for key, value in n.items():
            if key in ("@id", "@type"):
                out[key] = value
                continue
            values = value if isinstance(value, list) else [value]
            done = []
            for v in values:
                target = v.get("@id") if isinstance(v, dict) and set(v) == {"@id"} else None
                if target in inner and target not in path and target not in placed:
                    placed.add(target)
                    done.append(tree(by_id[target], path | {target}))
                else:
                    done.append(v)
            out[key] = done if isinstance(value, list) else done[0]
        return out

    tops = [n for n in nodes if n.get("@id") not in inner]
    result = [tree(n, frozenset({n.get("@id")})) for n in tops]
    # nodes that refer to each other once each (an event and its evidence: oa:hasBody, sg:evidence) have
    # no top: the one with the shortest IRI (the event, whose IRI the evidence's extends) is one
    for i in sorted(inner - placed, key=lambda i: (len(i), i)):
        if i not in placed:
            placed.add(i)
            result.append(tree(by_id[i], frozenset({i})))
    result.sort(key=lambda n: n.get("@id", ""))
    if root is not None and len(result) > 1:  # one object a review: the others inside it (JSON-LD 1.1)
        top = next(n for n in result if n.get("@id") == root)
        top["@included"] = [n for n in result if n is not top]
        return [top]
    return result


def jsonld_nodes(triples: list) -> bytes:
    """The compacted JSON-LD node objects of some triples, as trees (`_embed`), one top node a line,
    sorted by id, without the enclosing array (b"" for none)."""
    if not triples:
        return b""
    nodes = [compact_node(n) for n in json.loads(rdfio.serialized(triples, ox.RdfFormat.JSON_LD))]
    nodes.sort(key=lambda n: n.get("@id", ""))
    nodes = _embed(nodes)  # sorted by id
    return ",\n".join(json.dumps(n, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                       for n in nodes).encode("utf-8")


def _turtle_like(fmt: ox.RdfFormat) -> Callable[[list], bytes]:
    def part(items: list) -> bytes:
        return body_of(rdfio.serialized(items, fmt, prefixes=rdfio.prefixes())) if items else b""
    return part


@lru_cache(maxsize=1)
def _jsonld_head() -> bytes:
    # JSON-LD 1.1 (@included): a 1.0 processor stops at the version rather than misread the file
    head = json.dumps({"@context": {"@version": 1.1, **jsonld_context()}}, indent=1, sort_keys=True,
                      ensure_ascii=False)
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
