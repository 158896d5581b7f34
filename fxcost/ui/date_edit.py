"""A date field that takes a typed ISO date and whose calendar opens on the data's dates (issue 15).

Qt's QDateEdit edits section by section: typing ``2025-07-01`` over its "any" special value left
"any20250701", which it then dropped, so the field went blank; and its calendar opened on the minimum date
(January 1970). This field reads what is typed as a whole ISO date and opens its calendar on an anchor date.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

#: The earliest date; it stands for "no limit" and is shown as the special value text.
NO_DATE = QDate(1970, 1, 1)

_ISO = re.compile(r"(\d{4})-?(\d{1,2})-?(\d{1,2})")


class IsoDateEdit(QDateEdit):
    """A ``yyyy-MM-dd`` date edit with a calendar popup; ``special`` (e.g. "any") stands for :data:`NO_DATE`."""

    def __init__(self, special: str = "any", parent=None):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText(special)
        self.setDate(NO_DATE)
        self._typed: str | None = None
        self._anchor = QDate()

    def set_anchor(self, date: QDate) -> None:
        """The date the calendar opens on while the field holds no date (the data's first or last date)."""
        self._anchor = QDate(date)
        self._show_anchor()

    def _show_anchor(self) -> None:
        if self._anchor.isValid() and self.date() == NO_DATE:
            self.calendarWidget().setCurrentPage(self._anchor.year(), self._anchor.month())

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().mousePressEvent(event)
        self._show_anchor()  # the popup opens on the field's date: 1970 for "any"

    def type_text(self, text: str) -> None:
        """Take ``text`` as typed; a whole ISO date (2025-07-01 or 20250701) becomes the date."""
        m = _ISO.fullmatch(text.strip())
        if m and len(text.strip()) in (8, 10):
            date = QDate(int(m[1]), int(m[2]), int(m[3]))
            if date.isValid() and date >= self.minimumDate():
                self.setDate(date)
                self._typed = None
                return
        self.lineEdit().setText(text)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        key = event.text()
        if key and (key.isdigit() or key == "-"):
            line = self.lineEdit()
            # A new entry starts over the special value, a whole selection, or after the last typed date.
            if self._typed is None or line.text() == self.specialValueText() or \
                    (line.hasSelectedText() and line.selectedText() == line.text()):
                self._typed = ""
            self._typed += key
            self.type_text(self._typed)
            return
        self._typed = None
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self._typed is not None:  # a half-typed date is dropped: the field shows the date it holds
            self._typed = None
            self.setDate(self.date())
            self.lineEdit().setText(self.textFromDateTime(self.dateTime()) if self.date() != NO_DATE
                                    else self.specialValueText())
        super().focusOutEvent(event)
