import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def support_graph():
    from kg_build import validation

    return validation.support_graph()
