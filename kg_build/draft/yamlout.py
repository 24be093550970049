"""A draft as YAML with comments (ruamel.yaml), in the layout of the annotations in data/reviews/."""
from __future__ import annotations

import io

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from kg_build.draft.propose import Draft, Entry


def yaml_rt() -> YAML:
    """The round-trip YAML reader and writer of drafts and `--check` (keeps comments and layout)."""
    y = YAML(typ="rt")
    y.width = 4096  # one evidence item a line, however long its quote
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    return y


def _flow_seq(items: list) -> CommentedSeq:
    s = CommentedSeq(items)
    s.fa.set_flow_style()
    return s


def _node(value, key: str | None = None):
    if isinstance(value, dict):
        m = CommentedMap()
        comment = value.get("_comment")
        for k, v in value.items():
            if k != "_comment":
                m[k] = _node(v, k)
        if key == "evidence" or (set(value) <= {"source", "quote", "start", "end"}):
            m.fa.set_flow_style()
        if key == "local_authority" or key == "annotator":
            m.fa.set_flow_style()
        if comment:
            first = next(iter(m))
            m.yaml_add_eol_comment(comment, first)
        return m
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return _flow_seq(list(value))
        return CommentedSeq([_node(v, key) for v in value])
    if key in _QUOTED and isinstance(value, str):
        return DoubleQuotedScalarString(value)  # a quote may hold any character: always in quotation marks
    return value


#: keys whose text is written in double quotation marks, whatever it holds (quotes read by any YAML reader)
_QUOTED = {"quote", "summary", "title", "as", "board", "name", "date_text"}


def _entry(e: Entry) -> CommentedMap:
    m = _node(e.values)
    for k, note in e.notes.items():
        if k in m:
            m.yaml_add_eol_comment(note, k)
    return m


def dump(draft: Draft) -> str:
    root = CommentedMap()
    root["review"] = _entry(draft.review)
    root["annotation"] = _node(draft.annotation)
    root["sources"] = CommentedSeq([_entry(s) for s in draft.sources])
    for name, entries in draft.sections.items():
        if entries:
            root[name] = CommentedSeq([_entry(e) for e in entries])
    root.yaml_set_start_comment("\n".join(draft.header))
    for name in list(root)[1:]:
        root.yaml_set_comment_before_after_key(name, before="\n")
    out = io.StringIO()
    yaml_rt().dump(root, out)
    return out.getvalue()
