"""Introducing-broker roll-up: per client account and month, volume, IB earnings, share passed back, IB keeps.

Convention: the frame holds the trades of the IB's client accounts costed under the IB's own
program, so ``ib_earnings`` is what the broker pays the IB for each trade (the engine's column;
``rebate`` is only the trader's share of it, rebates.assign), accrued at close time (months
are server-time months of close_time). The IB passes ``share_pct`` percent of a client's
earnings back to that client (a client cashback funded from the IB's commission, DOMAIN.md 6.1)
and keeps the rest. Clients missing from a per-account
mapping get 0%. Money is in the frame's currency. A frame without ``ib_earnings`` (priced
by hand) uses ``rebate`` as the earnings.

Cents: an IB pays in cents, and a table whose rows do not add up to its Total reads as an error, so the
money columns are in cents (rebates.round_cents: half away from zero) that add up: each Total is the exact
sum rounded, the rows of ``by_client`` and of ``by_month`` share it out by largest remainder
(:func:`allocate_cents`: each row gets its value rounded down to the cent, the cents left over go to the
rows with the largest remainders), and the rows of ``by_client_month`` share out each client's
``by_client`` cents the same way (so a client's months add up to the client; a month's clients may
differ from ``by_month`` by a cent). ``ib_keeps`` = ``ib_earnings`` - ``passed_back`` in those cents.
``share_pct`` and ``earnings_per_lot`` are of the exact sums.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from fxcost.analysis.aggregate import ratio
from fxcost.analysis.exposure import per_account
from fxcost.analysis.rebates import round_cents

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


def allocate_cents(values, total: float | None = None) -> np.ndarray:
    """``values`` in cents that add up to ``total`` (default: their exact sum), by largest remainder.

    ``total`` is rounded with rebates.round_cents; every value is first floored to the cent (after rounding
    to 6 decimals, so float noise does not count), then the cents still missing (or in excess) go to (come
    from) the values with the largest (smallest) remainders, ties to the earlier row.
    """
    x = np.asarray(values, dtype="float64")
    if not len(x):
        return x.copy()
    target = int(round(round_cents(float(x.sum()) if total is None else total) * 100))
    micro = np.rint(np.nan_to_num(x) * 1e6)
    floor = np.floor(micro / 10_000)
    rest = micro - floor * 10_000  # 0 ... 9999 millionths of a cent's hundredth
    cents = floor.astype(np.int64)
    short = target - int(cents.sum())
    if short:
        order = np.argsort(-rest if short > 0 else rest, kind="stable")
        np.add.at(cents, order[np.arange(abs(short)) % len(x)], 1 if short > 0 else -1)
    return cents / 100.0 + 0.0


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


def _with_total(table: pd.DataFrame, sums: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    total = _table(sums.sum(numeric_only=True).to_frame().T)
    _share_cents(total, {c: float(total[c].iloc[0]) for c in CENT_COLUMNS})
    for k in keys:
        total[k] = TOTAL
    out = pd.concat([table, total[table.columns]], ignore_index=True)
    out["trades"] = out["trades"].astype("int64")
    return out


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
    exact = {c: float(parts[c].sum()) for c in CENT_COLUMNS}
    client_cents: dict[str, np.ndarray] = {}
    for name, keys in (("by_client", ["account"]), ("by_month", ["month"]),
                       ("by_client_month", ["account", "month"])):
        sums = parts.groupby(keys, sort=True).sum()
        table = _table(sums).reset_index()
        if name == "by_client_month":  # each client's months share out the client's cents
            _share_cents(table, exact, table["account"].to_numpy(dtype=np.int64), client_cents)
        else:
            _share_cents(table, exact)
        if name == "by_client":
            codes_ = table["account"].to_numpy(dtype=np.int64)
            client_cents = {c: np.zeros(int(codes_.max()) + 1 if len(codes_) else 0) for c in CENT_COLUMNS}
            for c in CENT_COLUMNS:
                client_cents[c][codes_] = table[c].to_numpy()
        for k in keys:
            table[k] = labels[k](table[k].to_numpy()).astype(object)
        if "account" in keys:  # codes follow first appearance; tables read better by account
            table = table.sort_values(keys, kind="stable", ignore_index=True)
        out[name] = _with_total(table, sums, keys)
    return out
