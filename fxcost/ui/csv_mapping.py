"""The CSV dialogs: which column of a CSV file holds each value fxcost needs, and the account's currency."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

from fxcost.analysis.instruments import CENT
from fxcost.analysis.programs import CURRENCIES
from fxcost.importers.csv_table import REQUIRED
from fxcost.ui.dialogs import error_and_buttons, intro_and_form

#: Offered first: the currencies most trading accounts are held in.
COMMON_CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CHF", "AUD", "CAD")

#: What the dialog asks for, in order: (canonical column, label). Required ones first.
FIELDS = (
    ("open_time", "Open time *"), ("close_time", "Close time *"), ("side", "Type (buy / sell) *"),
    ("lots", "Size in lots *"), ("symbol", "Symbol *"), ("profit", "Profit *"), ("ticket", "Ticket"),
    ("open_price", "Open price"), ("close_price", "Close price"), ("commission", "Commission"),
    ("taxes", "Taxes / fees"), ("swap", "Swap"), ("comment", "Comment"),
)


class CsvMappingDialog(QDialog):
    """One drop-down of the file's columns per value; OK once every required value has its own column."""

    def __init__(self, path: str, headers: list[str], proposal: dict[str, str], parent: QWidget | None = None,
                 currency: str = ""):
        super().__init__(parent)
        layout, form = intro_and_form(
            self, "fxcost: which column is which?",
            f"fxcost could not tell which columns of <b>{os.path.basename(path)}</b> hold the trades' values. Pick the "
            "column for each (* = required); the others are optional.")
        self.combos = column_combos(form, FIELDS, headers, proposal, "csv-map", self.revalidate)
        self.currency_combo = currency_combo(currency, as_the_file=True)
        form.addRow("Account currency", self.currency_combo)
        self.error, self.buttons = error_and_buttons(self, layout)
        self.revalidate()

    def currency(self) -> str:
        return self.currency_combo.currentData()

    def mapping(self) -> dict[str, str]:
        """canonical column -> the file's header, for the columns chosen."""
        return {key: combo.currentData() for key, combo in self.combos.items() if combo.currentData()}

    def revalidate(self, *_args) -> None:
        problem = mapping_problem(self.mapping(), FIELDS, REQUIRED)
        self.error.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)


def column_combos(form: QFormLayout, fields, headers: list[str], proposal: dict[str, str] | None, name: str,
                  on_change) -> dict[str, QComboBox]:
    """One drop-down per (key, label) of ``fields`` on ``form``: "(none)" then each header, the ``proposal``'s
    header chosen; ``on_change`` is called when one changes (the trade CSV and the partner report dialogs)."""
    combos: dict[str, QComboBox] = {}
    for key, label in fields:
        combo = QComboBox()
        combo.setObjectName(f"{name}-{key}")
        combo.addItem("(none)", "")
        for h in headers:
            combo.addItem(h, h)
        combo.setCurrentIndex(max(0, combo.findData((proposal or {}).get(key, ""))))
        combo.currentIndexChanged.connect(on_change)
        combos[key] = combo
        form.addRow(label, combo)
    return combos


def mapping_problem(chosen: dict[str, str], fields, required) -> str:
    """Why a column mapping cannot be used yet ("" when it can): a required value not chosen, or one header
    chosen for two values. ``fields``: (key, label) pairs, a required label ending in " *"."""
    missing = [label.rstrip(" *") for key, label in fields if key in required and key not in chosen]
    twice = sorted({h for h in chosen.values() if list(chosen.values()).count(h) > 1})
    return (f"Still needed: {', '.join(missing)}." if missing else
            f"Each column can hold one value only: {', '.join(twice)}." if twice else "")


def currency_combo(current: str = "", as_the_file: bool = False) -> QComboBox:
    """The account currencies fxcost can convert (common ones first), ``current`` (or USD) selected; with
    ``as_the_file`` a first entry (data "") leaves it to the file's currency column, selected unless ``current``."""
    combo = QComboBox()
    combo.setObjectName("csv-currency")
    if as_the_file:
        combo.addItem("As the file says (USD if it says nothing)", "")
    rest = sorted(set(CURRENCIES) - set(COMMON_CURRENCIES))
    for code in (*COMMON_CURRENCIES, *rest):
        combo.addItem(f"{code} (1/100 {CENT[code][0]}, cent account)" if code in CENT else code, code)
    combo.setCurrentIndex(max(0, combo.findData(current.upper() if current or as_the_file else "USD")))
    return combo


class CsvCurrencyDialog(QDialog):
    """Which currency the account of a file that prints none is in (a CSV trade list, an MT4 tester report)."""

    def __init__(self, path: str, parent: QWidget | None = None, currency: str = ""):
        super().__init__(parent)
        layout, form = intro_and_form(
            self, "fxcost: account currency",
            f"<b>{os.path.basename(path)}</b> does not say which currency its account is in. fxcost needs it to "
            "convert costs to USD and to merge accounts. Which is it? (fxcost remembers your answer for this file.)")
        self.combo = currency_combo(currency)
        form.addRow("Account currency", self.combo)
        self.error, self.buttons = error_and_buttons(self, layout)

    def currency(self) -> str:
        return self.combo.currentData()
