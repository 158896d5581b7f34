"""Setup panel: account type, server offset, leverage, spread profile, commission, rebate programs, market data.

The panel holds a :class:`SetupState` (plain data, saved in QSettings) and a :class:`Catalog` of
bundled and user profiles and programs (user ones are JSON files managed by fxcost.userdata).
:func:`build_settings` turns both into the engine's AnalysisSettings; the window calls it on a
worker because reading market data can take a while.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fxcost import userdata
from fxcost.analysis import programs
from fxcost.errors import FxCostError
from fxcost.session import (  # noqa: F401  (the session's setup, public here as before)
    ACCOUNT_TYPES,
    AUTO_KEY,
    BUNDLED,
    COMPARE_COMMISSION_MODES,
    OTHER_KEY,
    TYPE_PROFILE,
    Catalog,
    SetupState,
    build_settings,
    compare_commission,
    compared_profiles,
    item_key,
)
from fxcost.ui import dialogs

JSON_FILTER = "JSON (*.json);;All files (*)"
MARKET_FILTER = "Bars or ticks (*.csv *.txt *.tsv);;All files (*)"
AUTO_NOT_EDITABLE = ("“Auto” is not a table of its own: per account it uses Typical Raw/ECN when the export shows "
                     "commission charged (or a raw-account symbol suffix), else Typical Standard. Choose one of "
                     "those to edit or export it.")

#: The server clocks the time-of-day shape can read trade times with (measured.server_clock): (setting, label).
TIME_OF_DAY_CLOCKS = (
    ("", "Auto (offset above, broker's, else New York close)"),
    ("GMT+2/+3 NY", "GMT+2/+3, New York close"),
    ("+2/+3 EU", "GMT+2/+3, EU dates (EET)"),
    ("+1/+2 EU", "GMT+1/+2, EU dates (CET)"),
    ("UTC", "UTC"),
)


def _group(title: str) -> tuple[QGroupBox, QFormLayout]:
    box = QGroupBox(title)
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return box, form


def _buttons(*specs) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(4)
    for text, tip, slot in specs:
        b = QPushButton(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        row.addWidget(b)
    row.addStretch(1)
    return row


class SetupPanel(QScrollArea):
    """The analysis choices. Signals: changed() after any choice; problems(list[str]) for damaged user files."""

    changed = Signal()
    problems = Signal(list)

    def __init__(self, state: SetupState | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("setup-panel")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.catalog = Catalog()
        self._state = state or SetupState()
        self._updating = False
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)

        box, form = _group("Account")
        self.account_type = QComboBox()
        self.account_type.setObjectName("setup-account-type")
        for key, label in ACCOUNT_TYPES:
            self.account_type.addItem(label, key)
        self.account_type.setToolTip("Picks the matching typical spread profile (Raw/ECN spreads are ~1 pip lower "
                                     "and commission is charged instead).")
        self.offset = QDoubleSpinBox()
        self.offset.setObjectName("setup-offset")
        self.offset.setRange(-12, 14)
        self.offset.setSingleStep(0.5)
        self.offset.setDecimals(1)
        self.offset.setSuffix(" h")
        self.offset.setToolTip("Broker server time minus UTC (e.g. +2 winter / +3 summer for many brokers); "
                               "used to line trades up with measured market data.")
        self.leverage = QSpinBox()
        self.leverage.setObjectName("setup-leverage")
        self.leverage.setRange(0, 5000)
        self.leverage.setSpecialValueText("as printed")
        self.leverage.setPrefix("1:")
        self.leverage.setToolTip("Account leverage when the report prints none or a wrong one")
        form.addRow("Account type", self.account_type)
        form.addRow("Server time − UTC", self.offset)
        form.addRow("Leverage", self.leverage)
        layout.addWidget(box)

        box, form = _group("Spreads")
        self.profile = QComboBox()
        self.profile.setObjectName("setup-profile")
        self.profile.setToolTip("Typical round-turn spreads used where no market data covers a trade")
        form.addRow("Profile", self.profile)
        form.addRow(_buttons(("Edit…", "Edit the profile (a bundled one is saved as your copy)", self.edit_profile),
                             ("Import…", "Add a spread profile from a JSON file", self.import_profile),
                             ("Export…", "Save the profile as a JSON file", self.export_profile),
                             ("Delete", "Delete your profile", self.delete_profile)))
        self.compare_profiles = QListWidget()
        self.compare_profiles.setObjectName("setup-compare-profiles")
        self.compare_profiles.setMaximumHeight(72)
        self.compare_profiles.setToolTip("Ticked profiles are compared in the Compare view, under the same rebate "
                                         "program and with the commission chosen below. “The other account type” "
                                         "is Standard for a Raw/ECN account and Raw/ECN for a Standard one.")
        form.addRow("Compare", self.compare_profiles)
        self.compare_commission_mode = QComboBox()
        self.compare_commission_mode.setObjectName("setup-compare-commission-mode")
        for key, text in COMPARE_COMMISSION_MODES:
            self.compare_commission_mode.addItem(text, key)
        self.compare_commission_mode.setToolTip(
            "The commission charged in the compared profiles, instead of yours:\n"
            "• What that account type charges: none for a Standard account; for Raw/ECN your exported commission "
            "if your account is Raw/ECN, else 7 USD per lot round turn\n"
            "• As exported: the commission your statement shows\n"
            "• None: no commission at all\n"
            "• Per lot, round turn: the amount given (account currency)")
        self.compare_commission = QDoubleSpinBox()
        self.compare_commission.setObjectName("setup-compare-commission")
        self.compare_commission.setRange(0, 1000)
        self.compare_commission.setDecimals(2)
        self.compare_commission.setSuffix(" per lot")
        self.compare_commission.setToolTip("Commission per round-turn lot in the compared profiles, in the account "
                                           "currency (e.g. 7 for a Raw/ECN account); 0 = none")
        commission_row = QHBoxLayout()
        commission_row.setSpacing(4)
        commission_row.addWidget(self.compare_commission_mode, 1)
        commission_row.addWidget(self.compare_commission)
        form.addRow("Their commission", commission_row)
        self.market_list = QListWidget()
        self.market_list.setObjectName("setup-market-data")
        self.market_list.setMaximumHeight(40)
        self.market_list.setToolTip("MT5 bar exports or tick CSVs: trades they cover use the measured spread")
        form.addRow("Measured", self.market_list)
        form.addRow(_buttons(("Add bars/ticks…", "Measure spreads from an MT5 bar export or a tick file",
                              self.add_market_data),
                             ("Remove", "Stop using the selected file", self.remove_market_data)))
        # Issue 12 (docs/SPREADS.md): the same switches as report --no-observed-spreads / --no-time-of-day /
        # --time-of-day-clock, saved in the session.
        self.observed_spreads = QCheckBox("Use spreads seen in my own fills")
        self.observed_spreads.setObjectName("setup-observed-spreads")
        self.observed_spreads.setToolTip("A buy and a sell of one symbol executed in the same second differ by the "
                                         "spread: with 5 or more consistent pairs, that symbol is costed with their "
                                         "median, and the account's other symbols are calibrated to it "
                                         "(report --no-observed-spreads switches it off)")
        form.addRow(self.observed_spreads)
        self.time_of_day = QCheckBox("Widen spreads by time of day")
        self.time_of_day.setObjectName("setup-time-of-day")
        self.time_of_day.setToolTip("Profile and catalogue spreads follow the hourly shape derived from real bar "
                                    "exports: wider in the hour after the New York close (report --no-time-of-day)")
        self.time_of_day_clock = QComboBox()
        self.time_of_day_clock.setObjectName("setup-time-of-day-clock")
        for key, text in TIME_OF_DAY_CLOCKS:
            self.time_of_day_clock.addItem(text, key)
        self.time_of_day_clock.setToolTip("The server clock the trade times are read with for the time-of-day "
                                          "shape (report --time-of-day-clock)")
        form.addRow(self.time_of_day)
        form.addRow("Server clock", self.time_of_day_clock)
        layout.addWidget(box)

        box, form = _group("Commission where the export has none")
        self.commission_on = QCheckBox("Apply a schedule")
        self.commission_on.setObjectName("setup-commission-on")
        self.commission_rate = QDoubleSpinBox()
        self.commission_rate.setRange(0, 1_000_000)
        self.commission_rate.setDecimals(2)
        self.commission_rate.setSuffix(" (account ccy)")  # set_currencies names it once files are loaded
        self.commission_model = QComboBox()
        self.commission_model.addItem("per lot", "per_lot")
        self.commission_model.addItem("per million notional", "per_million")
        self.commission_per = QComboBox()
        self.commission_per.addItem("round turn", "round_turn")
        self.commission_per.addItem("per side", "per_side")
        form.addRow(self.commission_on)
        form.addRow("Rate", self.commission_rate)
        form.addRow("Charged", self.commission_model)
        form.addRow("Per", self.commission_per)
        self.set_currencies([])
        self.swap_in_cost = QCheckBox("Count swap as a cost")
        self.swap_in_cost.setObjectName("setup-swap-in-cost")
        self.swap_in_cost.setToolTip("Count swap (charged − earned) as a cost in break-even and the cost after "
                                     "rebate; otherwise it is carry, shown apart (report --swap-in-cost)")
        form.addRow(self.swap_in_cost)
        layout.addWidget(box)

        box, form = _group("Rebate programs")
        self.main_program = QComboBox()
        self.main_program.setObjectName("setup-main-program")
        self.main_program.setToolTip("The program whose rebate the figures, trades and charts show")
        form.addRow("Main", self.main_program)
        self.program_list = QListWidget()
        self.program_list.setObjectName("setup-programs")
        self.program_list.setToolTip("All programs; ticked ones are compared in the Compare view")
        self.program_list.setMinimumHeight(120)
        form.addRow("Compare", self.program_list)
        form.addRow(_buttons(("New…", "Create a program", self.new_program),
                             ("Edit…", "Edit the selected program (a bundled one is saved as your copy)",
                              self.edit_program),
                             ("Duplicate", "Copy the selected program", self.duplicate_program)))
        form.addRow(_buttons(("Import…", "Add a program from a JSON file", self.import_program),
                             ("Export…", "Save the selected program as a JSON file", self.export_program),
                             ("Delete", "Delete your program", self.delete_program)))
        self.ib_program = QComboBox()
        self.ib_program.setObjectName("setup-ib-program")
        self.ib_program.setToolTip("The program an introducing broker earns under (IB view)")
        form.addRow("IB view", self.ib_program)
        self.folder_label = QLabel(f"Your programs and profiles: {userdata.data_dir()}")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.folder_label)
        layout.addWidget(box)
        layout.addStretch(1)

        self._populate()
        for w in (self.account_type,):
            w.currentIndexChanged.connect(self._account_type_changed)
        for w in (self.profile, self.main_program, self.ib_program, self.commission_model, self.commission_per,
                  self.compare_commission_mode):
            w.currentIndexChanged.connect(self._emit)
        for w in (self.offset, self.leverage, self.commission_rate, self.compare_commission):
            w.valueChanged.connect(self._emit)
        self.commission_on.toggled.connect(self._emit)
        self.swap_in_cost.toggled.connect(self._emit)
        self.observed_spreads.toggled.connect(self._emit)
        self.time_of_day.toggled.connect(self._emit)
        self.time_of_day_clock.currentIndexChanged.connect(self._emit)
        self.program_list.itemChanged.connect(self._emit)
        self.compare_profiles.itemChanged.connect(self._emit)

    # --- state -------------------------------------------------------------------------------------------

    def set_currencies(self, currencies: list[str]) -> None:
        """Issue 15: the commission amounts say their currency, the accounts' own: a JPY account's "7" is 7 JPY,
        while the typical Raw/ECN commission of the compared profiles is 7 USD converted to it."""
        names = sorted({c for c in currencies if c})
        ccy = names[0] if len(names) == 1 else ""
        unit = ccy or "account ccy"
        self.commission_rate.setSuffix(f" {ccy}" if ccy else " (account ccy)")
        self.commission_rate.setToolTip(f"The rate in {ccy or 'each account’s own currency'}"
                                        + ("" if ccy in ("", "USD") else f" (not USD: 7 here is 7 {ccy})"))
        self.compare_commission.setSuffix(f" {unit} per lot")
        converted = "" if ccy == "USD" else (f", converted to {ccy}" if ccy else ", converted to each account's "
                                              "currency")
        self.compare_commission_mode.setItemData(0, f"What that account type charges: none for a Standard account; "
                                                 f"for Raw/ECN your exported commission if your account is Raw/ECN, "
                                                 f"else 7 USD per lot round turn{converted}",
                                                 Qt.ItemDataRole.ToolTipRole)
        self.compare_commission.setToolTip(f"Commission per round-turn lot in the compared profiles, in "
                                           f"{ccy or 'each account’s own currency'} (not converted); 0 = none")

    def state(self) -> SetupState:
        """The choices as they stand."""
        return copy.deepcopy(self._state)

    def set_state(self, state: SetupState) -> None:
        self._state = copy.deepcopy(state)
        self._populate()
        self.changed.emit()

    def _read_widgets(self) -> None:
        s = self._state
        s.account_type = self.account_type.currentData() or "standard"
        s.profile = self.profile.currentData() or s.profile
        s.main_program = self.main_program.currentData() or ""
        s.ib_program = self.ib_program.currentData() or ""
        s.server_utc_offset = self.offset.value()
        s.leverage = self.leverage.value()
        s.commission_on = self.commission_on.isChecked()
        s.include_swap_in_cost = self.swap_in_cost.isChecked()
        s.observed_spreads = self.observed_spreads.isChecked()
        s.time_of_day = self.time_of_day.isChecked()
        s.time_of_day_clock = self.time_of_day_clock.currentData() or ""
        self.time_of_day_clock.setEnabled(s.time_of_day)
        s.commission_rate = self.commission_rate.value()
        s.compare_commission = self.compare_commission.value()
        s.compare_commission_mode = self.compare_commission_mode.currentData() or "account_type"
        self.compare_commission.setEnabled(s.compare_commission_mode == "rate")
        s.commission_model = self.commission_model.currentData()
        s.commission_per = self.commission_per.currentData()
        s.compare_programs = [self.program_list.item(i).data(Qt.ItemDataRole.UserRole)
                              for i in range(self.program_list.count())
                              if self.program_list.item(i).checkState() == Qt.CheckState.Checked]
        s.compare_profiles = [self.compare_profiles.item(i).data(Qt.ItemDataRole.UserRole)
                              for i in range(self.compare_profiles.count())
                              if self.compare_profiles.item(i).checkState() == Qt.CheckState.Checked]

    def _emit(self, *_args) -> None:
        if self._updating:
            return
        self._read_widgets()
        self.changed.emit()

    def _account_type_changed(self, *_args) -> None:
        if self._updating:
            return
        key = TYPE_PROFILE.get(self.account_type.currentData(), AUTO_KEY)
        i = self.profile.findData(key)
        if i >= 0:
            self._updating = True
            self.profile.setCurrentIndex(i)
            self._updating = False
        self._emit()

    def _populate(self) -> None:
        """Fill every widget from the catalog and the state (signals held back)."""
        self._updating = True
        s, cat = self._state, self.catalog
        self.account_type.setCurrentIndex(max(0, self.account_type.findData(s.account_type)))
        self.offset.setValue(s.server_utc_offset)
        self.leverage.setValue(s.leverage)
        self.commission_on.setChecked(s.commission_on)
        self.swap_in_cost.setChecked(s.include_swap_in_cost)
        self.observed_spreads.setChecked(s.observed_spreads)
        self.time_of_day.setChecked(s.time_of_day)
        if self.time_of_day_clock.findData(s.time_of_day_clock) < 0:  # a clock given on the command line
            self.time_of_day_clock.addItem(s.time_of_day_clock, s.time_of_day_clock)
        self.time_of_day_clock.setCurrentIndex(self.time_of_day_clock.findData(s.time_of_day_clock))
        self.time_of_day_clock.setEnabled(s.time_of_day)
        self.commission_rate.setValue(s.commission_rate)
        self.compare_commission.setValue(s.compare_commission)
        self.compare_commission_mode.setCurrentIndex(
            max(0, self.compare_commission_mode.findData(s.compare_commission_mode)))
        self.commission_model.setCurrentIndex(max(0, self.commission_model.findData(s.commission_model)))
        self.commission_per.setCurrentIndex(max(0, self.commission_per.findData(s.commission_per)))

        def label(key: str, name: str) -> str:
            if key == AUTO_KEY:
                return "Auto (Standard or Raw/ECN per account)"
            if key == OTHER_KEY:
                return "The other account type (Standard ↔ Raw/ECN)"
            return name if key.startswith(BUNDLED) else f"{name} (yours)"

        self.profile.clear()
        self.compare_profiles.clear()
        for key, p in cat.profiles.items():
            if key != OTHER_KEY:  # "other" is only a comparison: the trader's own type is never "the other"
                self.profile.addItem(label(key, p.name), key)
            if key == AUTO_KEY:
                continue  # "auto" would compare the account with itself
            item = QListWidgetItem(label(key, p.name))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in s.compare_profiles else Qt.CheckState.Unchecked)
            self.compare_profiles.addItem(item)
        self.profile.setCurrentIndex(max(0, self.profile.findData(s.profile)))
        self.main_program.clear()
        self.ib_program.clear()
        self.program_list.clear()
        self.main_program.addItem("(no rebate)", "")
        self.ib_program.addItem("(the main program)", "")
        for key, p in cat.programs.items():
            self.main_program.addItem(label(key, p.name), key)
            self.ib_program.addItem(label(key, p.name), key)
            item = QListWidgetItem(label(key, p.name))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(p.description or p.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in s.compare_programs else Qt.CheckState.Unchecked)
            self.program_list.addItem(item)
        self.main_program.setCurrentIndex(max(0, self.main_program.findData(s.main_program)))
        self.ib_program.setCurrentIndex(max(0, self.ib_program.findData(s.ib_program)))
        self.market_list.clear()
        for path in s.market_data:
            self.market_list.addItem(os.path.basename(path))
            self.market_list.item(self.market_list.count() - 1).setToolTip(path)
        self._updating = False
        self._read_widgets()

    def reload(self) -> None:
        """Re-read the user files (reporting damaged ones) and refresh the lists."""
        problems = self.catalog.reload()
        if problems:
            self.problems.emit([str(p) for p in problems])
        self._populate()

    # --- helpers for the dialogs ---------------------------------------------------------------------------

    def _ask_error(self, message: str) -> None:
        dialogs.notify(self, "fxcost", message)

    def _replace_key(self, old: str, new: str) -> None:
        s = self._state
        if s.profile == old:
            s.profile = new
        if s.main_program == old:
            s.main_program = new
        if s.ib_program == old:
            s.ib_program = new
        s.compare_programs = [new if k == old else k for k in s.compare_programs]
        s.compare_profiles = [new if k == old else k for k in s.compare_profiles]

    def _saved(self, old_key: str | None, new_path: Path, problems: list) -> None:
        new_key = item_key(str(new_path))
        self._read_widgets()
        if old_key:
            self._replace_key(old_key, new_key)
        if problems:
            self.problems.emit([str(p) for p in problems])
        self.reload()
        self.changed.emit()

    def selected_program_key(self) -> str | None:
        item = self.program_list.currentItem()
        if item is not None:
            return item.data(Qt.ItemDataRole.UserRole)
        return self.main_program.currentData() or None

    # --- programs ------------------------------------------------------------------------------------------

    def edit_program_data(self, data: dict | None, old_key: str | None, previous: str | None) -> bool:
        """Open the validating form on ``data``; on OK save to the user folder. Returns whether it was saved."""
        from fxcost.ui.program_editor import ProgramDialog

        dialog = ProgramDialog(data, self)
        if not dialog.exec() or dialog.program() is None:
            return False
        return self.save_program(dialog.program(), old_key, previous)

    def save_program(self, program, old_key: str | None, previous: str | None) -> bool:
        try:
            path, problems = userdata.save_program(program, previous=previous)
        except FxCostError as exc:
            self._ask_error(str(exc))
            return False
        self._saved(old_key, path, problems)
        return True

    def new_program(self) -> None:
        self.edit_program_data(None, None, None)

    def edit_program(self) -> None:
        key = self.selected_program_key()
        if not key:
            return
        program = self.catalog.programs[key]
        previous = program.path if self.catalog.is_user(key) else None
        self.edit_program_data(program.as_dict(), key, previous)

    def duplicate_program(self) -> None:
        key = self.selected_program_key()
        if not key:
            return
        data = self.catalog.programs[key].as_dict()
        data["name"] = f"{data['name']} (copy)"
        self.save_program(programs.from_dict(data), None, None)

    def delete_program(self) -> None:
        key = self.selected_program_key()
        if not key:
            return
        if not self.catalog.is_user(key):
            self._ask_error("Bundled programs cannot be deleted; untick or unselect them instead.")
            return
        program = self.catalog.programs[key]
        answer = QMessageBox.question(self, "fxcost", f"Delete your program “{program.name}”?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            userdata.delete(program.path)
        except FxCostError as exc:
            self._ask_error(str(exc))
            return
        self._read_widgets()
        self._replace_key(key, "")
        self._state.compare_programs = [k for k in self._state.compare_programs if k]
        self.reload()
        self.changed.emit()

    def import_program(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a rebate program", str(Path.home()), JSON_FILTER)
        if path:
            self.import_program_file(path)

    def import_program_file(self, path: str) -> bool:
        try:
            program = programs.load(path)
        except FxCostError as exc:
            self._ask_error(f"{exc}\n\nFix the file or create the program with New….")
            return False
        return self.save_program(program, None, None)

    def export_program(self) -> None:
        key = self.selected_program_key()
        if not key:
            return
        program = self.catalog.programs[key]
        self._export_json("Export the rebate program", program.name, program.as_dict())

    def _export_json(self, title: str, name: str, data: dict) -> None:
        """Ask where to save ``data`` (a program or profile) as JSON, and write it atomically."""
        target, _ = QFileDialog.getSaveFileName(self, title, str(Path.home() / f"{userdata.slug(name)}.json"),
                                                JSON_FILTER)
        if target:
            try:
                userdata.atomic_write_json(target, data)
            except FxCostError as exc:
                self._ask_error(str(exc))

    # --- profiles ------------------------------------------------------------------------------------------

    def edit_profile(self) -> None:
        from fxcost.ui.program_editor import ProfileDialog

        key = self.profile.currentData()
        if key == AUTO_KEY:
            self._ask_error(AUTO_NOT_EDITABLE)
            return
        profile = self.catalog.profiles[key]
        dialog = ProfileDialog(profile.as_dict(), self)
        if not dialog.exec() or dialog.profile() is None:
            return
        self.save_profile(dialog.profile(), key, profile.path if self.catalog.is_user(key) else None)

    def save_profile(self, profile, old_key: str | None, previous: str | None) -> bool:
        try:
            path, problems = userdata.save_profile(profile, previous=previous)
        except FxCostError as exc:
            self._ask_error(str(exc))
            return False
        self._saved(old_key, path, problems)
        return True

    def import_profile(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a spread profile", str(Path.home()), JSON_FILTER)
        if not path:
            return
        from fxcost.analysis.spreads import load_profile

        try:
            profile = load_profile(path)
        except FxCostError as exc:
            self._ask_error(str(exc))
            return
        self.save_profile(profile, None, None)

    def export_profile(self) -> None:
        if self.profile.currentData() == AUTO_KEY:
            self._ask_error(AUTO_NOT_EDITABLE)
            return
        profile = self.catalog.profiles[self.profile.currentData()]
        self._export_json("Export the spread profile", profile.name, profile.as_dict())

    def delete_profile(self) -> None:
        key = self.profile.currentData()
        if not self.catalog.is_user(key):
            self._ask_error("Bundled profiles cannot be deleted; choose another profile instead.")
            return
        try:
            userdata.delete(self.catalog.profiles[key].path)
        except FxCostError as exc:
            self._ask_error(str(exc))
            return
        self._read_widgets()
        self._replace_key(key, TYPE_PROFILE["standard"])
        self.reload()
        self.changed.emit()

    # --- market data ---------------------------------------------------------------------------------------

    def add_market_data(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Market data for measured spreads", str(Path.home()),
                                                MARKET_FILTER)
        if files:
            self.add_market_files(files)

    def add_market_files(self, files: list[str]) -> None:
        self._read_widgets()
        self._state.market_data += [os.path.abspath(f) for f in files if os.path.abspath(f)
                                    not in self._state.market_data]
        self._populate()
        self.changed.emit()

    def remove_market_data(self, path: str | None = None) -> None:
        """Stop using ``path`` (default: the selected file)."""
        self._read_widgets()
        if path is None:
            row = self.market_list.currentRow()
            if row < 0:
                return
            path = self._state.market_data[row]
        self._state.market_data = [p for p in self._state.market_data if os.path.abspath(p) != os.path.abspath(path)]
        self._populate()
        self.changed.emit()
