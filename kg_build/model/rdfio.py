"""Moving RDF between rdflib graphs, canonical N-Quads text and pyoxigraph, deterministically.

The canonical form of a review's graph is its sorted N-Quads lines: the same input gives the same
bytes. Graphs with blank nodes (the ontology's axioms) are first relabelled canonically with rdflib's
to_canonical_graph so their labels do not depend on parse order.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from kg_build import resources
from kg_build.model import iris


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


def serialized(items: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat,
               prefixes: dict[str, str] | None = None) -> bytes:
    """The document pyoxigraph writes of some triples or quads. Given no output, ox.serialize returns
    the bytes; its stub has no overload for that and types the result bytes | None."""
    data = ox.serialize(items, format=fmt, prefixes=prefixes)
    assert data is not None, "ox.serialize returns the document when it is given no output"
    return data


@lru_cache(maxsize=1)
def prefixes() -> dict[str, str]:
    """Prefixes for Turtle/TriG/JSON-LD output: those of ontology/context.jsonld, less the project's
    data and concept namespaces, whose local names hold '/' (Turtle would escape every one)."""
    ctx = json.loads(resources.context_file().read_text(encoding="utf-8"))["@context"]
    return {k: v for k, v in sorted(ctx.items())
            if isinstance(v, str) and not v.startswith((iris.ID, iris.VOCAB))}


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal):
    """A pyoxigraph term as the rdflib term a parser of rdflib would give: a simple literal
    (xsd:string) has no datatype and a language-tagged one only its tag. RDF 1.2 triple terms and
    base directions have no rdflib form: ValueError."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if getattr(term, "direction", None):
            raise ValueError(f"the literal {term} has a base direction (RDF 1.2), which cannot be validated")
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise ValueError(f"the triple term {term} (RDF 1.2) cannot be validated")


def rdflib_graphs(quads: Iterable[ox.Quad]) -> dict[str, Graph]:
    """Quads (from pyoxigraph.parse) as one rdflib Graph for each graph name, keyed by the name's
    text ("" for the default graph), in the order the graphs first appear. Terms are converted once."""
    graphs: dict[str, Graph] = {}
    terms: dict = {}

    def conv(t):
        r = terms.get(t)
        if r is None:
            r = terms[t] = rdflib_term(t)
        return r

    for q in quads:
        name = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        g = graphs.get(name)
        if g is None:
            g = graphs[name] = Graph()
        g.add((conv(q.subject), conv(q.predicate), conv(q.object)))
    return graphs
