"""MT5 report builder shared by the HTML and XLSX readers: the rows of a file (Sheets) -> one Statement.

mt5_layout scans the rows into tables and label blocks and names the tables, mt5_header reads the header blocks,
and here each section is parsed column-wise and the deals are linked to positions (mt5_linker) to attribute fees,
count partial closes and explain the printed totals.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from fxcost.errors import UnsupportedReport
from fxcost.gcpause import paused
from fxcost.importers import text as tx
from fxcost.importers.frames import RowChecks, none_if_zero, reason_not_whole_id
from fxcost.importers.mt5_cells import (
    DIGITS_SAMPLE,
    VOLUME_EPS,
    bad_ids,
    cell_texts,
    floats,
    int_array,
    lowered,
    printed_decimals,
    real_array,
    row_text,
    symbol_decimals,
    times,
    volumes,
    whole_or_zero,
)
from fxcost.importers.mt5_header import account_header, read_results, read_summary, summary_and_results, tester_header
from fxcost.importers.mt5_layout import (
    DEALS,
    DIRECTIONS,
    OPEN,
    ORDER_STATES,
    ORDERS,
    POSITIONS,
    SECTION_NAMES,
    SECTION_ORDER,
    TRADE_TYPES,
    WORKING,
    Layout,
    RawTable,
    SectionColumns,
    Sheet,
    identify,
    keep_valid,
    scan,
    section_columns,
)
from fxcost.importers.mt5_linker import DealColumns, Linker, PositionRecord
from fxcost.importers.mt5_rows import Rows
from fxcost.importers.reconcile import explanation
from fxcost.model import Account, Statement, cash_frame, open_frame, orders_frame, trades_frame
from fxcost.money import money_text
from fxcost.symbols import normalise_many

#: How an MT5 order executes: its Type without the side ("buy limit" -> "limit"; "buy" -> "market").
_ORDER_KINDS = frozenset({"market", "limit", "stop", "stop limit", "close by"})
_REASON = re.compile(r"^\s*\[(sl|tp|so)\b", re.IGNORECASE)
#: Money totals agree within half a cent per row summed (the report rounds every row).
_MONEY_TOL = 0.005


#: How to export a history, quoted in refusals (kept in step with detect.HOW_TO_EXPORT).
MT5_HOW_TO_EXPORT = (
    "In MetaTrader 5: View > Toolbox > History tab > right-click > 'Positions', then right-click > "
    "'Report' > 'HTML' or 'Open XML (MS Office Excel 2007)'."
)

_TRADE_ACCOUNT_TITLES = ("trade account report", "トレード口座レポート")


def build(sheets: Sequence[Sheet], path: str, source: str, title: str = "", foreign: str = "") -> Statement:
    """Build the Statement of an MT5 history or tester report from its rows.

    Args:
        sheets: the rows of the file (one Sheet for HTML, one per worksheet for XLSX).
        path: the file (messages and the ``source`` column).
        source: ``"html"`` or ``"xlsx"`` (the format is ``mt5_<source>`` or ``mt5_tester_<source>``).
        title: the document title (HTML ``<title>``, XLSX cell A1), used only to name a refused report.
        foreign: the refusal message when nothing in the file looks like an MT5 report at all.

    Raises:
        UnsupportedReport: an MT5 Trade Account Report, or an MT5 report without a Deals table.
        ImportFailed: a Deals table whose structure cannot be read.
    """
    with paused():
        return _build(sheets, path, source, title, foreign)


def _build(sheets: Sequence[Sheet], path: str, source: str, title: str, foreign: str) -> Statement:
    layout = scan(sheets)
    tables = identify(layout)
    if not any(t.kind == DEALS for t in tables):
        if foreign and not any(t.kind for t in tables):
            raise UnsupportedReport(path, foreign)
        _refuse_without_deals(layout, tables, path, title)
    cols = {k: section_columns(tables, k) for k in SECTION_ORDER}
    _release_rows(sheets, layout)
    first_table = next(i for i, (k, _) in enumerate(layout.items) if k == "table")
    pre_labels = [b for k, b in layout.items[:first_table] if k == "labels"]
    post_labels = [b for k, b in layout.items[first_table:] if k == "labels"]
    tester = cols[POSITIONS] is None and sum(len(b.rows) for b in pre_labels) >= 6
    fmt = f"mt5_tester_{source}" if tester else f"mt5_{source}"
    st = Statement(path=path, format=fmt, account=Account(source_format=fmt), is_backtest=tester)
    st.skipped.extend(layout.stray)
    for t in tables:
        if not t.kind:
            st.warnings.append(
                f"A table with {t.width} columns (header row {t.header_num}"
                + (f", sheet {t.sheet}" if t.sheet else "")
                + f": {row_text(t.header)[:120]}) is not part of an MT5 history report and was ignored."
            )
    if tester:
        tester_header(st, pre_labels, layout)
        results = pre_labels[1] if len(pre_labels) > 1 else None
        summary = None
    else:
        account_header(st, pre_labels[0] if pre_labels else None)
        summary, results = summary_and_results(post_labels)
    read_results(st, results)
    read_summary(st, summary)
    _Builder(st, cols).run()
    from fxcost.importers.reconcile import cash_warnings  # reconcile imports the model only; no cycle at run time

    st.warnings.extend(cash_warnings(st))
    return st


def _release_rows(sheets: Sequence[Sheet], layout: Layout) -> None:
    """Drop the sheets' and tables' references to the rows once each section's :class:`SectionColumns` holds them.

    The rows are the largest thing the import holds; from here on only each section's ``SectionColumns`` keeps
    them, and :meth:`SectionColumns.release` frees them section by section as soon as that section is parsed.
    The callers' Sheets are emptied: build consumes its input.
    """
    for sheet in sheets:
        sheet.rows, sheet.nums, sheet.notes = [], [], {}
    for kind, item in layout.items:
        if kind == "table":
            item.rows = Rows([], [], [])


def _refuse_without_deals(layout: Layout, tables: list[RawTable], path: str, title: str) -> None:
    low = title.lower()
    kinds = {t.kind for t in tables}
    titled = any(k == "title" for k, _ in layout.items)
    if any(t in low for t in _TRADE_ACCOUNT_TITLES) or (
        titled and not kinds & {POSITIONS, DEALS, ORDERS} and (kinds & {OPEN, WORKING} or not tables)
    ):
        raise UnsupportedReport(
            path,
            "This is a MetaTrader 5 Trade Account Report: a snapshot of the open positions, working orders "
            "and exposure at one moment, not the trade history, so it holds no closed trades or deals to "
            "compute costs from. Export the Trade History Report instead. " + MT5_HOW_TO_EXPORT,
        )
    found = ", ".join(SECTION_NAMES[k] for k in SECTION_ORDER if k in kinds) or "no table fxcost recognises"
    raise UnsupportedReport(
        path,
        f"This MetaTrader 5 report has no Deals table ({found}), and the deals are what costs are computed "
        "from. Export the full Trade History Report (Positions, Orders and Deals). " + MT5_HOW_TO_EXPORT,
    )



# ---------------------------------------------------------------------------------------------
# The builder proper
# ---------------------------------------------------------------------------------------------

class _Builder:
    def __init__(self, st: Statement, cols: dict[str, SectionColumns | None]) -> None:
        self.st = st
        self.cols = cols
        self.login = st.account.login
        self.orders_comment: dict[int, str] = {}
        self._reasons: dict[str, str] = {}  # comment -> the close reason it gives ("sl", "tp", "so") or ""

    def run(self) -> None:
        # Each section's raw cells are freed once parsed (see _release_rows), before deals are linked.
        deals = self._deals()
        self._release(DEALS)
        self._orders()
        kinds = self._order_kinds()
        self._release(ORDERS, WORKING)
        positions = self._positions()
        self._release(POSITIONS)
        # In/out reversal deals exist only on netting accounts: old builds' account lines do not say the mode.
        reversals = any(x in ("inout", "in/out") for x in deals.direction)
        netting = self.st.account.margin_mode == "netting" or reversals
        multipliers = self._multipliers(positions)
        from_table = self.cols[POSITIONS] is not None
        if from_table and netting and reversals:
            # A netting position keeps its number through a reversal, so the Positions table shows a reversed
            # position as one row (issue 11: 2 trades where the report has 3, a net missing the reversed part).
            # The deals say it all: a reversal closes the position and opens the next one the other way.
            positions, self.pos, from_table = [], None, False
            self.st.warnings.append(
                "This netting account's Positions table folds each reversal (an in/out deal) into the position it "
                "reversed: trades were rebuilt from the Deals table, a reversal closing one position and opening "
                "the next."
            )
        self.kinds = kinds
        linker = Linker(positions, netting, multipliers)
        links = linker.link(deals)
        if from_table:
            self._trades_from_table(deals, positions, links)
        else:
            if not self.st.is_backtest and self.cols[POSITIONS] is None:
                self.st.warnings.append(
                    "The report has no Positions table: trades were rebuilt from the Deals table by pairing "
                    "each position's in and out deals."
                )
            self._trades_from_deals(deals, linker.records, links)
        self._open_positions(deals, linker, links)
        self._cash(deals)
        self._printed(deals, linker.records, links)

    def _release(self, *kinds: str) -> None:
        for kind in kinds:
            c = self.cols[kind]
            if c is not None:
                c.release()

    # -- Deals ------------------------------------------------------------------------------

    def _deals(self) -> DealColumns:
        c = self.cols[DEALS]
        assert c is not None
        skipped = self.st.skipped
        time = times(c.col("time"))
        deal = floats(c.col("deal"))
        types = lowered(cell_texts(c.col("type")))
        direction = lowered(cell_texts(c.col("direction")))
        volume, _ = volumes(c.col("volume"))
        price_raw = c.col("price")  # read once: its printed decimals are wanted below too (issue 14)
        price = floats(price_raw)
        order = floats(c.col("order"))
        profit_raw = floats(c.col("profit"))
        money = {k: np.nan_to_num(floats(c.col(k))) for k in ("commission", "fee", "swap")}
        money["profit"] = np.nan_to_num(profit_raw)
        is_trade = np.array([t in TRADE_TYPES for t in types], dtype=bool)
        no_time = np.isnat(time)
        no_type = np.array([not t for t in types], dtype=bool)
        bad_dir = is_trade & np.array([d not in DIRECTIONS for d in direction], dtype=bool)
        bad_trade = is_trade & (np.isnan(volume) | (volume <= 0) | np.isnan(order))
        bad_cash = ~is_trade & np.isnan(profit_raw)
        ok = keep_valid(c, RowChecks(len(c), [
            (no_time, "the time is not a date"),
            (no_type, "no deal type"),
            (bad_dir, "the direction is not in, out, out by or inout"),
            (bad_trade, "a buy/sell deal without a volume or order number"),
            (bad_cash, "a balance deal without an amount"),
            (bad_ids(deal), reason_not_whole_id("deal")),
            (bad_ids(order), reason_not_whole_id("order")),
        ]), skipped)
        idx = np.flatnonzero(ok)
        ns = time[idx].astype("int64")
        # MT5 writes deals in time order; sort defensively (stable) so that linking runs forwards.
        if len(ns) > 1 and (np.diff(ns) < 0).any():
            self.st.warnings.append("The Deals table is not in time order; it was sorted by time.")
            idx = idx[np.argsort(ns, kind="stable")]
            ns = time[idx].astype("int64")
        if len(idx) and c.has("balance"):
            # The running Balance before the first deal is the statement's opening balance (issue 11): a report
            # of part of the history starts above 0. A credit deal does not move the balance.
            first = int(idx[0])
            running = floats([c.value_at("balance", first)])[0]
            moved = 0.0 if "credit" in types[first] else sum(float(money[k][first]) for k in money)
            if not math.isnan(running):
                self.st.printed.extra["opening_balance"] = round(float(running) - moved, 8)
        symbols = cell_texts(c.col("symbol"))
        comments = cell_texts(c.col("comment"))
        sel = idx.tolist()
        picked = [symbols[k] for k in sel]
        decimals = symbol_decimals(picked, [price_raw[k] for k in sel])
        del price_raw
        # Numbers the linker reads one at a time are kept in arrays (8 bytes each), not lists of Python objects.
        return DealColumns(
            idx=idx, time=time[idx], ns=int_array(ns), deal=int_array(whole_or_zero(deal[idx])),
            symbol=picked, type=[types[k] for k in sel],
            direction=[direction[k] for k in sel], volume=real_array(np.nan_to_num(volume[idx])),
            price=real_array(price[idx]), order=int_array(whole_or_zero(order[idx])),
            commission=money["commission"][idx], fee=money["fee"][idx], swap=money["swap"][idx],
            profit=money["profit"][idx], comment=[comments[k] for k in sel],
            decimals=decimals,
        )

    # -- Orders -----------------------------------------------------------------------------

    def _orders(self) -> None:
        frames = []
        for kind in (ORDERS, WORKING):
            c = self.cols[kind]
            if c is None or not len(c):
                continue
            open_time = times(c.col("open_time"))
            ticket = floats(c.col("order"))
            if kind == ORDERS:  # _order_kinds reads the same columns: parsed once (issue 14)
                self.order_types = (ticket, lowered(cell_texts(c.col("type"))))
            states = lowered(cell_texts(c.col("state")))
            comments = cell_texts(c.col("comment"))
            for t, com in zip(ticket.tolist(), comments):
                if com and not math.isnan(t):
                    self.orders_comment[int(t)] = com
            mapped = [ORDER_STATES.get(s, "?") for s in states]
            if kind == WORKING:
                mapped = ["working" if m == "?" or m is None else m for m in mapped]
            unknown = np.array([m == "?" for m in mapped], dtype=bool)
            ok = keep_valid(c, RowChecks(len(c), [
                (np.isnat(open_time), "the open time is not a date"),
                (np.isnan(ticket), "no order number"),
                (bad_ids(ticket), reason_not_whole_id("order")),
                (unknown, "unknown order state"),
            ]), self.st.skipped)
            keep = ok & np.array([m is not None and m != "?" for m in mapped], dtype=bool)
            if not keep.any():
                continue
            filled, requested = volumes(c.col("volume"))
            lots = np.where(np.isnan(requested), filled, requested)
            symbols = cell_texts(c.col("symbol"))
            sel = np.flatnonzero(keep).tolist()
            close_time = times(c.col("time")) if kind == ORDERS else np.full(len(c), np.datetime64("NaT"), "M8[ns]")
            syms = [symbols[k] for k in sel]
            roots, suffixes = normalise_many(syms)
            types = self.order_types[1] if kind == ORDERS else lowered(cell_texts(c.col("type")))
            frames.append(orders_frame({
                "account": [self.login] * len(sel),
                "ticket": ticket[sel].astype("int64"),
                "open_time": open_time[sel],
                "close_time": close_time[sel],
                "order_type": [types[k] for k in sel],
                "lots": lots[sel],
                "symbol": syms,
                "symbol_root": roots,
                "symbol_suffix": suffixes,
                "price": floats(c.col("price"))[sel],
                "sl": none_if_zero(floats(c.col("sl"))[sel]),
                "tp": none_if_zero(floats(c.col("tp"))[sel]),
                "state": [mapped[k] for k in sel],
                "comment": [comments[k] for k in sel],
                "source": [self.st.path] * len(sel),
            }))
        if frames:
            self.st.orders = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    def _order_kinds(self) -> dict[int, str]:
        """Order ticket -> how it executes ("market", "limit", "stop", "stop limit", "close by"), from the Orders
        section's Type (issue 12: only market executions fill at the bid/ask and may pair for the spread)."""
        c = self.cols[ORDERS]
        if c is None or not len(c):
            return {}
        ticket, types = self.order_types  # parsed by _orders, which runs first
        # Each distinct Type worked out once (issue 14: the string steps ran per order).
        kind_of: dict[str, str | None] = dict.fromkeys(types)
        for typ in kind_of:
            kind = typ.removeprefix("buy").removeprefix("sell").strip() or "market"
            kind_of[typ] = kind if kind in _ORDER_KINDS else None
        return {int(t): kind for t, kind in zip(ticket.tolist(), map(kind_of.__getitem__, types))
                if kind is not None and not math.isnan(t)}

    def _order_types(self, d: DealColumns, recs: list[PositionRecord], n: int) -> dict[str, list[str]]:
        """``open_order_type`` / ``close_order_type`` of each trade (``recs`` aligned with the ``n`` trades) from the
        orders of its in and out deals: "" when unknown; one pending fill among several deals names the end. Given
        to trades_frame, not set on the frame afterwards (issue 14: each column set split the frame's blocks)."""
        kinds = self.kinds
        if not kinds or len(recs) != n:
            return {}
        ends: dict[str, list[str]] = {"open": [], "close": []}
        opens, closes = ends["open"], ends["close"]
        order = d.order
        kind_of = kinds.get
        for r in recs:
            outs = r.outs
            deals = r.deals
            if len(deals) == 2 and len(outs) == 1 and deals[0] != outs[0] == deals[1]:
                # One in deal and one out deal (most positions): one order each end, its kind as it is.
                opens.append(kind_of(order[deals[0]], ""))
                closes.append(kind_of(order[deals[1]], ""))
                continue
            ins = [order[i] for i in deals if i not in outs] or [r.pid]
            for orders, values in ((ins, opens), ([order[i] for i in outs], closes)):
                if len(orders) == 1:  # one order: its kind as it is (what the rule below gives for one)
                    values.append(kinds.get(orders[0], ""))
                    continue
                got = {kinds.get(o, "") for o in orders}
                pending = sorted(got - {"market", ""})
                values.append(pending[0] if pending else "market" if got == {"market"} else "")
        return {f"{end}_order_type": values for end, values in ends.items()}

    # -- Positions table --------------------------------------------------------------------

    def _positions(self) -> list[PositionRecord]:
        c = self.cols[POSITIONS]
        if c is None:
            self.pos = None
            return []
        open_time = times(c.col("open_time"))
        close_time = times(c.col("close_time"))
        pid = floats(c.col("position"))
        sides = lowered(cell_texts(c.col("type")))
        closed, total = volumes(c.col("volume"))
        ok = keep_valid(c, RowChecks(len(c), [
            (np.isnat(open_time) | np.isnat(close_time), "the open or close time is not a date"),
            *_position_checks(pid, sides),
            (np.isnan(closed) | (closed <= 0), "no volume"),
        ]), self.st.skipped)
        sel = np.flatnonzero(ok)
        symbols = cell_texts(c.col("symbol"))
        notes = c.notes()
        open_raw, close_raw = c.col("open_price"), c.col("close_price")
        self.pos = {
            "sel": sel,
            "pid": pid[sel].astype("int64"),
            "open_time": open_time[sel],
            "close_time": close_time[sel],
            "side": [sides[k] for k in sel],
            "symbol": [symbols[k] for k in sel],
            "lots": closed[sel],
            "total": total[sel],
            "open_price": floats(open_raw)[sel],
            "close_price": floats(close_raw)[sel],
            "sl": none_if_zero(floats(c.col("sl"))[sel]),
            "tp": none_if_zero(floats(c.col("tp"))[sel]),
            "commission": np.nan_to_num(floats(c.col("commission"))[sel]),
            "swap": np.nan_to_num(floats(c.col("swap"))[sel]),
            "profit": np.nan_to_num(floats(c.col("profit"))[sel]),
            "note": [notes[k] for k in sel],
        }
        p = self.pos
        p["decimals"] = symbol_decimals(p["symbol"] * 2, [open_raw[k] for k in sel] + [close_raw[k] for k in sel])
        del open_raw, close_raw
        out = []
        o_ns = p["open_time"].astype("int64").tolist()
        c_ns = p["close_time"].astype("int64").tolist()
        # Python lists, not numpy scalars read one at a time (issue 14: a book of hundreds of files).
        volume = np.where(np.isnan(p["total"]), p["lots"], p["total"]).tolist()
        for k, (pid_k, sym, side, open_p, close_p) in enumerate(zip(
                p["pid"].tolist(), p["symbol"], p["side"], p["open_price"].tolist(), p["close_price"].tolist())):
            r = PositionRecord(pid_k, sym, side, o_ns[k], k)
            r.close_ns = c_ns[k]
            r.open_price = open_p
            r.close_price = close_p
            r.volume = volume[k]
            out.append(r)
        dup = len(out) - len({r.pid for r in out})
        if dup:
            self.st.warnings.append(f"{dup} position numbers appear twice in the Positions table.")
        return out

    def _multipliers(self, positions: list[PositionRecord]) -> dict[str, float]:
        """Money per price unit and lot, per symbol, from the Positions table (to tell positions apart)."""
        if self.pos is None:
            return {}
        p = self.pos
        sign = np.where(np.array(p["side"]) == "buy", 1.0, -1.0)
        diff = (p["close_price"] - p["open_price"]) * sign * p["lots"]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = p["profit"] / diff
        # Per symbol (sorted, as groupby gives them), the median of the finite positive ratios: numpy's median is
        # pandas' (the middle value, or the mean of the two middle ones), without a frame and a groupby (issue 14).
        with np.errstate(invalid="ignore"):
            ok = np.flatnonzero(np.isfinite(ratio) & (ratio > 0))
        by_symbol: dict[str, list[float]] = {}
        symbols = p["symbol"]
        for k, r in zip(ok.tolist(), ratio[ok].tolist()):
            by_symbol.setdefault(symbols[k], []).append(r)
        return {s: float(np.median(by_symbol[s])) for s in sorted(by_symbol)}

    def _trades_from_table(self, d: DealColumns, positions: list[PositionRecord], links: list[PositionRecord | None]) -> None:
        p = self.pos
        n = len(positions)
        fee = np.zeros(n)
        deal_comm = np.zeros(n)
        deal_profit = np.zeros(n)
        n_out = np.zeros(n, dtype="int64")
        close_by = np.zeros(n, dtype=bool)
        stop_out = np.zeros(n, dtype=bool)
        reasons = [""] * n
        comments = list(p["note"])
        # Summed as Python floats in the same order as numpy's += did (issue 14: numpy scalars one at a time were slow).
        d_fee, d_comm, d_profit = d.fee.tolist(), d.commission.tolist(), d.profit.tolist()
        # Sums and counts in lists, made arrays once (issue 14: four numpy item assignments per position).
        fees, comms, profits, outs_n = [0.0] * n, [0.0] * n, [0.0] * n, [0] * n
        close_flags, in_comment = self._close_flags, self._in_comment
        for k, r in enumerate(positions):
            outs = r.outs
            if r.deals:
                f_sum = c_sum = p_sum = 0.0
                for i in r.deals:
                    f_sum += d_fee[i]
                    c_sum += d_comm[i]
                    if i in outs:
                        p_sum += d_profit[i]
                fees[k], comms[k], profits[k] = f_sum, c_sum, p_sum
            outs_n[k] = len(outs)
            if outs:
                close_flags(d, r, k, close_by, stop_out, reasons)
            if not comments[k]:
                comments[k] = in_comment(d, r)
        fee[:], deal_comm[:], deal_profit[:], n_out[:] = fees, comms, profits, outs_n
        partial = (n_out > 1) | (p["total"] > p["lots"] + VOLUME_EPS)
        self.table_check = {
            "commission": deal_comm - p["commission"],
            "profit": deal_profit - p["profit"],
            "linked": np.array([bool(r.deals) for r in positions], dtype=bool),
        }
        roots, suffixes = normalise_many(p["symbol"])
        self.st.trades = trades_frame({
            "account": [self.login] * n,
            "ticket": p["pid"],
            "open_time": p["open_time"],
            "close_time": p["close_time"],
            "side": p["side"],
            "lots": p["lots"],
            "symbol": p["symbol"],
            "symbol_root": roots,
            "symbol_suffix": suffixes,
            "open_price": p["open_price"],
            "close_price": p["close_price"],
            "sl": p["sl"],
            "tp": p["tp"],
            "commission": p["commission"],
            "taxes": fee,
            "swap": p["swap"],
            "profit": p["profit"],
            "comment": comments,
            "digits": self._digits(p["symbol"], p["decimals"], d),
            "is_partial": partial,
            "close_by": close_by,
            "stop_out": stop_out,
            "close_reason": reasons,
            "source": [self.st.path] * n,
            **self._order_types(d, positions, n),
        })
        self._check_links(positions, n_out)

    def _check_links(self, positions: list[PositionRecord], n_out: np.ndarray) -> None:
        chk = self.table_check
        tol = _MONEY_TOL * np.maximum(n_out, 1) + 1e-9
        unlinked = int((n_out == 0).sum())
        mism = int(((np.abs(chk["profit"]) > tol) & (n_out > 0)).sum())
        if unlinked:
            self.st.warnings.append(
                f"{unlinked} closed positions have no closing deal in the Deals table (the report period may "
                "cut them); their figures come from the Positions table alone."
            )
        if mism:
            self.st.warnings.append(
                f"For {mism} positions the profit of the closing deals linked to them differs from the Positions "
                "table (deals could not be linked with certainty); the Positions table's figures are used."
            )

    def _close_flags(self, d: DealColumns, r: PositionRecord, k: int, close_by: np.ndarray, stop_out: np.ndarray,
                     reasons: list[str]) -> None:
        for i in r.outs:
            if d.direction[i] == "out by":
                close_by[k] = True
            for text in (d.comment[i], self.orders_comment.get(d.order[i], "")):
                reason = self._reasons.get(text)
                if reason is None:  # each distinct comment matched once (issue 14: two matches per trade)
                    m = _REASON.match(text)
                    reason = self._reasons[text] = m.group(1).lower() if m else ""
                if reason:
                    reasons[k] = reason
                    if reason == "so":
                        stop_out[k] = True
                    break

    def _in_comment(self, d: DealColumns, r: PositionRecord) -> str:
        for i in r.deals:
            if d.direction[i] == "in" and d.comment[i]:
                return d.comment[i]
        return self.orders_comment.get(r.pid, "")

    def _digits(self, symbols: list[str], decimals: dict[str, list[int]], d: DealColumns) -> np.ndarray:
        """Per symbol, the most decimals its first :data:`DIGITS_SAMPLE` prices are printed with: those of
        ``decimals`` (the Positions table's, open then close prices) first, then the deals'."""
        best = {}
        for s in set(symbols):
            first = decimals.get(s, [])
            best[s] = max(first + d.decimals.get(s, [])[:DIGITS_SAMPLE - len(first)], default=0)
        return np.array([min(best[s], 10) for s in symbols], dtype="int8")

    # -- Trades rebuilt from deals (tester, or a history without its Positions table) --------

    def _trades_from_deals(self, d: DealColumns, records: list[PositionRecord], links: list[PositionRecord | None]) -> None:
        closed = [r for r in records if r.outs and r.vin > 0 and r.vout >= r.vin - VOLUME_EPS]
        partly = [r for r in records if r.outs and r.vin > 0 and r.vout < r.vin - VOLUME_EPS]
        if partly:
            self.st.warnings.append(
                f"{len(partly)} positions were only partly closed at the end of the report; their closed part is "
                "counted as a trade and the rest as an open position."
            )
        rows = closed + partly
        n = len(rows)
        cols: dict[str, list[Any]] = defaultdict(list)
        close_by = np.zeros(n, dtype=bool)
        stop_out = np.zeros(n, dtype=bool)
        reasons = [""] * n
        for k, r in enumerate(rows):
            outs = r.outs
            vols = [r.closed_by(i, d.volume[i]) for i in outs]
            vout = sum(vols)
            cols["ticket"].append(r.pid)
            cols["open_time"].append(r.open_ns)
            cols["close_time"].append(max(d.ns[i] for i in outs))
            cols["side"].append(r.side)
            cols["lots"].append(vout)
            cols["symbol"].append(r.symbol)
            cols["open_price"].append(r.in_price / r.vin if r.vin else r.open_price)
            cols["close_price"].append(sum(d.price[i] * v for i, v in zip(outs, vols)) / vout if vout else float("nan"))
            cols["commission"].append(float(sum(d.commission[i] for i in r.deals)))
            cols["taxes"].append(float(sum(d.fee[i] for i in r.deals)))
            cols["swap"].append(float(sum(d.swap[i] for i in outs)))
            cols["profit"].append(float(sum(d.profit[i] for i in outs)))
            cols["comment"].append(self._in_comment(d, r))
            cols["is_partial"].append(len(outs) > 1 or r.vout < r.vin - VOLUME_EPS)
            self._close_flags(d, r, k, close_by, stop_out, reasons)
        roots, suffixes = normalise_many(cols["symbol"])
        digits = self._digits(cols["symbol"], {}, d) if n else np.zeros(0, dtype="int8")
        self.st.trades = trades_frame({
            **{k: v for k, v in cols.items() if k not in ("open_time", "close_time")},
            "account": [self.login] * n,
            "open_time": pd.to_datetime(np.array(cols["open_time"], dtype="int64")),
            "close_time": pd.to_datetime(np.array(cols["close_time"], dtype="int64")),
            "symbol_root": roots,
            "symbol_suffix": suffixes,
            "digits": digits,
            "close_by": close_by,
            "stop_out": stop_out,
            "close_reason": reasons,
            "source": [self.st.path] * n,
            # The Positions table's records, when it has one, are not these trades: no order types then.
            **self._order_types(d, rows if self.cols[POSITIONS] is None else [], n),
        }) if n else trades_frame()
        self.rebuilt = {id(r) for r in rows}

    # -- Open positions ---------------------------------------------------------------------

    def _open_positions(self, d: DealColumns, linker: Linker, links: list[PositionRecord | None]) -> None:
        c = self.cols[OPEN]
        table_ids = set(self.pos["pid"].tolist()) if self.pos is not None else set()
        if c is not None and len(c):
            open_time = times(c.col("open_time"))
            pid = floats(c.col("position"))
            sides = lowered(cell_texts(c.col("type")))
            lots = volumes(c.col("volume"))[0]
            ok = keep_valid(c, RowChecks(len(c), [
                (np.isnat(open_time), "the open time is not a date"),
                *_position_checks(pid, sides),
            ]), self.st.skipped)
            sel = np.flatnonzero(ok)
            ids = pid[sel].astype("int64")
            all_symbols = cell_texts(c.col("symbol"))
            symbols = [all_symbols[k] for k in sel]
            all_comments = cell_texts(c.col("comment"))
            comm, fee = [], []
            for x in ids.tolist():
                r = linker.by_id.get(x)
                # A partly closed position is also in the Positions table, which already counts its in deal.
                if r is None or x in table_ids:
                    comm.append(0.0)
                    fee.append(0.0)
                else:
                    comm.append(float(sum(d.commission[i] for i in r.deals)))
                    fee.append(float(sum(d.fee[i] for i in r.deals)))
            raw_comm = floats(c.col("commission"))[sel] if c.has("commission") else None
            roots, suffixes = normalise_many(symbols)
            open_raw = c.col("open_price")
            prices = [open_raw[k] for k in sel]
            dec = printed_decimals(prices) if len(sel) else np.zeros(0, dtype="int64")
            self.st.open_positions = open_frame({
                "account": [self.login] * len(sel),
                "ticket": ids,
                "open_time": open_time[sel],
                "side": [sides[k] for k in sel],
                "lots": lots[sel],
                "symbol": symbols,
                "symbol_root": roots,
                "symbol_suffix": suffixes,
                "open_price": floats(prices),
                "sl": none_if_zero(floats(c.col("sl"))[sel]),
                "tp": none_if_zero(floats(c.col("tp"))[sel]),
                "market_price": floats(c.col("market_price"))[sel],
                "commission": np.nan_to_num(raw_comm) if raw_comm is not None else comm,
                "taxes": fee,
                "swap": np.nan_to_num(floats(c.col("swap"))[sel]),
                "profit": np.nan_to_num(floats(c.col("profit"))[sel]),
                "comment": [all_comments[k] for k in sel],
                "digits": np.minimum(dec, 10).astype("int8"),
                "source": [self.st.path] * len(sel),
            })
        elif self.st.is_backtest or self.cols[POSITIONS] is None:
            # No Open Positions table: positions whose in deal has no (full) out deal are still open.
            rows = [r for r in linker.records if r.vin > 0 and r.vout < r.vin - VOLUME_EPS and r.pid not in table_ids]
            if rows:
                roots, suffixes = normalise_many([r.symbol for r in rows])
                self.st.open_positions = open_frame({
                    "account": [self.login] * len(rows),
                    "ticket": [r.pid for r in rows],
                    "open_time": pd.to_datetime(np.array([r.open_ns for r in rows], dtype="int64")),
                    "side": [r.side for r in rows],
                    "lots": [r.vin - r.vout for r in rows],
                    "symbol": [r.symbol for r in rows],
                    "symbol_root": roots,
                    "symbol_suffix": suffixes,
                    "open_price": [r.in_price / r.vin for r in rows],
                    "commission": [float(sum(d.commission[i] for i in r.deals if d.direction[i] == "in"))
                                   if not r.outs else 0.0 for r in rows],
                    "source": [self.st.path] * len(rows),
                })

    # -- Cash -------------------------------------------------------------------------------

    def _cash(self, d: DealColumns) -> None:
        from fxcost.importers import cash  # another engineer's module; imported when needed

        sel = [i for i, t in enumerate(d.type) if t not in TRADE_TYPES]
        if not sel:
            return
        amount = (d.profit + d.commission + d.fee + d.swap)[sel]
        kinds = [cash.classify(d.type[i], float(a), d.comment[i]) for i, a in zip(sel, amount)]
        self.st.cash = cash_frame({
            "account": [self.login] * len(sel),
            "ticket": [d.deal[i] for i in sel],
            "time": d.time[sel],
            "kind": kinds,
            "amount": amount,
            "comment": [d.comment[i] for i in sel],
            "row_type": [d.type[i] for i in sel],
            "source": [self.st.path] * len(sel),
        })

    # -- Printed totals ---------------------------------------------------------------------

    def _printed(self, d: DealColumns, records: list[PositionRecord], links: list[PositionRecord | None]) -> None:
        """The Deals totals row, made comparable with the closed trades, and the causes of what differs."""
        st = self.st
        p = st.printed
        c = self.cols[DEALS]
        totals = c.totals if c is not None else None
        is_trade = np.array([t in TRADE_TYPES for t in d.type], dtype=bool)
        cash_sum = {k: float(getattr(d, k)[~is_trade].sum()) for k in ("commission", "fee", "swap", "profit")}
        n_cash = int((~is_trade).sum())
        adjust: dict[str, float] = defaultdict(float)
        causes: dict[str, list[str]] = defaultdict(list)

        if totals:
            t = {k: tx.parse_number(totals.get(k)) if totals.get(k) is not None else float("nan")
                 for k in ("commission", "fee", "swap", "profit", "balance")}
            p.extra["deals_totals"] = {k: (None if math.isnan(v) else v) for k, v in t.items()}
            # Which builds count balance/credit deals in the Profit total? Newer ones do (the row then
            # adds up to the final Balance), older ones and the tester do not: tell them apart from the
            # printed row itself.
            net = sum(0.0 if math.isnan(t[k]) else t[k] for k in ("commission", "fee", "swap", "profit"))
            with_cash = math.isnan(t["balance"]) or abs(net - t["balance"]) < 0.015
            # The deals themselves settle it when the row's Profit is the sum of the trade deals' profit, or of
            # every deal's (a report of part of the history starts above 0, so its net is no final balance).
            trade_profit = float(d.profit[is_trade].sum())
            if not math.isnan(t["profit"]) and n_cash and abs(cash_sum["profit"]) >= 0.005:
                if abs(t["profit"] - trade_profit - cash_sum["profit"]) < 0.015:
                    with_cash = True
                elif abs(t["profit"] - trade_profit) < 0.015:
                    with_cash = False
            for field_, key in (("commission", "commission"), ("taxes", "fee"), ("swap", "swap"), ("profit", "profit")):
                if math.isnan(t[key]):
                    continue
                value = t[key] - (cash_sum[key] if with_cash else 0.0)
                setattr(p, field_, round(value, 8))
            if with_cash and n_cash:
                p.extra["profit_basis"] = (
                    f"Deals totals row minus the {n_cash} balance/credit deals it includes "
                    f"({money_text(cash_sum['profit'])})"
                )
            else:
                p.extra["profit_basis"] = "Deals totals row (it does not include balance/credit deals)"

        # Money of trade deals that belong to no closed trade: deals of positions still open (or not in
        # the Positions table) and deals that could not be linked. The printed totals count them.
        trade_rows = getattr(self, "rebuilt", None)
        outside: list[int] = []
        unlinked: list[int] = []
        open_recs = 0
        for r in records:
            in_trades = (r.row >= 0) if trade_rows is None else (id(r) in trade_rows)
            if not in_trades and r.deals:
                outside.extend(r.deals)
                open_recs += 1
        for i, r in enumerate(links):
            if r is None and d.type[i] in TRADE_TYPES:
                unlinked.append(i)
        for label, deals_, what in (
            ("open", outside, f"{open_recs} positions still open at report time (or not in the Positions table)"),
            ("unlinked", unlinked, f"{len(unlinked)} deals that could not be linked to any position"),
        ):
            if not deals_:
                continue
            sums = {k: float(getattr(d, k)[deals_].sum()) for k in ("commission", "fee", "swap", "profit")}
            for field_, key in (("commission", "commission"), ("taxes", "fee"), ("swap", "swap"), ("profit", "profit")):
                if abs(sums[key]) >= 0.005:
                    adjust[field_] += sums[key]
                    causes[field_].append(f"{money_text(sums[key])} {key} on the deals of {what}")
            net = sum(sums.values())
            if abs(net) >= 0.005:
                adjust["total_net_profit"] += net
                causes["total_net_profit"].append(f"{money_text(net)} on the deals of {what}")
            p.extra[f"{label}_deals"] = {"count": len(deals_), **{k: round(v, 8) for k, v in sums.items()}}

        if self.pos is not None:  # trades read from the Positions table
            chk = self.table_check
            for field_ in ("commission", "profit"):
                diff = chk[field_][chk["linked"]]
                bad = np.abs(diff) > _MONEY_TOL
                if bad.any():
                    adjust[field_] += float(diff[bad].sum())
                    causes[field_].append(
                        f"{money_text(float(diff[bad].sum()))} by which the deals of {int(bad.sum())} positions differ "
                        f"from their {field_} in the Positions table"
                    )
                    adjust["total_net_profit"] += float(diff[bad].sum())
                    causes["total_net_profit"].append(
                        f"{money_text(float(diff[bad].sum()))} {field_} difference between deals and Positions table"
                    )

        # MT5's Total Trades counts closing deals, so a position closed in parts counts once per part.
        n_out = sum(1 for i, dirn in enumerate(d.direction) if d.type[i] in TRADE_TYPES
                    and dirn in ("out", "out by", "inout", "in/out"))
        diff_trades = n_out - len(st.trades)
        if diff_trades and p.trades is not None:
            adjust["trades"] += diff_trades
            multi = int(st.trades["is_partial"].sum()) if len(st.trades) else 0
            causes["trades"].append(
                f"{n_out} closing deals, as MetaTrader counts each one as a trade; fxcost counts {len(st.trades)} "
                f"positions ({multi} of them closed in several parts or still partly open)"
            )
        if adjust:
            p.extra["adjust"] = {k: round(v, 8) for k, v in adjust.items() if v}
            p.extra["causes"] = {k: "; ".join(v) for k, v in causes.items() if k in p.extra["adjust"]}
            for k, cause in p.extra["causes"].items():
                st.warnings.append(explanation(k, cause))



def _position_checks(pid: np.ndarray, sides: list[str]) -> list[tuple[np.ndarray, str]]:
    """The checks a row of the Positions or Open Positions table must pass besides its times and volume."""
    return [
        (np.isnan(pid), "no position number"),
        (bad_ids(pid), reason_not_whole_id("position")),
        (np.array([s not in TRADE_TYPES for s in sides], dtype=bool), "the type is not buy or sell"),
    ]


