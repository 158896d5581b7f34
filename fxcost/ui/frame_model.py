"""A read-only table model for small frames (what-if outcomes, IB roll-ups, payouts, accounts): precomputed strings,
argsort sort; and how a small table fits its columns and height to what it shows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtWidgets import QHeaderView, QSplitter, QStyleOptionViewItem, QTableView

from fxcost.money import money_text
from fxcost.ui.trades_model import LEFT, RIGHT, RawValueRole, SortRole


def fmt(value, kind: str, currency: str | None = None) -> str:
    """One value as shown: money in ``currency`` (no decimals in JPY, issue 15; 2 when unknown), money per lot
    ("money_lot") and numbers with 2 decimals, pct with 1, int, text, date."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if kind == "money":
        return money_text(value, currency=currency or "", sep=",", missing="")
    if kind in ("money_lot", "num"):
        return money_text(value, 2, sep=",", missing="")
    if kind == "pct":
        return f"{float(value):,.1f} %"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if kind == "time":
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


#: The roles FrameModel.data answers.
_ROLES = frozenset(int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, RawValueRole,
                                    SortRole))


class FrameModel(QAbstractTableModel):
    """Rows of a DataFrame under named columns ``(key, header, kind[, tip])``; sortable, never edited."""

    def __init__(self, columns: list[tuple], parent=None):
        super().__init__(parent)
        self.columns = [tuple(c) + ("",) * (4 - len(c)) for c in columns]
        self._text: list[list[str]] = []
        self._raw: list[list] = []
        self._order = np.zeros(0, dtype=np.int64)
        self._keys: list[np.ndarray] = []

    def set_frame(self, frame: pd.DataFrame | None, currency: str | None = None) -> None:
        """Show ``frame``; its money is in ``currency``, or in each row's own when it has a ``currency`` column
        (the accounts table)."""
        self.beginResetModel()
        frame = frame if frame is not None else pd.DataFrame()
        self._text, self._raw, self._keys = [], [], []
        own = frame["currency"].astype(str).tolist() if "currency" in frame.columns else [currency] * len(frame)
        for key, _header, kind, _tip in self.columns:
            values = frame[key].tolist() if key in frame.columns else [None] * len(frame)
            self._raw.append(values)
            self._text.append([fmt(v, kind, ccy) for v, ccy in zip(values, own)])
            if kind in ("money", "money_lot", "num", "pct", "int"):
                sort_key = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
            else:
                sort_key = pd.Series([str(v) for v in values]).rank(method="dense").to_numpy(dtype=float)
            self._keys.append(sort_key)
        self._order = np.arange(len(frame), dtype=np.int64)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Roles this model has no value for leave first: a view asks for about eight roles per cell it paints or
        # measures (issue 14: fitting the comparison by client of a 300-client book, 1,200 rows, made 97,000 calls).
        if role not in _ROLES or not index.isValid():
            return None
        row, c = index.row(), index.column()
        if row >= len(self._order) or c >= len(self.columns):
            return None
        r = int(self._order[row])
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[c][r]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if self.columns[c][2] in ("text", "date", "time") else RIGHT)
        if role == RawValueRole:
            v = self._raw[c][r]
            return None if v is None or (isinstance(v, float) and math.isnan(v)) else v
        if role == SortRole:
            v = self._keys[c][r]
            return None if math.isnan(v) else float(v)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section][1]
            if role == Qt.ItemDataRole.ToolTipRole and self.columns[section][3]:
                return self.columns[section][3]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._keys):  # -1 (no sort) or nothing shown yet
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        old = [int(self._order[p.row()]) for p in persistent]
        key = self._keys[column][self._order]
        key = np.where(np.isnan(key), np.inf, key if order == Qt.SortOrder.AscendingOrder else -key)
        self._order = self._order[np.argsort(key, kind="stable")]
        if persistent:
            where = {int(r): i for i, r in enumerate(self._order)}
            self.changePersistentIndexList(persistent, [self.index(where[r], p.column())
                                                        for p, r in zip(persistent, old)])
        self.layoutChanged.emit()

    def text(self, row: int, column: int) -> str:
        return self._text[column][int(self._order[row])]

    def view_order(self) -> np.ndarray:
        """View row -> frame row (the sort)."""
        return self._order

    def column_texts(self, column: int) -> list[str]:
        """Every row's text of ``column``, in frame order (what fit_columns measures, without a data() call per
        cell)."""
        return self._text[column] if column < len(self._text) else []  # nothing shown yet: no rows

    def copy_text(self, rows: list[int]) -> str:
        lines = ["\t".join(c[1] for c in self.columns)]
        lines += ["\t".join(self.text(r, c) for c in range(len(self.columns))) for r in rows]
        return "\n".join(lines) + "\n"


#: Widest a text column gets before its values wrap onto more lines (pixels).
WIDEST_TEXT = 180
#: Padding of a column around its widest value or header word (pixels; room for the sort arrow).
PADDING = 22


#: Tables with more rows than this get their row heights from one measured one-line row plus each row that may wrap
#: (issue 14: a 500-client book's tables have thousands of rows, and Qt measured every cell of every row).
MEASURED_ROWS = 100


def fit_columns(table: QTableView, widest_text: int = WIDEST_TEXT) -> None:
    """Size a small table's columns to their values instead of their headers: a header wraps onto more
    lines rather than widening its column, a text column wraps past ``widest_text``, the last column
    stretches to the edge (UX review item 16: cut-off values, empty areas, sideways scrolling)."""
    model = table.model()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setMinimumSectionSize(40)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
    table.setWordWrap(True)
    if model is None:
        return
    fm = table.fontMetrics()
    hfm = header.fontMetrics()
    rows = model.rowCount()
    lines = 1
    advances: list[np.ndarray] = []  # each column's text width per row (frame order), for _fit_rows
    widths: list[int] = []
    for c in range(model.columnCount()):
        title = str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        values = _column_values(model, c, rows)
        # Issue 14: each distinct text measured once (a book's tables repeat setup names and zero amounts).
        measured = {v: fm.horizontalAdvance(v) for v in set(values)}
        advance = np.fromiter((measured[v] for v in values), dtype=np.int64, count=len(values))
        advances.append(advance)
        content = int(advance.max(initial=0)) + PADDING
        word = max((hfm.horizontalAdvance(w) for w in title.split()), default=0) + PADDING
        full = hfm.horizontalAdvance(title) + PADDING
        align = model.data(model.index(0, c), Qt.ItemDataRole.TextAlignmentRole) if rows else None
        is_text = align is not None and bool(int(align) & int(Qt.AlignmentFlag.AlignLeft))
        if is_text:
            content = min(content, widest_text)
        width = max(content, word)
        if full <= width + 24:  # nearly fits on one line: no wrapping for a few pixels
            width = max(width, full)
        header.resizeSection(c, width)
        widths.append(width)
        box = hfm.boundingRect(QRect(0, 0, width - PADDING, 10_000),
                               int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), title)
        lines = max(lines, round(box.height() / max(1, hfm.lineSpacing())))
    header.setFixedHeight(lines * hfm.lineSpacing() + 12)
    if rows <= MEASURED_ROWS or not isinstance(model, FrameModel):
        table.resizeRowsToContents()
        for r in range(rows):  # a little air around the values
            table.setRowHeight(r, table.rowHeight(r) + 6)
        return
    _fit_rows(table, model, advances, widths)


def _column_values(model, column: int, rows: int) -> list[str]:
    """A column's display texts: a FrameModel's own list (frame order), else one data() call per row."""
    if isinstance(model, FrameModel):
        return model.column_texts(column)
    return [str(model.data(model.index(r, column), Qt.ItemDataRole.DisplayRole) or "") for r in range(rows)]


def _fit_rows(table: QTableView, model: FrameModel, advances: list[np.ndarray], widths: list[int]) -> None:
    """Row heights as ``resizeRowsToContents`` gives them (plus the same air), measuring only the rows that may
    wrap: a row whose every shown text is narrower than its column less the padding is one line high, like
    every other such row, so one of them is measured for all (issue 14: thousands of rows in a book). Likewise
    rows whose cells that may wrap hold the same texts are as high as each other (only the display texts and a
    column's alignment shape a cell): one of them is measured (a book's comparison by client repeats each setup's
    name on every client's row: 2,000 rows measured cell by cell took 1.3 s). Rows are told apart by the heights of
    those cells, each text's asked of the delegate once (:func:`_cell_heights`): a book's client names are each on
    only a few rows, yet most of them take as many lines as the others (2,000 rows measured: 0.8 s)."""
    header = table.horizontalHeader()
    frame_rows = len(advances[0]) if advances else 0
    may_wrap = np.zeros(frame_rows, dtype=bool)
    cell_wraps: dict[int, np.ndarray] = {}  # column -> which of its cells may wrap (frame order)
    for c, advance in enumerate(advances):
        if table.isColumnHidden(c):
            continue
        room = min(widths[c], header.sectionSize(c)) - PADDING
        wraps_here = (advance > room) | np.fromiter(("\n" in v for v in model.column_texts(c)), dtype=bool,
                                                     count=frame_rows)
        if wraps_here.any():
            cell_wraps[c] = wraps_here
            may_wrap |= wraps_here
    order = model.view_order()
    wraps = may_wrap[order]  # view row -> whether it may wrap
    one_line = np.flatnonzero(~wraps)
    minimum = table.verticalHeader().minimumSectionSize()
    height = 0
    if len(one_line):
        table.resizeRowToContents(int(one_line[0]))
        height = max(table.rowHeight(int(one_line[0])), minimum) + 6
    texts = {c: model.column_texts(c) for c in cell_wraps}
    cell_height = _cell_heights(table, model)
    measured: dict[tuple, int] = {}  # the heights of a row's cells that may wrap -> the row's height
    for r in range(len(order)):
        if wraps[r]:
            row = int(order[r])
            key = tuple(cell_height(c, r, texts[c][row]) if cell_wraps[c][row] else None for c in cell_wraps)
            if key not in measured:
                table.resizeRowToContents(r)
                measured[key] = max(table.rowHeight(r), minimum) + 6
            table.setRowHeight(r, measured[key])
        else:
            table.setRowHeight(r, height)


def _cell_heights(table: QTableView, model: FrameModel):
    """``height(column, view_row, text)``: the height the delegate gives a cell of ``text`` in ``column`` wrapped at
    the column's width, as QTableView's row sizing asks it (each text once per column; only the display text and the
    column's alignment shape a cell, as for _fit_rows)."""
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    known: dict[tuple[int, str], int] = {}

    def height(column: int, row: int, text: str) -> int:
        key = (column, text)
        if key not in known:
            index = model.index(row, column)
            # As QTableView sizes a row: the column's width, a pixel less where the grid is drawn (a text one pixel
            # short of the column's width wraps there), the row's height at least 1 (0 would mean "no wrapping").
            option.rect = QRect(table.columnViewportPosition(column), table.rowViewportPosition(row),
                                table.columnWidth(column) - (1 if table.showGrid() else 0), max(1, table.rowHeight(row)))
            known[key] = table.itemDelegateForIndex(index).sizeHint(option, index).height()
        return known[key]

    return height


def table_height(table: QTableView) -> int:
    """Pixels that show every row of ``table`` (header, rows, frame, a horizontal scroll bar if needed)."""
    rows = sum(table.rowHeight(r) for r in range(table.model().rowCount())) if table.model() else 0
    header = table.horizontalHeader()
    sideways = header.length() > table.viewport().width()
    bar = table.horizontalScrollBar().sizeHint().height() if sideways else 0
    return header.height() + rows + 2 * table.frameWidth() + bar + 4


class FitSplitter(QSplitter):
    """A vertical splitter whose first pane (a small table) gets the height its rows need, up to ``most`` of
    the whole, until the user drags the handle; the rest goes to the chart below."""

    def __init__(self, table: QTableView, most: float = 0.5, parent=None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self.table = table
        self.most = most
        self.user_sized = False
        self.splitterMoved.connect(self._moved)

    def _moved(self, *_args) -> None:
        self.user_sized = True

    def fit(self) -> None:
        if self.user_sized or self.count() < 2:
            return
        total = sum(self.sizes()) or self.height()
        want = min(table_height(self.table), int(total * self.most))
        want = max(want, self.table.horizontalHeader().height() + 40)
        self.setSizes([want, max(0, total - want)])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.fit()
