"""Loading the ontology, the SKOS vocabularies and the SHACL shapes from ontology/.

The ontology source carries no version string: `load_ontology` stamps owl:versionInfo and
owl:versionIRI from the installed distribution's version (pyproject.toml), the one place it is kept.
"""
from __future__ import annotations

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
    g = Graph()
    terms: dict = {}

    def term(t):
        n = terms.get(t)
        if n is None:
            n = terms[t] = rdfio.rdflib_term(t)
        return n

    for f in files:
        parser = ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
        g.addN((term(q.subject), term(q.predicate), term(q.object), g) for q in parser)
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
def _schemes(root: Path) -> dict[str, Scheme]:
    g = load_vocabularies()
    out: dict[str, Scheme] = {}
    # schemes and concepts are named by IRI (the vocabularies have no blank nodes)
    for s in sorted(s for s in g.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)):
        name = str(s).removeprefix(iris.VOCAB)
        out[name] = Scheme(name=name, iri=s)
    for c, in_scheme in g.subject_objects(SKOS.inScheme):
        name = str(in_scheme).removeprefix(iris.VOCAB)
        if name not in out or not isinstance(c, URIRef):
            continue
        deprecated = str(g.value(c, OWL.deprecated) or "").lower() == "true"
        replaced_by = g.value(c, DCTERMS.isReplacedBy)
        for n in g.objects(c, SKOS.notation):
            out[name].concepts[str(n)] = c
            label = g.value(c, SKOS.prefLabel)
            out[name].labels[str(n)] = str(label) if label is not None else str(n)
            if deprecated:
                out[name].deprecated[str(n)] = replaced_by if isinstance(replaced_by, URIRef) else None
    return out


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
    for f in (_ontology_graph, _vocab_graph, _shapes_graph, _schemes):
        f.cache_clear()
