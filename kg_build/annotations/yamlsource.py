"""Safe YAML reading that keeps, for every value, the line and column it came from.

PyYAML composes the document into nodes (which carry their marks); we turn the nodes into plain
values ourselves, so nothing is ever constructed from a tag: any tag beyond YAML's core schema is
refused, alias expansion is bounded, and so are the file size and the nesting depth (MAX_DEPTH
levels: an annotation file needs five or six, and aliases can build thousands from a few bytes).
Scalars stay the text the annotator wrote (a date stays "2013-10", not a datetime), typed later by the
annotation schema.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg_build.inputs import MAX_FILE_BYTES, os_problem, read_input
from kg_build.problems import InputError, Problem

# libyaml's composer when PyYAML was built with it (same nodes and marks, several times faster)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 200_000  # values visited, aliases expanded: stops "billion laughs" documents
MAX_DEPTH = 64  # levels of nesting (the top mapping is level 1); far beyond any annotation file

CORE_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}


@dataclass(frozen=True)
class Pos:
    line: int
    column: int


class Scalar(str):
    """A scalar as written, with its YAML tag (str, int, bool, null, timestamp, float)."""

    pos: Pos
    kind: str
    quoted: bool

    def __new__(cls, value: str, pos: Pos, kind: str, quoted: bool):
        obj = super().__new__(cls, value)
        obj.pos, obj.kind, obj.quoted = pos, kind, quoted
        return obj


class Mapping(dict):
    """A mapping whose keys are Scalars; `pos` is where it starts, `key_pos` where each key is."""

    pos: Pos

    def __init__(self, pos: Pos):
        super().__init__()
        self.pos = pos
        self.key_pos: dict[str, Pos] = {}


class Sequence(list):
    pos: Pos

    def __init__(self, pos: Pos):
        super().__init__()
        self.pos = pos


def _pos(node: yaml.Node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


class _Converter:
    def __init__(self, file: str):
        self.file = file
        self.count = 0
        self.problems: list[Problem] = []

    def convert(self, node: yaml.Node, depth: int = 1) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError([Problem(self.file, *_astuple(_pos(node)),
                                      f"the document expands to more than {MAX_NODES} values",
                                      "aliases are expanded; write the values out, or split the file",
                                      rule="yaml-size")])
        if depth > MAX_DEPTH:  # stops deep brackets and alias chains (even a cycle) before Python's stack
            raise InputError([Problem(self.file, *_astuple(_pos(node)),
                                      f"values are nested deeper than {MAX_DEPTH} levels",
                                      "an annotation file needs a few levels; check the brackets, the "
                                      "indentation and any aliases (*name) around this point",
                                      rule="yaml-depth")])
        if node.tag not in CORE_TAGS:
            self.problems.append(Problem(self.file, *_astuple(_pos(node)),
                                         f"tag {node.tag!r} is not allowed",
                                         "remove the tag: annotation files use plain YAML values only",
                                         rule="yaml-tag"))
            return None
        if isinstance(node, yaml.ScalarNode):
            kind = node.tag.rsplit(":", 1)[-1]
            return Scalar(node.value, _pos(node), kind, node.style not in (None, ""))
        if isinstance(node, yaml.SequenceNode):
            items = Sequence(_pos(node))
            items.extend(self.convert(item, depth + 1) for item in node.value)
            return items
        out = Mapping(_pos(node))
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.file, *_astuple(_pos(key_node)),
                                             "a key must be a plain word", rule="yaml-key"))
                continue
            if key_node.tag not in CORE_TAGS:
                self.problems.append(Problem(self.file, *_astuple(_pos(key_node)),
                                             f"tag {key_node.tag!r} is not allowed",
                                             "remove the tag: annotation files use plain YAML values only",
                                             rule="yaml-tag"))
                continue
            key = key_node.value
            if key in out:
                self.problems.append(Problem(self.file, *_astuple(_pos(key_node)),
                                             f"key {key!r} appears twice in this mapping",
                                             f"the first is on line {out.key_pos[key].line}; keep one",
                                             rule="yaml-duplicate-key"))
                continue
            out.key_pos[key] = _pos(key_node)
            out[key] = self.convert(value_node, depth + 1)
        return out


def _astuple(p: Pos) -> tuple[int, int]:
    return p.line, p.column


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Read one YAML document; raises InputError with every syntax or safety problem found."""
    file = display or str(path)
    try:
        raw = read_input(path, file, MAX_FILE_BYTES, "an annotation file (one review a file)")
    except OSError as exc:  # unreadable, a link that leads nowhere or back to itself
        raise InputError([os_problem(file, exc)]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, 0, 0, f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})",
                                  "save it as UTF-8", rule="yaml-encoding")]) from None
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        raise InputError([Problem(file, line, col, f"YAML syntax error: {what}",
                                  "check indentation, colons and quotes around this point",
                                  rule="yaml-syntax")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character  # libyaml gives an int
        raise InputError([Problem(file, line, column, f"YAML does not allow the character U+{code:04X} here",
                                  "remove it, or write it as an escape inside a double-quoted string",
                                  rule="yaml-syntax")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, 0, 0, f"YAML error: {exc}".splitlines()[0], rule="yaml-syntax")]) from None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise InputError([Problem(file, 0, 0, "the file is empty",
                                  "an annotation file holds one review: start from docs/annotation-guide.md",
                                  rule="empty-file")])
    if len(nodes) > 1:
        raise InputError([Problem(file, _pos(nodes[1]).line, 1, "the file holds more than one YAML document",
                                  "one review a file: move the second document to its own file",
                                  rule="one-document")])
    conv = _Converter(file)
    value = conv.convert(nodes[0])
    if conv.problems:
        raise InputError(conv.problems)
    return value
