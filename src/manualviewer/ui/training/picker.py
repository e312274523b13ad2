"""Choosing a training scenario: the trainee's name and the scenario, to start it for the trainee
or to present it to a room."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from manualviewer.ui.training.controller import TrainingController
from manualviewer.ui.training.models import SCENARIO_ID_ROLE, ScenarioTableModel
from manualviewer.ui.widgets import label


# --- choosing a scenario -------------------------------------------------------------------------
class ScenarioPicker(QDialog):
    """The trainee's name and the scenario. Start runs it for the trainee; Present shows it to a
    room (no name needed)."""

    start_requested = Signal(str, str)  # scenario ID, trainee's name
    present_requested = Signal(str)

    def __init__(self, controller: TrainingController, parent: QWidget | None = None, trainee: str = "") -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("TRAINING - Choose a scenario")
        self.setAccessibleName("Choose a training scenario")
        intro = label(
            "Training uses the real guidance and the real checklists on made-up situations. Nothing done "
            "in training is a real call: notes and escalations are kept in the training records only, "
            "and nothing is ever sent.", self)
        self.name = QLineEdit(self)
        self.name.setAccessibleName("Trainee's name (required to start)")
        self.name.setPlaceholderText("For example: Jo Bloggs")
        self.name.setText(trainee)
        name_label = QLabel("&Trainee's name (required; it goes on the debrief and the trainer's records):", self)
        name_label.setBuddy(self.name)
        self.model = ScenarioTableModel(self)
        self.model.set_scenarios(controller.scenario_infos())
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Training scenarios")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 280)
        header.resizeSection(2, 240)
        # Wrapped titles need their rows measured again whenever a column's width changes.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.activated.connect(lambda _i: self.start())
        table_label = QLabel("&Scenario:", self)
        table_label.setBuddy(self.table)
        self.summary = label("", self, name="About the chosen scenario")
        self.summary.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        self.error = label("", self, name="Problem")
        self.error.hide()

        buttons = QDialogButtonBox(self)
        self.start_button = buttons.addButton("&Start for this trainee", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setAccessibleName("Start the scenario for this trainee")
        self.start_button.setDefault(True)
        self.present_button = buttons.addButton("&Present to a room...", QDialogButtonBox.ButtonRole.ActionRole)
        self.present_button.setAccessibleName("Present the scenario to a room")
        self.present_button.setToolTip("Large type for a projector; the trainer reveals each turn and answer")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.start_button.clicked.connect(self.start)
        self.present_button.clicked.connect(self.present)
        cancel.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(name_label)
        layout.addWidget(self.name)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self.update_summary())
        if self.model.rowCount():
            self.table.selectRow(0)
        self.table.resizeRowsToContents()
        self.update_summary()
        self.resize(980, 560)
        (self.table if trainee else self.name).setFocus()

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.table.resizeRowsToContents()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.table.resizeRowsToContents()

    def select(self, scenario_id: str) -> None:
        row = self.model.row_of(scenario_id)
        if row >= 0:
            self.table.selectRow(row)

    def scenario_id(self) -> str:
        index = self.table.currentIndex()
        return str(index.siblingAtColumn(0).data(SCENARIO_ID_ROLE) or "") if index.isValid() else ""

    def update_summary(self) -> None:
        info = self.model.info(self.table.currentIndex().row())
        if info is None:
            self.summary.setText("This library has no training scenarios." if not self.model.rowCount() else "")
            return
        scenario = info.scenario
        text = scenario.summary or scenario.title
        marks = len(scenario.expected)
        text += f"\n{marks} decision{'s' if marks != 1 else ''} marked; {len(scenario.situation)} turn" \
                f"{'s' if len(scenario.situation) != 1 else ''} in the call."
        if info.problem:
            text += f"\nThis scenario cannot be run: {info.problem}"
        self.summary.setText(text)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def start(self) -> None:
        if not self.name.text().strip():
            self.show_error("\u2718 Type the trainee's name first: it goes on the debrief and the trainer's records.")
            self.name.setFocus()
            return
        if not self.scenario_id():
            self.show_error("\u2718 Choose a scenario first.")
            return
        self.start_requested.emit(self.scenario_id(), self.name.text())
        self.accept()

    def present(self) -> None:
        if not self.scenario_id():
            self.show_error("\u2718 Choose a scenario first.")
            return
        self.present_requested.emit(self.scenario_id())
        self.accept()
