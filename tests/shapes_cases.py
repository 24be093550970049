"""Reading the SHACL test cases of tests/shapes/ (W3C SHACL test-suite style).

Each case is one Turtle file: the data, and a manifest entry `<#test> a sht:Validate` whose mf:result
is the expected validation report. The data graph is the file less the manifest's own triples.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF, SH

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
CASES_DIR = Path(__file__).parent / "shapes"


@dataclass(frozen=True)
class ShapeCase:
    path: Path
    label: str
    data: Graph
    conforms: bool
    expected: frozenset  # of (focus, path, component local name, severity local name, shape)


def _local(iri) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _reachable(g: Graph, roots) -> set:
    triples, todo, seen = set(), list(roots), set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in g.triples((node, None, None)):
            triples.add(t)
            # sh:focusNode and sh:value point into the data (a blank focus node is data, not manifest)
            if isinstance(t[2], BNode) and t[1] not in (SH.focusNode, SH.value):
                todo.append(t[2])
        # rdf lists of mf:entries hang off blank nodes too
    return triples


def load_case(path: Path) -> ShapeCase:
    g = Graph()
    g.parse(path, format="turtle", publicID=path.as_uri())
    manifest = URIRef(path.as_uri())
    test = URIRef(path.as_uri() + "#test")
    if (test, RDF.type, SHT.Validate) not in g:
        raise ValueError(f"{path}: no `<#test> a sht:Validate` manifest entry")
    meta = _reachable(g, [manifest, test])
    data = Graph()
    for t in g:
        if t not in meta:
            data.add(t)
    result = g.value(test, MF.result)
    conforms = g.value(result, SH.conforms)
    expected = set()
    for r in g.objects(result, SH.result):
        expected.add(
            (
                str(g.value(r, SH.focusNode)),
                str(g.value(r, SH.resultPath)) if g.value(r, SH.resultPath) is not None else None,
                _local(g.value(r, SH.sourceConstraintComponent)),
                _local(g.value(r, SH.resultSeverity)),
                str(g.value(r, SH.sourceShape)) if g.value(r, SH.sourceShape) is not None else None,
            )
        )
    return ShapeCase(path, str(g.value(test, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))),
                     data, bool(conforms.toPython()), frozenset(expected))


def all_cases() -> list[Path]:
    return sorted(CASES_DIR.glob("*/*.ttl"))
