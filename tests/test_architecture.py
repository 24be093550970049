"""The package's shape holds (docs/architecture.md): each stage imports only the stages before it and
the shared modules, by their public names; nothing at run time imports the CLI or the dev tools."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "kg_build"
#: the stages in the order data flows through them; a stage may import the ones before it
STAGES = ("model", "annotations", "draft", "rdf", "queries", "validation", "exports", "pipeline", "report",
          "publish")
SHARED = {"problems", "resources", "atomic", "processes", "inputs", "store", "endpoints", "assets"}
FOUNDATION = {"model"}  # the shared modules may use the model (the store's graph names are IRIs)
TOP = {"cli", "devtools"}  # may import anything; imported by nothing else


def _imports(path: Path):
    """(imported module, names) for every `import` and `from ... import` of a module, lazy ones too."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg_build"):
            yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("kg_build"):
                    yield a.name, []


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_stages_import_only_earlier_stages_and_shared_modules_by_public_names():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        here = rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 or rel.stem != "__init__" else ""
        if here in TOP or here == "":  # the CLI, the dev tools and the facade sit on top
            continue
        for module, names in _imports(path):
            there = _part(module)
            if module == "kg_build":  # `from kg_build import queries` / `__version__`
                there = names[0] if names and names[0] != "__version__" else ""
            if there in TOP:
                problems.append(f"{rel}: imports {module}")
            elif there in STAGES and here in STAGES and STAGES.index(there) > STAGES.index(here):
                problems.append(f"{rel} ({here}) imports the later stage {module}")
            elif there in STAGES and here in SHARED and there not in FOUNDATION:
                problems.append(f"{rel} (shared) imports the stage {module}")
            if there != here and any(n.startswith("_") and n != "__version__" for n in names):
                problems.append(f"{rel}: imports private names of {module}: {names}")
    assert not problems, "\n".join(problems)


def test_the_check_above_can_fail(tmp_path, monkeypatch):
    bad = tmp_path / "kg_build" / "annotations"
    bad.mkdir(parents=True)
    (bad / "x.py").write_text("from kg_build.pipeline.builder import _cached\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path / "kg_build")
    try:
        test_stages_import_only_earlier_stages_and_shared_modules_by_public_names()
    except AssertionError as exc:
        assert "later stage" in str(exc) and "private names" in str(exc)
    else:
        raise AssertionError("an annotations module importing a private name of the pipeline passed")
