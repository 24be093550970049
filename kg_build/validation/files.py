"""`sgkg validate`: check annotation files, or RDF files made by any tool, against the shapes.

An annotation file is loaded, mapped and validated, and results point at its lines. An RDF file
(Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) is parsed strictly by pyoxigraph and validated
graph by graph as it stands, with the ontology and vocabularies; a syntax error points at its line and
column, a SHACL result names the focus node (the parser does not keep where a node was written).

Input from elsewhere is read defensively: nothing is fetched or read beyond the files named (JSON-LD
contexts must be inline; RDF/XML may not declare a DOCTYPE or entities), a file is at most the YAML
size limit, and anything that is not a regular file (a FIFO, a device, a socket) is skipped unopened.
`validate_paths` tells which problems make an input unusable (exit 2) from those of conformance (exit 1).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg_build.annotations import reader
from kg_build.inputs import MAX_FILE_BYTES, duplicate_review_ids, find_inputs, os_problem, read_input
from kg_build.model import rdfio
from kg_build.problems import InputError, Problem
from kg_build.rdf import mapping
from kg_build.validation import shacl

RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES,
               ".nq": ox.RdfFormat.N_QUADS, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
               ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML}
YAML = {".yaml", ".yml"}
_SUFFIXES = YAML | set(RDF_FORMATS)  # what is looked for below a folder

# a DTD in RDF/XML: internal entities expand without bound (a 1 KB file hangs the parser), external
# ones name other files or URLs. No RDF/XML writer needs one. The parser also reads "<!doctype".
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# where a JSON-LD document names a context (or imports one) instead of holding it
_CONTEXT_KEY = re.compile(r'"@(?:context|import)"\s*:\s*')
# pyoxigraph's position prefix; the position itself is on the exception (lineno, offset)
_POSITION = re.compile(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ")

@dataclass
class ValidationRun:
    """What `validate_paths` found. `problems`: all of them, sorted. `files`: the files checked.
    `unusable`: those of the problems that make an input unusable (a bad path, a file that cannot be
    read, parsed or loaded, review ids used twice), for which the command exits 2 rather than 1."""

    problems: list[Problem]
    files: list[str]
    unusable: list[Problem]


def _position(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of `offset` in `text`."""
    if isinstance(text, str):
        start = text.rfind("\n", 0, offset) + 1
        return text.count("\n", 0, offset) + 1, len(text[start:offset]) + 1
    start = text.rfind(b"\n", 0, offset) + 1
    return text.count(b"\n", 0, offset) + 1, len(text[start:offset].decode("utf-8", "replace")) + 1


def _context_reference(data: bytes) -> tuple[int, int, str]:
    """Where the JSON-LD document first names a context rather than holding it (line, column, the
    name), or (0, 0, "") when it cannot be told (the parser refused it all the same)."""
    text = data.decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    for m in _CONTEXT_KEY.finditer(text):
        try:
            value, _ = decoder.raw_decode(text, m.end())
        except ValueError:
            continue
        names = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
            if isinstance(value, list) else []
        if names:
            return (*_position(text, m.start()), names[0])
    return 0, 0, ""


def _syntax_problem(file: str, fmt: ox.RdfFormat, data: bytes, exc: SyntaxError) -> Problem:
    msg = exc.msg or str(exc)
    if fmt == ox.RdfFormat.JSON_LD and "remote context" in msg:  # no document loader is set: none is ever loaded
        line, column, name = _context_reference(data)
        named = f"the context {name!r} was neither fetched nor read; " if name else ""
        return Problem(file, line, column, "remote JSON-LD contexts are not loaded: inline the context",
                       f"{named}put the context object itself under @context", rule="jsonld-remote-context")
    reason = " ".join(_POSITION.sub("", msg).split())
    line = exc.lineno or 0
    return Problem(file, line, (exc.offset or 0) if line else 0, f"cannot parse as {fmt.name}: {reason}",
                   "fix the file at this point; nothing in it was validated", rule="rdf-syntax")


def validate_rdf_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> list[Problem]:
    """The SHACL problems of an RDF file, each graph validated on its own; InputError when the file
    cannot be used (unknown type, not a regular file, too large, a DTD, a remote context, bad syntax)."""
    file = str(path)
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError([Problem(file, 0, 0, f"unknown file type {path.suffix!r}",
                                  "use .yaml for annotations or .ttl .trig .nt .nq .jsonld for RDF", rule="path")])
    data = read_input(path, file, max_bytes)
    if fmt == ox.RdfFormat.RDF_XML and (m := _DTD.search(data)):
        raise InputError([Problem(file, *_position(data, m.start()), "RDF/XML with a DOCTYPE or ENTITY declaration "
                                  "is not read", "entities can expand without bound or name other files: remove "
                                  "the DOCTYPE and write the values out", rule="rdf-xml-dtd")])
    try:
        graphs = rdfio.rdflib_graphs(ox.parse(data, fmt))
    except SyntaxError as exc:
        raise InputError([_syntax_problem(file, fmt, data, exc)]) from None
    except MemoryError as exc:  # pyoxigraph's bound on one token
        raise InputError([Problem(file, 0, 0, f"cannot parse as {fmt.name}: {exc}",
                                  "a single term of the file is too large", rule="rdf-syntax")]) from None
    except ValueError as exc:  # RDF 1.2 terms, which the SHACL engine cannot take
        raise InputError([Problem(file, 0, 0, str(exc), "write the data in RDF 1.1", rule="rdf-unsupported")]) from None
    if not graphs:
        return [Problem(file, 0, 0, "the file holds no RDF statements: nothing was validated",
                        "a JSON-LD node with a relative @id, or without any @id, gives none", severity="warning",
                        rule="rdf-empty")]
    problems = []
    for g in graphs.values():
        report = shacl.validate_graph(g)
        problems += [r.to_problem(file) for r in report.results]
    return problems


def validate_yaml_file(path: Path) -> list[Problem]:
    return _validate_yaml(path)[0]


def _validate_yaml(path: Path) -> tuple[list[Problem], str]:
    """The problems of an annotation file, and its review id (a Scalar: it knows its line)."""
    rf = reader.load_review(path)
    mapped = mapping.map_review(rf)
    return shacl.shape_problems(mapped, shacl.validate_graph(mapped.graph)) + rf.warnings, rf.tree["review"]["id"]


def validate_paths(paths: Iterable[Path], max_bytes: int = MAX_FILE_BYTES) -> ValidationRun:
    """Validate every file named or found below the folders named, and report every problem of
    them all together: paths that cannot be used, files that cannot be loaded or parsed, review ids
    used twice, shape violations and warnings. See ValidationRun for which are `unusable`."""
    paths = [Path(p) for p in paths]
    files, problems = find_inputs(paths, _SUFFIXES)
    unusable = [p for p in problems if p.severity == "error"]
    if not files and not unusable:
        unusable.append(Problem(" ".join(map(str, paths)), 0, 0, "no files to validate",
                                "name annotation files (.yaml) or RDF files (.ttl .trig .nt .nq .jsonld), or "
                                "folders holding them", rule="path"))
        problems += unusable
    ids: list[tuple[str, str]] = []
    for f in files:
        try:
            if f.suffix.lower() in YAML:
                found, review_id = _validate_yaml(f)
                problems += found
                ids.append((str(f), review_id))
            else:
                problems += validate_rdf_file(f, max_bytes)
        except InputError as exc:
            problems += exc.problems
            unusable += exc.problems
        except OSError as exc:  # unreadable, or a link loop met on opening
            problems.append(os_problem(f, exc))
            unusable.append(problems[-1])
    duplicates = duplicate_review_ids(ids)
    problems += duplicates
    unusable += duplicates
    return ValidationRun(sorted(problems), [str(f) for f in files], sorted(unusable))
