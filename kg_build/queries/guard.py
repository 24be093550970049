"""What a query given to sgkg may do: read the knowledge graph, nothing else. Shared by `sgkg query`
(locally and with --endpoint) and `sgkg serve`.

SERVICE would make the store (or an endpoint) send HTTP requests to any address the query names, so
it is looked for in rdflib's parse tree (a ServiceGraphPattern anywhere: in OPTIONAL, a subquery or
EXISTS too), never in the text, where the word may be part of a string, an IRI or a comment. Updates
(INSERT, LOAD, DROP ...) are told apart by rdflib's update parser. Parsing takes tens of
milliseconds, so a text that cannot hold the keyword (once SPARQL's \\u escapes are expanded) is
parsed only when the caller asks for its form, and answers are cached: the build's QC runs the same
queries thousands of times.
"""
from __future__ import annotations

from functools import lru_cache

UPDATE_WORDS = ("insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add")


class Refused(Exception):
    """Why a query text is refused: `kind` is update, service or unreadable (it names SERVICE and
    rdflib cannot read it, so it cannot be shown to be free of a SERVICE clause)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind, detail)
        self.kind, self.detail = kind, detail


def _walk(node):
    """Every node of an rdflib SPARQL parse tree (CompValue, ParseResults, lists), depth first."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, CompValue):
            yield n
            todo.extend(n.values())
        elif isinstance(n, (ParseResults, list, tuple)):
            todo.extend(n)


@lru_cache(maxsize=256)
def is_update(text: str) -> bool:
    """Whether `text` is a SPARQL Update request (rdflib's parser reads it as one)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # noqa: BLE001 - pyparsing's errors, ValueError, RecursionError: not an update
        return False
    return True


@lru_cache(maxsize=256)
def screen(text: str, parse: bool = False) -> str | None:
    """The form of a query text (SelectQuery, ConstructQuery, ...), or None when it was not parsed
    (`parse` false and no SERVICE keyword) or rdflib cannot read it and it need not be read. Raises
    Refused for an update, a query using SERVICE, or one naming SERVICE that cannot be read."""
    plain = text.lower()
    if "\\u" in plain:  # rdflib's parser is imported only when needed (a tenth of a second)
        from rdflib.plugins.sparql.parser import expandUnicodeEscapes

        try:
            plain = expandUnicodeEscapes(text).lower()
        except ValueError:
            pass
    service = "service" in plain
    if not (service or parse):
        return None
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except Exception as exc:  # noqa: BLE001 - pyparsing's errors, ValueError, RecursionError
        if any(w in plain for w in UPDATE_WORDS) and is_update(text):
            raise Refused("update") from None
        if service:
            raise Refused("unreadable", (str(exc).splitlines() or [type(exc).__name__])[0]) from None
        return None  # the store or the endpoint reports the syntax error itself
    if any(n.name == "ServiceGraphPattern" for n in _walk(tree)):
        raise Refused("service")
    return tree[-1].name if len(tree) else None
