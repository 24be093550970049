"""`sgkg validate`: check annotation files, or RDF files made by any tool, against the shapes.

An annotation file is loaded, mapped and validated, and results point at its lines. An RDF file
(Turtle, TriG, N-Triples, N-Quads, JSON-LD) is validated graph by graph as it stands, with the
ontology and vocabularies; its results name the focus node (RDF parsers give no line numbers).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from rdflib import Dataset, Graph

from . import annotation, mapping, validation
from .build import shape_problems
from .problems import InputError, Problem

RDF_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads", ".jsonld": "json-ld",
               ".json": "json-ld", ".rdf": "xml", ".owl": "xml"}
YAML = {".yaml", ".yml"}


def _files(paths: Iterable[Path]) -> list[Path]:
    out: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            out.update(q for q in p.rglob("*") if q.is_file() and (q.suffix in YAML or q.suffix in RDF_FORMATS))
        elif p.exists():
            out.add(p)
        else:
            raise InputError([Problem(str(p), 0, 0, "no such file or folder", "check the path", rule="path")])
    return sorted(out)


def validate_rdf_file(path: Path) -> list[Problem]:
    fmt = RDF_FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError([Problem(str(path), 0, 0, f"unknown file type {path.suffix!r}",
                                  "use .yaml for annotations or .ttl .trig .nt .nq .jsonld for RDF", rule="path")])
    ds = Dataset()
    try:
        ds.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many parser-specific types
        raise InputError([Problem(str(path), 0, 0, f"cannot parse as {fmt}: {exc}".splitlines()[0],
                                  "check the syntax with a validator for that format", rule="rdf-syntax")]) from None
    graphs = [g for g in ds.graphs() if len(g)]
    problems = []
    for g in graphs:
        data = Graph()
        for t in g:
            data.add(t)
        report = validation.validate_graph(data)
        problems += [r.to_problem(str(path)) for r in report.results]
    return problems


def validate_yaml_file(path: Path) -> list[Problem]:
    rf = annotation.load_review(path)
    mapped = mapping.map_review(rf)
    return shape_problems(mapped, validation.validate_graph(mapped.graph)) + rf.warnings


def validate_paths(paths: Iterable[Path]) -> tuple[list[Problem], list[str]]:
    """Validate every file; loader problems are reported like shape violations, all of them."""
    files = _files(paths)
    if not files:
        raise InputError([Problem(" ".join(map(str, paths)), 0, 0, "no files to validate", rule="path")])
    problems: list[Problem] = []
    for f in files:
        try:
            problems += validate_yaml_file(f) if f.suffix in YAML else validate_rdf_file(f)
        except InputError as exc:
            problems += exc.problems
    return sorted(problems), [str(f) for f in files]
