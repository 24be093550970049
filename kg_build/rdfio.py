"""Moving RDF between rdflib graphs, canonical N-Quads text and pyoxigraph, deterministically.

The canonical form of a review's graph is its sorted N-Quads lines: the same input gives the same
bytes. Graphs with blank nodes (the ontology's axioms) are first relabelled canonically with rdflib's
to_canonical_graph so their labels do not depend on parse order.
"""
from __future__ import annotations

import json
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from . import iris, paths


def nquads_lines(graph: Graph, name: URIRef) -> list[str]:
    """The graph's triples as sorted N-Quads lines in the named graph `name`."""
    g = graph
    if any(isinstance(t, BNode) for triple in graph for t in (triple[0], triple[2])):
        g = to_canonical_graph(graph)
    nt = g.serialize(format="nt", encoding="utf-8").decode("utf-8")
    suffix = f" <{name}> ."
    return sorted(line[:-2] + suffix for line in nt.splitlines() if line.strip())


def review_quads(graph: Graph, name: URIRef) -> list[ox.Quad]:
    """A review graph's triples as pyoxigraph quads in the named graph `name`, in canonical order
    (that of their sorted N-Quads lines). Review graphs hold no blank nodes (IRIs come from ids); their
    N-Quads, serialised by pyoxigraph, are the bytes rdflib writes, in half the time."""
    g = ox.NamedNode(name)
    terms: dict = {}

    def term(t):
        n = terms.get(t)
        if n is None:
            if isinstance(t, URIRef):
                n = ox.NamedNode(t)
            elif isinstance(t, Literal):
                n = (ox.Literal(str(t), language=t.language) if t.language
                     else ox.Literal(str(t), datatype=ox.NamedNode(t.datatype)) if t.datatype
                     else ox.Literal(str(t)))
            else:
                raise ValueError(f"blank node {t} in review graph {name}: every node needs an IRI")
            terms[t] = n
        return n

    return sorted((ox.Quad(term(s), term(p), term(o), g) for s, p, o in graph), key=str)


def nquads_text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


@lru_cache(maxsize=1)
def prefixes() -> dict[str, str]:
    """Prefixes for Turtle/TriG/JSON-LD output: those of ontology/context.jsonld, less the project's
    data and concept namespaces, whose local names hold '/' (Turtle would escape every one)."""
    ctx = json.loads(paths.context_file().read_text(encoding="utf-8"))["@context"]
    return {k: v for k, v in sorted(ctx.items())
            if isinstance(v, str) and not v.startswith((iris.ID, iris.VOCAB))}
