"""The period selector: all, a year, quarter or month of the data, the last 30/90 days, or custom dates (issue 15).

It only chooses; the window puts the choice into the setup state (SetupState.period*), and the engine restricts
the analysed result (analysis.period), so every view, chart, the what-if and every export follow it.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from fxcost.ui.date_edit import NO_DATE, IsoDateEdit


def _qdate(ts) -> QDate:
    return QDate(ts.year, ts.month, ts.day)


class PeriodBar(QWidget):
    """Combo of the data's periods plus two date fields shown for "Custom dates…".

    Signals:
        changed(): the user chose another period (read it with :meth:`period`).
    """

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        self.label = QLabel("Period")
        self.combo = QComboBox()
        self.combo.setObjectName("period")
        self.combo.setToolTip("Every figure, view, chart and export covers this period: trades by close time, "
                              "cash and payouts by their own dates")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.date_from = IsoDateEdit("start")
        self.date_from.setObjectName("period-from")
        self.date_from.setToolTip("First close date (type 2025-07-01 or pick it)")
        self.date_to = IsoDateEdit("end")
        self.date_to.setObjectName("period-to")
        self.date_to.setToolTip("Last close date, inclusive (type 2025-07-31 or pick it)")
        self.to_label = QLabel("to")
        for w in (self.label, self.combo, self.date_from, self.to_label, self.date_to):
            layout.addWidget(w)
        self._set_choices([("", "All"), ("last30", "Last 30 days"), ("last90", "Last 90 days"),
                           ("custom", "Custom dates…")])
        self._show_dates()
        self.combo.currentIndexChanged.connect(self._picked)
        self.date_from.dateChanged.connect(self._dates_changed)
        self.date_to.dateChanged.connect(self._dates_changed)

    def _set_choices(self, choices: list[tuple[str, str]]) -> None:
        self.combo.blockSignals(True)
        spec = self.combo.currentData() or ""
        self.combo.clear()
        for key, label in choices:
            self.combo.addItem(label, key)
        index = self.combo.findData(spec)
        if index < 0:  # a period of other data (a session's): kept, so the analysis shows what it says
            self.combo.insertItem(self.combo.count() - 1, spec, spec)
            index = self.combo.findData(spec)
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)

    def set_data(self, choices: list[tuple[str, str]], first, last) -> None:
        """The data's periods (analysis.period.choices) and its first and last dates (the calendars open there)."""
        self._set_choices(choices)
        if first is not None and last is not None:
            self.date_from.set_anchor(_qdate(first))
            self.date_to.set_anchor(_qdate(last))

    def set_period(self, spec: str, start: str = "", end: str = "") -> None:
        """Show ``spec`` (and the custom dates) without emitting :attr:`changed`."""
        for w in (self.combo, self.date_from, self.date_to):
            w.blockSignals(True)
        spec = "custom" if not spec and (start or end) else spec
        index = self.combo.findData(spec)
        if index < 0:
            self.combo.insertItem(self.combo.count() - 1, spec, spec)
            index = self.combo.findData(spec)
        self.combo.setCurrentIndex(index)
        for edit, text in ((self.date_from, start), (self.date_to, end)):
            date = QDate.fromString(text, "yyyy-MM-dd") if text else NO_DATE
            edit.setDate(date if date.isValid() else NO_DATE)
        for w in (self.combo, self.date_from, self.date_to):
            w.blockSignals(False)
        self._show_dates()

    def period(self) -> tuple[str, str, str]:
        """(spec, from, to) as SetupState.period, period_from, period_to hold them."""
        spec = self.combo.currentData() or ""
        if spec != "custom":
            return spec, "", ""

        def text(edit: IsoDateEdit) -> str:
            d = edit.date()
            return "" if d == NO_DATE else d.toString("yyyy-MM-dd")

        return spec, text(self.date_from), text(self.date_to)

    def _show_dates(self) -> None:
        custom = (self.combo.currentData() or "") == "custom"
        for w in (self.date_from, self.to_label, self.date_to):
            w.setVisible(custom)

    def _picked(self) -> None:
        self._show_dates()
        self.changed.emit()

    def _dates_changed(self) -> None:
        if (self.combo.currentData() or "") == "custom":
            self.changed.emit()
