"""Fixtures for the procedure tests; the helpers live in procedure_helpers."""

from __future__ import annotations

import pytest
from procedure_helpers import SAMPLE, build

from manualviewer.core.procedures import Procedure


@pytest.fixture
def sample() -> Procedure:
    return build(SAMPLE)
