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
from typing import Any

import numpy as np
import pandas as pd

from fxcost.analysis.aggregate import account_codes, ratio
from fxcost.analysis.programs import RebateProgram
from fxcost.analysis.rebates import allocate_cents, round_cents  # noqa: F401 (allocate_cents: public here too)

COLUMNS = ("trades", "lots", "notional_usd", "ib_earnings", "share_pct", "passed_back", "ib_keeps",
           "earnings_per_lot")
TOTAL = "Total"


def _shares(codes: np.ndarray, names: Iterable[object],
            client_share_pct: float | Mapping[str, float] | Callable[[str], float]) -> np.ndarray:
    """Per trade (``codes`` into the accounts ``names``, pd.factorize's), the percent passed back: one for all, one
    per account (0 where missing) or ``client_share_pct(account)``; each account looked up once."""
    pct: np.ndarray
    if isinstance(client_share_pct, Mapping):
        pct = _per_trade(codes, names, {str(k): v for k, v in client_share_pct.items()})
    elif callable(client_share_pct):
        pct = _per_trade(codes, names, client_share_pct)
    else:
        pct = np.full(len(codes), float(client_share_pct))
    if not np.all((pct >= 0) & (pct <= 100)):
        raise ValueError("the share passed back to a client must be between 0 and 100 percent")
    return pct


def _per_trade(codes: np.ndarray, names: Iterable[object],
               shares: Mapping[str, float] | Callable[[str], float]) -> np.ndarray:
    """Per trade (``codes`` into the accounts ``names``; -1: none), its account's percent: ``shares(account)``, or
    ``shares[account]`` (0 where missing); each account looked up once."""
    look = shares if callable(shares) else (lambda account: shares.get(account, 0.0))
    pct: np.ndarray = np.array([float(look(str(a))) for a in names] + [0.0], dtype="float64")[codes]
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
    # The share asked once per account the roll-up hashes anyway, not after hashing the accounts apart (issue 10).
    return _rollup(t, program.client_share)


def ib_rollup(t: pd.DataFrame, client_share_pct: float | Mapping[str, float]) -> dict[str, pd.DataFrame]:
    """The IB's figures: ``by_client``, ``by_month``, ``by_client_month``, each ending in a Total row.

    ``client_share_pct``: percent of earnings passed back (40 = 40%), one for all clients or one
    per account. Columns: the keys (``account`` and/or ``month`` as "YYYY-MM" text), then trades,
    lots, notional_usd, ib_earnings (= Σ ib_earnings, else Σ rebate), share_pct (effective), passed_back, ib_keeps,
    earnings_per_lot.
    """
    return _rollup(t, client_share_pct)


def _rollup(t: pd.DataFrame, client_share_pct: float | Mapping[str, float] | Callable[[str], float]
            ) -> dict[str, pd.DataFrame]:
    """:func:`ib_rollup`, the share also given as a function of the account (:func:`program_rollup`)."""
    # Group on integer codes (account code, months since 1970) and label afterwards: grouping
    # strings and formatting months per trade is what costs time on a million rows. The codes follow first
    # appearance: the trades come account by account, so pandas sums each group's run of rows as it always has.
    codes, names = account_codes(t["account"], sort=False, as_text=False)
    earnings = t["ib_earnings" if "ib_earnings" in t.columns else "rebate"].to_numpy(dtype="float64")
    notional = t["notional_usd"].to_numpy(dtype="float64")
    parts = pd.DataFrame({
        "account": codes,
        "month": t["close_time"].to_numpy("datetime64[ns]").astype("datetime64[M]").astype("int64"),
        "trades": np.ones(len(t), dtype="int64"),
        "lots": t["lots"].to_numpy(dtype="float64"),
        "notional_usd": np.where(np.isfinite(notional), notional, 0.0),
        "ib_earnings": earnings,
        "passed_back": earnings * _shares(codes, names, client_share_pct) / 100.0,
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


# --- the IB's side of every question (issue 14): compared deals, pass-back sweep, projection -----------------

#: Columns of :func:`compare_programs`' per-program table (money in the book's currency, cents adding up).
COMPARE_COLUMNS = ("setup", "program", "is_ib", "clients", "trades", "lots", "ib_earnings", "share_pct", "passed_back",
                   "ib_keeps", "ib_earnings_per_lot", "passed_back_per_lot", "ib_keeps_per_lot")
#: Columns of its per-client table.
COMPARE_CLIENT_COLUMNS = ("setup", "program", "account", "trades", "lots", "ib_earnings", "share_pct", "passed_back",
                          "ib_keeps", "ib_earnings_per_lot", "passed_back_per_lot", "ib_keeps_per_lot")


def shares_of(t: pd.DataFrame, program: RebateProgram) -> dict[str, float]:
    """Per client account of ``t``: the percent of its earnings that reaches it under ``program``. An IB program's
    own share (programs.RebateProgram.client_share); a cashback program pays the trader all of it (100)."""
    from fxcost.analysis.rebates import is_ib

    accounts = [str(a) for a in pd.unique(t["account"].astype(str))] if len(t) else []
    if not is_ib(program):
        return {a: 100.0 for a in accounts}
    return {a: program.client_share(a) for a in accounts}


def program_sums(t: pd.DataFrame, program: RebateProgram) -> pd.DataFrame:
    """:func:`client_sums` of ``t`` under ``program``'s shares (100 % to the trader of a program that is no IB's),
    the accounts hashed once, not twice (issue 10)."""
    from fxcost.analysis.rebates import is_ib

    return client_sums(t, program.client_share if is_ib(program) else (lambda account: 100.0))


def client_sums(t: pd.DataFrame, shares: Mapping[str, float] | Callable[[str], float]) -> pd.DataFrame:
    """Per client account of ``t`` (sorted): trades, lots, and the exact sums of ib_earnings (else rebate) and of
    the share passed back (``shares``: percent per account, 0 where missing, or a function of the account), each
    trade's own part summed as in :func:`ib_rollup`; a few array passes, no grouping of frames (a book of 500
    clients compares several deals)."""
    if not len(t):
        return pd.DataFrame({"trades": pd.Series(dtype="int64"), "lots": pd.Series(dtype="float64"),
                             "ib_earnings": pd.Series(dtype="float64"), "passed_back": pd.Series(dtype="float64")},
                            index=pd.Index([], dtype=object, name="account"))
    codes, names = account_codes(t["account"])
    n = len(names)
    earnings = np.nan_to_num(t["ib_earnings" if "ib_earnings" in t.columns else "rebate"].to_numpy(dtype="float64"))
    pct = _per_trade(codes, names, shares)
    return pd.DataFrame({
        "trades": np.bincount(codes, minlength=n).astype("int64"),
        "lots": np.bincount(codes, weights=t["lots"].to_numpy(dtype="float64"), minlength=n),
        "ib_earnings": np.bincount(codes, weights=earnings, minlength=n),
        "passed_back": np.bincount(codes, weights=earnings * pct / 100.0, minlength=n),
    }, index=pd.Index(np.asarray(names, dtype=object), name="account"))


def client_cents(sums: pd.DataFrame) -> pd.DataFrame:
    """:func:`client_sums` in cents: each client's exact sums rounded once, ib_keeps their difference, share_pct of
    the exact sums (the ``by_client`` rows of :func:`ib_rollup`)."""
    out = sums[["trades", "lots"]].copy()
    out["ib_earnings"] = round_cents(sums["ib_earnings"].to_numpy())
    out["share_pct"] = ratio(sums["passed_back"], sums["ib_earnings"]) * 100.0
    out["passed_back"] = round_cents(sums["passed_back"].to_numpy())
    out["ib_keeps"] = round_cents(out["ib_earnings"].to_numpy() - out["passed_back"].to_numpy())
    return out


def compare_programs(priced: list[tuple[str, pd.DataFrame, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The IB's columns of every compared deal: ``priced`` holds (setup name, trades priced under it, program).

    Returns (per deal: COMPARE_COLUMNS; per deal and client: COMPARE_CLIENT_COLUMNS). Each client's money is its own
    exact sum rounded once and a deal's total is the sum of its clients' cents (as ib_rollup), so the two tables
    agree; per-lot figures are of those cents. Under a cashback program (no client share) everything reaches the
    trader: passed back = earnings, the IB keeps nothing (``is_ib`` False).
    """
    return compare_table([deal for deal in (compare_deal(*p) for p in priced) if deal is not None])


def compare_deal(setup: str, t: pd.DataFrame, program: Any) -> tuple[dict[str, Any], pd.DataFrame] | None:
    """One deal of :func:`compare_programs`: its row and its per-client rows (None without a program or trades), so
    a caller that re-prices one setup at a time can let each priced frame go before the next (issue 14)."""
    from fxcost.analysis.rebates import is_ib

    if program is None or not len(t):
        return None
    name = getattr(program, "name", "") or "none"
    sums = program_sums(t, program)
    body = client_cents(sums).reset_index()
    lots = float(sums["lots"].sum())
    money = {c: float(np.round(body[c].sum(), 2)) for c in ("ib_earnings", "passed_back")}
    money["ib_keeps"] = float(round_cents(money["ib_earnings"] - money["passed_back"]))
    earned = float(sums["ib_earnings"].sum())
    row = {"setup": setup, "program": name, "is_ib": is_ib(program), "clients": int(len(body)),
           "trades": int(sums["trades"].sum()), "lots": lots, **money,
           "share_pct": float(sums["passed_back"].sum()) / earned * 100.0 if earned else float("nan"),
           **{f"{k}_per_lot": (v / lots if lots else float("nan")) for k, v in money.items()}}
    per_lot = {f"{k}_per_lot": ratio(body[k], body["lots"]) for k in ("ib_earnings", "passed_back", "ib_keeps")}
    return row, body.assign(setup=setup, program=name, **per_lot)[list(COMPARE_CLIENT_COLUMNS)]


def compare_table(deals: list[tuple[dict[str, Any], pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`compare_programs`' two tables from its deals (:func:`compare_deal`), in order."""
    table = pd.DataFrame([row for row, _ in deals], columns=list(COMPARE_COLUMNS))
    per_client = (pd.concat([clients for _, clients in deals], ignore_index=True) if deals
                  else pd.DataFrame(columns=list(COMPARE_CLIENT_COLUMNS)))
    return table, per_client


#: Columns of :func:`passback_sweep`.
SWEEP_COLUMNS = ("pass_back_pct", "is_program", "ib_earnings", "passed_back", "ib_keeps", "clients_rebate_per_lot",
                 "ib_keeps_per_lot")


def passback_sweep(t: pd.DataFrame, program: RebateProgram,
                   pcts: Iterable[float] = tuple(range(0, 101, 10))) -> pd.DataFrame:
    """What the IB keeps and what the clients get if every client were passed back each of ``pcts`` percent of its
    earnings under ``program``, with the program's own shares as one more row (``is_program``; its
    ``pass_back_pct`` is the effective share, passed back / earnings, marking the grid row when equal).

    Cents as everywhere (issue 10): each client's earnings and pass-back are its exact sums rounded once and the
    book's are the sums of those cents, so the program's row equals the ``ib`` block's Total.
    """
    if not len(t):
        return pd.DataFrame(columns=list(SWEEP_COLUMNS))
    sums = program_sums(t, program)
    per_client = sums["ib_earnings"].to_numpy()
    lots = float(sums["lots"].sum())
    earned = float(np.round(round_cents(per_client).sum(), 2))
    own_cents = client_cents(sums)
    own = {"passed_back": float(np.round(own_cents["passed_back"].sum(), 2)),
           "share_pct": float(sums["passed_back"].sum()) / float(per_client.sum()) * 100.0 if per_client.sum() else 0.0}

    def row(pct: float, passed: float, is_program: bool) -> dict[str, Any]:
        keeps = float(round_cents(earned - passed))
        return {"pass_back_pct": float(pct), "is_program": is_program, "ib_earnings": earned, "passed_back": passed,
                "ib_keeps": keeps, "clients_rebate_per_lot": passed / lots if lots else float("nan"),
                "ib_keeps_per_lot": keeps / lots if lots else float("nan")}

    rows = [row(p, float(np.round(round_cents(per_client * p / 100.0).sum(), 2)), False) for p in pcts]
    own_pct = float(own["share_pct"]) if np.isfinite(own["share_pct"]) else 0.0
    own_row = row(own_pct, float(own["passed_back"]), True)
    same = [r for r in rows if abs(r["pass_back_pct"] - own_pct) < 1e-9 and r["passed_back"] == own_row["passed_back"]]
    if same:
        same[0]["is_program"] = True
    else:
        rows.append(own_row)
    out = pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))
    return out.sort_values(["pass_back_pct", "is_program"], kind="stable", ignore_index=True)


#: Full calendar months the book's projection averages (issue 14: "recent months").
PROJECTION_MONTHS = 3


def projection(t: pd.DataFrame, program: RebateProgram | None, *, months: int = PROJECTION_MONTHS,
               period_stop: pd.Timestamp | None = None) -> dict[str, Any]:
    """The IB's earnings and keeps per month and per year, projected from the book's recent full months.

    Uses the last ``months`` full calendar months of the history (the month of the last close is full only when
    ``period_stop``, the exclusive end of the period analysed, is its end; with no full month, the partial one, said
    so in ``note``) and the clients active in the last of them or after it (a client who stopped earlier is left
    out, and counted in ``clients_left_out``). Per active client: its earnings in those months / ``months``, and its
    own share passed back; each client's month rounded once, the book's the sum of those cents; a year is 12 months.
    Not the clients' rebate: the IB's own side (issue 14).
    """
    keys = ("program", "months_used", "months", "clients", "clients_left_out", "left_out", "lots_per_month",
            "ib_earnings_per_month", "passed_back_per_month", "ib_keeps_per_month", "ib_earnings_per_year",
            "passed_back_per_year", "ib_keeps_per_year", "note")
    name = getattr(program, "name", "") or "none"
    if program is None or not len(t):
        return dict.fromkeys(keys) | {"program": name, "months_used": [], "months": 0, "clients": 0,
                                      "clients_left_out": 0, "left_out": [], "note": "No trades to project from."}
    dated = ~np.isnat(t["close_time"].to_numpy("datetime64[ns]"))
    if not dated.all():  # a trade without a close time has no month to count in
        t = t[dated]
    month = t["close_time"].to_numpy("datetime64[ns]").astype("datetime64[M]")
    if not len(month):
        return projection(t.iloc[0:0], None) | {"program": name}
    last = month.max()
    end_full = last  # exclusive: the last month is full only when the period ends with it
    if period_stop is not None and np.datetime64(pd.Timestamp(period_stop), "ns") >= (
            last + np.timedelta64(1, "M")).astype("datetime64[ns]"):
        end_full = last + np.timedelta64(1, "M")
    first = month.min()
    note = ""
    if end_full <= first:  # no full month in the history
        start, stop = first, last + np.timedelta64(1, "M")
        note = (f"The history holds no full calendar month: projected from {np.datetime_as_string(first, unit='M')}, "
                "a part month.")
    else:
        start, stop = max(first, end_full - np.timedelta64(months, "M")), end_full
    used = np.arange(start, stop)
    n = len(used)
    if n < months and not note:
        note = f"Only {n} full month(s) of history: the projection averages those."
    earnings = np.nan_to_num(t["ib_earnings" if "ib_earnings" in t.columns else "rebate"].to_numpy(dtype="float64"))
    accounts = t["account"].astype(str).to_numpy(dtype=object)
    inside = (month >= start) & (month < stop)
    recent = set(accounts[month >= stop - np.timedelta64(1, "M")])
    everyone = sorted(set(accounts))
    active = [a for a in everyone if a in recent]
    frame = pd.DataFrame({"account": accounts[inside], "lots": t["lots"].to_numpy(dtype="float64")[inside],
                          "earnings": earnings[inside]}).groupby("account", sort=True).sum()
    frame = frame.reindex(active, fill_value=0.0)
    shares = shares_of(t, program)
    per_month = round_cents(frame["earnings"].to_numpy() / n)
    passed = round_cents(frame["earnings"].to_numpy() / n * np.array([shares.get(a, 0.0) for a in active]) / 100.0)
    earned, back = float(np.round(per_month.sum(), 2)), float(np.round(passed.sum(), 2))
    keeps = float(round_cents(earned - back))
    return {"program": name, "months_used": [str(m) for m in np.datetime_as_string(used, unit="M")], "months": n,
            "clients": len(active), "clients_left_out": len(everyone) - len(active),
            "left_out": [a for a in everyone if a not in recent],
            "lots_per_month": float(frame["lots"].sum()) / n, "ib_earnings_per_month": earned,
            "passed_back_per_month": back, "ib_keeps_per_month": keeps,
            "ib_earnings_per_year": float(round_cents(earned * 12)),
            "passed_back_per_year": float(round_cents(back * 12)), "ib_keeps_per_year": float(round_cents(keeps * 12)),
            "note": note}
