"""Client activity and retention for an IB's book (issue 14): who trades, who stopped, who is new, who earns.

Per client account of the costed trades: first and last trade (close times, server time), whether the client
traded in the month of ``as_of`` ("active this month"), dormant (no trade closed in the ``dormant_days`` before
``as_of``), new this period (first trade inside the period), the monthly volume in lots with its trend, and the
client's share of the IB's earnings (concentration). ``as_of`` defaults to the book's last close time, so a
book of old statements is judged at its own end, not at today's date. Earnings are ``ib_earnings`` (the
broker's pay to the IB, rebates.assign) or, for a frame without it, ``rebate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd

from fxcost.analysis.aggregate import account_codes

#: Days without a closed trade after which a client is dormant (issue 14: "no trade for N days").
DORMANT_DAYS = 30
#: Months before ``as_of``'s month whose mean volume the trend compares this month with.
TREND_MONTHS = 3
#: Change of volume (percent) within which the trend is "flat".
FLAT_PCT = 10.0
COLUMNS = ("account", "first_trade", "last_trade", "trades", "lots", "days_since_last", "active_this_month",
           "dormant", "new_this_period", "lots_this_month", "lots_before", "trend_pct", "trend", "ib_earnings",
           "earnings_share_pct")


def _month(times: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    return np.asarray(times, dtype="datetime64[ns]").astype("datetime64[M]")


def monthly_volume(trades: pd.DataFrame) -> pd.DataFrame:
    """Lots per client (rows, sorted) and close month (columns "YYYY-MM", every month from the first to the last,
    0 where the client did not trade)."""
    if not len(trades):
        return pd.DataFrame(dtype="float64")
    months = _month(trades["close_time"].to_numpy())
    # Grouped by account code (issue 10: not by each trade's text), labelled after: the same sums, same order.
    codes, names = account_codes(trades["account"])
    table = pd.DataFrame({"account": codes, "month": months,
                          "lots": trades["lots"].to_numpy(dtype="float64")}).pivot_table(
        index="account", columns="month", values="lots", aggfunc="sum", fill_value=0.0)
    table.index = pd.Index(names[table.index.to_numpy()], name="account")
    axis = np.arange(months.min(), months.max() + np.timedelta64(1, "M"))
    table = table.reindex(columns=axis, fill_value=0.0)
    table.columns = np.datetime_as_string(np.asarray(table.columns, dtype="datetime64[M]"), unit="M")
    table.columns.name = None
    return table.sort_index()


def activity(trades: pd.DataFrame, *, as_of: str | date | np.datetime64 | None = None, dormant_days: int = DORMANT_DAYS,
             period: str | tuple[str | date, str | date] | None = None,
             first_trades: Mapping[str, str | date | np.datetime64 | pd.Timestamp] | None = None) -> pd.DataFrame:
    """One row per client account that traded up to ``as_of`` (columns COLUMNS, sorted by earnings share,
    largest first; trades closed after ``as_of`` are left out).

    ``as_of``: the day activity is judged at (default: the last close time in ``trades``). ``period``: a month
    "YYYY-MM" or a (start, end) pair of dates, end exclusive, for "new this period" (default: ``as_of``'s month).
    ``first_trades``: per account, its first close over the whole history, when ``trades`` holds only a period of
    it (issue 15's period: a client who traded before the period is not new in it).
    """
    if dormant_days < 0:
        raise ValueError("dormant_days must be 0 or more")
    if not len(trades):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    close = trades["close_time"].to_numpy("datetime64[ns]")
    as_of = np.datetime64(pd.Timestamp(as_of) if as_of is not None else close.max(), "ns")
    this_month = as_of.astype("datetime64[M]")
    if period is None:
        start, end = this_month, this_month + np.timedelta64(1, "M")
    elif isinstance(period, str):
        start = np.datetime64(period, "M")
        end = start + np.timedelta64(1, "M")
    else:
        start, end = (np.datetime64(pd.Timestamp(p), "ns") for p in period)
    # A book judged at an earlier day knows nothing of the trades after it.
    keep = close <= as_of
    # Grouped by account code (issue 10: not by each trade's text), labelled after: the same sums, same order.
    codes, names = account_codes(trades["account"])
    if not keep.any():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    close, codes = close[keep], codes[keep]

    def labelled(table: pd.Series) -> pd.Series:
        return table.set_axis(pd.Index(names[table.index.to_numpy()], name="account"))

    # The columns read, not the whole frame, left without the trades after ``as_of``.
    earnings = trades["ib_earnings" if "ib_earnings" in trades.columns else "rebate"].to_numpy(dtype="float64")[keep]
    frame = pd.DataFrame({"account": codes, "close": close,
                          "lots": trades["lots"].to_numpy(dtype="float64")[keep], "earnings": np.nan_to_num(earnings),
                          "month": _month(close)})
    g = frame.groupby("account", sort=True)
    out = pd.DataFrame({"first_trade": g["close"].min(), "last_trade": g["close"].max(), "trades": g.size(),
                        "lots": g["lots"].sum(), "ib_earnings": g["earnings"].sum()})
    out.index = pd.Index(names[out.index.to_numpy()], name="account")
    if first_trades is not None:
        known = pd.Series({str(k): pd.Timestamp(v) for k, v in dict(first_trades).items()}, dtype="datetime64[ns]")
        whole = known.reindex(out.index).to_numpy("datetime64[ns]")
        mine = out["first_trade"].to_numpy("datetime64[ns]")
        out["first_trade"] = np.where(np.isnat(whole), mine, np.minimum(whole, mine))
    # numpy's stubs take a datetime64 of unknown unit minus an array for a datetime64; at "ns" it is a timedelta64.
    out["days_since_last"] = ((as_of - out["last_trade"].to_numpy("datetime64[ns]"))
                              / np.timedelta64(1, "D")).astype("float64")  # type: ignore[operator]
    in_month = labelled(frame[frame["month"] == this_month].groupby("account")["lots"].sum())
    out["active_this_month"] = out.index.isin(in_month.index)
    out["dormant"] = out["days_since_last"] > dormant_days
    first = out["first_trade"].to_numpy("datetime64[ns]")
    out["new_this_period"] = (first >= np.datetime64(start, "ns")) & (first < np.datetime64(end, "ns"))
    out["lots_this_month"] = in_month.reindex(out.index, fill_value=0.0)
    before = frame[(frame["month"] < this_month) & (frame["month"] >= this_month - np.timedelta64(TREND_MONTHS, "M"))]
    # The mean over the TREND_MONTHS months before, counting the months the client was already trading.
    sums = labelled(before.groupby("account")["lots"].sum()).reindex(out.index, fill_value=0.0)
    first_month = out["first_trade"].to_numpy("datetime64[ns]").astype("datetime64[M]")
    span = np.clip((this_month - np.maximum(first_month, this_month - np.timedelta64(TREND_MONTHS, "M")))
                   .astype("int64"), 0, TREND_MONTHS)
    out["lots_before"] = np.where(span > 0, sums.to_numpy() / np.maximum(span, 1), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = (out["lots_this_month"].to_numpy() / out["lots_before"].to_numpy() - 1.0) * 100.0
    pct = np.where(out["lots_before"].to_numpy() > 0, pct, np.nan)
    out["trend_pct"] = pct
    out["trend"] = np.select([span == 0, np.isnan(pct), pct > FLAT_PCT, pct < -FLAT_PCT],
                             ["new", "none before", "up", "down"], "flat")
    total = float(out["ib_earnings"].sum())
    out["earnings_share_pct"] = out["ib_earnings"] / total * 100.0 if total else 0.0
    out = out.rename_axis("account").reset_index()
    return out.sort_values(["earnings_share_pct", "account"], ascending=[False, True], ignore_index=True)[
        list(COLUMNS)]


def concentration(table: pd.DataFrame, top: int = 5) -> dict[str, float]:
    """How much of the IB's earnings hangs on a few clients: the top client's and the top ``top``'s share
    (percent), the number of clients that make 80 % of the earnings, and the Herfindahl index (0 to 10,000). A book
    without IB earnings (no program, or nothing earned) has no concentration: every figure 0."""
    shares = np.sort(table["earnings_share_pct"].to_numpy(dtype="float64"))[::-1] if len(table) else np.zeros(0)
    if not len(shares) or not shares.sum() > 0:  # no clients that make 80 % of nothing
        return {"top_client_pct": 0.0, f"top_{top}_pct": 0.0, "clients_for_80_pct": 0, "hhi": 0.0}
    cum = np.cumsum(shares)
    return {"top_client_pct": float(shares[0]), f"top_{top}_pct": float(shares[:top].sum()),
            "clients_for_80_pct": int(np.searchsorted(cum, 80.0 - 1e-9) + 1), "hhi": float((shares ** 2).sum())}
