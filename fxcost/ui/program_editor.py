"""Validating editors for rebate programs and spread profiles: every change re-checks with the engine's own parser.

The form edits the program's JSON object; :func:`fxcost.analysis.programs.from_dict` (and
``SpreadProfile.from_dict``) validate it after each change, so the dialog can never accept what
the CLI could not read. The first problem is shown under the form and OK stays disabled.
"""

from __future__ import annotations

import copy
import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fxcost.analysis import programs
from fxcost.analysis.instruments import CATEGORIES
from fxcost.errors import FxCostError
from fxcost.ui.dialogs import error_and_buttons

RATE_HEADERS = ("Symbols", "Categories", "Accounts", "Model", "Rate", "Lot basis", "Paid on top")
#: Column of the rates table summing up a rate's "plus" components (read-only: edited in the table below it).
PLUS_COLUMN = 6
PLUS_HEADERS = ("Model", "Rate", "Lot basis")
#: Lot-basis cell value meaning "the program's".
INHERIT = ""
#: How each model reads after its rate in the "Paid on top" summary.
_MODEL_WORDS = {"per_lot": " per lot", "pips_per_lot": " pips per lot", "pct_spread": "% of the spread",
                "pct_commission": "% of the commission", "per_million": " per million"}


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


def _number(text: str):
    """A cell's number, or the text itself so the validator names the bad value."""
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def _shown(value) -> str:
    """A number as typed (25, not 25.0; every digit kept); anything else as is."""
    if isinstance(value, float) and math.isfinite(value) and float(f"{value:g}") == value:
        return f"{value:g}"
    return str(value)


def plus_summary(plus) -> str:
    """A rate's components paid on top, in words: "+ 25% of the commission"."""
    parts = []
    for c in plus or []:
        if isinstance(c, dict):
            basis = f" ({c['lot_basis'].replace('_', ' ')})" if c.get("lot_basis") else ""
            parts.append(f"+ {_shown(c.get('rate', '?'))}{_MODEL_WORDS.get(c.get('model'), ' ' + str(c.get('model')))}{basis}")
    return ", ".join(parts)


def _spin(minimum: float, maximum: float, decimals: int = 2, step: float = 1.0, special: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    if special:
        box.setSpecialValueText(special)
    return box


def _combo(values, current: str = "") -> QComboBox:
    box = QComboBox()
    box.addItems(list(values))
    if current in values:
        box.setCurrentText(current)
    return box



#: Issue 14: the tier settings as the editor words them: (JSON value, label).
TIER_MODE_LABELS = (("retroactive", "Retroactive: every lot of the month at the tier reached"),
                    ("marginal", "Marginal: each lot at the tier of its volume band"))
TIER_BASIS_LABELS = (("current", "This month's volume"),
                     ("previous_period", "The previous month's volume (level fixed for the month)"))
TIER_SCOPE_LABELS = (("", "Default (all clients together for an IB program, else each account)"),
                     ("account", "Each account's own monthly lots"),
                     ("all_accounts", "All accounts together (an IB's total client volume)"))


def _choice_box(choices: tuple[tuple[str, str], ...], current: str) -> QComboBox:
    """A combo box of (value, label) pairs, ``current`` chosen; a value the file gives that is not among them is
    added as it is, so the validator names it rather than the editor silently changing it."""
    box = QComboBox()
    for value, label in choices:
        box.addItem(label, value)
    index = box.findData(current)
    if index < 0:
        box.addItem(str(current), current)
        index = box.count() - 1
    box.setCurrentIndex(index)
    return box


class _ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a combo box of the allowed values (typing stays possible, the validator has the last word)."""

    def __init__(self, choices: tuple[str, ...], parent=None):
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt's name
        box = QComboBox(parent)
        box.setEditable(True)
        box.addItems(list(self.choices))
        return box

    def setEditorData(self, editor, index):  # noqa: N802 - Qt's name
        editor.setCurrentText(index.data() or "")

    def setModelData(self, editor, model, index):  # noqa: N802 - Qt's name
        model.setData(index, editor.currentText())


class _Table(QWidget):
    """A small editable table with Add / Remove / Up / Down buttons."""

    def __init__(self, headers: tuple[str, ...], on_change, defaults: list[str] | None = None, parent=None,
                 readonly: tuple[int, ...] = ()):
        super().__init__(parent)
        self.defaults = defaults or [""] * len(headers)
        self.readonly = readonly  # columns shown but not typed into (derived from a row's extra data)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(True)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        for text, slot in (("Add", lambda: self.add_row(list(self.defaults))), ("Remove", self.remove_row),
                           ("Up", lambda: self.move(-1)),
                           ("Down", lambda: self.move(1))):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.on_change = on_change
        self.table.itemChanged.connect(lambda _item: on_change())

    def add_row(self, values: list[str] | None = None, extra=None) -> None:
        self.table.blockSignals(True)
        r = self.table.rowCount()
        self.table.insertRow(r)
        values = values or [""] * self.table.columnCount()
        for c, v in enumerate(values):
            item = QTableWidgetItem(str(v))
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, extra)
            if c in self.readonly:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self.on_change()

    def remove_row(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)
            self.on_change()

    def move(self, step: int) -> None:
        r = self.table.currentRow()
        to = r + step
        if r < 0 or not 0 <= to < self.table.rowCount():
            return
        rows = self.rows()
        rows[r], rows[to] = rows[to], rows[r]
        self.set_rows(rows)
        self.table.setCurrentCell(to, 0)

    def rows(self) -> list[tuple[list[str], object]]:
        out = []
        for r in range(self.table.rowCount()):
            cells = [(self.table.item(r, c).text() if self.table.item(r, c) else "").strip()
                     for c in range(self.table.columnCount())]
            first = self.table.item(r, 0)
            out.append((cells, first.data(Qt.ItemDataRole.UserRole) if first else None))
        return out

    def set_rows(self, rows: list[tuple[list[str], object]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        for cells, extra in rows:
            self.add_row(cells, extra)


class ProgramDialog(QDialog):
    """Create or edit a rebate program; ``program()`` returns the validated result after OK."""

    def __init__(self, data: dict | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Rebate program")
        self.resize(760, 620)
        self._original = copy.deepcopy(data or {"name": "New program", "currency": "USD", "lot_basis": "round_turn",
                                                "rates": [{"match": {}, "model": "per_lot", "rate": 5.0}]})
        self._program: programs.RebateProgram | None = None
        d = self._original
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        layout.addWidget(tabs, 1)

        general = QWidget()
        form = QFormLayout(general)
        self.name = QLineEdit(d.get("name", ""))
        self.name.setObjectName("program-name")
        self.description = QLineEdit(d.get("description", ""))
        self.source = QLineEdit(d.get("source", ""))
        self.currency = _combo(programs.CURRENCIES, d.get("currency", "USD"))
        self.lot_basis = _combo(programs.LOT_BASES, d.get("lot_basis", "round_turn"))
        self.tier_volume = _combo(programs.TIER_VOLUMES, d.get("tier_volume", "eligible"))
        self.cent_lot_factor = _spin(0.0001, 1.0, 4, 0.01)
        self.cent_lot_factor.setValue(float(d.get("cent_lot_factor", 0.01)))
        self.client_share = _spin(-1, 100, 1, 5, special="none (not an IB program)")
        self.client_share.setValue(float(d["client_share_pct"]) if d.get("client_share_pct") is not None else -1)
        for label, w in (("Name", self.name), ("Description", self.description), ("Source", self.source),
                         ("Rates quoted in", self.currency), ("Rates per", self.lot_basis),
                         ("Tier volume counts", self.tier_volume), ("Standard lots per cent lot", self.cent_lot_factor),
                         ("IB: % passed back to clients", self.client_share)):
            form.addRow(label, w)
        tabs.addTab(general, "General")

        rates = QWidget()
        rl = QVBoxLayout(rates)
        rl.addWidget(QLabel("The first rate whose match fits a trade prices it; leave Symbols, Categories and Accounts "
                            f"empty to match every trade. Models: {', '.join(programs.MODELS)}. Categories: "
                            f"{', '.join(CATEGORIES)}. Lot basis empty = the program's."))
        rl.itemAt(0).widget().setWordWrap(True)
        self.rates = _Table(RATE_HEADERS, self.revalidate, ["", "", "", "per_lot", "0", "", ""],
                            readonly=(PLUS_COLUMN,))
        self.rates.setObjectName("program-rates")
        self.rates.table.setItemDelegateForColumn(3, _ChoiceDelegate(programs.MODELS, self))
        self.rates.table.setItemDelegateForColumn(5, _ChoiceDelegate((INHERIT, *programs.LOT_BASES), self))
        self.rates.table.horizontalHeaderItem(PLUS_COLUMN).setToolTip(
            "Amounts this rate pays on top of its own: select the rate and edit them in the table below")
        self.rates.table.setWordWrap(False)
        self.rates.table.horizontalHeader().setSectionResizeMode(PLUS_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        rl.addWidget(self.rates, 3)
        self.plus_label = QLabel("")
        self.plus_label.setWordWrap(True)
        rl.addWidget(self.plus_label)
        self.plus = _Table(PLUS_HEADERS, self._plus_changed, ["pct_commission", "0", ""])
        self.plus.setObjectName("program-plus")
        self.plus.table.setItemDelegateForColumn(0, _ChoiceDelegate(programs.MODELS, self))
        self.plus.table.setItemDelegateForColumn(2, _ChoiceDelegate((INHERIT, *programs.LOT_BASES), self))
        self.plus.table.setMaximumHeight(110)
        rl.addWidget(self.plus)
        self._plus_row = -1
        self._plus_loading = False
        self.rates.table.currentCellChanged.connect(lambda row, *_: self.show_plus(row))
        rl.addWidget(QLabel("Tiers: the rate multiplier once an account closes this many lots in a month."))
        self.tiers = _Table(("Min lots per month", "Multiplier"), self.revalidate, ["0", "1"])
        rl.addWidget(self.tiers, 1)
        # Issue 14: how tiers are applied, as brokers write them (programs.TIER_MODES, TIER_BASES, TIER_SCOPES).
        tier_form = QFormLayout()
        self.tier_mode = _choice_box(TIER_MODE_LABELS, d.get("tier_mode", "retroactive"))
        self.tier_mode.setObjectName("program-tier-mode")
        self.tier_basis = _choice_box(TIER_BASIS_LABELS, d.get("tier_basis", "current"))
        self.tier_basis.setObjectName("program-tier-basis")
        self.tier_scope = _choice_box(TIER_SCOPE_LABELS, d.get("tier_scope") or "")
        self.tier_scope.setObjectName("program-tier-scope")
        for label, w in (("Tier prices", self.tier_mode), ("Tier level from", self.tier_basis),
                         ("Tier volume of", self.tier_scope)):
            tier_form.addRow(label, w)
        rl.addLayout(tier_form)
        tabs.addTab(rates, "Rates and tiers")

        tabs.addTab(self._ib_tab(d), "IB: clients and levels")

        elig = QWidget()
        ef = QFormLayout(elig)
        e = d.get("eligibility", {}) or {}
        self.min_hold = _spin(0, 10_000_000, 0, 30)
        self.min_hold.setSuffix(" s")
        self.min_hold.setValue(float(e.get("min_hold_seconds", 0)))
        self.min_move = _spin(0, 1_000_000, 1, 1)
        self.min_move.setSuffix(" points")
        self.min_move.setValue(float(e.get("min_move_points", 0)))
        self.exclude_symbols = QLineEdit(", ".join(e.get("exclude_symbols", [])))
        self.exclude_categories = QLineEdit(", ".join(e.get("exclude_categories", [])))
        self.cap = _spin(0, 1000, 1, 5, special="no cap")
        self.cap.setSuffix(" % of spread")
        self.cap.setValue(float(e.get("cap_pct_of_spread") or 0))
        for label, w in (("Minimum hold time", self.min_hold), ("Minimum price move", self.min_move),
                         ("Excluded symbols", self.exclude_symbols), ("Excluded categories", self.exclude_categories),
                         ("Rebate at most", self.cap)):
            ef.addRow(label, w)
        p = d.get("payout", {}) or {}
        pay = QGroupBox("Payout")
        pf = QFormLayout(pay)
        self.cycle = _combo(programs.CYCLES, p.get("cycle", "monthly"))
        self.weekday = _combo(programs.WEEKDAYS, p.get("weekday", "monday"))
        self.lag = QSpinBox()
        self.lag.setRange(0, 120)
        self.lag.setValue(int(p.get("lag_days", 0)))
        self.min_amount = _spin(0, 1_000_000, 2, 1)
        self.min_amount.setValue(float(p.get("min_amount", 0)))
        self.boundary = QSpinBox()
        self.boundary.setRange(0, 23)
        self.boundary.setValue(int(p.get("day_boundary_hour", 0)))
        for label, w in (("Cycle", self.cycle), ("Weekly on", self.weekday), ("Paid after (days)", self.lag),
                         ("Minimum payout", self.min_amount), ("Day starts at hour (server)", self.boundary)):
            pf.addRow(label, w)
        ef.addRow(pay)
        tabs.addTab(elig, "Eligibility and payout")

        self.error, self.buttons = error_and_buttons(self, layout)
        self.error.setObjectName("program-error")

        self._loading = True
        for rate in d.get("rates", []):
            m = rate.get("match", {}) or {}
            cats = m.get("categories") or ([m["category"]] if m.get("category") else [])
            self.rates.add_row([", ".join(map(str, m.get("symbols", []))), ", ".join(cats),
                                ", ".join(map(str, m.get("accounts", []))), rate.get("model", ""),
                                _shown(rate.get("rate", "")), rate.get("lot_basis", INHERIT),
                                plus_summary(rate.get("plus"))], copy.deepcopy(rate.get("plus")))
        for tier in d.get("tiers", []):
            self.tiers.add_row([f"{tier.get('min_lots_per_month', '')}", f"{tier.get('multiplier', '')}"])
        self._loading = False
        self.show_plus(-1)
        for w in (self.name, self.description, self.source, self.exclude_symbols, self.exclude_categories):
            w.textChanged.connect(self.revalidate)
        for w in (self.currency, self.lot_basis, self.tier_volume, self.cycle, self.weekday, self.tier_mode,
                  self.tier_basis, self.tier_scope):
            w.currentIndexChanged.connect(self.revalidate)
        for w in (self.cent_lot_factor, self.client_share, self.min_hold, self.min_move, self.cap, self.lag,
                  self.min_amount, self.boundary):
            w.valueChanged.connect(self.revalidate)
        self.revalidate()

    def to_dict(self) -> dict:
        """The program's JSON object as the form stands (not yet validated)."""
        # Keys the form has no field for are kept as the file gave them.
        d = {k: v for k, v in self._original.items() if k in ("date",)}
        d.update({"name": self.name.text().strip(), "currency": self.currency.currentText(),
                  "lot_basis": self.lot_basis.currentText(), "tier_volume": self.tier_volume.currentText(),
                  "cent_lot_factor": self.cent_lot_factor.value()})
        for key, w in (("description", self.description), ("source", self.source)):
            if w.text().strip():
                d[key] = w.text().strip()
        if self.client_share.value() >= 0:
            d["client_share_pct"] = self.client_share.value()
        rates = []
        for cells, plus in self.rates.rows():
            symbols, cats, accounts, model, rate, basis = cells[:PLUS_COLUMN]
            match: dict = {}
            if symbols:
                match["symbols"] = _split(symbols)
            if cats:
                match["categories"] = _split(cats)
            if accounts:
                match["accounts"] = _split(accounts)
            entry = {"match": match, "model": model, "rate": _number(rate)}
            if basis:
                entry["lot_basis"] = basis
            if plus:
                entry["plus"] = plus
            rates.append(entry)
        d["rates"] = rates
        d["tiers"] = [{"min_lots_per_month": _number(a), "multiplier": _number(b)}
                      for (a, b), _ in self.tiers.rows()]
        d.update(self._ib_dict())
        d["eligibility"] = {"min_hold_seconds": self.min_hold.value(), "min_move_points": self.min_move.value(),
                            "exclude_symbols": _split(self.exclude_symbols.text()),
                            "exclude_categories": _split(self.exclude_categories.text()),
                            "cap_pct_of_spread": self.cap.value() or None}
        d["payout"] = {"cycle": self.cycle.currentText(), "lag_days": self.lag.value(),
                       "min_amount": self.min_amount.value(), "day_boundary_hour": self.boundary.value(),
                       "weekday": self.weekday.currentText()}
        return d

    def _ib_tab(self, d: dict) -> QWidget:
        """Issue 14: per-client shares, client groups with their own share, and sub-IBs (a two-level deal)."""
        tab = QWidget()
        lay = QVBoxLayout(tab)
        intro = QLabel("An IB program passes a share of its earnings back to each client: the client's own share "
                       "below, else its group's, else its sub-IB's, else the program's (General ▸ IB: % passed "
                       "back). Logins as the statements print them; several logins separated by commas.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addWidget(QLabel("Per-client shares"))
        self.client_shares = _Table(("Login", "Share passed back %"), self.revalidate, ["", "0"])
        self.client_shares.setObjectName("program-client-shares")
        for login, share in (d.get("client_shares") or {}).items():
            self.client_shares.add_row([str(login), _shown(share)])
        lay.addWidget(self.client_shares, 1)
        lay.addWidget(QLabel("Client groups (e.g. VIP clients with their own share)"))
        self.client_groups = _Table(("Group", "Clients", "Share passed back %"), self.revalidate, ["", "", "0"])
        self.client_groups.setObjectName("program-client-groups")
        for g in d.get("client_groups") or []:
            if isinstance(g, dict):
                self.client_groups.add_row([str(g.get("name", "")), ", ".join(map(str, g.get("clients") or [])),
                                            _shown(g.get("client_share_pct", ""))])
        lay.addWidget(self.client_groups, 1)
        lay.addWidget(QLabel("Sub-IBs: the master IB keeps its share of what a sub-IB's clients earn after their "
                             "own share; the sub-IB keeps the rest. Client share empty = the program's."))
        lay.itemAt(lay.count() - 1).widget().setWordWrap(True)
        self.sub_ibs = _Table(("Sub-IB", "Clients", "Master keeps %", "Client share %"), self.revalidate,
                              ["", "", "50", ""])
        self.sub_ibs.setObjectName("program-sub-ibs")
        for sub in d.get("sub_ibs") or []:
            if isinstance(sub, dict):
                share = sub.get("client_share_pct")
                self.sub_ibs.add_row([str(sub.get("name", "")), ", ".join(map(str, sub.get("clients") or [])),
                                      _shown(sub.get("master_share_pct", "")),
                                      "" if share is None else _shown(share)])
        lay.addWidget(self.sub_ibs, 1)
        self._ib_problem = ""
        return tab

    def _ib_dict(self) -> dict:
        """The tier settings and the IB tab's tables as program JSON keys; a row the JSON cannot say (no login, a
        login given twice) is remembered in ``_ib_problem`` for :meth:`revalidate` to show."""
        d: dict = {}
        problems = []
        for key, box, default in (("tier_mode", self.tier_mode, "retroactive"),
                                  ("tier_basis", self.tier_basis, "current"), ("tier_scope", self.tier_scope, "")):
            if box.currentData() != default:
                d[key] = box.currentData()
        shares: dict = {}
        for i, ((login, share), _) in enumerate(self.client_shares.rows(), start=1):
            if not login:
                problems.append(f"Per-client shares, row {i}: give the client's login")
            elif login in shares:
                problems.append(f"Per-client shares, row {i}: login {login} is already in the table; give each "
                                "client one share")
            shares[login] = _number(share)
        if shares:
            d["client_shares"] = shares
        groups = [{"name": name, "clients": _split(clients), "client_share_pct": _number(share)}
                  for (name, clients, share), _ in self.client_groups.rows()]
        if groups:
            d["client_groups"] = groups
        subs = []
        for (name, clients, master, share), _ in self.sub_ibs.rows():
            sub = {"name": name, "clients": _split(clients), "master_share_pct": _number(master)}
            if share:
                sub["client_share_pct"] = _number(share)
            subs.append(sub)
        if subs:
            d["sub_ibs"] = subs
        self._ib_problem = problems[0] if problems else ""
        return d

    def ib_rows_ok(self) -> bool:
        return not getattr(self, "_ib_problem", "")

    def show_plus(self, row: int) -> None:
        """Show the components rate ``row`` pays on top of its own in the lower table (-1: none selected)."""
        self._plus_row = row
        item = self.rates.table.item(row, 0) if row >= 0 else None
        self._plus_loading = True
        self.plus.set_rows([([str(c.get("model", "")), _shown(c.get("rate", "")), c.get("lot_basis") or INHERIT], None)
                            for c in (item.data(Qt.ItemDataRole.UserRole) if item else None) or []
                            if isinstance(c, dict)])
        self._plus_loading = False
        self.plus.setEnabled(item is not None)
        self.plus_label.setText(
            f"Paid on top of rate {row + 1} (e.g. $3 per lot plus 25% of the commission; Add for another):"
            if item is not None else "Select a rate above to edit what it pays on top of its own rate.")

    def _plus_changed(self) -> None:
        if self._plus_loading or not 0 <= self._plus_row < self.rates.table.rowCount():
            return
        plus = []
        for (model, rate, basis), _ in self.plus.rows():
            component = {"model": model, "rate": _number(rate)}
            if basis:
                component["lot_basis"] = basis
            plus.append(component)
        table = self.rates.table
        table.blockSignals(True)
        table.item(self._plus_row, 0).setData(Qt.ItemDataRole.UserRole, plus or None)
        summary = table.item(self._plus_row, PLUS_COLUMN)
        if summary is not None:
            summary.setText(plus_summary(plus))
        table.blockSignals(False)
        self.revalidate()

    def revalidate(self) -> None:
        if getattr(self, "_loading", True):
            return
        try:
            self._program = programs.from_dict(self.to_dict())
            if not self.ib_rows_ok():
                raise programs.ProgramError(self._ib_problem)
            self.error.setText("")
        except FxCostError as exc:
            self._program = None
            self.error.setText(f"⚠ {exc}")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self._program is not None)

    def program(self) -> programs.RebateProgram | None:
        """The validated program (None while the form is invalid)."""
        return self._program


class ProfileDialog(QDialog):
    """Edit a spread profile: per-symbol and per-category round-turn spreads with their unit."""

    def __init__(self, data: dict, parent=None):
        super().__init__(parent)
        from fxcost.analysis import spreads

        self._spreads = spreads
        self.setWindowTitle("Spread profile")
        self.resize(620, 600)
        self._profile = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(data.get("name", ""))
        self.name.setObjectName("profile-name")
        self.unit = _combo(spreads.UNITS, data.get("unit", "pips"))
        self.source = QLineEdit(data.get("source", ""))
        self.date = QLineEdit(data.get("date", ""))
        # Which account type the spreads stand for decides the commission of a comparison under this profile;
        # a commission schedule the file gives is kept as it is (no field for it here).
        self.account_type = QComboBox()
        for value, label in (("", "Not said (a comparison keeps the exported commission)"),
                             ("standard", "Standard (spread only, no commission)"),
                             ("raw", "Raw / ECN (tight spread plus commission)")):
            self.account_type.addItem(label, value)
        self.account_type.setCurrentIndex(max(0, self.account_type.findData(data.get("account_type", ""))))
        self._commission = data.get("commission")
        for label, w in (("Name", self.name), ("Default unit", self.unit), ("Account type", self.account_type),
                         ("Source", self.source), ("Date", self.date)):
            form.addRow(label, w)
        layout.addLayout(form)
        layout.addWidget(QLabel("Round-turn spreads. Kind: symbol (normalised root, e.g. EURUSD) or category "
                                f"(fallback: {', '.join(CATEGORIES)}). Unit: pips, points or price."))
        layout.itemAt(1).widget().setWordWrap(True)
        self.table = _Table(("Kind", "Name", "Spread", "Unit"), self.revalidate, ["symbol", "", "0", ""])
        self.table.table.setItemDelegateForColumn(0, _ChoiceDelegate(("symbol", "category"), self))
        self.table.table.setItemDelegateForColumn(3, _ChoiceDelegate(("", *spreads.UNITS), self))
        layout.addWidget(self.table, 1)
        self.error, self.buttons = error_and_buttons(self, layout)
        self._loading = True
        for kind, key in (("symbol", "spreads"), ("category", "categories")):
            for name, entry in (data.get(key) or {}).items():
                if isinstance(entry, dict):
                    self.table.add_row([kind, name, f"{entry.get('value', '')}", entry.get("unit", "")],
                                       {k: entry[k] for k in ("source", "date") if k in entry})
                else:
                    self.table.add_row([kind, name, f"{entry}", ""])
        self._loading = False
        for w in (self.name, self.source, self.date):
            w.textChanged.connect(self.revalidate)
        self.unit.currentIndexChanged.connect(self.revalidate)
        self.account_type.currentIndexChanged.connect(self.revalidate)
        self.revalidate()

    def to_dict(self) -> dict:
        d = {"name": self.name.text().strip(), "unit": self.unit.currentText(), "source": self.source.text().strip(),
             "date": self.date.text().strip(), "spreads": {}, "categories": {}}
        if self.account_type.currentData():
            d["account_type"] = self.account_type.currentData()
        if self._commission is not None:
            d["commission"] = self._commission
        problems = []
        for i, ((kind, name, value, unit), extra) in enumerate(self.table.rows(), start=1):
            key = {"symbol": "spreads", "category": "categories"}.get(kind.lower())
            if key is None:
                problems.append(f"row {i}: kind {kind!r} must be symbol or category")
                continue
            entry = {"value": _number(value), "unit": unit or d["unit"], **(extra or {})}
            d[key][name.upper() if key == "spreads" else name] = entry
        if problems:
            raise ValueError("; ".join(problems))
        return d

    def revalidate(self) -> None:
        if getattr(self, "_loading", True):
            return
        try:
            self._profile = self._spreads.SpreadProfile.from_dict(self.to_dict(), "profile")
            self.error.setText("")
        except (FxCostError, ValueError) as exc:
            self._profile = None
            self.error.setText(f"⚠ {exc}")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self._profile is not None)

    def profile(self):
        return self._profile
