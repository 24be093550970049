"""Stored SPARQL queries: the catalogue under queries/, parameters bound as RDF terms, and running
them on the embedded store, on any SPARQL 1.1 endpoint, or on rdflib's engine (for cross-checks).

A query file opens with `#+` header lines holding YAML (grlc style):

    #+ summary: Missed opportunities of one agency type
    #+ cq: CQ10
    #+ description: ...
    #+ params:
    #+   - {name: agencyType, type: "concept:agency-type", default: gp-practice, description: ...}
    #+ tags: [missed-opportunities]
    #+ row: one missed opportunity

Parameter values are parsed into RDF terms by their declared type and bound to the query variable of
the same name: on the embedded store by SPARQL substitution (pyoxigraph `substitutions`), on rdflib
by `initBindings`, and for a remote endpoint as a VALUES block of terms serialised in N-Triples
syntax by pyoxigraph. A value is never pasted into the query text as written.

Queries are read-only and stay on this graph: updates and SERVICE (which makes a store send HTTP
requests to any address the query names) are refused before anything runs. `run_local_with_deadline`,
which `sgkg query` uses, stops a query on the embedded store at a deadline.
"""
from __future__ import annotations

import csv
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from kg_build import resources
from kg_build.model import iris, ontology
from kg_build.problems import SgkgError
from kg_build.processes import die_with_parent
from kg_build.queries import guard

__all__ = [
    "PARAM_TYPES", "INTEGER", "DECIMAL", "BOOLEAN", "XSD_DATE", "IRI_CHARS", "DATE",
    "DEFAULT_TIMEOUT", "PREFIXES", "IRI_SCHEMES", "QueryError", "Param", "StoredQuery",
    "parse_header", "load_query", "catalogue", "get", "adhoc", "from_text", "unordered", "parse_param",
    "expand_iri", "bind", "Result", "GraphResult", "BooleanResult", "Answer", "check_query", "run_local",
    "select_local", "run_local_with_deadline", "labels_query", "labels_from",
    "values_block", "with_values", "run_endpoint", "run_rdflib", "parse_param_args", "short_form", "text_table",
]

PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")  # and "concept:<scheme>"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
IRI_CHARS = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|\\^`]*$')
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DEFAULT_TIMEOUT = 60.0  # seconds, for `sgkg query`

#: the short forms of IRIs that the table output prints, and that iri parameters accept; the most
#: specific namespace first, since `review:` lies inside `id:`
PREFIXES = (("review", iris.ID + "review/"), ("id", iris.ID), ("vocab", iris.VOCAB), ("sg", iris.ONTOLOGY))
#: the IRI schemes an iri parameter may use besides those prefixes; the graph holds only http(s) IRIs,
#: and anything else that looks like `name:value` is most likely a prefixed name that would match nothing
IRI_SCHEMES = ("http", "https", "urn", "tag", "mailto", "file", "ftp")


class QueryError(SgkgError):
    """A stored query or a parameter that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class StoredQuery:
    name: str  # topic/verb-noun
    path: Path
    text: str
    summary: str
    description: str
    cq: tuple[str, ...]
    params: tuple[Param, ...]
    tags: tuple[str, ...]
    row: str
    severity: str | None = None  # QC queries: error | warning
    ordered: bool = False

    @property
    def is_qc(self) -> bool:
        return self.name.startswith("qc/")


# -- catalogue ---------------------------------------------------------------------------------

def parse_header(path: Path, text: str) -> dict:
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        raise QueryError(f"{path}: no `#+` header (summary, description, cq, params, tags, row)")
    try:
        meta = yaml.safe_load("\n".join(line[1:] if line.startswith(" ") else line for line in lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryError(f"{path}: the `#+` header is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise QueryError(f"{path}: the `#+` header must be `key: value` lines")
    return meta


def load_query(path: Path, root: Path) -> StoredQuery:
    text = path.read_text(encoding="utf-8")
    meta = parse_header(path, text)
    for key in ("summary", "description", "row"):
        if not str(meta.get(key) or "").strip():
            raise QueryError(f"{path}: the header lacks `{key}`")
    params = []
    for p in meta.get("params") or []:
        if not isinstance(p, dict) or "name" not in p or "type" not in p:
            raise QueryError(f"{path}: each param needs name and type")
        t = str(p["type"])
        if t not in PARAM_TYPES and not t.startswith("concept:"):
            raise QueryError(f"{path}: param {p['name']}: unknown type {t!r} (one of {', '.join(PARAM_TYPES)}, "
                             "concept:<scheme>)")
        params.append(Param(str(p["name"]), t, None if p.get("default") is None else str(p["default"]),
                            str(p.get("description") or ""), bool(p.get("required", False))))
    select = re.search(r"\bSELECT\b(.*?)\bWHERE\b", text, re.S | re.I)
    for p in params:
        if select is None or not re.search(r"\?" + re.escape(p.name) + r"\b", select.group(1)):
            raise QueryError(f"{path}: parameter ?{p.name} must be in the SELECT clause (it is bound by "
                             "SPARQL substitution, which binds projected variables)")
    cq = meta.get("cq") or []
    name = path.relative_to(root).with_suffix("").as_posix()
    return StoredQuery(
        name=name, path=path, text=text, summary=str(meta["summary"]).strip(),
        description=" ".join(str(meta["description"]).split()), cq=tuple([cq] if isinstance(cq, str) else cq),
        params=tuple(params), tags=tuple(meta.get("tags") or ()), row=str(meta["row"]).strip(),
        severity=meta.get("severity"), ordered=bool(re.search(r"\bORDER\s+BY\b", text, re.I)),
    )


def catalogue(root: Path | None = None) -> dict[str, StoredQuery]:
    """Every stored query under queries/, by name (`topic/verb-noun`)."""
    root = root or resources.queries_dir()
    return {q.name: q for q in (load_query(p, root) for p in sorted(root.rglob("*.rq")))}


def get(name: str, root: Path | None = None) -> StoredQuery:
    cat = catalogue(root)
    if name in cat:
        return cat[name]
    matches = [q for n, q in cat.items() if n.split("/", 1)[-1] == name]
    if len(matches) == 1:
        return matches[0]
    import difflib

    close = difflib.get_close_matches(name, list(cat) + [n.split("/", 1)[-1] for n in cat], n=3)
    raise QueryError(f"no stored query {name!r}" + (f"; did you mean {', '.join(close)}?" if close else
                                                     "; `sgkg query list` shows them"))


def adhoc(path: Path) -> StoredQuery:
    """A query file given on the command line; a `#+` header is optional."""
    text = path.read_text(encoding="utf-8")
    try:
        return load_query(path, path.parent)
    except QueryError:
        return StoredQuery(path.stem, path, text, path.stem, "", (), (), (), "", None,
                           bool(re.search(r"\bORDER\s+BY\b", text, re.I)))


_FINAL_ORDER = re.compile(r"\}(\s*)ORDER\s+BY\b[^{}]*$", re.I)


def unordered(q: StoredQuery) -> StoredQuery:
    """The query without its final ORDER BY clause: the same rows, in the engine's order, for a reader
    that groups them itself (sorting tens of thousands of rows takes pyoxigraph seconds). A query whose
    final clauses hold LIMIT or OFFSET is returned unchanged, as its rows depend on the order."""
    tail = _FINAL_ORDER.search(q.text)
    if tail is None or re.search(r"\b(LIMIT|OFFSET)\b", tail.group(0), re.I):
        return q
    return replace(q, text=q.text[:tail.start()] + "}\n", ordered=False)


def from_text(text: str, name: str = "query") -> StoredQuery:
    """An ad-hoc SPARQL query given as a string (a notebook's); a `#+` header is optional."""
    path = Path(f"<{name}>")
    try:
        meta = parse_header(path, text)
    except QueryError:
        meta = {}
    return StoredQuery(name, path, text, str(meta.get("summary") or name), "", (), (), (), "", None,
                       bool(re.search(r"\bORDER\s+BY\b", text, re.I)))


# -- parameters --------------------------------------------------------------------------------

def parse_param(p: Param, value: str) -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term of the declared type; QueryError if it is not one."""
    t = p.type
    if t.startswith("concept:"):
        scheme = t.split(":", 1)[1]
        sch = ontology.scheme(scheme)
        if value in sch.concepts:
            return ox.NamedNode(str(sch.concepts[value]))
        if value in {str(c) for c in sch.concepts.values()}:
            return ox.NamedNode(value)
        import difflib

        close = difflib.get_close_matches(value, list(sch.concepts), n=3)
        raise QueryError(f"parameter {p.name}: {value!r} is not a code of the {scheme} vocabulary"
                         + (f" (closest: {', '.join(close)})" if close else ""))
    if t == "iri":
        return ox.NamedNode(expand_iri(p.name, value))
    if t == "string":
        return ox.Literal(value)
    if t == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise QueryError(f"parameter {p.name}: {value!r} is not a whole number")
        return ox.Literal(value, datatype=ox.NamedNode(INTEGER))
    if t == "decimal":
        if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", value):
            raise QueryError(f"parameter {p.name}: {value!r} is not a number")
        return ox.Literal(value, datatype=ox.NamedNode(DECIMAL))
    if t == "boolean":
        if value not in ("true", "false"):
            raise QueryError(f"parameter {p.name}: {value!r} is not true or false")
        return ox.Literal(value, datatype=ox.NamedNode(BOOLEAN))
    if t == "date":
        # xsd:date's lexical form only: date.fromisoformat also takes 20200101 and 2020-W01-1
        try:
            if not DATE.fullmatch(value):
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            raise QueryError(f"parameter {p.name}: {value!r} is not a date (YYYY-MM-DD)") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD_DATE))
    raise QueryError(f"parameter {p.name}: unknown type {t!r}")


def expand_iri(name: str, value: str) -> str:
    """An iri parameter's value as an absolute IRI: a short form the table prints (`review:x`, `id:`,
    `vocab:`, `sg:`) is expanded; other values must be IRIs of a known scheme (http, https, urn, ...)."""
    scheme, sep, rest = value.partition(":")
    for prefix, ns in PREFIXES:
        if sep and scheme == prefix:
            value = ns + rest
            break
    else:
        if not IRI_CHARS.match(value):
            hint = f" (for a review, write review:{value})" if iris.LOCAL_ID.fullmatch(value) else ""
            raise QueryError(f"parameter {name}: {value!r} is not an absolute IRI (no spaces, quotes or "
                             f"braces){hint}")
        if scheme.lower() not in IRI_SCHEMES:
            raise QueryError(f"parameter {name}: {value!r} is not an IRI that sgkg knows: write the full IRI "
                             f"(https://...), or one of the short forms the table prints "
                             f"({', '.join(p + ':' for p, _ in PREFIXES)})")
    if not IRI_CHARS.match(value):
        raise QueryError(f"parameter {name}: {value!r} is not an absolute IRI (no spaces, quotes or braces)")
    return value


def bind(q: StoredQuery, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Terms for the query's parameters: given values, else defaults; unknown names are refused."""
    known = {p.name: p for p in q.params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise QueryError(f"{q.name} takes no parameter {', '.join(unknown)}"
                         + (f" (it takes {', '.join(known)})" if known else " (it takes none)"))
    out = {}
    for p in q.params:
        raw = values.get(p.name, p.default)
        if raw is None:
            if p.required:
                raise QueryError(f"{q.name} needs --param {p.name}=… ({p.type}): {p.description}")
            continue
        out[p.name] = parse_param(p, str(raw))
    return out


# -- results -----------------------------------------------------------------------------------

#: a function that gives the labels (skos:prefLabel, else rdfs:label) of IRIs, where the graph has them
LabelSource = Callable[[list[str]], dict[str, str]]

LABELS_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?pref ?label WHERE {
  VALUES ?s { %s }
  { { ?s skos:prefLabel ?pref } UNION { GRAPH ?g { ?s skos:prefLabel ?pref } }
    FILTER (lang(?pref) = "" || langMatches(lang(?pref), "en")) }
  UNION
  { { ?s rdfs:label ?label } UNION { GRAPH ?g { ?s rdfs:label ?label } }
    FILTER (lang(?label) = "" || langMatches(lang(?label), "en")) }
}"""


def labels_query(iris: list[str]) -> str:
    """The query for the labels of these IRIs (written by pyoxigraph, so escaped)."""
    return LABELS_QUERY % " ".join(str(ox.NamedNode(i)) for i in iris)


def _labels_via(run: Callable[[StoredQuery], Result], chunk: int = 500) -> LabelSource:
    """A label source that asks `run` (the store or endpoint that answered) for labels, `chunk` IRIs
    at a time."""
    def look(iris: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(iris), chunk):
            out.update(labels_from(run(from_text(labels_query(iris[i:i + chunk]), "labels"))))
        return out
    return look


def _open_store(store_dir: Path) -> ox.Store:
    from kg_build.store import open_store

    return open_store(Path(store_dir))


def labels_from(result: Result) -> dict[str, str]:
    """The answer of `labels_query` as {IRI: label}, a skos:prefLabel before an rdfs:label."""
    out: dict[str, str] = {}
    for s, pref, label in result.rows:
        if pref is not None:
            out[s.value] = pref.value
        elif label is not None:
            out.setdefault(s.value, label.value)
    return out


@dataclass
class Result:
    """SELECT results: variable names and rows of RDF terms (None where unbound).

    `values()` gives the rows as plain strings; `records()` and `to_dataframe()` give typed values
    (kg_build/queries/values.py: numbers, booleans, dates, partial dates, IRIs with their labels)."""

    variables: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    ordered: bool = False
    #: where the labels of the result's IRIs are looked up (the store or endpoint that answered)
    label_source: LabelSource | None = field(default=None, repr=False, compare=False)
    _labels: dict[str, str] | None = field(default=None, repr=False, compare=False)

    def values(self) -> list[list[str | None]]:
        """Rows as plain strings: IRIs and literal values, None where unbound."""
        return [[_plain(v) for v in row] for row in self.rows]

    def labels(self) -> dict[str, str]:
        """The labels of the IRIs in the result (looked up once, where the result came from)."""
        if self._labels is None:
            found = sorted({t.value for row in self.rows for t in row if isinstance(t, ox.NamedNode)})
            self._labels = self.label_source(found) if (self.label_source is not None and found) else {}
        return self._labels

    def records(self, labels: bool = True, typed: bool = True) -> list[dict[str, Any]]:
        """One dict a row, of typed values: int, Decimal, float, bool, date, PartialDate, IRI (a str with
        its `.label` where `labels`), str; None where unbound. `typed=False`: the values as text."""
        from kg_build.queries.values import python_value

        if not typed:
            return [dict(zip(self.variables, row)) for row in self.values()]
        known = self.labels() if labels else {}
        return [{v: python_value(t, known) for v, t in zip(self.variables, row)} for row in self.rows]

    def to_dataframe(self, labels: bool = True):
        """A pandas DataFrame with typed columns (Int64, Float64, boolean, datetime64, periods for months
        or years, string for IRIs), and beside each column of IRIs with labels a `<column>_label` column.
        pandas is optional: `pip install 'sgkg[notebook]'`."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise QueryError("pandas is not installed: pip install 'sgkg[notebook]', or use .records()") from None
        from kg_build.queries.values import IRI, dataframe_column

        records = self.records(labels)
        columns: dict[str, Any] = {}
        for v in self.variables:
            column = [r[v] for r in records]
            columns[v] = dataframe_column(column)
            if labels and any(isinstance(x, IRI) and x.label for x in column):
                columns[f"{v}_label"] = pd.Series([x.label if isinstance(x, IRI) else None for x in column],
                                                  dtype="string")
        return pd.DataFrame(columns, columns=list(columns))

    def write(self, fmt: str, out) -> None:
        if fmt in ("ttl", "nt"):
            raise QueryError(f"a SELECT query answers with a table: --format {fmt} is for CONSTRUCT and DESCRIBE",
                             hint="use --format table, csv, tsv or json", rule="usage")
        if fmt == "json":
            json.dump({"head": {"vars": self.variables},
                       "results": {"bindings": [
                           {v: _json_term(t) for v, t in zip(self.variables, row) if t is not None}
                           for row in self.rows]}}, out, indent=2, ensure_ascii=False)
            out.write("\n")
        elif fmt in ("csv", "tsv"):
            w = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
            w.writerow(self.variables)
            w.writerows([["" if v is None else v for v in row] for row in self.values()])
        else:
            table = [[short_form(v) for v in row] for row in self.rows]
            out.write(text_table(self.variables, table, rule=True))
            out.write(f"({len(table)} row{'s' if len(table) != 1 else ''})\n")


@dataclass
class GraphResult:
    """CONSTRUCT or DESCRIBE results: the triples of the graph the query built."""

    triples: list[Any] = field(default_factory=list)
    ordered: bool = False

    def __len__(self) -> int:
        return len(self.triples)

    def graph(self):
        """The triples as an rdflib Graph, with the project's prefixes bound."""
        from rdflib import Graph

        g = Graph()
        for prefix, ns in PREFIXES:
            g.bind(prefix, ns)
        if self.triples:
            g.parse(data=self._ntriples(), format="nt")
        return g

    def _ntriples(self) -> str:
        return (ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")

    def write(self, fmt: str, out) -> None:
        if fmt == "nt":
            out.write(self._ntriples())
        elif fmt in ("ttl", "table"):
            out.write(self.graph().serialize(format="turtle"))
        elif fmt == "json":
            out.write(self.graph().serialize(format="json-ld", indent=2) + "\n")
        else:
            raise QueryError(f"a CONSTRUCT or DESCRIBE query answers with a graph: --format {fmt} is for tables",
                             hint="use --format ttl, nt or json (JSON-LD)", rule="usage")


@dataclass
class BooleanResult:
    """ASK results: true or false."""

    value: bool
    ordered: bool = False

    def __bool__(self) -> bool:
        return self.value

    def write(self, fmt: str, out) -> None:
        if fmt == "json":
            json.dump({"head": {}, "boolean": self.value}, out)
            out.write("\n")
        elif fmt in ("table", "csv", "tsv"):
            out.write("true\n" if self.value else "false\n")
        else:
            raise QueryError(f"an ASK query answers true or false: --format {fmt} is for graphs",
                             hint="use --format table or json", rule="usage")


#: what a query answers with: a table (SELECT), a graph (CONSTRUCT, DESCRIBE) or a boolean (ASK)
Answer = Result | GraphResult | BooleanResult


def text_table(headers: list[str], rows: list[list[str]], right: tuple[int, ...] = (), rule: bool = False) -> str:
    """Rows as columns of text for a terminal, padded to the widest cell; the columns numbered in
    `right` (numbers) aligned right, a line of dashes under the headers with `rule`."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    lines = [line(headers), *(["  ".join("-" * w for w in widths)] if rule else []), *(line(r) for r in rows)]
    return "".join(x.rstrip() + "\n" for x in lines)


def _plain(t) -> str | None:
    if t is None:
        return None
    return t.value


def _json_term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    d = {"type": "literal", "value": t.value}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype and t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        d["datatype"] = t.datatype.value
    return d


def short_form(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode):
        v = t.value
        for prefix, ns in PREFIXES:
            if v.startswith(ns):
                return f"{prefix}:{v[len(ns):]}"
        return v
    return t.value


# -- safety: read-only queries, no SERVICE ---------------------------------------------------------

def _where(q: StoredQuery) -> str:
    """The query file as the messages name it: relative to the working folder when it is inside."""
    try:
        return str(Path(q.path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(q.path)


def _update_error(where: str) -> QueryError:
    return QueryError("updates are not allowed: sgkg query runs read-only queries", where,
                      hint="INSERT, DELETE, LOAD, CLEAR, DROP and the like change a store; the build is made "
                           "from the annotation files only", rule="query-update")


def check_query(q: StoredQuery, text: str | None = None, parse: bool = True) -> str | None:
    """QueryError for an update or a query using SERVICE; else the query form (`SelectQuery`, ...), or
    None when it was not parsed (`parse=False` and no SERVICE keyword) or rdflib cannot read it."""
    try:
        return guard.screen(q.text if text is None else text, parse)
    except guard.Refused as exc:
        if exc.kind == "update":
            raise _update_error(_where(q)) from None
        if exc.kind == "service":
            raise QueryError("SERVICE is not allowed: sgkg query runs queries on this knowledge graph only",
                             _where(q), hint="remove the SERVICE clause: a query must not make the store "
                             "contact other servers", rule="query-service") from None
        raise QueryError(f"not a SPARQL query that sgkg can read: {exc.detail}", _where(q),
                         hint="fix the syntax; queries with SERVICE are refused, and this one could not be "
                              "read to make sure it has none", rule="query-syntax") from None


# -- running -----------------------------------------------------------------------------------

def _evaluate(q: StoredQuery, store: ox.Store, terms: dict):
    """The query's answer on a store (solutions, triples or a boolean); QueryError for updates,
    SERVICE and syntax errors."""
    check_query(q, parse=False)
    try:
        solutions = store.query(q.text, substitutions={ox.Variable(k): v for k, v in terms.items()})
    except SyntaxError as exc:
        if guard.is_update(q.text):
            raise _update_error(_where(q)) from None
        at = re.match(r"error at (\d+):(\d+): (.*)", str(exc), re.S)  # the query is the whole file: lines match
        if at:
            raise QueryError(at.group(3), _where(q), int(at.group(1)), int(at.group(2)), rule="query-syntax") from None
        raise QueryError(str(exc), _where(q), rule="query-syntax") from None
    return solutions


def _answer(q: StoredQuery, answer) -> GraphResult | BooleanResult | None:
    """A graph or boolean answer as its result; None for solutions (a table, made by the caller)."""
    if isinstance(answer, ox.QueryBoolean):
        return BooleanResult(bool(answer), q.ordered)
    if isinstance(answer, ox.QueryTriples):
        return GraphResult(list(answer), q.ordered)
    return None


def run_local(q: StoredQuery, store: ox.Store, values: dict[str, str] | None = None) -> Answer:
    """Run on the embedded store, parameters substituted as RDF terms, in this process and without a
    time limit (`run_local_with_deadline` has one). Updates and SERVICE are refused."""
    solutions = _evaluate(q, store, bind(q, values or {}))
    other = _answer(q, solutions)
    if other is not None:
        return other
    variables = [v.value for v in solutions.variables]
    rows = [[s[v] for v in variables] for s in solutions]
    return Result(variables, rows, q.ordered, _labels_via(lambda lq: select_local(lq, store)))


def select_local(q: StoredQuery, store: ox.Store, values: dict[str, str] | None = None) -> Result:
    """`run_local` for a query that must answer with a table (QueryError otherwise)."""
    return _table(q, run_local(q, store, values))


def _table(q: StoredQuery, answer: Answer) -> Result:
    if not isinstance(answer, Result):
        raise QueryError(f"{q.name} is not a SELECT query", _where(q), hint="a table is needed here",
                         rule="query-form")
    return answer


def run_local_with_deadline(q: StoredQuery, store_dir: Path, values: dict[str, str] | None = None,
                            timeout: float = DEFAULT_TIMEOUT) -> Answer:
    """Run on the store of a build folder with a deadline: QueryError when the query takes longer than
    `timeout` seconds, and the query is really stopped.

    pyoxigraph cannot cancel a query, so it runs in a child process that opens the store read-only and
    writes its solutions as SPARQL JSON results to a temporary file; the child is killed at the deadline.
    Parameters are bound, and the query checked, here first, so that their errors cost no child."""
    import multiprocessing

    terms = bind(q, values or {})
    check_query(q, parse=False)
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork") if "fork" in methods else multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="sgkg-query-") as tmp:
        out = Path(tmp) / "results.srj"
        receive, send = ctx.Pipe(duplex=False)
        for stream in (sys.stdout, sys.stderr):  # a forked child must not write our buffers again
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        child = ctx.Process(target=_child_query, args=(q, str(store_dir), terms, str(out), send, os.getpid()),
                            daemon=True, name="sgkg-query")
        child.start()
        send.close()
        try:
            child.join(timeout)
            if child.is_alive():
                raise QueryError(f"the query took longer than {timeout:g} s and was stopped", _where(q),
                                 hint="add LIMIT, narrow it, or raise --timeout", rule="query-timeout")
            try:
                message = receive.recv() if receive.poll() else ("died", child.exitcode)
            except EOFError:
                message = ("died", child.exitcode)
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receive.close()
        if message is not None:
            raise _child_error(q, message)
        graph = out.with_suffix(".nt")
        if graph.exists():  # a CONSTRUCT or DESCRIBE query: the child wrote the triples
            return GraphResult([x.triple for x in ox.parse(path=str(graph), format=ox.RdfFormat.N_TRIPLES)], q.ordered)
        solutions = ox.parse_query_results(path=str(out), format=ox.QueryResultsFormat.JSON)
        if isinstance(solutions, ox.QueryBoolean):
            return BooleanResult(bool(solutions), q.ordered)
        variables = [v.value for v in solutions.variables]
        rows = [[s[v] for v in variables] for s in solutions]
    return Result(variables, rows, q.ordered, _labels_via(lambda lq: select_local(lq, _open_store(store_dir))))


def _child_query(q: StoredQuery, store_dir: str, terms: dict, out: str, conn, parent: int) -> None:
    """In the child: run the query and write its solutions to `out`; send None, or what went wrong."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the child (Ctrl-C, deadline)
    die_with_parent(parent)
    try:
        from kg_build.store import open_store

        answer = _evaluate(q, open_store(Path(store_dir)), terms)
        if isinstance(answer, ox.QueryTriples):
            answer.serialize(str(Path(out).with_suffix(".nt")), format=ox.RdfFormat.N_TRIPLES)
        else:
            answer.serialize(out, format=ox.QueryResultsFormat.JSON)
        message: tuple[Any, ...] | None = None
    except SgkgError as exc:
        message = ("sgkg", type(exc) is QueryError, exc.what, exc.path, exc.line, exc.column, exc.hint,
                   exc.rule, exc.exit_code)
    except OSError as exc:
        message = ("os", exc.errno, exc.strerror or str(exc), exc.filename)
    except BaseException as exc:  # noqa: BLE001 - reported by the parent, as main() reports a bug
        message = ("bug", f"{type(exc).__name__}: {exc}")
    conn.send(message)
    conn.close()


def _child_error(q: StoredQuery, message: tuple) -> Exception:
    kind = message[0]
    if kind == "sgkg":
        _, is_query_error, what, path, line, column, hint, rule, code = message
        return (QueryError if is_query_error else SgkgError)(what, path, line, column, hint, rule, code)
    if kind == "os":
        return OSError(message[1], message[2], message[3]) if message[1] else OSError(message[2])
    if kind == "died":
        return QueryError(f"the query stopped without an answer (exit code {message[1]})", _where(q),
                          hint="the machine may have run out of memory: add LIMIT or narrow the query",
                          rule="query-died")
    return RuntimeError(message[1])


def values_block(terms: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """A VALUES clause of terms in N-Triples syntax (serialised by pyoxigraph, so escaped)."""
    if not terms:
        return ""
    names = sorted(terms)
    return ("\nVALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
            + " ".join(str(terms[n]) for n in names) + ") }\n")


def with_values(q: StoredQuery, terms: dict) -> str:
    """The query text with a trailing VALUES block for remote endpoints (SPARQL 1.1 §10.2.2)."""
    return q.text.rstrip() + "\n" + values_block(terms)


def run_endpoint(q: StoredQuery, endpoint: str, values: dict[str, str] | None = None,
                 timeout: float = DEFAULT_TIMEOUT) -> Answer:
    """Run on a SPARQL 1.1 endpoint through SPARQLWrapper. Updates and SERVICE are refused before
    anything is sent; an endpoint that cannot be reached or refuses the query is a QueryError naming
    its URL (`timeout` is the longest wait for the endpoint's answer, in seconds)."""
    import http.client
    import warnings
    from urllib.parse import unquote, urlsplit, urlunsplit

    from SPARQLWrapper import ASK, CONSTRUCT, DESCRIBE, JSON, N3, POST, SELECT, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    from kg_build.endpoints import check_url, public_url

    url = public_url(endpoint)
    check_url(endpoint, "--endpoint", cls=QueryError)
    terms = bind(q, values or {})
    text = with_values(q, terms)
    form = check_query(q, text) or "SelectQuery"
    parts = urlsplit(endpoint)
    if parts.username is not None:  # urllib does not read credentials written into the URL
        sw = SPARQLWrapper(urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])))
        sw.setCredentials(unquote(parts.username), unquote(parts.password or ""))
    else:
        sw = SPARQLWrapper(endpoint)
    sw.setQuery(text)
    # SPARQLWrapper guesses the query form with a regular expression, which mistakes words such as
    # "addressee" in the header for an update (ADD): the form is the one rdflib's parser read
    sw.queryType = {"AskQuery": ASK, "ConstructQuery": CONSTRUCT, "DescribeQuery": DESCRIBE}.get(form, SELECT)
    graph = form in ("ConstructQuery", "DescribeQuery")
    sw.setMethod(POST)
    sw.setReturnFormat(N3 if graph else JSON)  # N3: SPARQLWrapper asks for Turtle, which is N3
    # whole seconds (SPARQLWrapper keeps int(timeout), and 0 would mean no timeout): round up
    sw.setTimeout(max(1, math.ceil(timeout)))
    try:
        with warnings.catch_warnings():  # an answer that is not JSON is reported below, not warned about
            warnings.simplefilter("ignore")
            data = sw.query().convert()
        if graph:
            if not isinstance(data, bytes):
                raise ValueError("not Turtle")
            return GraphResult([x.triple for x in ox.parse(data, format=ox.RdfFormat.TURTLE)], q.ordered)
        if form == "AskQuery":
            if not (isinstance(data, dict) and isinstance(data.get("boolean"), bool)):
                raise ValueError("not SPARQL JSON results")
            return BooleanResult(data["boolean"], q.ordered)
        if not (isinstance(data, dict) and isinstance(data.get("results"), dict)):
            raise ValueError("not SPARQL JSON results")
        variables = data["head"]["vars"]
        rows = [[_from_json(b.get(v)) for v in variables] for b in data["results"]["bindings"]]
    except (SPARQLWrapperException, OSError, http.client.HTTPException, ValueError, KeyError, TypeError,
            SyntaxError) as exc:  # SyntaxError: pyoxigraph's, for a graph answer that is not Turtle
        raise _endpoint_error(exc, url, timeout) from None
    return Result(variables, rows, q.ordered,
                  _labels_via(lambda lq: _table(lq, run_endpoint(lq, endpoint, timeout=timeout))))


def _endpoint_error(exc: Exception, url: str, timeout: float) -> QueryError:
    """What went wrong with an endpoint, as one line naming its URL and what to do."""
    import http.client
    import socket
    import urllib.error
    from urllib.parse import urlsplit

    from SPARQLWrapper import SPARQLExceptions as sx

    def said(e) -> str:  # the server's own message, which SPARQLWrapper keeps only in its text
        body = str(e).split("Response:\n", 1)[1:] or [""]
        text = body[0].strip()
        if text.startswith(("b'", 'b"')):
            try:
                import ast

                text = ast.literal_eval(text).decode("utf-8", "replace")
            except (ValueError, SyntaxError):
                pass
        text = " ".join(text.split())
        return f": {text[:200]}" if text else ""

    def error(what, hint, rule="endpoint"):
        return QueryError(what, url, hint=hint, rule=rule)

    slow = error(f"the endpoint did not answer within {timeout:g} s",
                 "add LIMIT, narrow the query, or raise --timeout", "endpoint-timeout")
    if isinstance(exc, sx.Unauthorized):
        return error("the endpoint refused the credentials (HTTP 401)" if urlsplit(url).username else
                     "the endpoint asks for credentials (HTTP 401)",
                     "write them into the URL, http://USER:PASSWORD@HOST/..., or use an endpoint open "
                     "for reading, such as `sgkg serve`")
    if isinstance(exc, sx.EndPointNotFound):
        return error(f"no SPARQL endpoint at this URL (HTTP 404{said(exc)})",
                     "check the URL: `sgkg serve` and Oxigraph answer at /query, Fuseki at /DATASET/sparql")
    if isinstance(exc, sx.QueryBadFormed):
        return error(f"the endpoint refused the query (HTTP 400{said(exc)})",
                     "fix the query; run it on the local build (without --endpoint) to see where")
    if isinstance(exc, sx.EndPointInternalError):
        return error(f"the endpoint failed on the query (HTTP 500{said(exc)})",
                     "see the endpoint's log; if the query is heavy, add LIMIT or narrow it")
    if isinstance(exc, sx.SPARQLWrapperException):
        return error(f"the endpoint refused the query ({str(exc).splitlines()[0]})", "check the URL and the query")
    if isinstance(exc, urllib.error.HTTPError):
        hint = {403: "the endpoint does not allow this client: check its access rules"}.get(
            exc.code, "the endpoint, or a proxy in front of it, failed: try again later, or see its log")
        return error(f"the endpoint answered HTTP {exc.code} {exc.reason}", hint)
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return slow
    if isinstance(reason, ConnectionRefusedError):
        return error("connection refused: nothing answers at this address",
                     "start the endpoint (e.g. `sgkg serve`), or check the host and port")
    if isinstance(reason, socket.gaierror):
        return error("unknown host", "check the host name in the URL")
    if isinstance(reason, (ConnectionError, http.client.HTTPException)):
        return error(f"the connection was cut before the answer was complete ({type(reason).__name__})",
                     "try again; if it persists, see the endpoint's log")
    if isinstance(reason, OSError):
        return error(f"cannot reach the endpoint: {getattr(reason, 'strerror', None) or reason}",
                     "check the URL and the network")
    if isinstance(exc, (ValueError, KeyError, TypeError)):
        return error("the endpoint's answer is not SPARQL JSON results",
                     "check the URL is a SPARQL endpoint; an endpoint that stops a query at its own time limit "
                     "may cut its answer short: add LIMIT or narrow the query")
    return error(f"the query failed: {type(exc).__name__}: {exc}", "check the URL and the query")


def _from_json(b: dict | None):
    if b is None:
        return None
    if b["type"] == "uri":
        return ox.NamedNode(b["value"])
    if b["type"] == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


def run_rdflib(q: StoredQuery, dataset, values: dict[str, str] | None = None) -> Answer:
    """Run on rdflib's SPARQL engine (a reference for the tests), parameters as initBindings."""
    from rdflib import Literal, URIRef, Variable

    terms = bind(q, values or {})
    init = {}
    for k, v in terms.items():
        init[Variable(k)] = (URIRef(v.value) if isinstance(v, ox.NamedNode) else
                             Literal(v.value, datatype=URIRef(v.datatype.value)))
    res = dataset.query(q.text, initBindings=init)
    if res.type == "ASK":
        return BooleanResult(bool(res.askAnswer), q.ordered)
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        assert res.graph is not None
        data = res.graph.serialize(format="nt", encoding="utf-8")
        return GraphResult([x.triple for x in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)], q.ordered)
    variables = [str(v) for v in res.vars]
    rows = []
    for r in res:
        row: list[ox.NamedNode | ox.Literal | ox.BlankNode | None] = []
        for v in res.vars:
            t = r[v]
            if t is None:
                row.append(None)
            elif isinstance(t, URIRef):
                row.append(ox.NamedNode(str(t)))
            elif isinstance(t, Literal):
                if t.language:
                    row.append(ox.Literal(str(t), language=t.language))
                else:
                    row.append(ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or
                                                              "http://www.w3.org/2001/XMLSchema#string"))))
            else:
                row.append(ox.BlankNode(str(t)))
        rows.append(row)
    return Result(variables, rows, q.ordered, _labels_via(lambda lq: _table(lq, run_rdflib(lq, dataset))))


def parse_param_args(items: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise QueryError(f"--param {item!r}: write name=value", rule="usage")
        k, v = item.split("=", 1)
        k = k.strip()
        if k in out:
            raise QueryError(f"--param {k} is given twice ({out[k]!r} and {v!r})", hint="give each parameter once",
                             rule="usage")
        out[k] = v
    return out
