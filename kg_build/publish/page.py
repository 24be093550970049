"""The query page of `sgkg serve`: the project's own, on the YASGUI editor Oxigraph ships.

It shows the dataset's description and graphs (asked of the endpoint itself), the project's prefixes
in the editor, and every stored query as a ready example: its title, question and parameters, opened
in a new tab with the parameters bound (`/stored-query?name=...`, bound on the server by the same code
as `sgkg query run`). Nothing is fetched from another site: YASGUI's prefix and term completers, which
ask prefix.cc and LOV, are switched off; its scripts and styles are served by sgkg from memory.
"""
from __future__ import annotations

import html
import json

from kg_build import queries
from kg_build.model import rdfio
from kg_build.store import DATASET_GRAPH

EXAMPLE = """SELECT ?review ?title ?published WHERE {
  ?review a sg:Review ;
          dcterms:title ?title ;
          dcterms:issued ?published .
}
ORDER BY DESC(?published)"""


def prefixes() -> dict[str, str]:
    """The prefixes the editor starts with: the project's (ontology/context.jsonld)."""
    from kg_build.exports.formats import jsonld_context

    return {**rdfio.prefixes(), **jsonld_context()}


def default_query() -> str:
    lines = [f"PREFIX {p}: <{ns}>" for p, ns in sorted(prefixes().items())]
    return "\n".join(lines) + "\n\n" + EXAMPLE + "\n"


def catalogue_json() -> bytes:
    """The stored queries for the page: name, title (summary), question, competency questions, parameters."""
    out = []
    for q in queries.catalogue().values():
        out.append({"name": q.name, "summary": q.summary, "description": q.description, "cq": list(q.cq),
                    "params": [{"name": p.name, "type": p.type, "default": p.default, "doc": p.description}
                               for p in q.params],
                    "qc": q.is_qc})
    return json.dumps(out, ensure_ascii=False).encode("utf-8")


def stored_query_text(name: str, values: dict[str, str]) -> str:
    """A stored query's text with the parameters given bound in a VALUES block (as for an endpoint);
    parameters left empty stay unbound. QueryError for an unknown query or a bad value."""
    q = queries.get(name)
    given = {k: v for k, v in values.items() if v != ""}
    terms = queries.bind(q, given) if given else {}
    return queries.with_values(q, terms) if terms else q.text


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Safeguarding Review Knowledge Graph: SPARQL</title>
<link href="./yasgui.min.css" rel="stylesheet" type="text/css">
<script src="./yasgui.min.js"></script>
<link rel="icon" type="image/svg+xml" href="/logo.svg">
<style>
body { font-family: system-ui, sans-serif; margin: 0; color: #1b1b1b; }
header { padding: .6rem 1rem; background: #1d3b53; color: #fff; }
header h1 { font-size: 1.2rem; margin: 0; }
header p { margin: .2rem 0 0; font-size: .9rem; }
main { display: flex; align-items: flex-start; }
aside { width: 24rem; flex: none; padding: .5rem 1rem; max-height: calc(100vh - 4rem); overflow: auto;
        border-right: 1px solid #ddd; font-size: .9rem; }
aside h2 { font-size: 1rem; margin: .8rem 0 .3rem; }
aside details { margin: .2rem 0; }
aside summary { cursor: pointer; }
aside label { display: block; margin: .2rem 0; font-size: .85rem; }
aside input { width: 100%; box-sizing: border-box; }
aside button { margin: .3rem 0 .6rem; }
#yasgui-box { flex: 1; min-width: 0; }
.small { color: #555; font-size: .8rem; }
</style>
</head>
<body>
<header><h1>Safeguarding Review Knowledge Graph</h1>
<p id="dataset">SPARQL endpoint: <code>/query</code> (read-only).</p>
<p><a href="./report/">The report</a>: each review's timeline, and charts across cases.</p></header>
<main>
<aside>
<h2>Stored questions</h2>
<p class="small">Each opens in a new tab with its parameters bound; leave a parameter empty to leave it open.</p>
<div id="stored"></div>
<h2>Graphs</h2>
<p class="small">GRAPHS_NOTE</p>
<ul id="graphs"></ul>
</aside>
<div id="yasgui-box"><div id="yasgui"></div></div>
</main>
<script>
"use strict";
const base = new URL(".", window.location.href).href;
const endpoint = base + "sparql";
const PREFIXES = PREFIXES_JSON;
Yasgui.Yasqe.defaults.autocompleters = ["variables"];  /* no prefix.cc, no LOV: nothing leaves this machine */
Yasgui.Yasqe.defaults.value = DEFAULT_QUERY_JSON;
const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: endpoint, method: "POST" },
  copyEndpointOnNewTab: false,
  persistenceId: "sgkg-query-page",
  endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] }
});
function ask(query) {
  return fetch(endpoint, { method: "POST", body: new URLSearchParams({ query: query }),
                           headers: { Accept: "application/sparql-results+json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (j) { return j.results.bindings; });
}
function text(tag, content, cls) {
  const e = document.createElement(tag); e.textContent = content; if (cls) { e.className = cls; } return e;
}
function openStored(q, form) {
  const params = new URLSearchParams({ name: q.name });
  form.querySelectorAll("input").forEach(function (i) { params.append("p." + i.name, i.value); });
  fetch(base + "stored-query?" + params.toString())
    .then(function (r) { return r.text().then(function (t) { if (!r.ok) { throw new Error(t); } return t; }); })
    .then(function (t) { const tab = yasgui.addTab(true, { name: q.name.split("/").pop() }); tab.setQuery(t); })
    .catch(function (e) { alert(e.message); });
}
fetch(base + "stored-queries.json").then(function (r) { return r.json(); }).then(function (list) {
  const box = document.getElementById("stored");
  list.filter(function (q) { return !q.qc; }).forEach(function (q) {
    const d = document.createElement("details"); d.className = "stored-query"; d.dataset.name = q.name;
    const s = text("summary", q.summary); d.appendChild(s);
    d.appendChild(text("p", q.description || "", "small"));
    d.appendChild(text("p", q.name + (q.cq.length ? " (" + q.cq.join(", ") + ")" : ""), "small"));
    const form = document.createElement("form");
    q.params.forEach(function (p) {
      const l = text("label", p.name + " (" + p.type + ")" + (p.doc ? ": " + p.doc : ""));
      const i = document.createElement("input"); i.name = p.name; i.value = p.default || "";
      l.appendChild(i); form.appendChild(l);
    });
    const b = text("button", "Open in a new tab"); b.type = "submit"; form.appendChild(b);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); openStored(q, form); });
    d.appendChild(form); box.appendChild(d);
  });
});
ask("SELECT ?title ?version ?modified ?triples WHERE { GRAPH <DATASET> { <DATASET> " +
    "<http://purl.org/dc/terms/title> ?title . OPTIONAL { <DATASET> <http://www.w3.org/ns/dcat#version> ?version } " +
    "OPTIONAL { <DATASET> <http://purl.org/dc/terms/modified> ?modified } " +
    "OPTIONAL { <DATASET> <http://rdfs.org/ns/void#triples> ?triples } } }").then(function (rows) {
  if (!rows.length) { return; }
  const r = rows[0];
  document.getElementById("dataset").textContent = r.title.value +
    (r.version ? ", version " + r.version.value : "") +
    (r.modified ? ", last changed " + r.modified.value : "") +
    (r.triples ? ", " + r.triples.value + " triples in the review graphs" : "") +
    ". SPARQL endpoint: /query (read-only).";
}).catch(function () {});
ask("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g").then(function (rows) {
  const ul = document.getElementById("graphs");
  rows.forEach(function (r) {
    ul.appendChild(text("li", r.g.value.replace(PREFIXES.sgid, "sgid:") + " (" + r.n.value + ")"));
  });
}).catch(function () {});
</script>
</body>
</html>
"""


def render(union: bool) -> bytes:
    """The page, for a server that answers over the union of the graphs (`union`) or not."""
    note = ("Queries without GRAPH see every graph at once (the default graph is their union); GRAPH ?g "
            "names each." if union else "Every triple is in a named graph: use GRAPH ?g { ... } "
            "(this server was started with --named-graphs-only).")
    page = (PAGE.replace("PREFIXES_JSON", json.dumps(prefixes()))
            .replace("DEFAULT_QUERY_JSON", json.dumps(default_query()))
            .replace("GRAPHS_NOTE", html.escape(note))
            .replace("<DATASET>", f"<{DATASET_GRAPH}>"))
    return page.encode("utf-8")
