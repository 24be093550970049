"""SHACL validation of RDF against the project's shapes, with the ontology and vocabularies.

pyshacl is the reference validator; pyshacl-turbo (a Rust engine with pySHACL's API, about ten times
faster here) serves the build, because a test shows it reports the same results as pyshacl on every
case of the shape test suite (tests/test_shape_cases.py). Choose with `engine=`. The shapes graph is
parsed once and reused. The data graph is validated as a read-only union with the ontology and the
vocabularies, so class targets see rdfs:subClassOf and the concept-scheme shapes see skos:inScheme.
(pyshacl's own ont_graph mixing copies only RDFS/OWL axioms, not SKOS concepts, and copies them again
for every graph.)
"""
from __future__ import annotations

from dataclasses import astuple, dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, RDFS, SH, SKOS

from kg_build.model import ontology
from kg_build.problems import Problem
from kg_build.validation import DEFAULT_ENGINE, ENGINES

VIOLATION = "Violation"
WARNING = "Warning"
INFO = "Info"


@dataclass(frozen=True)
class ShapeResult:
    """One SHACL validation result, reduced to what a researcher and a test need. Not ordered by
    comparison (path, shape and value may be None): `results_from_report` sorts with `_sort_key`."""

    severity: str  # Violation | Warning | Info
    focus: str
    path: str | None
    component: str  # local name, e.g. MinCountConstraintComponent
    shape: str | None  # IRI of the named source shape, None for an anonymous one
    message: str
    value: str | None = None

    def to_problem(self, file: str, line: int = 0, column: int = 0) -> Problem:
        """This result as a Problem of `file` (line and column where the node came from a YAML file)."""
        path = f" [{self.path.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}]" if self.path else ""
        value = f", value {self.value}" if self.value and self.value != self.focus else ""
        return Problem(file, line, column, f"{self.message}{path}", hint=f"focus {self.focus}{value}",
                       severity="error" if self.severity == VIOLATION else "warning",
                       rule=self.shape or self.component)

    @property
    def key(self) -> tuple:
        """What the shape tests compare: focus node, path, component, severity."""
        return (self.focus, self.path, self.component, self.severity)


@dataclass(frozen=True)
class ShapeReport:
    results: tuple[ShapeResult, ...]

    @property
    def violations(self) -> tuple[ShapeResult, ...]:
        return tuple(r for r in self.results if r.severity == VIOLATION)

    @property
    def warnings(self) -> tuple[ShapeResult, ...]:
        return tuple(r for r in self.results if r.severity != VIOLATION)

    def conforms(self, strict: bool = False) -> bool:
        return not (self.results if strict else self.violations)


def _term(t) -> str | None:
    if t is None:
        return None
    if isinstance(t, BNode):
        return None
    return str(t)


def _local(iri) -> str:
    s = str(iri)
    return s.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _shape_name(report: Graph, shape) -> str | None:
    """A named shape's IRI; for an anonymous nested one, the named shape that holds it."""
    seen = set()
    while isinstance(shape, BNode) and shape not in seen:
        seen.add(shape)
        parent = next(report.subjects(SH.property, shape), None)
        shape = parent
    return _term(shape)


def results_from_report(report: Graph) -> tuple[ShapeResult, ...]:
    out = []
    # only the report's own results: nested sh:detail results explain them and are not repeated
    tops = [r for rep in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(rep, SH.result)]
    for r in tops:
        msg = report.value(r, SH.resultMessage)
        value = report.value(r, SH.value)
        out.append(
            ShapeResult(
                severity=_local(report.value(r, SH.resultSeverity)),
                focus=str(report.value(r, SH.focusNode)),
                path=_term(report.value(r, SH.resultPath)),
                component=_local(report.value(r, SH.sourceConstraintComponent)),
                shape=_shape_name(report, report.value(r, SH.sourceShape)),
                message=str(msg) if msg is not None else "",
                value=str(value) if isinstance(value, (URIRef, Literal)) else None,
            )
        )
    return tuple(sorted(out, key=_sort_key))


def _sort_key(r: ShapeResult) -> tuple:
    """Results in a stable order; path, shape and value may be None (an anonymous shape, a node
    constraint), which does not compare with a string, so None sorts as the empty string."""
    return tuple("" if v is None else v for v in astuple(r))


_SUPPORT: dict[tuple[int, int], Graph] = {}


SUPPORT_PREDICATES = (RDFS.subClassOf, SKOS.inScheme, SKOS.broader)


def support_graph() -> Graph:
    """What of the ontology and the vocabularies the shapes read, validated with every data graph:
    the class hierarchy (class targets and sh:class follow rdfs:subClassOf) and each concept's
    scheme (the concept-scheme shapes check skos:inScheme). Labels and definitions are left out:
    no shape reads them, and every triple here is scanned again for each review (built once)."""
    onto = ontology.load_ontology()
    key = id(onto), id(ontology.schemes())  # both cached until ontology.clear_caches()
    if key not in _SUPPORT:
        _SUPPORT.clear()
        g = Graph()
        for p in SUPPORT_PREDICATES:
            for t in onto.triples((None, p, None)):
                g.add(t)
        # the vocabularies' triples as pyoxigraph parses them: no rdflib graph of them is needed here
        g.addN((*t, g) for t in ontology.vocabulary_triples(tuple(str(p) for p in SUPPORT_PREDICATES)))
        _SUPPORT[key] = g
    return _SUPPORT[key]



_COMPILED: dict[int, object] = {}


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}: one of {', '.join(ENGINES)}")


def _compiled(shapes: Graph):
    import pyshacl_turbo

    key = id(shapes)
    if key not in _COMPILED:
        _COMPILED.clear()
        _COMPILED[key] = pyshacl_turbo.compile_shapes(shapes)
    return _COMPILED[key]


def validate_graph(data: Graph, shapes: Graph | None = None, support: Graph | None = None,
                   engine: str = DEFAULT_ENGINE) -> ShapeReport:
    """Validate one data graph (a review's named graph, or RDF from another tool)."""
    check_engine(engine)
    union = ReadOnlyGraphAggregate([data, support if support is not None else support_graph()])
    shapes = shapes if shapes is not None else ontology.load_shapes()
    if engine == "turbo":
        _, report, _ = _compiled(shapes).validate(union, inference="none", allow_warnings=False)
        return ShapeReport(results_from_report(report))
    import pyshacl  # the reference engine; its import (0.2 s) is left out of every other run

    _, report, _ = pyshacl.validate(
        union,
        shacl_graph=shapes,
        inference="none",
        inplace=True,
        allow_warnings=False,
    )
    return ShapeReport(results_from_report(report))


def _origin_of(focus: str, origins: dict) -> tuple[int, int]:
    """The YAML position of the node, or of the nearest node it belongs to (evidence, time ...)."""
    node = focus
    while node:
        pos = origins.get(node)
        if pos is not None:
            return pos.line, pos.column
        if "/" not in node:
            break
        node = node.rsplit("/", 1)[0]
    return 0, 0


def shape_problems(mapped, report: ShapeReport) -> list[Problem]:
    """The results of a mapped review's report as problems of its file, at the YAML lines its nodes came
    from (`mapped` is a kg_build.rdf.mapping.MappedReview)."""
    return [r.to_problem(mapped.file, *_origin_of(r.focus, mapped.origins)) for r in report.results]
