"""Introducing-broker roll-up: per client account and month, volume, IB earnings, share passed back, IB keeps.

Convention: the frame holds the trades of the IB's client accounts costed under the IB's own
program, so ``ib_earnings`` is what the broker pays the IB for each trade (the engine's column;
``rebate`` is only the trader's share of it, rebates.assign), accrued at close time (months
are server-time months of close_time). The IB passes ``share_pct`` percent of a client's
earnings back to that client (a client cashback funded from the IB's commission, DOMAIN.md 6.1)
and keeps the rest. Clients missing from a per-account
mapping get 0%. Money is in the frame's currency. A frame without ``ib_earnings`` (priced
by hand) uses ``rebate`` as the earnings.

Cents (issue 10, one rule for money in cents): an IB pays in cents, and a table whose rows do not add up to its
Total reads as an error, so the money columns are in cents that add up. Amounts are summed at full precision
and each client's sum is rounded once (rebates.round_cents: half away from zero), so a client's payable is the
same whether the client is alone or in a book of 500; each Total is the sum of its clients' cents; the rows of
``by_month`` share that Total out by largest remainder (rebates.allocate_cents), and the rows of
``by_client_month`` share out each client's cents the same way (a client's months add up to the client; a
month's clients may differ from ``by_month`` by a cent). ``ib_keeps`` = ``ib_earnings`` - ``passed_back`` in
those cents. ``share_pct`` and ``earnings_per_lot`` are of the exact sums.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from fxcost.analysis.aggregate import ratio
from fxcost.analysis.exposure import per_account
from fxcost.analysis.rebates import allocate_cents, round_cents  # noqa: F401 (allocate_cents: public here too)

COLUMNS = ("trades", "lots", "notional_usd", "ib_earnings", "share_pct", "passed_back", "ib_keeps",
           "earnings_per_lot")
TOTAL = "Total"


def _shares(accounts: pd.Series, client_share_pct: float | Mapping[str, float]) -> np.ndarray:
    if isinstance(client_share_pct, Mapping):
        pct = per_account(accounts, {str(k): v for k, v in client_share_pct.items()}, 0.0)
    else:
        pct = np.full(len(accounts), float(client_share_pct))
    if not np.all((pct >= 0) & (pct <= 100)):
        raise ValueError("the share passed back to a client must be between 0 and 100 percent")
    return pct


def _table(sums: pd.DataFrame) -> pd.DataFrame:
    out = sums[["trades", "lots", "notional_usd", "ib_earnings"]].copy()
    # The effective share of a group: several clients at different shares average by earnings.
    out["share_pct"] = ratio(sums["passed_back"], sums["ib_earnings"]) * 100.0
    out["passed_back"] = sums["passed_back"]
    out["ib_keeps"] = sums["ib_earnings"] - sums["passed_back"]
    out["earnings_per_lot"] = ratio(sums["ib_earnings"], sums["lots"])
    return out


#: Money columns shared out in cents (ib_keeps follows as their difference).
CENT_COLUMNS = ("ib_earnings", "passed_back")


def _share_cents(table: pd.DataFrame, totals: Mapping[str, float], group: np.ndarray | None = None,
                 group_totals: Mapping[str, np.ndarray] | None = None) -> None:
    """Put ``table``'s money columns in cents adding up to ``totals`` (or, per ``group``, to ``group_totals``)."""
    for col in CENT_COLUMNS:
        values = table[col].to_numpy(dtype="float64")
        if group is None:
            table[col] = allocate_cents(values, totals[col])
        else:
            out = np.zeros(len(values))
            for g in np.unique(group):
                sel = group == g
                out[sel] = allocate_cents(values[sel], float(group_totals[col][g]))
            table[col] = out
    table["ib_keeps"] = round_cents(table["ib_earnings"].to_numpy() - table["passed_back"].to_numpy())


def _with_total(table: pd.DataFrame, sums: pd.DataFrame, keys: list[str],
                cents: Mapping[str, float]) -> pd.DataFrame:
    total = _table(sums.sum(numeric_only=True).to_frame().T)
    for c in CENT_COLUMNS:
        total[c] = round_cents(cents[c])
    total["ib_keeps"] = round_cents(total["ib_earnings"].to_numpy() - total["passed_back"].to_numpy())
    for k in keys:
        total[k] = TOTAL
    out = pd.concat([table, total[table.columns]], ignore_index=True)
    out["trades"] = out["trades"].astype("int64")
    return out


def program_rollup(t: pd.DataFrame, program) -> dict[str, pd.DataFrame]:
    """:func:`ib_rollup` of trades priced under ``program`` with the program's own share per client: its
    ``client_shares`` where they name the client, else its default ``client_share_pct`` (issue 10: a client
    not listed gets the default, not 0 %)."""
    accounts = pd.unique(t["account"].astype(str)) if len(t) else []
    return ib_rollup(t, {str(a): program.client_share(str(a)) for a in accounts})


def ib_rollup(t: pd.DataFrame, client_share_pct: float | Mapping[str, float]) -> dict[str, pd.DataFrame]:
    """The IB's figures: ``by_client``, ``by_month``, ``by_client_month``, each ending in a Total row.

    ``client_share_pct``: percent of earnings passed back (40 = 40%), one for all clients or one
    per account. Columns: the keys (``account`` and/or ``month`` as "YYYY-MM" text), then trades,
    lots, notional_usd, ib_earnings (= Σ ib_earnings, else Σ rebate), share_pct (effective), passed_back, ib_keeps,
    earnings_per_lot.
    """
    accounts = t["account"]
    # Group on integer codes (account code, months since 1970) and label afterwards: grouping
    # strings and formatting months per trade is what costs time on a million rows.
    codes, names = pd.factorize(accounts.to_numpy(dtype=object))
    earnings = t["ib_earnings" if "ib_earnings" in t.columns else "rebate"].to_numpy(dtype="float64")
    notional = t["notional_usd"].to_numpy(dtype="float64")
    parts = pd.DataFrame({
        "account": codes,
        "month": t["close_time"].to_numpy("datetime64[ns]").astype("datetime64[M]").astype("int64"),
        "trades": np.ones(len(t), dtype="int64"),
        "lots": t["lots"].to_numpy(dtype="float64"),
        "notional_usd": np.where(np.isfinite(notional), notional, 0.0),
        "ib_earnings": earnings,
        "passed_back": earnings * _shares(accounts, client_share_pct) / 100.0,
    })
    labels = {"account": lambda c: np.asarray(names, dtype=object)[c].astype(str),
              "month": lambda m: np.datetime_as_string(m.astype("datetime64[M]"), unit="M")}
    out = {}
    client_cents: dict[str, np.ndarray] = {}
    book: dict[str, float] = {}
    for name, keys in (("by_client", ["account"]), ("by_month", ["month"]),
                       ("by_client_month", ["account", "month"])):
        sums = parts.groupby(keys, sort=True).sum()
        table = _table(sums).reset_index()
        if name == "by_client":  # each client's exact sum rounded once; the book's total is their sum
            for c in CENT_COLUMNS:
                table[c] = round_cents(table[c].to_numpy(dtype="float64"))
            table["ib_keeps"] = round_cents(table["ib_earnings"].to_numpy() - table["passed_back"].to_numpy())
            book = {c: float(np.round(table[c].sum(), 2)) for c in CENT_COLUMNS}
            codes_ = table["account"].to_numpy(dtype=np.int64)
            client_cents = {c: np.zeros(int(codes_.max()) + 1 if len(codes_) else 0) for c in CENT_COLUMNS}
            for c in CENT_COLUMNS:
                client_cents[c][codes_] = table[c].to_numpy()
        elif name == "by_client_month":  # each client's months share out the client's cents
            _share_cents(table, book, table["account"].to_numpy(dtype=np.int64), client_cents)
        else:
            _share_cents(table, book)
        for k in keys:
            table[k] = labels[k](table[k].to_numpy()).astype(object)
        if "account" in keys:  # codes follow first appearance; tables read better by account
            table = table.sort_values(keys, kind="stable", ignore_index=True)
        out[name] = _with_total(table, sums, keys, book)
    return out
