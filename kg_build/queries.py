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
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import pyoxigraph as ox
import yaml

from . import iris, ontology, paths
from .problems import SgkgError

PARAM_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")  # and "concept:<scheme>"
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
IRI_CHARS = re.compile(r'^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>"{}|\\^`]*$')


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
    lines = [l[2:] for l in text.splitlines() if l.startswith("#+")]
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
    root = root or paths.queries_dir()
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
        if not IRI_CHARS.match(value):
            raise QueryError(f"parameter {p.name}: {value!r} is not an absolute IRI (no spaces, quotes or braces)")
        return ox.NamedNode(value)
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
        try:
            date.fromisoformat(value)
        except ValueError:
            raise QueryError(f"parameter {p.name}: {value!r} is not a date (YYYY-MM-DD)") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD_DATE))
    raise QueryError(f"parameter {p.name}: unknown type {t!r}")


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

@dataclass
class Result:
    """SELECT results: variable names and rows of RDF terms (None where unbound)."""

    variables: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    ordered: bool = False

    def values(self) -> list[list[str | None]]:
        """Rows as plain strings: IRIs and literal values, None where unbound."""
        return [[_plain(v) for v in row] for row in self.rows]

    def records(self) -> list[dict[str, str | None]]:
        return [dict(zip(self.variables, row)) for row in self.values()]

    def to_dataframe(self):
        """A pandas DataFrame (pandas is optional: install it to use this)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise QueryError("pandas is not installed: `pip install pandas`, or use .records()") from None
        return pd.DataFrame(self.values(), columns=self.variables)

    def write(self, fmt: str, out) -> None:
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
            table = [[_short(v) for v in row] for row in self.rows]
            widths = [max([len(h)] + [len(r[i]) for r in table]) for i, h in enumerate(self.variables)]
            out.write("  ".join(h.ljust(w) for h, w in zip(self.variables, widths)).rstrip() + "\n")
            out.write("  ".join("-" * w for w in widths) + "\n")
            for r in table:
                out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
            out.write(f"({len(table)} row{'s' if len(table) != 1 else ''})\n")


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


def _short(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode):
        v = t.value
        for prefix, ns in (("review:", iris.ID + "review/"), ("id:", iris.ID), ("vocab:", iris.VOCAB),
                           ("sg:", iris.ONTOLOGY)):
            if v.startswith(ns):
                return prefix + v[len(ns):]
        return v
    return t.value


# -- running -----------------------------------------------------------------------------------

def run_local(q: StoredQuery, store: ox.Store, values: dict[str, str] | None = None) -> Result:
    """Run on the embedded store, parameters substituted as RDF terms."""
    terms = bind(q, values or {})
    try:
        solutions = store.query(q.text, substitutions={ox.Variable(k): v for k, v in terms.items()})
    except SyntaxError as exc:
        raise QueryError(f"{q.path}: {exc}") from None
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryError(f"{q.name} is not a SELECT query")
    variables = [v.value for v in solutions.variables]
    rows = [[s[v] for v in variables] for s in solutions]
    return Result(variables, rows, q.ordered)


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
                 timeout: int = 60) -> Result:
    """Run on a SPARQL 1.1 endpoint through SPARQLWrapper."""
    from SPARQLWrapper import JSON, POST, SELECT, SPARQLWrapper

    terms = bind(q, values or {})
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(with_values(q, terms))
    # SPARQLWrapper guesses the query form with a regular expression, which mistakes words such as
    # "addressee" in the header for an update (ADD); stored queries are all SELECT queries
    sw.queryType = SELECT
    sw.setMethod(POST)
    sw.setReturnFormat(JSON)
    sw.setTimeout(timeout)
    data = sw.query().convert()
    variables = data["head"]["vars"]
    rows = [[_from_json(b.get(v)) for v in variables] for b in data["results"]["bindings"]]
    return Result(variables, rows, q.ordered)


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


def run_rdflib(q: StoredQuery, dataset, values: dict[str, str] | None = None) -> Result:
    """Run on rdflib's SPARQL engine (a reference for the tests), parameters as initBindings."""
    from rdflib import Literal, URIRef, Variable

    terms = bind(q, values or {})
    init = {}
    for k, v in terms.items():
        init[Variable(k)] = (URIRef(v.value) if isinstance(v, ox.NamedNode) else
                             Literal(v.value, datatype=URIRef(v.datatype.value)))
    res = dataset.query(q.text, initBindings=init)
    variables = [str(v) for v in res.vars]
    rows = []
    for r in res:
        row = []
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
    return Result(variables, rows, q.ordered)


def parse_param_args(items: Iterable[str]) -> dict[str, str]:
    out = {}
    for item in items:
        if "=" not in item:
            raise QueryError(f"--param {item!r}: write name=value")
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out
