"""HTML pages of the vocabularies: one page a concept scheme, listing every concept, and an index.

Each concept is a row with its code (skos:notation, the anchor `#<code>`), label, definition, other
labels (skos:altLabel), match phrases (sg:matchPhrase, what `sgkg draft` finds in texts), broader and
narrower concepts (links), mappings to other vocabularies (ontology/mappings, SKOS match properties)
and, for a deprecated concept, what replaces it. Written by `make docs` (through ontodocs) into
docs/ontology/vocab/; generated, never edited, not committed. pyLODE's VocPub renders no concepts of
these schemes, so the pages are written here, from the same graph the builder reads.
"""
from __future__ import annotations

import html
from pathlib import Path

from rdflib import OWL, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from kg_build import resources
from kg_build.atomic import atomic_write_text
from kg_build.model import iris, ontology
from kg_build.model.namespace import SG

MATCHES = (("exact match", SKOS.exactMatch), ("close match", SKOS.closeMatch), ("broad match", SKOS.broadMatch),
           ("narrow match", SKOS.narrowMatch), ("related match", SKOS.relatedMatch))
STYLE = """body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
table{border-collapse:collapse;width:100%}th,td{border-top:1px solid #ddd;padding:.4rem;text-align:left;
vertical-align:top}th{background:#f3f5f7}code{font-size:.9em}.dep{color:#777}.small{font-size:.85em;color:#555}
a{color:#1d4f7a}"""


def _en(g: Graph, s, p) -> list[str]:
    """The values of s p, English or untagged literals first, as text, sorted."""
    vals = [o for o in g.objects(s, p) if not isinstance(o, Literal) or o.language in (None, "en")]
    return sorted(str(v) for v in vals)


def _one(g: Graph, s, p) -> str:
    vals = _en(g, s, p)
    return vals[0] if vals else ""


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n{body}\n</body></html>\n")


def _link(g: Graph, target: URIRef, here: str) -> str:
    """A link to a concept: on this page by its anchor, on another scheme's page, or its IRI."""
    code = _one(g, target, SKOS.notation)
    label = _one(g, target, SKOS.prefLabel) or code or str(target)
    scheme = next((str(s).removeprefix(iris.VOCAB) for s in g.objects(target, SKOS.inScheme)), None)
    if scheme and code:
        href = f"#{code}" if scheme == here else f"{scheme}.html#{code}"
        return f'<a href="{html.escape(href)}">{html.escape(label)}</a>'
    return f'<a href="{html.escape(str(target))}">{html.escape(label)}</a>'


def scheme_page(g: Graph, name: str) -> str:
    """The page of one scheme (`name`: the file name in ontology/vocab/ without .ttl)."""
    sch = ontology.scheme(name)
    s = sch.iri
    title = _one(g, s, DCTERMS.title) or _one(g, s, SKOS.prefLabel) or name
    parts = [f"<p class=\"small\"><a href=\"index.html\">Vocabularies</a> / {html.escape(name)}</p>",
             f"<h1>{html.escape(title)}</h1>",
             f"<p>{html.escape(_one(g, s, SKOS.definition))}</p>",
             "<dl>",
             f"<dt>IRI</dt><dd><code>{html.escape(str(s))}</code></dd>",
             f"<dt>Concepts</dt><dd>{len(sch.current)} current, {len(sch.deprecated)} deprecated</dd>"]
    for label, p in (("Version", OWL.versionInfo), ("Licence", DCTERMS.license)):
        if _one(g, s, p):
            parts.append(f"<dt>{label}</dt><dd>{html.escape(_one(g, s, p))}</dd>")
    for note in _en(g, s, SKOS.changeNote):
        parts.append(f"<dt>Change</dt><dd>{html.escape(note)}</dd>")
    parts += ["</dl>", "<table><thead><tr><th>code</th><th>label and definition</th><th>other labels and "
              "match phrases</th><th>broader / narrower</th><th>mappings</th></tr></thead><tbody>"]
    for code in sorted(sch.concepts, key=lambda c: (c in sch.deprecated, _one(g, sch.concepts[c], SKOS.prefLabel))):
        c = sch.concepts[code]
        dep = code in sch.deprecated
        label = _one(g, c, SKOS.prefLabel)
        cell = f"<strong>{html.escape(label)}</strong><br>{html.escape(_one(g, c, SKOS.definition))}"
        if dep:
            by = sch.deprecated[code]
            cell += "<br><em>Deprecated" + (f"; replaced by {_link(g, by, name)}" if by is not None else "") + "</em>"
        alts = [html.escape(a) for a in _en(g, c, SKOS.altLabel)]
        phrases = [f"<em>{html.escape(m)}</em>" for m in _en(g, c, SG.matchPhrase)]
        broader = [_link(g, b, name) for b in g.objects(c, SKOS.broader) if isinstance(b, URIRef)]
        narrower = [_link(g, n, name) for n in g.subjects(SKOS.broader, c) if isinstance(n, URIRef)]
        maps = [f"{what}: {_link(g, t, name)}" for what, p in MATCHES for t in g.objects(c, p) if isinstance(t, URIRef)]
        hier = "<br>".join(x for x in ("broader: " + ", ".join(sorted(broader)) if broader else "",
                                        "narrower: " + ", ".join(sorted(narrower)) if narrower else "") if x)
        css = ' class="dep"' if dep else ""
        other = "; ".join(alts + phrases)
        mapped = "<br>".join(sorted(maps))
        parts.append(f'<tr id="{html.escape(code)}"{css}><td><code>{html.escape(code)}</code></td><td>{cell}</td>'
                     f"<td>{other}</td><td>{hier}</td><td>{mapped}</td></tr>")
    parts.append("</tbody></table>")
    return _page(f"{title}: sgkg vocabulary", "\n".join(parts))


def build_pages(out_dir: Path) -> list[Path]:
    """Every scheme's page and the index, below `out_dir` (docs/ontology/vocab)."""
    g = ontology.load_vocabularies()
    written = []
    rows = []
    for f in resources.scheme_files():
        name = f.stem
        page = out_dir / f"{name}.html"
        atomic_write_text(page, scheme_page(g, name))
        written.append(page)
        sch = ontology.scheme(name)
        title = _one(g, sch.iri, SKOS.prefLabel) or name
        rows.append(f"<tr><td><a href=\"{html.escape(name)}.html\">{html.escape(title)}</a></td>"
                    f"<td><code>{html.escape(name)}</code></td><td>{len(sch.current)}</td>"
                    f"<td>{html.escape(_one(g, sch.iri, SKOS.definition))}</td></tr>")
    index = out_dir / "index.html"
    atomic_write_text(index, _page("sgkg vocabularies", "<h1>Vocabularies</h1><p>The SKOS concept schemes whose "
                      "codes annotations use (ontology/vocab/).</p><table><thead><tr><th>scheme</th><th>file</th>"
                      "<th>concepts</th><th>definition</th></tr></thead><tbody>" + "".join(rows) +
                      "</tbody></table>"))
    written.append(index)
    return written
