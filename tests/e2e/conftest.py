"""The virtual X server the end-to-end tests start the real app on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.xvfb import running_xvfb


@pytest.fixture
def xvfb() -> Iterator[str]:
    with running_xvfb() as display:
        yield display
