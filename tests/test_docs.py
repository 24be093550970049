"""The documentation names only tests that exist, so its tables of what is covered cannot rot."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


@pytest.mark.parametrize("doc", ["docs/reliability.md"])
def test_every_test_a_document_names_exists(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    refs = REFERENCE.findall(text)
    assert len(refs) > 40, "the references are not where they were expected"
    missing = []
    for path, name in refs:
        source = ROOT / path
        if not source.is_file() or (name and not re.search(rf"^def {name}\(", source.read_text(), re.M)):
            missing.append(f"{path}::{name}" if name else path)
    assert not missing, f"{doc} names tests that do not exist: {missing}"
