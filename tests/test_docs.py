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


def test_every_concept_of_a_scheme_is_on_its_vocabulary_page(tmp_path):
    """docs/ontology/vocab/ (make docs): one page a scheme listing every concept, with its label and
    definition, and an index linking every page; no machine prefixes such as ns1."""
    import html

    from kg_build import resources
    from kg_build.devtools.vocabpages import build_pages
    from kg_build.model import ontology

    build_pages(tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for f in resources.scheme_files():
        page = (tmp_path / f"{f.stem}.html").read_text(encoding="utf-8")
        scheme = ontology.scheme(f.stem)
        assert scheme.concepts, f.stem
        missing = [c for c in scheme.concepts if f'<tr id="{html.escape(c)}"' not in page]
        assert not missing, f"{f.stem}: concepts not on the page: {missing}"
        assert all(html.escape(scheme.labels[c]) in page for c in scheme.concepts)
        assert "ns1" not in page and f'href="{f.stem}.html"' in index
