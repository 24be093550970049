"""Loading the ontology, the SKOS vocabularies and the SHACL shapes from ontology/.

The ontology source carries no version string: `load_ontology` stamps owl:versionInfo and
owl:versionIRI from the installed distribution's version (pyproject.toml), the one place it is kept.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from kg_build import __version__, resources
from kg_build.model import iris, rdfio


def _parse(files: list[Path]) -> Graph:
    """The Turtle files in one rdflib graph, with their prefixes bound. pyoxigraph parses them (strictly,
    and 30 times faster than rdflib's parser: 0.34 s of the vocabularies was most of a one-review
    rebuild); the triples are then added to the rdflib graph the rest of the code reads."""
    parsers = [ox.parse(path=str(f), format=ox.RdfFormat.TURTLE) for f in files]
    g = rdfio.rdflib_graphs(itertools.chain.from_iterable(parsers)).get("") or Graph()
    for parser in parsers:  # read to the end: their prefixes are known
        for prefix, namespace in parser.prefixes.items():
            g.bind(prefix, namespace, override=False)
    return g


@lru_cache(maxsize=4)
def _ontology_graph(root: Path) -> Graph:
    g = _parse([resources.ontology_file()])
    onto = URIRef(iris.ONTOLOGY_IRI)
    g.add((onto, OWL.versionInfo, Literal(__version__)))
    g.add((onto, OWL.versionIRI, iris.ontology_version_iri(__version__)))
    return g


def load_ontology() -> Graph:
    """The OWL ontology, stamped with the version."""
    return _ontology_graph(resources.ontology_dir())


@lru_cache(maxsize=4)
def _vocab_graph(root: Path) -> Graph:
    return _parse(resources.vocab_files())


def load_vocabularies() -> Graph:
    """All SKOS concept schemes of ontology/vocab/, in one graph."""
    return _vocab_graph(resources.ontology_dir())


@lru_cache(maxsize=4)
def _shapes_graph(root: Path) -> Graph:
    return _parse(resources.shapes_files())


def load_shapes() -> Graph:
    """All SHACL shapes of ontology/shapes/, in one graph."""
    return _shapes_graph(resources.ontology_dir())


@dataclass(frozen=True)
class Scheme:
    """One concept scheme: its IRI, and its concepts by notation (the codes annotators type)."""

    name: str
    iri: URIRef
    concepts: dict[str, URIRef] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    #: codes of deprecated concepts (owl:deprecated true): still accepted, with what replaces them
    #: (dcterms:isReplacedBy, as an IRI; None where the vocabulary names no replacement)
    deprecated: dict[str, URIRef | None] = field(default_factory=dict)

    def lookup(self, code: str) -> URIRef | None:
        return self.concepts.get(code)

    @property
    def current(self) -> list[str]:
        """The codes an annotator should use: every code but the deprecated ones."""
        return [c for c in self.concepts if c not in self.deprecated]


@lru_cache(maxsize=4)
def _vocab_quads(root: Path) -> tuple[ox.Quad, ...]:
    """The vocabularies' triples as pyoxigraph parses them: what the code lists and support graph need
    of them, read without building the rdflib graph (0.15 s of a one-review rebuild)."""
    return tuple(q for f in resources.vocab_files() for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))


@lru_cache(maxsize=4)
def _schemes(root: Path) -> dict[str, Scheme]:
    by_subject: dict[str, dict[str, list]] = {}
    for q in _vocab_quads(root):  # schemes and concepts are named by IRI (the vocabularies have no blank nodes)
        if isinstance(q.subject, ox.NamedNode):
            by_subject.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)

    def first(props: dict, p) -> ox.NamedNode | ox.Literal | None:
        values = props.get(str(p))
        return values[0] if values else None

    out: dict[str, Scheme] = {}
    for s in sorted(s for s, props in by_subject.items()
                    if any(o.value == str(SKOS.ConceptScheme) for o in props.get(str(RDF.type), []))):
        name = s.removeprefix(iris.VOCAB)
        out[name] = Scheme(name=name, iri=URIRef(s))
    for c, props in by_subject.items():
        for in_scheme in props.get(str(SKOS.inScheme), []):
            name = in_scheme.value.removeprefix(iris.VOCAB)
            if name not in out:
                continue
            deprecated_value = first(props, OWL.deprecated)
            deprecated = deprecated_value is not None and deprecated_value.value.lower() == "true"
            replaced_by = first(props, DCTERMS.isReplacedBy)
            label = first(props, SKOS.prefLabel)
            for n in props.get(str(SKOS.notation), []):
                out[name].concepts[n.value] = URIRef(c)
                out[name].labels[n.value] = label.value if label is not None else n.value
                if deprecated:
                    out[name].deprecated[n.value] = (URIRef(replaced_by.value) if isinstance(replaced_by, ox.NamedNode)
                                                     else None)
    return out


def vocabulary_quads() -> tuple[ox.Quad, ...]:
    """The vocabularies' triples (in the default graph) as pyoxigraph parsed them."""
    return _vocab_quads(resources.ontology_dir())


def vocabulary_triples(predicates: tuple[str, ...]) -> list[tuple]:
    """The vocabularies' triples with one of these predicates, as rdflib terms (for the support graph
    of validation, without the whole rdflib graph)."""
    wanted = set(predicates)
    return [(rdfio.rdflib_term(q.subject), rdfio.rdflib_term(q.predicate), rdfio.rdflib_term(q.object))  # type: ignore[arg-type]
            for q in _vocab_quads(resources.ontology_dir()) if q.predicate.value in wanted]


def schemes() -> dict[str, Scheme]:
    """Every concept scheme by name (the file name in ontology/vocab/ without .ttl)."""
    return _schemes(resources.ontology_dir())


def scheme(name: str) -> Scheme:
    try:
        return schemes()[name]
    except KeyError:
        raise KeyError(f"no concept scheme {name!r} in {resources.ontology_dir() / 'vocab'}") from None


def clear_caches() -> None:
    """Forget what was loaded (after editing ontology/ in a running notebook)."""
    for f in (_ontology_graph, _vocab_graph, _shapes_graph, _vocab_quads, _schemes):
        f.cache_clear()
