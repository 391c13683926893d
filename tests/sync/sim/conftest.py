from __future__ import annotations

import pytest

from .world import Templates


@pytest.fixture(scope="session")
def sim_templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """The empty till and central databases every run starts from."""
    return Templates.make(tmp_path_factory.mktemp("sim-templates"))
