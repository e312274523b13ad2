"""Fixtures for the procedure tests; the helpers live in tests/helpers/procedures.py."""

from __future__ import annotations

import pytest
from tests.helpers.procedures import SAMPLE, build

from manualviewer.core.procedures import Procedure


@pytest.fixture
def sample() -> Procedure:
    return build(SAMPLE)
