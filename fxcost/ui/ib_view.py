"""IB view: an introducing broker's clients, volume, earnings, share passed back and what the IB keeps, by month.

Issue 14: a month selector (the latest month first) shows what each client is owed that month in one click; the
clients' activity (first and last trade, active, dormant, new, volume trend, share of the IB's earnings) stands
beside them; a client's name is set here (the book's roster); one client's statement, or every client's, is
exported from here. Every figure is the typed summary's: the view filters and formats rows, it sums nothing.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fxcost.ui.charts import BarChart
from fxcost.ui.frame_model import FitSplitter, FrameModel, fit_columns
from fxcost.ui.viewdata import Bars, fill_months

#: Widest the client column gets before a name wraps onto more lines (pixels): the money columns come first.
CLIENT_WIDTH = 130

TABLES = (("by_client", "By client"), ("by_month", "By month"), ("by_client_month", "By client and month"),
          ("activity", "Client activity"), ("levels", "By level (master and sub-IBs)"))

#: Issue 14: a two-level deal's columns (analysis.ib.LEVEL_COLUMNS via Summary.ib.levels).
LEVELS = [
    ("level", "Level / client", "text", "Each sub-IB (and the master IB's own clients), then its clients"),
    ("group", "Client group", "text", "The client group whose share the client gets"),
    ("clients", "Clients", "int", ""),
    ("trades", "Trades", "int", ""),
    ("lots", "Lots", "num", "Closed volume"),
    ("ib_earnings", "IB earnings", "money", "Σ rebate the broker pays under the IB program"),
    ("share_pct", "Share passed back", "pct", "Passed back / IB earnings"),
    ("passed_back", "Passed back", "money", "What the clients get"),
    ("ib_keeps", "IB side", "money", "IB earnings − passed back: what the master and the sub-IB share"),
    ("master_share_pct", "Master's share", "pct", "The master IB's share of the IB side"),
    ("master_keeps", "Master keeps", "money", "The master IB's part of the IB side"),
    ("sub_ib_keeps", "Sub-IB keeps", "money", "The sub-IB's part of the IB side"),
]

VALUES = [
    ("trades", "Trades", "int", ""),
    ("lots", "Lots", "num", "Closed volume"),
    ("notional_usd", "Notional (USD)", "money", "Σ lots × open price × contract, in USD"),
    ("ib_earnings", "IB earnings", "money", "Σ rebate the broker pays the IB under the IB program"),
    ("share_pct", "Share passed back", "pct", "Passed back / IB earnings (clients at different shares average)"),
    ("passed_back", "Passed back", "money", "What the IB returns to the client"),
    ("ib_keeps", "IB keeps", "money", "IB earnings − passed back"),
    ("earnings_per_lot", "Earnings per lot", "money", "IB earnings / lots"),
]


#: Issue 14: each client's activity (analysis.activity via the summary), shown beside the By client rows.
ACTIVITY = [
    ("first_trade", "First trade", "date", "The client's first closed trade (server time)"),
    ("last_trade", "Last trade", "date", "The client's last closed trade (server time)"),
    ("active_text", "Active this month", "text", "Whether the client closed a trade in the book's latest month"),
    ("status", "Status", "text", "new: first trade this period; dormant: no trade for the dormant days"),
    ("trend", "Volume trend", "text", "This month's lots against the mean of the months before: up, flat, down"),
    ("recent_lots", "Lots, last 3 months", "text", "The client's lots in each of the last three months, oldest first"),
    ("earnings_share_pct", "Share of IB earnings", "pct", "The client's share of the IB's earnings (concentration)"),
]
ALL_MONTHS = "All months"

#: Issue 14: the partner report's client-months (analysis.partner_reconcile.Reconciliation.rows).
PARTNER = [
    ("account", "Client account", "text", "The client's login as the statements and the partner report name it"),
    ("month", "Month", "text", "Server-time month of the trades' close"),
    ("modelled", "Modelled", "money", "IB earnings fxcost computes from the statements under the IB program"),
    ("reported", "Reported", "money", "What the broker's partner report says it paid"),
    ("difference", "Difference", "money", "Reported − modelled"),
    ("status", "Status", "text", "ok, differs, not in the partner report, or not in the statements"),
]


def partner_status(reconciliation) -> str:
    """The reconciliation's totals and how many client-months differ, in words (its own lines, no new figure)."""
    if reconciliation is None:
        return ""
    lines = reconciliation.lines()
    differing = len(reconciliation.differing)
    verdict = (lines[1] if not differing else
               f"{differing} of {len(reconciliation.rows)} client-month(s) differ; they are listed first.")
    notes = "".join(f"<br>Note: {n}" for n in reconciliation.notes)
    return f"{lines[0]} <b>{verdict}</b>{notes}"


def partner_rows(reconciliation) -> pd.DataFrame | None:
    """The reconciliation's client-months, the differing ones first (each group by account and month)."""
    if reconciliation is None:
        return None
    from fxcost.analysis.partner_reconcile import MATCHED

    rows = reconciliation.rows
    return rows.assign(_agrees=rows["status"] == MATCHED).sort_values(
        ["_agrees", "account", "month"], kind="stable", ignore_index=True).drop(columns="_agrees")


def _columns(key: str) -> list[tuple]:
    if key == "levels":
        return LEVELS
    client: list[tuple] = [("client", "Client account", "text",
                            "Login, and the account holder's name as the statement prints it")]
    month: list[tuple] = [("month", "Month", "text")]
    keys = {"by_client": client, "by_month": month, "by_client_month": client + month, "month": client + month,
            "activity": client}[key]
    if key == "activity":  # issue 14: who trades, who stopped, who is new, and who the IB's earnings hang on
        return keys + [c for c in VALUES if c[0] in ("trades", "lots", "ib_earnings")] + ACTIVITY
    return keys + VALUES


def activity_labels(activity: pd.DataFrame | None) -> pd.DataFrame | None:
    """The summary's activity table with its yes/no columns in words (what the view shows; no figure changes)."""
    if activity is None or not len(activity) or "account" not in activity.columns:
        return None
    out = activity.copy()
    out["account"] = out["account"].astype(str)
    if "active_this_month" in out.columns:
        out["active_text"] = ["yes" if bool(v) else "no" for v in out["active_this_month"]]
    new = out["new_this_period"] if "new_this_period" in out.columns else pd.Series(False, index=out.index)
    dormant = out["dormant"] if "dormant" in out.columns else pd.Series(False, index=out.index)
    out["status"] = [", ".join(w for w, on in (("new", bool(n)), ("dormant", bool(d))) if on)
                     for n, d in zip(new, dormant)]
    return out


def recent_lots(months: pd.DataFrame | None, count: int = 3) -> dict[str, str]:
    """Per client, its lots in each of the last ``count`` months of the summary's activity_months, as text."""
    if months is None or not len(months) or not len(months.columns):
        return {}
    last = months.iloc[:, -count:]
    return {str(a): " · ".join(f"{v:,.2f}" for v in row) for a, row in zip(last.index, last.to_numpy(dtype=float))}


def with_activity(table: pd.DataFrame | None, activity: pd.DataFrame | None) -> pd.DataFrame | None:
    """``table``'s client rows with each client's activity columns beside them (the Total row gets none)."""
    if table is None or activity is None or "account" not in table.columns:
        return table
    keep = [c for c in ("account", *(k for k, *_ in ACTIVITY)) if c in activity.columns]
    return table.merge(activity[keep], on="account", how="left", sort=False)


def level_rows(levels) -> pd.DataFrame | None:
    """A two-level deal's rows as a tree: each level (a sub-IB, or the master IB's own clients) followed by its
    clients, indented, then the Total (the summary's by_level and by_client rows, in that order)."""
    if not levels:
        return None
    by_level, by_client = levels["by_level"], levels["by_client"]
    from fxcost.analysis.ib import MASTER, TOTAL

    parts = []
    for _, row in by_level.iterrows():
        level = str(row["sub_ib"])
        if level == TOTAL:
            continue
        parts.append(row.to_frame().T.assign(level=f"▸ {level}", group="", account=""))
        own = by_client[by_client["sub_ib"].astype(str) == ("" if level == MASTER else level)]
        own = own[own["account"].astype(str) != TOTAL]
        parts.append(own.assign(level=["    " + str(c) for c in own.get("client", own["account"])]))
    total = by_level[by_level["sub_ib"].astype(str) == TOTAL]
    parts.append(total.assign(level=TOTAL, group="", account=""))
    return pd.concat(parts, ignore_index=True)


def projection_line(projection, ccy: str) -> str:
    """The summary's projection of the IB's earnings and keeps (ib.projection) as a sentence naming its months."""
    if not projection or projection.get("ib_keeps_per_month") is None:
        return ""
    months = list(projection.get("months_used") or [])
    used = f"{months[0]} to {months[-1]}" if len(months) > 1 else (months[0] if months else "")
    left = projection.get("clients_left_out") or 0
    return (f"<br>Projection from {used} ({projection.get('clients', 0)} active client(s)"
            + (f", {left} inactive left out" if left else "") + f"): IB earnings "
            f"{projection['ib_earnings_per_month']:,.2f} {ccy} a month, IB keeps {projection['ib_keeps_per_month']:,.2f}"
            f" a month, {projection['ib_keeps_per_year']:,.2f} a year."
            + (f" {projection['note']}" if projection.get("note") else ""))


def concentration_line(concentration) -> str:
    """The summary's concentration of the IB's earnings (activity.concentration) as a sentence."""
    if not concentration or not concentration.get("clients_for_80_pct"):
        return ""
    top = next((v for k, v in concentration.items() if k.startswith("top_") and k != "top_client_pct"), None)
    return (f" Concentration of IB earnings: the top client {concentration['top_client_pct']:.1f} %"
            + (f", the top 5 {top:.1f} %" if top is not None else "")
            + f"; {concentration['clients_for_80_pct']} client(s) make 80 %.")


def month_table(tables, month: str) -> pd.DataFrame | None:
    """The clients' rows of ``month`` (by_client_month), then that month's row of by_month as its Total: the
    summary's figures for "what is each client owed this month"."""
    if not tables or not month:
        return None
    rows = tables["by_client_month"]
    rows = rows[(rows["month"] == month)]
    total = tables["by_month"]
    total = total[total["month"] == month].assign(account="Total", client="Total")
    return pd.concat([rows, total[[c for c in rows.columns if c in total.columns]]], ignore_index=True)


class IBView(QWidget):
    """A roll-up table (by client / month / both) and a monthly chart of IB earnings vs what is passed back.

    Signals:
        name_edited(str, str): the user named client login (first) as the second ("" removes the name).
        share_edited(str, float): the user set the share passed back to client login (-1: the program's again).
        statement_requested(str): export the statement of client login (the window asks where and how).
        statements_requested(): export every client's statement.
    """

    name_edited = Signal(str, str)
    share_edited = Signal(str, float)  # login, percent passed back (-1: the program's share again)
    statement_requested = Signal(str)
    statements_requested = Signal()
    partner_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rollup: dict | None = None
        self.activity: pd.DataFrame | None = None
        self.levels = None  # Summary.ib.levels of a two-level deal
        self.reconciliation = None  # Summary.partner_reconciliation of the partner report imported (issue 14)
        self._filled = False  # the month selector has held a book's months (the user's choice is kept after)
        self.names: dict[str, str] = {}  # the roster's names by login, offered when renaming
        self.shares: dict[str, float] = {}  # the roster's shares by login
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.heading = QLabel("")
        self.heading.setObjectName("ib-heading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        top = QHBoxLayout()
        self.month_choice = QComboBox()
        self.month_choice.setObjectName("ib-month")
        self.month_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.month_choice.setToolTip("The month whose figures the By client table shows: what each client is owed "
                                     "that month")
        self.table_choice = QComboBox()
        self.table_choice.setObjectName("ib-table-choice")
        for _key, label in TABLES:
            self.table_choice.addItem(label)
        self.rename_button = QPushButton("Name…")
        self.rename_button.setToolTip("Name the selected client as you know them (saved with the book)")
        self.share_button = QPushButton("Share…")
        self.share_button.setToolTip("Set the share of the IB's earnings passed back to the selected client (saved "
                                     "with the book; it applies over the program's)")
        self.statement_button = QPushButton("Statement…")
        self.statement_button.setToolTip("Export the selected client's statement (Excel or PDF): trades, volume, "
                                         "cashback and payable, without the IB's earnings")
        self.statements_button = QPushButton("All statements…")
        self.statements_button.setToolTip("Export one statement per client into a folder")
        self.partner_button = QPushButton("Partner report…")
        self.partner_button.setObjectName("ib-partner")
        self.partner_button.setToolTip("Reconcile the broker's partner-portal report (CSV or Excel) with the modelled "
                                       "IB earnings per client and month (saved with the book)")
        top.addWidget(QLabel("Month:"))
        top.addWidget(self.month_choice)
        top.addWidget(self.table_choice)
        top.addStretch(1)
        for b in (self.rename_button, self.share_button, self.statement_button, self.statements_button,
                  self.partner_button):
            top.addWidget(b)
        layout.addLayout(top)
        self.models = {key: FrameModel(_columns(key), self) for key, _ in TABLES}
        self.month_model = FrameModel(_columns("month"), self)  # By client in the chosen month
        self.table = QTableView()
        self.table.setObjectName("ib-table")
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.chart = BarChart("IB earnings by month: passed back to clients and kept", "money")
        self.splitter = splitter = FitSplitter(self.table)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([160, 480])
        # Issue 14: the partner report's reconciliation under the roll-up, shown once a report is imported.
        self.partner_box = QWidget()
        box = QVBoxLayout(self.partner_box)
        box.setContentsMargins(0, 4, 0, 0)
        self.partner_label = QLabel("")
        self.partner_label.setObjectName("ib-partner-status")
        self.partner_label.setWordWrap(True)
        self.partner_model = FrameModel(PARTNER, self)
        self.partner_table = QTableView()
        self.partner_table.setObjectName("ib-partner-table")
        self.partner_table.setModel(self.partner_model)
        self.partner_table.verticalHeader().hide()
        box.addWidget(self.partner_label)
        box.addWidget(self.partner_table, 1)
        self.partner_box.hide()
        self.outer = QSplitter(Qt.Orientation.Vertical)
        self.outer.addWidget(splitter)
        self.outer.addWidget(self.partner_box)
        self.outer.setStretchFactor(0, 2)
        self.outer.setStretchFactor(1, 1)
        layout.addWidget(self.outer, 1)
        self.table_choice.currentIndexChanged.connect(self._show_table)
        self.month_choice.currentIndexChanged.connect(self._month_changed)
        self.rename_button.clicked.connect(self.rename_selected)
        self.share_button.clicked.connect(self.share_selected)
        self.statement_button.clicked.connect(self._statement_clicked)
        self.statements_button.clicked.connect(self.statements_requested)
        self.partner_button.clicked.connect(self.partner_requested)
        self._show_table(0)
        self._enable_buttons()

    def _show_table(self, index: int) -> None:
        model = self.model()
        self.table.setModel(model)
        for c, (key, *_rest) in enumerate(model.columns):  # one month's rows: its month is said by the selector
            self.table.setColumnHidden(c, key == "month" and model is self.month_model)
        self.table.selectionModel().selectionChanged.connect(self._enable_buttons)
        fit_columns(self.table, widest_text=CLIENT_WIDTH)
        self.splitter.fit()
        self._enable_buttons()

    def forget_month(self) -> None:
        """The next book shown opens on its latest month again (a new Open), whatever was chosen before."""
        self._filled = False

    def month(self) -> str:
        """The chosen month ("YYYY-MM"), or "" for all months."""
        return self.month_choice.currentData() or ""

    def set_month(self, month: str) -> None:
        index = self.month_choice.findData(month)
        self.month_choice.setCurrentIndex(max(0, index))

    def _month_changed(self, _index: int) -> None:
        self.month_model.set_frame(month_table(self.rollup, self.month()))
        self._show_table(self.table_choice.currentIndex())
        self._update_heading()

    def model(self) -> FrameModel:
        key = TABLES[max(0, self.table_choice.currentIndex())][0]
        if key == "by_client" and self.month():
            return self.month_model
        if key == "by_client_month" and self.month():
            return self.month_model  # one month's clients: the same rows
        return self.models[key]

    def selected_login(self) -> str:
        """The login of the client row selected in the table ("" for none, or the Total row)."""
        model = self.table.model()
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        index = rows[0] if rows else self.table.currentIndex()
        if not index.isValid() or not isinstance(model, FrameModel):
            return ""
        row = int(model._order[index.row()])
        frame_rows = self._frame_of(model)
        if frame_rows is None or "account" not in frame_rows.columns or row >= len(frame_rows):
            return ""
        login = str(frame_rows["account"].iloc[row])
        return "" if login in ("Total", "") else login

    def _frame_of(self, model: FrameModel) -> pd.DataFrame | None:
        if model is self.month_model:
            return month_table(self.rollup, self.month())
        for key, m in self.models.items():
            if m is model and key == "levels":
                return level_rows(self.levels)
            if m is model and self.rollup:
                return self.rollup["by_client" if key == "activity" else key]
        return None

    def _enable_buttons(self, *_args) -> None:
        has_clients = bool(self.rollup)
        self.statements_button.setEnabled(has_clients)
        self.partner_button.setEnabled(has_clients)
        chosen = bool(self.selected_login()) if has_clients else False
        self.rename_button.setEnabled(chosen)
        self.share_button.setEnabled(chosen)
        self.statement_button.setEnabled(chosen)

    def rename_selected(self) -> None:
        login = self.selected_login()
        if not login:
            return
        name, ok = QInputDialog.getText(self, "Name the client", f"Name of client {login} (empty: as the statement "
                                        "prints it):", text=self.names.get(login, ""))
        if ok:
            self.name_edited.emit(login, name.strip())

    def share_selected(self) -> None:
        login = self.selected_login()
        if not login:
            return
        share, ok = QInputDialog.getDouble(
            self, "The client's share", f"Percent of the IB's earnings passed back to {login} (the lowest value, "
            "“program's”, goes back to the program's share):", self.shares.get(login, -1.0), -1.0, 100.0, 2)
        if ok:
            self.share_edited.emit(login, float(share))

    def _statement_clicked(self) -> None:
        login = self.selected_login()
        if login:
            self.statement_requested.emit(login)

    def set_views(self, views) -> None:
        self.rollup = views.ib
        summary = getattr(views, "summary", None)
        self.activity = activity_labels(getattr(summary, "activity", None))
        lots = recent_lots(getattr(summary, "activity_months", None))
        if self.activity is not None and lots:
            self.activity["recent_lots"] = [lots.get(str(a), "") for a in self.activity["account"]]
        ib = getattr(summary, "ib", None)
        self.levels = getattr(ib, "levels", None)
        # The levels table only for a two-level deal (sub-IBs or client groups).
        self.table_choice.model().item(len(TABLES) - 1).setEnabled(self.levels is not None)
        if self.levels is None and TABLES[self.table_choice.currentIndex()][0] == "levels":
            self.table_choice.setCurrentIndex(0)
        for key, model in self.models.items():
            if key == "activity":
                model.set_frame(with_activity(views.ib["by_client"], self.activity) if views.ib else None)
            elif key == "levels":
                model.set_frame(level_rows(self.levels))
            else:
                model.set_frame(views.ib[key] if views.ib else None)
        self._views = views
        chosen = self.month()
        months = [str(m) for m in views.ib["by_month"]["month"] if str(m) != "Total"] if views.ib else []
        self.month_choice.blockSignals(True)
        self.month_choice.clear()
        self.month_choice.addItem(ALL_MONTHS, "")
        for m in reversed(months):  # the latest first: what each client is owed this month is one click away
            self.month_choice.addItem(m, m)
        # The latest month by default; a month chosen before (or All months) stays chosen while it is in the book.
        keep = self._filled and (chosen in months or not chosen)
        self.month_choice.setCurrentIndex(max(0, self.month_choice.findData(chosen if keep else
                                                                            (months[-1] if months else ""))))
        self._filled = bool(months)
        self.month_choice.blockSignals(False)
        self._month_changed(self.month_choice.currentIndex())
        ccy = views.result.currency
        self.chart.set_currency(ccy)
        if views.ib:
            month = views.ib["by_month"]
            month = month[month["month"] != "Total"]
            # Every month of the range, a month without trades at 0 (UX review item 9).
            self.chart.set_bars(fill_months(Bars(
                labels=[str(m) for m in month["month"]],
                series={"Passed back to clients": month["passed_back"].to_numpy(dtype=float),
                        "IB keeps": month["ib_keeps"].to_numpy(dtype=float)},
                stacked=True, unit=ccy, line=("IB earnings", month["ib_earnings"].to_numpy(dtype=float)))))
        else:
            self.chart.set_bars(None)
        self._update_heading()

    def _update_heading(self) -> None:
        views = getattr(self, "_views", None)
        if views is None:
            return
        if not views.ib:
            self.heading.setText(views.ib_note or "No IB figures.")
            return
        ccy = views.result.currency
        total = views.ib["by_client"].iloc[-1]
        clients = len(views.ib["by_client"]) - 1
        text = (f"<b>{views.ib_program}</b>: {clients} client account(s), {total['lots']:,.2f} lots, "
                f"IB earnings {total['ib_earnings']:,.2f} {ccy}, passed back {total['passed_back']:,.2f}, "
                f"IB keeps {total['ib_keeps']:,.2f}.")
        month = self.month()
        rows = views.ib["by_month"]
        row = rows[rows["month"] == month]
        if month and len(row):
            r = row.iloc[0]
            active = month_table(views.ib, month)
            traded = len(active) - 1 if active is not None else 0
            text += (f"<br><b>{month}</b>: {traded} client(s) traded, IB earnings {r['ib_earnings']:,.2f} "
                     f"{ccy}, owed to clients {r['passed_back']:,.2f}, IB keeps {r['ib_keeps']:,.2f}.")
        summary = getattr(views, "summary", None)
        text += projection_line(getattr(summary, "ib_projection", None), ccy)
        text += concentration_line(getattr(summary, "concentration", None))
        self.heading.setText(text + (f" {views.ib_note}" if views.ib_note else ""))

    def set_partner(self, reconciliation, currency: str = "") -> None:
        """Show a partner report's reconciliation (Summary.partner_reconciliation), or hide it (None)."""
        self.reconciliation = reconciliation
        self.partner_label.setText(partner_status(reconciliation))
        self.partner_model.set_frame(partner_rows(reconciliation), currency or None)
        fit_columns(self.partner_table, widest_text=CLIENT_WIDTH)
        self.partner_box.setVisible(reconciliation is not None)

    def partner_cell(self, row: int, key: str) -> str:
        """The text the partner table shows at ``row`` in column ``key`` (in the order shown)."""
        col = next(i for i, c in enumerate(PARTNER) if c[0] == key)
        return self.partner_model.text(row, col)

    def apply_theme(self) -> None:
        self.chart.apply_theme()
