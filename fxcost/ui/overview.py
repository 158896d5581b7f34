"""Overview view: the key cost and rebate figures as cards, each with its formula as a tooltip."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QTableView, QVBoxLayout, QWidget

from fxcost.money import money_text
from fxcost.summary import spreads as spread_summary
from fxcost.summary.build import scope_notes
from fxcost.ui.frame_model import FrameModel, fit_columns, table_height
from fxcost.ui.viewdata import largest_groups, spread_lines


@dataclass(frozen=True)
class Figure:
    """One card: the figure's key in the overview dict, its label, unit and the formula shown on hover."""

    key: str
    label: str
    unit: str  # count, lots, money, pips, bps, pct, rate, money_lot
    formula: str


SECTIONS: tuple[tuple[str, tuple[Figure, ...]], ...] = (
    ("Activity", (
        Figure("trades", "Closed trades", "count", "Closed trades of every imported account (open positions and "
               "cancelled orders are not counted)."),
        Figure("lots", "Lots traded", "lots", "Σ lots of the closed trades (each round turn counted once)."),
        Figure("actual_win_rate", "Win rate", "rate", "Winning trades / trades with non-zero Profit (trades closed "
               "at exactly zero are left out and counted apart, see the notes below)."),
    )),
    ("What the statement says", (
        Figure("profit", "Profit", "money", "Σ Profit as MetaTrader prints it: the price result at executed "
               "prices, so the spread is already inside."),
        Figure("commission", "Commission", "money", "Σ commission as exported (negative when charged)."),
        Figure("taxes", "Taxes / fees", "money", "Σ Taxes (MT4) / Fee (MT5) as exported."),
        Figure("swap_incl_financing", "Swap incl. financing", "money",
               "Σ swap of the closed trades + the financing rows a broker books as balance rows (OANDA's "
               "“Financing”): + income, − charge. Carry, kept apart from transaction cost; the financing rows are "
               "cash, so they are not in Net result (the statement's Closed P/L)."),
        Figure("broker_net", "Net result", "money", "Σ (Profit + commission + taxes + swap): the balance change."),
    )),
    ("What trading cost", (
        Figure("spread_cost", "Estimated spread", "money", "Σ spread × M × lots, with the spread from the "
               "profile or measured data. Estimated, and already inside Profit: never subtract it again."),
        Figure("transaction_cost", "Transaction cost", "money", "Σ (spread − commission − taxes): what the "
               "trades cost before any rebate (swap apart)."),
        Figure("cost_per_lot", "Cost per lot", "money_lot", "Transaction cost / Σ lots (before → after rebate)."),
        Figure("cost_pips_per_lot_before", "Cost per lot in pips", "pips", "Transaction cost / Σ (lots × pip value) "
               "(before → after rebate): the favourable move a trade needs to break even."),
        Figure("bps_before", "Cost in basis points", "bps", "Σ cost in USD / Σ USD notional at open × 10,000 "
               "(before → after rebate)."),
        Figure("cost_pct_of_gross_profit", "Cost as % of gross", "pct", "Σ transaction cost / Σ mid-price P&L of "
               "the winning trades × 100: the share of the gross gains that costs take."),
    )),
    ("What the rebate gives back", (
        Figure("rebate", "Rebate", "money", "Σ rebate under the main program (eligible trades only)."),
        Figure("rebate_received", "Rebate received", "money", "Σ of the balance rows of the statement that look "
               "like rebate or cashback payouts: what was actually received, whatever program is chosen."),
        Figure("net_after_rebate", "Net after rebate", "money", "Net result + rebate."),
        Figure("shift_pips", "Break-even shift", "pips", "Cost pips before rebate − cost pips after rebate "
               "= Σ rebate / Σ (lots × pip value)."),
        Figure("rebate_pct_of_costs", "Rebate as % of costs", "pct", "Σ rebate / Σ transaction cost × 100."),
        Figure("win_rate_before", "Break-even win rate", "rate", "p* = (L + C) / (W + L) with W, L the average "
               "win and loss of Profit and C the explicit cost per trade (commission + taxes − rebate); "
               "before → after rebate."),
    )),
)

#: The per-account table (viewdata.accounts_table), shown when several accounts are loaded.
ACCOUNT_COLUMNS = [
    ("account", "Account", "text"), ("currency", "Ccy", "text"), ("trades", "Trades", "int"), ("lots", "Lots", "num"),
    ("broker_net", "Net result", "money", "Profit + commission + taxes + swap"),
    ("spread_cost", "Spread (est.)", "money"), ("commission", "Commission", "money"), ("taxes", "Taxes", "money"),
    ("swap", "Swap", "money"), ("rebate", "Rebate", "money", "Under the main program"),
    ("net_after_rebate", "Net after rebate", "money"),
    ("cost_per_lot_after", "Cost/lot after rebate", "money_lot", "Transaction cost after rebate / Σ lots"),
]

#: The By year table's columns (issue 15).
YEAR_COLUMNS = [
    ("year", "Year", "text"), ("trades", "Trades", "int"), ("lots", "Lots", "num"),
    ("spread_cost", "Spread (est.)", "money"), ("commission", "Commission", "money"), ("taxes", "Taxes", "money"),
    ("swap", "Swap", "money"), ("rebate", "Rebate", "money", "Under the main program"),
    ("broker_net", "Net result", "money"), ("net_after_rebate", "Net after rebate", "money"),
    ("cost_per_lot", "Cost/lot", "money_lot", "Transaction cost / Σ lots"),
    ("cost_per_lot_after", "Cost/lot after rebate", "money_lot"),
    ("cost_pips_per_lot", "Pips/lot", "num", "Transaction cost in pips per lot"),
]

#: Most columns of cards, and the space between cards (pixels).
MOST_COLUMNS = 3
SPACING = 8

#: Figures shown as "before → after": the card's key and the key of the after-rebate value.
AFTER = {
    "cost_per_lot": "cost_per_lot_after",
    "cost_pips_per_lot_before": "cost_pips_per_lot_after",
    "bps_before": "bps",
    "win_rate_before": "win_rate_after",
}


def format_value(value, unit: str, currency: str = "") -> str:
    """A figure as shown on its card ("—" when undefined)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if unit == "count":
        return f"{int(value):,}"
    if unit == "lots":
        return f"{value:,.2f}"
    if unit in ("money", "money_lot"):
        # Issue 15: JPY and other zero-decimal currencies show no decimals (per-lot figures keep two: a fraction
        # of a yen per lot still tells two setups apart).
        text = money_text(value, currency=currency, sep=",") if unit == "money" else money_text(value, 2, sep=",")
        return f"{text} {currency}".strip()
    if unit == "pips":
        return f"{value:,.2f} pips"
    if unit == "bps":
        return f"{value:,.2f} bp"
    if unit == "pct":
        return f"{value:,.1f} %"
    if unit == "rate":
        return f"{value * 100:,.1f} %"
    return str(value)


#: Up to this many accounts, the Overview's heading names each; a book of more says how many, where and in what.
HEADING_ACCOUNTS = 4


def _accounts_heading(accounts) -> str:
    """The accounts the figures are of, as rich text: each by name and currency, or for a bigger book (an IB's
    hundreds of clients, issue 14) how many, at which brokers and in which currencies, on one line."""
    if len(accounts) <= HEADING_ACCOUNTS:
        return ", ".join(f"{html.escape(a.book.label)} · {html.escape(a.currency)}" for a in accounts)
    brokers = sorted({a.book.account.broker or a.book.account.server for a in accounts} - {""})
    at = f" at {', '.join(brokers[:3])}{' and others' if len(brokers) > 3 else ''}" if brokers else ""
    currencies = ", ".join(sorted({a.currency for a in accounts}))
    return html.escape(f"{len(accounts):,} accounts{at} · {currencies}")


def _profile_notes(accounts) -> list[str]:
    """What "Auto" chose for each account, and why, so the estimate is never a black box; accounts of the same
    choice and reason are told in one line once there are more than :data:`HEADING_ACCOUNTS` (a catalogue pick is
    told elsewhere, spread_lines)."""
    if len(accounts) <= HEADING_ACCOUNTS:
        return [f"{a.book.label}: spreads from {a.profile.name} ({a.profile_reason})." for a in accounts
                if getattr(a, "profile_reason", "") and not getattr(a, "catalogue", "")]
    # A reason counts the account's own trades ("commission charged on 850 of 900 trades"): accounts whose reasons
    # differ only in their numbers are one choice, told with one account's reason (issue 14: 500 clients' lines).
    chosen: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for a in accounts:
        reason = getattr(a, "profile_reason", "")
        if reason and not getattr(a, "catalogue", ""):
            chosen.setdefault((a.profile.name, _NUMBERS.sub("#", reason)), []).append((a.book.label, reason))
    shown, rest = largest_groups(chosen)
    lines = []
    for (name, _), members in shown:
        label, reason = members[0]
        if len(members) == 1:
            lines.append(f"{label}: spreads from {name} ({reason}).")
        elif all(r == reason for _, r in members):
            lines.append(f"{len(members):,} accounts: spreads from {name} ({reason}).")
        else:
            lines.append(f"{len(members):,} accounts: spreads from {name} (as for {label}: {reason}).")
    if rest:
        lines.append(f"{rest:,} more account(s): spreads from other profiles or for other reasons (the Excel "
                     "report's Assumptions sheet lists every account's spread per symbol).")
    return lines


#: The numbers of a reason (spreads.AutoProfile.choose), left out where reasons are grouped.
_NUMBERS = re.compile(r"\d[\d,.]*%?")


class OverviewView(QWidget):
    """Cards of key figures; ``set_views(views)`` fills them, ``text(key)`` reads one back (tests)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.currency = ""  # the currency of the figures shown (the By year table's money too)
        self._values: dict[str, QLabel] = {}
        self._cards: dict[str, QFrame] = {}
        self._grids: list[tuple[QGridLayout, list[QFrame]]] = []
        self.columns = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(4)
        # Issue 11: a file that does not reconcile, had rows skipped or derived its opening balance, on top.
        self.banner = QLabel("")
        self.banner.setObjectName("overview-banner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        layout.addWidget(self.banner)
        self.heading = QLabel("Open a trade history to see what your trading costs.")
        self.heading.setObjectName("overview-heading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        for title, figures in SECTIONS:
            caption = QLabel(f"<b>{html.escape(title)}</b>")
            caption.setContentsMargins(0, 6, 0, 0)
            layout.addWidget(caption)
            grid = QGridLayout()
            grid.setHorizontalSpacing(SPACING)
            grid.setVerticalSpacing(SPACING)
            self._grids.append((grid, [self._card(fig) for fig in figures]))
            layout.addLayout(grid)
        # With several accounts: each one's figures in its own currency (the cards may be converted to USD).
        self.accounts_caption = QLabel("<b>Per account</b> (each in its own currency)")
        self.accounts_caption.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.accounts_caption)
        self.accounts_model = FrameModel(ACCOUNT_COLUMNS, self)
        self.accounts = QTableView()
        self.accounts.setObjectName("overview-accounts")
        self.accounts.setModel(self.accounts_model)
        self.accounts.verticalHeader().hide()
        self.accounts.setSortingEnabled(True)
        self.accounts.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.accounts)
        self.accounts_caption.hide()
        self.accounts.hide()
        # Issue 15: By year (the summary's by_year: trades, lots, each cost, rebate, net, per lot, pips per lot).
        self.years_caption = QLabel("<b>By year</b> (trades by close time)")
        self.years_caption.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.years_caption)
        self.years_model = FrameModel(YEAR_COLUMNS, self)
        self.years = QTableView()
        self.years.setObjectName("overview-years")
        self.years.setModel(self.years_model)
        self.years.verticalHeader().hide()
        self.years.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.years)
        self.years_caption.hide()
        self.years.hide()
        self.notes = QLabel("")
        self.notes.setObjectName("overview-notes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        self._reflow()

    def _reflow(self) -> None:
        """Lay the cards out in as many columns (three at most) as the width holds, so that a narrow window
        gets fewer columns instead of cut-off figures and a sideways scroll bar (UX review item 16)."""
        widest = max(card.minimumSizeHint().width() for _grid, cards in self._grids for card in cards)
        room = self.scroll.viewport().width() - 32  # the body's margins
        columns = max(1, min(MOST_COLUMNS, (room + SPACING) // (widest + SPACING)))
        if columns == self.columns:
            return
        self.columns = columns
        for grid, cards in self._grids:
            for card in cards:
                grid.removeWidget(card)
            for i, card in enumerate(cards):
                grid.addWidget(card, i // columns, i % columns)
            for c in range(MOST_COLUMNS):
                grid.setColumnStretch(c, 1 if c < columns else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._reflow()

    def _card(self, fig: Figure) -> QFrame:
        card = QFrame()
        card.setObjectName(f"card-{fig.key}")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setToolTip(f"<b>{html.escape(fig.label)}</b><br>{html.escape(fig.formula)}")
        box = QVBoxLayout(card)
        box.setContentsMargins(10, 6, 10, 6)
        box.setSpacing(2)
        label = QLabel(fig.label)
        label.setToolTip(card.toolTip())
        value = QLabel("—")
        value.setObjectName(f"figure-{fig.key}")
        value.setToolTip(card.toolTip())
        font = value.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        value.setFont(font)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(label)
        box.addWidget(value)
        self._values[fig.key] = value
        self._cards[fig.key] = card
        return card

    def set_views(self, views) -> None:
        f = views.figures
        ccy = f.get("currency", "")
        self.currency = ccy
        for _title, figures in SECTIONS:
            for fig in figures:
                text = format_value(f.get(fig.key), fig.unit, ccy)
                if fig.key in AFTER:
                    after = format_value(f.get(AFTER[fig.key]), fig.unit, ccy)
                    text = f"{text}  →  {after}" if f.get("rebate") else text
                self._values[fig.key].setText(text)
        self._set_banner(f.get("alerts") or ())
        self.columns = 0  # the figures' widths changed: lay the cards out again
        self._reflow()
        result = views.result
        accounts = _accounts_heading(result.accounts)
        program = html.escape(f.get("program") or "no rebate program")
        self.heading.setText(
            f"<span style='font-size:14pt'><b>{accounts or 'No account'}</b></span><br>"
            f"Spread profile: {html.escape(f.get('profile') or '')} · Main rebate program: {program} · "
            f"Figures in {html.escape(ccy)}"
        )
        notes = list(views.warnings) + _profile_notes(result.accounts)
        measured = f.get("spread_measured_trades") or 0
        estimated = f.get("spread_estimated_trades") or 0
        if measured:
            spread_note = (f"Spread measured from market data for {measured:,} trade(s), estimated from the profile "
                           f"for {estimated:,}.")
        else:  # say how to do better than an estimate, rather than "measured for 0 trade(s)"
            spread_note = (f"Spread estimated from the profile for all {estimated:,} trade(s); to measure it, add "
                           "bar or tick files with “Add bars/ticks…” in the setup panel.")
        # Issue 12: spreads seen in the account's own fills, calibrated to them, or the broker catalogue's; a
        # backtest's are the tester's own (its Overview said "estimated from the profile ... add bar or tick files").
        kinds = dict(f.get("spread_kinds") or {})
        if any(kinds.get(k) for k in ("observed", "calibrated", "catalogue", "tester")):
            spread_note = f"Spreads: {spread_summary.kinds_text(kinds)}."
        lines = spread_lines(views)
        notes[0:0] = [f"{spread_note} Hover a figure for its formula.", *lines]
        # Issue 15: say how the win rate treats trades closed at exactly zero, and how many there are.
        zero = int(f.get("zero_profit_trades") or 0)
        notes.insert(1 + len(lines), f"Win rate: trades with Profit > 0 among trades with non-zero Profit; {zero:,} "
                                     "trade(s) closed at exactly zero are counted apart (neither won nor lost).")
        if not f.get("program"):
            received = (f"The statement holds {f.get('rebate_received_rows', 0)} rebate payout row(s); " if
                        f.get("rebate_received_rows") else "")
            notes.insert(1 + len(lines), f"No rebate program is chosen, so no rebate is counted: {received}pick your program under "
                            "Rebate programs > Main in the setup panel to check them against it. The Compare tab "
                            "shows what the compared programs would have paid on this history.")
        if views.summary is not None:  # issue 15: with a period, the reconciliation is still of the whole file
            notes += scope_notes(views.summary.document)
        self.notes.setText("<br>".join(html.escape(n) for n in notes))
        self._set_accounts(views.accounts)

    def _set_accounts(self, frame) -> None:
        shown = frame is not None and len(frame) > 1
        self.accounts_model.set_frame(frame if shown else None)
        self.accounts_caption.setVisible(shown)
        self.accounts.setVisible(shown)
        if shown:
            for c, (key, *_rest) in enumerate(ACCOUNT_COLUMNS):  # no taxes anywhere: no column of zeros
                self.accounts.setColumnHidden(c, key == "taxes" and not frame["taxes"].abs().sum())
            fit_columns(self.accounts, widest_text=170)
            self.accounts.setFixedHeight(table_height(self.accounts))

    def _set_banner(self, alerts) -> None:
        """The summary's alerts (summary.alerts.FileAlert), errors in red, notes in amber; hidden when none."""
        if not alerts:
            self.banner.hide()
            return
        error = any(a.severity == "error" for a in alerts)
        blocks = []
        for a in alerts:
            mark = "⚠ " if a.severity == "error" else "Note: "
            details = "".join(f"<li>{html.escape(d)}</li>" for d in a.details)
            blocks.append(f"<b>{mark}{html.escape(a.headline)}</b><ul style='margin:2px 0 4px 0'>{details}</ul>")
        self.banner.setText("".join(blocks))
        color, background = ("#8a1c1c", "#fdecea") if error else ("#6b4e00", "#fff6dc")
        self.banner.setStyleSheet(f"QLabel#overview-banner {{ color: {color}; background: {background}; "
                                  f"border: 1px solid {color}; border-radius: 4px; padding: 6px 10px; }}")
        self.banner.show()

    def set_years(self, frame, currency: str | None = None) -> None:
        """The summary's By year table (shown once the summary is built); its money in ``currency`` (default:
        the currency of the figures last shown)."""
        shown = frame is not None and len(frame) > 0
        self.years_model.set_frame(frame if shown else None, currency if currency is not None else self.currency)
        self.years_caption.setVisible(shown)
        self.years.setVisible(shown)
        if shown:
            fit_columns(self.years, widest_text=120)
            self.years.setFixedHeight(table_height(self.years))

    def clear(self) -> None:
        for label in self._values.values():
            label.setText("—")
        self.banner.hide()

    def text(self, key: str) -> str:
        """The text shown for figure ``key``."""
        return self._values[key].text()
