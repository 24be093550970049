import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def support_graph():
    from kg_build.validation import shacl as validation

    return validation.support_graph()


@pytest.fixture(scope="session")
def data_build(tmp_path_factory):
    """data/ built once for the session. Tests that change a build work on a copy."""
    from kg_build.pipeline import builder as build

    out = tmp_path_factory.mktemp("data") / "build"
    r = build.build([Path(__file__).parent.parent / "data"], out, jobs=2)
    assert r.ok and r.written, [str(p) for p in r.problems]
    return out


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory):
    """The query fixture (tests/data/valid and tests/data/queries) built once for the session: the
    build whose query answers are written by hand, and the report's fixture."""
    from kg_build.pipeline import builder as build

    data = Path(__file__).parent / "data"
    out = tmp_path_factory.mktemp("qfix") / "build"
    r = build.build([data / "valid", data / "queries"], out, jobs=2)
    assert r.ok, [str(p) for p in r.problems]
    return out
