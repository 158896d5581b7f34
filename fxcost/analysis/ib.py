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

from collections.abc import Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from fxcost.analysis.aggregate import ratio
from fxcost.analysis.exposure import per_account
from fxcost.analysis.programs import RebateProgram
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
            assert group_totals is not None  # given with ``group``
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


def program_rollup(t: pd.DataFrame, program: RebateProgram) -> dict[str, pd.DataFrame]:
    """:func:`ib_rollup` of trades priced under ``program`` with the program's own share per client: its
    ``client_shares`` where they name the client, else its default ``client_share_pct`` (issue 10: a client
    not listed gets the default, not 0 %)."""
    accounts: Iterable[object] = pd.unique(t["account"].astype(str)) if len(t) else []
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
    labels: dict[str, Callable[[np.ndarray], np.ndarray]]
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


# --- two-level deals and client groups (issue 14) ---------------------------------------------------------

#: How the master IB's own clients (in no sub-IB) are named in ``by_level``.
MASTER = "Master IB"
LEVEL_COLUMNS = ("clients", "trades", "lots", "ib_earnings", "share_pct", "passed_back", "ib_keeps",
                 "master_share_pct", "master_keeps", "sub_ib_keeps")
#: Money columns of level_rollup shared out in cents; ib_keeps and sub_ib_keeps follow as differences.
LEVEL_CENT_COLUMNS = ("ib_earnings", "passed_back", "master_keeps")


def level_split(t: pd.DataFrame, program: RebateProgram) -> pd.DataFrame:
    """Per trade of ``t`` (costed under the IB ``program``): who gets what of its ``ib_earnings``.

    Columns: account, sub_ib (its sub-IB's name, "" for the master's own clients), group (client group name or
    ""), ib_earnings, share_pct (programs.RebateProgram.client_share: the client's own share, else its group's,
    else its sub-IB's, else the program's), passed_back (to the client), ib_keeps (earnings - passed back: the IB
    side), master_share_pct (100 for the master's own clients), master_keeps (that share of the IB side) and
    sub_ib_keeps (the rest).
    """
    names: np.ndarray | list[str]
    codes, names = pd.factorize(t["account"].astype(str).to_numpy(dtype=object))
    names = [str(n) for n in names]
    subs = [program.sub_ib_of(n) for n in names]
    groups = [next((g.name for g in program.client_groups if n in g.clients), "") for n in names]
    share = np.array([program.client_share(n) for n in names] + [0.0])[codes]
    master_pct = np.array([s.master_share_pct if s else 100.0 for s in subs] + [100.0])[codes]
    earnings = t["ib_earnings" if "ib_earnings" in t.columns else "rebate"].to_numpy(dtype="float64")
    passed = earnings * share / 100.0
    side = earnings - passed
    master = side * master_pct / 100.0
    return pd.DataFrame({
        "account": np.asarray(names + [""], dtype=object)[codes],
        "sub_ib": np.asarray([s.name if s else "" for s in subs] + [""], dtype=object)[codes],
        "group": np.asarray(groups + [""], dtype=object)[codes],
        "lots": t["lots"].to_numpy(dtype="float64"),
        "ib_earnings": earnings,
        "share_pct": share,
        "passed_back": passed,
        "ib_keeps": side,
        "master_share_pct": master_pct,
        "master_keeps": master,
        "sub_ib_keeps": side - master,
    })


def level_rollup(t: pd.DataFrame, program: RebateProgram) -> dict[str, pd.DataFrame]:
    """A two-level deal's figures: ``by_client`` (account, sub_ib, group) and ``by_level`` (sub_ib, MASTER for the
    master's own clients), each with :data:`LEVEL_COLUMNS` and ending in a Total row.

    Money is in cents that add up to the Total (allocate_cents, as :func:`ib_rollup`); ``ib_keeps`` = earnings -
    passed back and ``sub_ib_keeps`` = ib_keeps - master_keeps in those cents; percentages are of exact sums.
    """
    per = level_split(t, program)
    per["trades"] = 1
    per["clients"] = 0
    out = {}
    for name, keys in (("by_client", ["account", "sub_ib", "group"]), ("by_level", ["sub_ib"])):
        sums = per.groupby(keys, sort=True)[["trades", "lots", *LEVEL_CENT_COLUMNS]].sum()
        sums["clients"] = per.groupby(keys, sort=True)["account"].nunique() if name == "by_level" else 1
        table = _level_table(sums).reset_index()
        total = _level_table(sums.sum().to_frame().T)
        total["clients"] = per["account"].nunique()
        for col in LEVEL_CENT_COLUMNS:
            table[col] = allocate_cents(table[col].to_numpy(), float(sums[col].sum()))
            total[col] = round_cents(float(sums[col].sum()))
        for frame in (table, total):
            frame["ib_keeps"] = round_cents(frame["ib_earnings"].to_numpy() - frame["passed_back"].to_numpy())
            frame["sub_ib_keeps"] = round_cents(frame["ib_keeps"].to_numpy() - frame["master_keeps"].to_numpy())
        if name == "by_level":
            table["sub_ib"] = table["sub_ib"].where(table["sub_ib"] != "", MASTER)
        for k in keys:
            total[k] = TOTAL if k == keys[0] else ""
        table = pd.concat([table, total[table.columns]], ignore_index=True)
        table[["clients", "trades"]] = table[["clients", "trades"]].astype("int64")
        out[name] = table[[*keys, *LEVEL_COLUMNS]]
    return out


def _level_table(sums: pd.DataFrame) -> pd.DataFrame:
    out = sums.copy()
    out["share_pct"] = ratio(sums["passed_back"], sums["ib_earnings"]) * 100.0
    out["ib_keeps"] = sums["ib_earnings"] - sums["passed_back"]
    out["master_share_pct"] = ratio(sums["master_keeps"], out["ib_keeps"]) * 100.0
    out["sub_ib_keeps"] = out["ib_keeps"] - sums["master_keeps"]
    return out


def unknown_client_warnings(program: RebateProgram | None, accounts: Iterable[object]) -> list[str]:
    """A warning naming each login that the IB ``program`` gives a share or a level (client_shares, a client group,
    a sub-IB) but that matches none of ``accounts`` (the imported clients' labels and logins): a mistyped VIP
    login would otherwise silently get the default share."""
    if program is None:
        return []
    known = {str(a) for a in accounts}
    named = [(login, "client_shares") for login in program.client_shares]
    named += [(login, f'client group "{g.name}"') for g in program.client_groups for login in g.clients]
    named += [(login, f'sub-IB "{s.name}"') for s in program.sub_ibs for login in s.clients]
    missing = [f"{login} ({where})" for login, where in named if login not in known]
    if not missing:
        return []
    default = program.client_share_pct or 0.0
    return [f'The program "{program.name}" names {len(missing)} login(s) that match no imported client: '
            f"{', '.join(missing)}. Check each login (a mistyped one gets the default share, {default:g}%, and "
            "no level), or import that client's statement."]
