"""The partner-report mapping dialog: which column of a broker's partner report holds each value (issue 14)."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from fxcost.importers.partner_report import REQUIRED
from fxcost.ui.csv_mapping import column_combos, mapping_problem
from fxcost.ui.dialogs import error_and_buttons, intro_and_form

#: What the dialog asks for, in order: (canonical column of importers.partner_report, label). Required ones first.
FIELDS = (("account", "Client account *"), ("date", "Date or month *"), ("reward", "Commission / reward *"),
          ("volume", "Volume (lots)"), ("currency", "Currency"))


class PartnerMappingDialog(QDialog):
    """One drop-down of the report's headers per value, as the trade CSV's mapping dialog (ui.csv_mapping); OK once
    every required value has a column of its own."""

    def __init__(self, path: str, headers: list[str], proposal: dict[str, str] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        layout, form = intro_and_form(
            self, "fxcost: which column of the partner report is which?",
            f"fxcost could not tell which columns of <b>{os.path.basename(path)}</b> hold the client account, the "
            "month and the broker's reward. Pick the column for each (* = required); the choice is saved with the "
            "book.")
        self.combos = column_combos(form, FIELDS, headers, proposal, "partner-map", self.revalidate)
        self.error, self.buttons = error_and_buttons(self, layout)
        self.revalidate()

    def choose(self, key: str, header: str) -> None:
        """Pick ``header`` for value ``key`` (as the user does in its drop-down)."""
        self.combos[key].setCurrentIndex(max(0, self.combos[key].findData(header)))

    def mapping(self) -> dict[str, str]:
        """canonical column -> the report's header, for the columns chosen."""
        return {key: combo.currentData() for key, combo in self.combos.items() if combo.currentData()}

    def revalidate(self, *_args) -> None:
        problem = mapping_problem(self.mapping(), FIELDS, REQUIRED)
        self.error.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problem)
