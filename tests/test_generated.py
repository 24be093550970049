"""Generated files are in sync with their sources, and the JSON Schema agrees with the loader."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from kg_build.annotations.yamlsource import Mapping, Scalar, Sequence, load_yaml
from kg_build.devtools import codegen, jsonschema_gen
from kg_build.devtools import ontodocs as docs

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("path, render", codegen.generated(), ids=lambda v: getattr(v, "name", ""))
def test_generated_file_is_in_sync_with_its_sources(path, render):
    """namespace.py, the JSON Schema, the shapes written from the format and the vocabularies, the
    guide's section table: each as `make generate` writes it."""
    assert path.read_text(encoding="utf-8") == render(), f"{path} is stale: run `make generate`"


def _plain(v):
    """YAML values as an editor's YAML 1.2 parser sees them (dates stay strings)."""
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, Sequence):
        return [_plain(x) for x in v]
    if isinstance(v, Scalar):
        if v.kind == "int":
            return int(v)
        if v.kind == "bool":
            return str(v).lower() == "true"
        if v.kind == "null":
            return None
        return str(v)
    return v


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(jsonschema_gen.target().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", sorted((DATA / "valid").glob("*.yaml")) + sorted(Path("data").glob("**/*.yaml")),
                         ids=lambda p: p.name)
def test_valid_annotations_satisfy_the_json_schema(path, validator):
    errors = sorted(validator.iter_errors(_plain(load_yaml(path))), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.mark.parametrize("name", ["unknown-key", "unknown-code-agency-type", "id-format-uppercase", "required-key"])
def test_json_schema_refuses_what_the_loader_refuses(name, validator):
    doc = _plain(load_yaml(DATA / "invalid" / f"{name}.yaml"))
    assert list(validator.iter_errors(doc))


def test_ontology_docs_are_generated(tmp_path):
    files = docs.build_docs(tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "GENERATED" in index and "missed opportunity" in index.lower()
    assert (tmp_path / "vocab" / "risk-factor.html").exists()
    assert len(files) >= 20


def test_query_docs_are_in_sync_with_queries_and_data(tmp_path):
    from kg_build.devtools import querydocs
    from kg_build.pipeline import builder as build

    out = tmp_path / "build"
    assert build.build([Path(__file__).resolve().parent.parent / "data"], out, jobs=2).written
    assert querydocs.target().read_text(encoding="utf-8") == querydocs.render(out), "run `make docs`"
    from kg_build.devtools import findings
    assert findings.target().read_text(encoding="utf-8") == findings.render(out), "run `make docs`"


def test_the_table_of_reviews_in_data_readme_is_in_sync():
    from kg_build.devtools import datatable

    text = datatable.readme().read_text(encoding="utf-8")
    assert text == datatable.render(text, datatable.readme().parent / "reviews"), "run `make docs`"
