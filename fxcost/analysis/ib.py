"""Introducing-broker roll-up: per client account and month, volume, IB earnings, share passed back, IB keeps.

Convention: the frame holds the trades of the IB's client accounts costed under the IB's own
program, so ``ib_earnings`` is what the broker pays the IB for each trade (the engine's column;
``rebate`` is only the trader's share of it, rebates.assign), accrued at close time (months
are server-time months of close_time). The IB passes ``share_pct`` percent of a client's
earnings back to that client (a client cashback funded from the IB's commission, DOMAIN.md 6.1)
and keeps the rest. Clients missing from a per-account
mapping get 0%. Money is in the frame's currency. A frame without ``ib_earnings`` (priced
by hand) uses ``rebate`` as the earnings.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from fxcost.analysis.aggregate import ratio
from fxcost.analysis.exposure import per_account

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


def _with_total(table: pd.DataFrame, sums: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    total = _table(sums.sum(numeric_only=True).to_frame().T)
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
    for name, keys in (("by_client", ["account"]), ("by_month", ["month"]),
                       ("by_client_month", ["account", "month"])):
        sums = parts.groupby(keys, sort=True).sum()
        table = _table(sums).reset_index()
        for k in keys:
            table[k] = labels[k](table[k].to_numpy()).astype(object)
        if "account" in keys:  # codes follow first appearance; tables read better by account
            table = table.sort_values(keys, kind="stable", ignore_index=True)
        out[name] = _with_total(table, sums, keys)
    return out
