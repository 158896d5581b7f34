"""A drop-down button whose popup is a searchable list of checkable choices (e.g. several symbols at once)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)


class CheckList(QToolButton):
    """Pick any number of values; none picked means "all".

    The popup stays open while boxes are ticked (a plain checkable QMenu closes on every click).

    Signals:
        changed(): the picked values changed.
    """

    changed = Signal()

    def __init__(self, noun: str, hint: str = "", parent=None):
        super().__init__(parent)
        self.noun = noun
        self.hint = hint  # a line added to the tooltip (what the values are)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setMinimumWidth(130)  # room for "EURUSD, XAUUSD +3" and the arrow, like the combo boxes beside it
        menu = QMenu(self)
        panel = QWidget(menu)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit()
        self.search.setPlaceholderText(f"Find a {noun}…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        self.list = QListWidget()
        self.list.setMinimumHeight(240)
        self.list.itemChanged.connect(self._item_changed)
        buttons = QHBoxLayout()
        self.all_button = QPushButton("All")
        self.all_button.setToolTip(f"Show every {noun} (untick all)")
        self.all_button.clicked.connect(self.clear)
        self.invert_button = QPushButton("Invert")
        self.invert_button.setToolTip("Tick the unticked and untick the ticked")
        self.invert_button.clicked.connect(self.invert)
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.invert_button)
        buttons.addStretch(1)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        action = QWidgetAction(menu)
        action.setDefaultWidget(panel)
        menu.addAction(action)
        menu.aboutToShow.connect(self.search.setFocus)
        self.setMenu(menu)
        self._update_text()

    def set_choices(self, values: list[str], counts: list[int] | None = None) -> None:
        """Offer ``values`` (with how many rows each has); picked values still offered stay picked."""
        picked = self.picked()
        self.list.blockSignals(True)
        self.list.clear()
        for i, value in enumerate(values):
            item = QListWidgetItem(value if counts is None else f"{value}  ({counts[i]:,})")
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in picked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._search(self.search.text())
        if self.picked() != picked:
            self._item_changed()
        else:
            self._update_text()

    def values(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def picked(self) -> frozenset[str]:
        """The ticked values (empty: all)."""
        return frozenset(self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                         if self.list.item(i).checkState() == Qt.CheckState.Checked)

    def set_picked(self, values) -> None:
        """Tick exactly ``values`` (others untick); one ``changed`` signal."""
        wanted = set(values)
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)
        self._item_changed()

    def clear(self) -> None:
        self.set_picked(())

    def invert(self) -> None:
        self.set_picked(self.picked().symmetric_difference(self.values()))

    def _search(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def _item_changed(self, _item=None) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        picked = sorted(self.picked())
        if not picked:
            text = "All"
        elif len(picked) <= 2:
            text = ", ".join(picked)
        else:
            text = f"{picked[0]}, {picked[1]} +{len(picked) - 2}"
        self.setText(text)
        self.setToolTip(f"Show only the ticked {self.noun}s (none ticked: all)"
                        + (f"\n{self.hint}" if self.hint else "")
                        + (f"\nTicked: {', '.join(picked)}" if picked else ""))
