"""The training rig most training window tests share: the bundled library, training installed
on a main window with no live checklists; closed after each test. test_training.py overrides it
to add a live notes database."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers.training_rig import TrainingRig, close_windows, make_training_rig


@pytest.fixture
def rig(qtbot: QtBot, bundled_content: Path) -> Iterator[TrainingRig]:
    made = make_training_rig(qtbot, bundled_content)
    yield made
    close_windows()
    made.training.close()
