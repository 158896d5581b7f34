"""Rebate engine: per-trade rebate under a program, eligibility with reasons, tiers, accrual and payouts, payout matching.

Conventions (DOMAIN.md 6):

- **Rates.** The first rule of ``program.rates`` whose match fits a trade prices it:
  ``per_lot`` = rate x lots x sides (program currency), ``pips_per_lot`` = rate x pip_value x lots x
  sides (pip_value is already account currency), ``pct_spread`` = rate/100 x spread_cost,
  ``pct_commission`` = rate/100 x (-commission), ``per_million`` = rate x notional_usd / 1e6 x sides
  (program currency per 1M USD notional). sides = 2 for ``per_side`` (paid on the open and on the
  close), 1 for ``round_turn``; percentages of spread or commission are of the round-turn amount, so
  sides does not apply to them. A rule's ``plus`` components are added to its own amount. Money
  rates are converted with ``costs.account_per_unit``.
- **Eligibility**, first failing filter wins: excluded symbol, excluded category, hold time,
  |price move| in points, then "no matching rate". Excluded trades earn 0; what they would have
  earned is kept in ``forfeited``.
- **Tiers.** Per calendar month of the close (server time): the multiplier of the highest tier whose
  ``min_lots_per_month`` <= the standard lots closed that month applies to every trade of that month
  (1.0 below the lowest tier, or without tiers). Whose lots count is the program's
  ``effective_tier_scope``: ``account`` = each account's own, ``all_accounts`` = every account's together
  (the default of an IB program: the IB's total client volume). A frame holds one account when the
  engine prices it, so the pooled volume of the other accounts comes in as ``pooled_volume``
  (:func:`tier_volumes` over every account's frame); without it, the accounts of the frame itself are
  pooled. Lots count once per round turn; by default only eligible trades count (``tier_volume: "all"``
  counts every trade). The cap (``cap_pct_of_spread``) applies after the multiplier. ``tier_mode``
  ``marginal`` prices each lot at the tier of the band it falls in (the first 50 lots at 1.0, the next at 1.1, ...):
  every trade of the month gets the month's blended multiplier, the bands' lots x multipliers over the month's
  lots, so the month's total is the bands' sum whichever client closed first. ``tier_basis`` ``previous_period``
  takes the tier that the previous calendar month's volume reached (0 lots before the first month).
- **Cent accounts** (USC, EUC, GBX): a lot counts as ``program.cent_lot_factor`` standard lots
  (default 0.01) for ``per_lot`` and for tier volume. ``per_million`` uses the trade's real USD
  notional and ``pips_per_lot`` its pip value in cents, which already carry the 1/100, so no factor.
- **IB programs** (``client_share_pct`` / ``client_shares``): the program prices what the broker pays
  the IB (``ib_earnings``); the trader receives only the share passed back to its account, so the
  trader's ``rebate`` (and net after rebate, break-even, payouts, forfeited) is that share
  (:func:`assign`). Without a client share the whole amount is the trader's (``rebate`` = ``ib_earnings``).
- **Payouts**: see :func:`payouts`; **matching**: see :func:`match_payouts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from fxcost.analysis import costs, instruments
from fxcost.analysis.codes import factorize as codes_of
from fxcost.analysis.programs import WEEKDAYS, Component, ProgramError, RebateProgram
from fxcost.symbols import normalise

#: Reason codes, in the order filters are tried ("" = eligible).
REASON_CODES = ("", "symbol", "category", "hold", "move", "no_rate")
PAYOUT_COLUMNS = ("account", "period_start", "period_end", "accrued", "pay_date", "paid", "carried_forward",
                  "carried_in", "trades")
MATCH_COLUMNS = ("account", "status", "period_start", "period_end", "pay_date", "expected", "time", "actual",
                 "difference", "days_late", "ticket", "comment", "difference_pct", "amount_check")
#: ``amount_check`` of a matched payout: within the tolerance, paid less, paid more; "" for missing/unexpected rows.
AMOUNT_CHECKS = ("ok", "underpaid", "overpaid", "")
#: A matched payout is flagged under/overpaid when it differs from the expected amount by more than this share
#: of it (rounding of per-trade rebates and the provider's own currency conversion stay inside) ...
AMOUNT_TOLERANCE_PCT = 2.0
#: ... and by more than this much money (a cent of rounding on a tiny payout is no underpayment).
AMOUNT_TOLERANCE = 0.01
#: Sanity bound of payout matching: a statement row within the day tolerance pairs with an expected payout when
#: its amount is within this factor of it (1/5x to 5x); the amount check then says how far off it is.
MATCH_MAX_RATIO = 5.0
_EPS = 1e-9


@dataclass
class RebateResult:
    """Per-trade arrays, aligned with the rows of the frame given to :func:`apply`."""

    rebate: np.ndarray  # account currency, >= 0; 0 for excluded trades
    rule: np.ndarray  # str: the matching rule, e.g. "rates[1] pips_per_lot 0.68"; "" when none matched
    eligible: np.ndarray  # bool
    reason: np.ndarray  # str: why excluded, e.g. "held 42 s < 900 s"; "" when eligible
    reason_code: np.ndarray  # str: one of REASON_CODES (for grouping; reason carries the figures)
    tier_multiplier: np.ndarray  # float
    forfeited: np.ndarray  # what an excluded trade would have earned under its rule (0 otherwise)
    capped: np.ndarray | None = None  # what the spread cap took from an eligible trade's rebate (0 otherwise)


class _Keys:
    """String columns factorised once, so every match is a lookup over distinct values, not over trades."""

    def __init__(self, t: pd.DataFrame):
        self.t = t
        self._cache: dict[str, tuple[npt.NDArray[np.intp], list[str]]] = {}

    def factor(self, col: str) -> tuple[npt.NDArray[np.intp], list[str]]:
        if col not in self._cache:
            if col in self.t.columns:
                codes, uniques = codes_of(self.t[col])
                self._cache[col] = (codes, [str(u).strip().upper() for u in uniques])
            else:
                self._cache[col] = (np.zeros(len(self.t), dtype=np.intp), [""])
        return self._cache[col]

    def isin(self, col: str, values: list[str]) -> npt.NDArray[np.bool_]:
        wanted = {v.strip().upper() for v in values}
        codes, uniques = self.factor(col)
        table = np.array([u in wanted for u in uniques] + [False])  # code -1 (missing) -> False
        return table[codes]

    def isin_raw(self, names: list[str]) -> npt.NDArray[np.bool_]:
        """Trades whose printed symbol is one of ``names``.

        A name that is its own normalised root (``XAUUSD``, not ``GOLD`` or ``XAUUSD.r``) can only
        match printed symbols whose root it is, which the root match already finds: the importers
        set symbol_root = normalise(symbol). Skipping the printed symbols then saves a pass over them.
        """
        if all(normalise(v)[0] == v.strip().upper() for v in names):
            return np.zeros(len(self.t), dtype=bool)
        return self.isin("symbol", names)

    def isin_symbol(self, names: list[str]) -> npt.NDArray[np.bool_]:
        """Trades whose root or printed symbol is one of ``names`` (case-insensitive)."""
        return self.isin("symbol_root", names) | self.isin_raw(names)

    def labels(self, col: str, fmt: str) -> np.ndarray:
        """``fmt`` formatted with each trade's (upper-cased) value, built once per distinct value."""
        codes, uniques = self.factor(col)
        return np.array([fmt.format(u) for u in uniques] + [fmt.format("")], dtype=object)[codes]


def _fmt(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:g}"


def _per_unique(values: np.ndarray, fmt: Callable[[float], str]) -> np.ndarray:
    """Strings for a float array, formatted once per distinct value."""
    uniq, inverse = np.unique(values, return_inverse=True)
    return np.array([fmt(v) for v in uniq], dtype=object)[inverse.reshape(-1)]


#: Every column :func:`apply` reads (and :func:`trader_fraction`): a frame of these prices as the whole costed frame.
PRICE_INPUTS = ("symbol", "symbol_root", "category", "account", "lots", "pip_value", "commission", "notional_usd",
                "usd_rate", "hold_seconds", "move_points", "close_time", "spread_cost")


def _column(t: pd.DataFrame, col: str, default: float = np.nan) -> npt.NDArray[np.float64]:
    return t[col].to_numpy(dtype=float) if col in t.columns else np.full(len(t), default)


def apply(t: pd.DataFrame, program: RebateProgram, account_currency: str, *,
          tier_multiplier: np.ndarray | None = None, pooled_volume: pd.Series | None = None,
          apart: bool = False) -> RebateResult:
    """Rebate, rule, eligibility and tier multiplier of every trade of a costed frame under ``program``.

    ``tier_multiplier``: the multipliers of an earlier result on the same trades (tiers depend on
    volume and eligibility, not on spread or commission), so a sweep need not recount monthly volumes.
    ``pooled_volume``: for a program whose tiers count every account together (``effective_tier_scope``
    ``all_accounts``), the counted standard lots per month over all accounts (:func:`tier_volumes`);
    months it lacks use the frame's own volume. Ignored for ``account`` scope. ``apart``: the frame is a batch of
    accounts each priced as if alone (fxcost.analysis.batch, issue 14): a volume not given is each account's own.
    """
    n = len(t)
    keys = _Keys(t)
    acct_ccy = (account_currency or "USD").upper()
    lot_factor = program.cent_lot_factor if acct_ccy in instruments.CENT else 1.0
    lots = _column(t, "lots", 0.0)
    everyone = np.ones(n, dtype=bool)

    # First match wins: np.select takes the first true condition.
    conditions = []
    for rule in program.rates:
        cond = everyone
        if rule.symbols:
            cond = cond & keys.isin_symbol(rule.symbols)
        if rule.categories:
            cond = cond & keys.isin("category", rule.categories)
        if rule.accounts:
            cond = cond & keys.isin("account", rule.accounts)
        conditions.append(cond)
    index = np.select(conditions, np.arange(len(program.rates)), default=-1) if conditions else np.full(n, -1)

    amount = np.zeros(n)
    to_account: np.ndarray | None = None
    for k, rule in enumerate(program.rates):
        sel = np.flatnonzero(index == k)
        if not len(sel):
            continue
        for part in rule.components():
            if part.model in ("per_lot", "per_million") and to_account is None:
                to_account = _to_account(t, program.currency, acct_ccy)
            amount[sel] += _component(t, part, part.lot_basis or program.lot_basis, sel, lots, lot_factor, to_account)
    # A missing spread/pip value gives no rebate rather than NaN; a refunded commission gives none either.
    amount = np.clip(np.nan_to_num(amount, nan=0.0, posinf=0.0, neginf=0.0), 0.0, None)

    # Eligibility, in DOMAIN 6.4 order; reason codes index REASON_CODES.
    elig = program.eligibility
    ex_root = keys.isin("symbol_root", elig.exclude_symbols) if elig.exclude_symbols else np.zeros(n, bool)
    ex_raw = keys.isin_raw(elig.exclude_symbols) if elig.exclude_symbols else np.zeros(n, bool)
    ex_cat = keys.isin("category", elig.exclude_categories) if elig.exclude_categories else np.zeros(n, bool)
    hold = _column(t, "hold_seconds")
    move = np.abs(_column(t, "move_points"))
    with np.errstate(invalid="ignore"):  # NaN hold/move (unknown) never excludes
        short = hold < elig.min_hold_seconds - _EPS if elig.min_hold_seconds > 0 else np.zeros(n, bool)
        small = move < elig.min_move_points - _EPS if elig.min_move_points > 0 else np.zeros(n, bool)
    code = np.select([ex_root | ex_raw, ex_cat, short, small, index < 0], [1, 2, 3, 4, 5], default=0)
    eligible = code == 0

    reason = np.full(n, "", dtype=object)
    if (code == 1).any():
        m = code == 1
        by_root = keys.labels("symbol_root", "symbol {} excluded")
        by_raw = keys.labels("symbol", "symbol {} excluded")
        reason[m] = np.where(ex_root, by_root, by_raw)[m]
    if (code == 2).any():
        m = code == 2
        reason[m] = np.array([f"category {c.lower()} excluded" for c in keys.factor("category")[1]] + [""],
                             dtype=object)[keys.factor("category")[0]][m]
    if (code == 3).any():
        m = code == 3
        limit = _fmt(elig.min_hold_seconds)
        reason[m] = _per_unique(np.round(hold[m], 1), lambda v: f"held {_fmt(v)} s < {limit} s")
    if (code == 4).any():
        m = code == 4
        limit = _fmt(elig.min_move_points)
        reason[m] = _per_unique(np.round(move[m], 1), lambda v: f"moved {v:.1f} points < {limit}")
    reason[code == 5] = "no matching rate"

    multiplier = (_tier_multiplier(t, program, lots * lot_factor, eligible, keys, pooled_volume, apart)
                  if tier_multiplier is None else np.asarray(tier_multiplier, dtype=float))
    amount = amount * multiplier
    capped = np.zeros(n)
    if elig.cap_pct_of_spread is not None:
        cap = elig.cap_pct_of_spread / 100.0 * _column(t, "spread_cost")
        uncapped = amount
        amount = np.where(np.isfinite(cap), np.minimum(amount, np.maximum(cap, 0.0)), amount)
        capped = np.where(eligible, uncapped - amount, 0.0)

    labels = np.array([r.label(i) for i, r in enumerate(program.rates)] + [""], dtype=object)
    return RebateResult(
        rebate=np.where(eligible, amount, 0.0),
        rule=labels[index],
        eligible=eligible,
        reason=reason,
        reason_code=np.array(REASON_CODES, dtype=object)[code],
        tier_multiplier=multiplier,
        forfeited=np.where(eligible, 0.0, amount),
        capped=capped,
    )


#: Amounts :func:`round_cents` rounds element by element.
_Amounts = npt.NDArray[Any] | pd.Series | Sequence[float]


@overload
def round_cents(values: float | np.floating[Any]) -> float: ...


@overload
def round_cents(values: _Amounts) -> npt.NDArray[np.float64]: ...


def round_cents(values: float | np.floating[Any] | _Amounts) -> float | npt.NDArray[np.float64]:
    """Money rounded to the cent, half away from zero, the one rule every view uses (CLI, JSON; Excel should too).

    The value is first rounded to 6 decimals, so float noise of a sum (2.6849999999999996 for 2.685) cannot
    decide the cent, then to the cent with halves away from zero (2.685 -> 2.69, -2.685 -> -2.69). A scalar
    gives a float (NaN stays NaN), an array an array.
    """
    x = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        micro = np.rint(x * 1e6)  # integer millionths (exact for any amount below ~9e9)
        cents = np.sign(micro) * np.floor((np.abs(micro) + 5_000) / 10_000)
    out = cents / 100.0 + 0.0  # + 0.0 turns -0.0 into 0.0
    return float(out) if out.ndim == 0 else out


def allocate_cents(values: npt.ArrayLike, total: float | None = None) -> npt.NDArray[np.float64]:
    """``values`` in cents that add up to ``total`` (default: their exact sum), by largest remainder.

    The one cents rule of issue 10: amounts are summed at full precision and rounded once (``total``, with
    :func:`round_cents`); every value is first floored to the cent (after rounding to 6 decimals, so float noise
    does not count), then the cents still missing (or in excess) go to (come from) the values with the largest
    (smallest) remainders, ties to the earlier row. When ``total`` is the sum of the values each rounded, every
    value gets its own rounded cents back (the remainders of those rounded up are the largest).
    """
    x: npt.NDArray[np.float64] = np.asarray(values, dtype="float64")
    if not len(x):
        return x.copy()
    target = int(round(round_cents(float(np.nan_to_num(x).sum()) if total is None else total) * 100))
    micro = np.rint(np.nan_to_num(x) * 1e6)
    floor = np.floor(micro / 10_000)
    rest = micro - floor * 10_000  # 0 ... 9999 millionths of a cent's hundredth
    cents = floor.astype(np.int64)
    short = target - int(cents.sum())
    if short:
        order = np.argsort(-rest if short > 0 else rest, kind="stable")
        np.add.at(cents, order[np.arange(abs(short)) % len(x)], 1 if short > 0 else -1)
    return cents / 100.0 + 0.0


def cents_within(values: npt.ArrayLike, groups: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Per value, its cents allocated (:func:`allocate_cents`) within its group's total, which is the group's exact
    sum rounded once: the per-trade cents of an account add up to the account's rebate, whatever other accounts
    are in the book (issue 10: the trades within a client's payout)."""
    x = np.nan_to_num(np.asarray(values, dtype="float64"))
    out = np.zeros(len(x))
    if not len(x):
        return out
    groups = np.asarray(groups)
    codes, _ = pd.factorize(groups.astype(object) if groups.dtype.kind in "US" else groups)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:]):  # one step per group (account), not per trade
        rows = order[lo:hi]
        out[rows] = allocate_cents(x[rows])
    return out


def is_ib(program: RebateProgram | None) -> bool:
    """Whether ``program`` is an IB program (it passes a share of its rebate back to each client)."""
    return program is not None and (program.client_share_pct is not None or bool(program.client_shares))


def trader_fraction(t: pd.DataFrame, program: RebateProgram) -> np.ndarray | None:
    """Per trade, the fraction of the program's rebate that reaches the trader (the client share of an
    IB program, looked up once per account); None for a cashback program (all of it)."""
    if not is_ib(program):
        return None
    if "account" not in t.columns:
        return np.full(len(t), program.client_share("") / 100.0)
    codes, accounts = codes_of(t["account"])
    table = np.array([program.client_share(str(a)) / 100.0 for a in accounts] + [program.client_share("") / 100.0])
    return table[codes]


def assign(t: pd.DataFrame, result: RebateResult, program: RebateProgram) -> None:
    """Write a result's columns into the costed frame ``t`` (call costs.finish afterwards).

    ``ib_earnings`` is what the program pays for each trade; ``rebate`` and ``forfeited_rebate`` are
    the trader's part of it (:func:`trader_fraction`).
    """
    for col, value in rebate_columns(t, result, program).items():
        t[col] = value


def rebate_columns(t: pd.DataFrame, result: RebateResult, program: RebateProgram) -> dict[str, Any]:
    """The columns :func:`assign` writes, in its order, as arrays (the engine sets them with the others in one
    frame construction, issue 14)."""
    share = trader_fraction(t, program)
    return {
        "ib_earnings": result.rebate,
        "rebate": result.rebate if share is None else result.rebate * share,
        "eligible": result.eligible,
        "excluded_reason": result.reason,
        "rebate_rule": result.rule,
        "forfeited_rebate": result.forfeited if share is None else result.forfeited * share,
        # What the program's spread cap took from the rebate, on the program's amount (as ib_earnings).
        "capped_rebate": result.capped if result.capped is not None else 0.0,
    }


def _component(t: pd.DataFrame, part: Component, lot_basis: str, sel: npt.NDArray[np.intp],
               lots: npt.NDArray[np.float64], lot_factor: float,
               to_account: npt.NDArray[np.float64] | None) -> npt.NDArray[np.float64]:
    """What one model pays the selected trades (account currency)."""
    sides = 2.0 if lot_basis == "per_side" else 1.0
    if part.model == "per_lot":
        assert to_account is not None  # apply() converts for per_lot and per_million
        return part.rate * lots[sel] * lot_factor * sides * to_account[sel]
    if part.model == "pips_per_lot":
        return part.rate * _column(t, "pip_value")[sel] * lots[sel] * sides
    if part.model == "pct_spread":
        return part.rate / 100.0 * _column(t, "spread_cost")[sel]
    if part.model == "pct_commission":
        return part.rate / 100.0 * -_column(t, "commission", 0.0)[sel]
    assert to_account is not None
    return part.rate * _column(t, "notional_usd")[sel] / 1e6 * sides * to_account[sel]  # per_million


def _to_account(t: pd.DataFrame, currency: str, account_currency: str) -> npt.NDArray[np.float64]:
    """Account-currency units per program-currency unit, per trade (usd_rate may differ between accounts)."""
    if currency.upper() == account_currency:
        return np.ones(len(t))
    if "usd_rate" not in t.columns:
        raise ProgramError(f"a program in {currency} on a {account_currency} account needs the trades' usd_rate "
                           "(cost them with fxcost.analysis.costs.decompose first)")
    usd = t["usd_rate"].to_numpy(dtype=float)
    uniq, inverse = np.unique(usd, return_inverse=True)
    try:
        per = np.array([costs.account_per_unit(account_currency, currency, float(u)) for u in uniq])
    except ValueError as exc:
        raise ProgramError(f"cannot convert the program's {currency} into {account_currency}: {exc}") from exc
    return per[inverse.reshape(-1)]


def _month_keys(t: pd.DataFrame) -> np.ndarray:
    """Day number of the 1st of each trade's close month (server time); -1 when the close time is unknown."""
    close = t["close_time"].to_numpy().astype("datetime64[ns]")
    known = ~np.isnat(close)
    month = np.full(len(t), -1, dtype=np.int64)  # unknown close time: a bucket of its own
    if known.any():
        month[known] = _month_start(_days(close[known], 0))
    return month


def _counted(program: RebateProgram, std_lots: npt.NDArray[np.float64],
             eligible: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    return np.nan_to_num(std_lots if program.tier_volume == "all" else np.where(eligible, std_lots, 0.0))


#: ``(costed frame, account currency)`` of each account, as :func:`pooled_volume` and :func:`tier_volumes` take them.
_Frames = Iterable[tuple[pd.DataFrame, str | None]]


def pooled_volume(frames: _Frames, program: RebateProgram | None, *, priced: bool = False) -> pd.Series | None:
    """:func:`tier_volumes` over every ``(frame, account_currency)`` with trades when ``program``'s tiers count all
    accounts together (``effective_tier_scope`` ``all_accounts``) and there are several; else None (each account's
    own volume is then the right one, and :func:`apply` counts it itself). ``priced``: see :func:`tier_volumes`."""
    frames = [(t, currency) for t, currency in frames if len(t)]
    if program is None or not pools_tiers(program, len(frames)):
        return None
    return tier_volumes(frames, program, priced=priced)


def pools_tiers(program: RebateProgram | None, accounts_with_trades: int) -> bool:
    """Whether ``program``'s tiers count the volume of that many accounts together (``effective_tier_scope``
    ``all_accounts``, several accounts): each account's rebate then waits for the book's volume."""
    return (program is not None and bool(program.tiers) and program.effective_tier_scope == "all_accounts"
            and accounts_with_trades >= 2)


def tier_volumes(frames: _Frames, program: RebateProgram, *, priced: bool = False) -> pd.Series:
    """Standard lots counted towards ``program``'s tiers per close month, over every ``(frame, account_currency)``
    of ``frames`` together (the ``pooled_volume`` of :func:`apply` for ``all_accounts`` tiers).

    ``priced``: the frames were already priced under ``program`` (:func:`assign`), so their ``eligible`` column is
    this program's eligibility (it does not depend on tiers) and is read instead of pricing each frame again
    (issue 14: an IB's book of hundreds of accounts).
    Index: the 1st of each month (Timestamp); trades without a close time are left out.
    """
    months, lots = [], []
    for t, currency in frames:
        if not len(t):
            continue
        ccy = (currency or "USD").upper()
        factor = program.cent_lot_factor if ccy in instruments.CENT else 1.0
        eligible = (t["eligible"].to_numpy(dtype=bool) if priced
                    else apply(t, program, ccy, tier_multiplier=np.ones(len(t))).eligible)
        months.append(_month_keys(t))
        lots.append(_counted(program, _column(t, "lots", 0.0) * factor, eligible))
    if not months:
        return pd.Series(dtype="float64")
    month, counted = np.concatenate(months), np.concatenate(lots)
    known = month >= 0
    sums = pd.Series(counted[known]).groupby(month[known]).sum()
    index = pd.DatetimeIndex(sums.index.to_numpy(dtype=np.int64).astype("datetime64[D]"))
    return pd.Series(sums.to_numpy(), index=index, name="lots")


def _tier_multiplier(t: pd.DataFrame, program: RebateProgram, std_lots: np.ndarray, eligible: np.ndarray,
                     keys: _Keys, pooled_volume: pd.Series | None = None, apart: bool = False) -> np.ndarray:
    n = len(t)
    if not program.tiers or not n:
        return np.ones(n)
    counted = _counted(program, std_lots, eligible)
    month = _month_keys(t)
    pooled = program.effective_tier_scope == "all_accounts"
    # ``apart``: a batch's accounts keep their own volume where the pool's is not given (issue 14).
    acct_codes = (np.zeros(n, dtype=np.int64) if pooled and not apart
                  else keys.factor("account")[0].astype(np.int64))
    group = (acct_codes + 1) * (1 << 32) + (month + 1)
    if pooled and pooled_volume is not None and len(pooled_volume):
        given = pd.Series(np.asarray(pooled_volume, dtype=float),
                          index=pd.DatetimeIndex(pooled_volume.index).to_numpy().astype("datetime64[D]").astype(np.int64))
    else:
        given = None
    previous = program.tier_basis == "previous_period"
    volume = _group_volume(group, counted, month, given, previous)
    tiers = sorted(program.tiers, key=lambda x: x.min_lots_per_month)
    thresholds = np.array([x.min_lots_per_month for x in tiers])
    values = np.array([x.multiplier for x in tiers])
    if program.tier_mode == "marginal":
        return _blended(volume, thresholds, values)
    # The epsilon keeps 10 x 0.1 lots (0.9999999999) at the 1-lot tier.
    pos = np.searchsorted(thresholds, volume + _EPS, side="right") - 1
    return np.where(pos >= 0, values[np.clip(pos, 0, None)], 1.0)


def _group_volume(group: np.ndarray, counted: np.ndarray, month: np.ndarray, given: pd.Series | None,
                  previous: bool) -> np.ndarray:
    """Per trade, the volume that decides its tier: its group's (account or pool, by ``group``) lots in its close
    month, or with ``previous`` in the month before. ``given``: the pooled lots per month (index: day number of
    the 1st) over every account, used for the months it has."""
    uniq, codes = np.unique(group, return_inverse=True)
    codes = codes.reshape(-1)
    sums = np.bincount(codes, weights=counted, minlength=len(uniq))
    if not previous:
        volume = sums[codes]
        if given is not None:
            found = _looked_up(month, given)
            volume = np.where(np.isfinite(found) & (month >= 0), found, volume)
        return volume
    known = month >= 0
    before = np.full(len(month), -1, dtype=np.int64)
    if known.any():
        before[known] = _month_start(month[known] - 1)  # the day before the 1st lies in the previous month
    prev_group = group - month + before  # the same account (or pool), the month before
    at = np.searchsorted(uniq, prev_group)
    hit = (at < len(uniq)) & (uniq[np.clip(at, 0, len(uniq) - 1)] == prev_group)
    volume = np.where(hit, sums[np.clip(at, 0, len(uniq) - 1)], 0.0)
    if given is not None:
        found = _looked_up(before, given)
        volume = np.where(np.isfinite(found), found, volume)
    # A close time that is unknown has no previous month: its own bucket decides, as with the current basis.
    return np.where(known, volume, sums[codes])


def _looked_up(keys: np.ndarray, given: pd.Series) -> npt.NDArray[np.float64]:
    """``pd.Series(keys).map(given)`` as floats (NaN where ``given`` has no key), by binary search when its index is
    sorted integers (the pooled volume: issue 14, a map per account of a book)."""
    index = given.index.to_numpy()
    if len(index) and index.dtype.kind == "i" and bool((index[1:] > index[:-1]).all()):
        values = given.to_numpy(dtype=float)
        at = np.clip(np.searchsorted(index, keys), 0, len(index) - 1)
        return np.where(index[at] == keys, values[at], np.nan)
    return pd.Series(keys).map(given).to_numpy(dtype=float)


def _blended(volume: npt.NDArray[np.float64], thresholds: npt.NDArray[np.float64],
             values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Marginal tiers: the average multiplier over the lots 0..volume, each band at its own tier (1.0 below the
    lowest threshold); at 0 lots the multiplier of the first band."""
    edges = np.concatenate([[0.0], thresholds[thresholds > 0]])
    rates = np.concatenate([[1.0 if thresholds[0] > 0 else values[0]], values[thresholds > 0]])
    upper = np.concatenate([edges[1:], [np.inf]])
    v = np.maximum(volume, 0.0)[:, None]
    # Lots of the month inside each band; the epsilon keeps 10 x 0.1 lots (0.9999999999) at the 1-lot band edge.
    inside = np.clip(np.minimum(v + _EPS, upper) - edges, 0.0, None)
    with np.errstate(invalid="ignore", divide="ignore"):
        blended: npt.NDArray[np.float64] = (inside * rates).sum(axis=1) / inside.sum(axis=1)
    return np.where(volume > _EPS, blended, rates[0])


def accrual(t: pd.DataFrame, rebate: np.ndarray) -> pd.Series:
    """Cumulative rebate at each trade's close time (accrual basis, DOMAIN.md 6.5), in close-time order."""
    times = t["close_time"].to_numpy().astype("datetime64[ns]")
    values = np.asarray(rebate, dtype=float)
    ints = times.view(np.int64)
    if len(ints) > 1 and not (ints[1:] >= ints[:-1]).all():  # histories are usually already in close order
        order = np.argsort(times, kind="stable")
        times, values = times[order], values[order]
    return pd.Series(np.cumsum(values), index=pd.DatetimeIndex(times, name="close_time"), name="accrued_rebate")


def paid_series(payouts_frame: pd.DataFrame) -> pd.Series:
    """Cumulative rebate actually paid, stepping at each pay date (cash basis)."""
    df = payouts_frame.loc[payouts_frame["paid"] > 0].sort_values("pay_date", kind="stable")
    return pd.Series(df["paid"].cumsum().to_numpy(), index=pd.DatetimeIndex(df["pay_date"], name="pay_date"),
                     name="paid_rebate")


_NS_PER_DAY = 86_400 * 10**9


def _days(close: np.ndarray, hour: int) -> npt.NDArray[np.int64]:
    """Day number (since 1970-01-01) of each close time, days starting at ``hour``; integer maths is fast."""
    shifted = close.astype("datetime64[ns]").astype(np.int64) - hour * 3_600 * 10**9
    return np.floor_divide(shifted, _NS_PER_DAY)


def _month_start(days: npt.NDArray[np.int64], months_ahead: int = 0) -> npt.NDArray[np.int64]:
    """Day number of the 1st of each day's month (plus ``months_ahead``), via a table over the days spanned."""
    first, last = int(days.min()), int(days.max())
    span = np.arange(first, last + 1).astype("datetime64[D]")
    table = ((span.astype("datetime64[M]") + months_ahead).astype("datetime64[D]")).astype(np.int64)
    return table[days - first]


def _periods(close: np.ndarray, program: RebateProgram) -> tuple[np.ndarray, np.ndarray]:
    """Start and (exclusive) end of each close time's payout period, as datetime64[ns]."""
    pay = program.payout
    day = _days(close, pay.day_boundary_hour)  # a "day" runs from day_boundary_hour to day_boundary_hour
    if pay.cycle == "monthly":
        start, end = _month_start(day), _month_start(day, 1)
    elif pay.cycle == "daily":
        start, end = day, day + 1
    else:
        # 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays.
        start = day - ((day + 3) % 7 - WEEKDAYS.index(pay.weekday)) % 7
        end = start + 7
    offset = pay.day_boundary_hour * 3_600 * 10**9
    return ((start * _NS_PER_DAY + offset).astype("datetime64[ns]"),
            (end * _NS_PER_DAY + offset).astype("datetime64[ns]"))


def payouts(t: pd.DataFrame, rebate: np.ndarray, program: RebateProgram) -> pd.DataFrame:
    """Expected payouts per account and period (cash basis).

    A trade belongs to the period containing its close time; periods start at
    ``payout.day_boundary_hour`` server time (on ``weekday`` for weekly, the 1st for monthly
    cycles) and ``period_end`` is exclusive (the next period's start). A period is paid on
    ``period_end + lag_days``. When a period's accrual plus what was carried in is below
    ``min_amount`` it is not paid but carried to the account's next period that has trades.
    Only periods with closed trades are listed (a period whose trades were all excluded shows 0).
    """
    columns = list(PAYOUT_COLUMNS)
    close = t["close_time"].to_numpy().astype("datetime64[ns]")
    known = ~np.isnat(close)
    if not known.any():
        return _empty(columns, {"period_start": "datetime64[ns]", "period_end": "datetime64[ns]",
                                "pay_date": "datetime64[ns]", "trades": "int64"})
    start, end = _periods(close[known], program)
    if "account" in t.columns:
        acct_codes, acct_names = pd.factorize(t["account"].astype(str).to_numpy()[known], sort=True)
    else:
        acct_codes, acct_names = np.zeros(int(known.sum()), dtype=np.intp), np.array([""], dtype=object)
    # Group by (account, period) on integer keys: sorted account first, then period start.
    period = start.astype(np.int64)
    key = acct_codes.astype(np.int64) * (1 << 40) + (period - period.min()) // 10**9
    codes, uniq = pd.factorize(key)  # hashing, then ordering the few groups, beats sorting every trade
    rank = np.empty(len(uniq), dtype=np.intp)
    rank[np.argsort(uniq, kind="stable")] = np.arange(len(uniq))
    inverse = rank[codes]
    first = np.empty(len(uniq), dtype=np.intp)
    first[inverse] = np.arange(len(inverse))  # any row of the group will do: they share its keys
    # Plain arrays, one frame built at the end (issue 14: a frame per account, not a column at a time).
    acct = np.asarray(acct_names, dtype=object)[acct_codes[first]]
    accrued = np.bincount(inverse, weights=np.asarray(rebate, dtype=float)[known], minlength=len(uniq))
    carried_in = np.zeros(len(uniq))
    paid = np.zeros(len(uniq))
    carried_out = np.zeros(len(uniq))
    minimum = program.payout.min_amount
    carry = 0.0
    for i in range(len(uniq)):  # one step per period, not per trade; the carry makes it sequential
        if i and acct[i] != acct[i - 1]:
            carry = 0.0
        carried_in[i] = carry
        available = carry + accrued[i]
        if available > _EPS and available >= minimum - _EPS:
            paid[i], carry = available, 0.0
        else:
            carry = available
        carried_out[i] = carry
    lag = np.timedelta64(pd.Timedelta(days=program.payout.lag_days).value, "ns")
    return pd.DataFrame({
        "account": acct, "period_start": start[first], "period_end": end[first], "accrued": accrued,
        "pay_date": end[first] + lag, "paid": paid, "carried_forward": carried_out, "carried_in": carried_in,
        "trades": np.bincount(inverse, minlength=len(uniq)).astype("int64"),
    }, columns=columns)


def _empty(columns: list[str], dtypes: Mapping[str, str]) -> pd.DataFrame:
    text = ("account", "status", "comment", "amount_check")
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, "float64" if c not in text else "object"))
                         for c in columns})


def match_payouts(expected: pd.DataFrame | None, cash: pd.DataFrame | None, tolerance_days: float = 10,
                  max_ratio: float | None = MATCH_MAX_RATIO, amount_tolerance_pct: float = AMOUNT_TOLERANCE_PCT,
                  amount_tolerance: float = AMOUNT_TOLERANCE,
                  statement_end: datetime | np.datetime64 | str | Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Match the statement's rebate rows (``kind == "rebate"``) to expected payouts, per account.

    Pairing is by **date**, not by amount: a statement row is a candidate for an expected payout
    (``paid`` > 0) of the same account when it is within ``tolerance_days`` of the pay date. The only
    amount test is a sanity bound against pairing unrelated rows: the row's amount must be within a factor
    ``max_ratio`` of the expected one (expected / max_ratio <= actual <= expected x max_ratio; None: any
    positive or negative amount). Candidates are then taken greedily, nearest date first (ties: nearest
    amount), each row and payout used once, so a payout 66 % (or 2x) above or below the model is still
    *matched* and flagged ``overpaid`` / ``underpaid``, never reported missing plus unexpected.
    Result: one row per pair ``matched``
    (``difference`` = actual - expected, ``days_late`` = actual date - pay date), per unmatched
    expected payout ``missing`` (or ``pending``, below) and per unmatched statement row ``unexpected``; sorted by
    account and date. An unmatched payout not due (pay date + ``tolerance_days``) before ``statement_end`` (the last time
    the statement covers) is ``pending``, not missing: the statement ends before it could show it; a mapping gives
    each account's own (a batch of accounts, issue 14; an account it lacks has none).

    Matching pairs a payout with the statement row that pays for it; whether the amount is right is said
    apart: ``difference_pct`` = difference / expected x 100 and ``amount_check`` = ``underpaid`` or
    ``overpaid`` when the amount is off by more than ``amount_tolerance_pct`` % of the expected amount and
    more than ``amount_tolerance`` money, else ``ok`` ("" for missing and unexpected rows).
    """
    columns = list(MATCH_COLUMNS)
    dtypes: dict[str, Literal["datetime64[ns]", "Int64"]] = {
        "period_start": "datetime64[ns]", "period_end": "datetime64[ns]", "pay_date": "datetime64[ns]",
        "time": "datetime64[ns]", "ticket": "Int64"}
    # Plain arrays, no frames cut per account (issue 14: the framing cost more than the matching over a book).
    exp = _Side(expected, expected["paid"].to_numpy(dtype=float) > _EPS if expected is not None and len(expected)
                else None, "pay_date")
    got = _Side(cash, (cash["kind"] == "rebate").to_numpy(dtype=bool) if cash is not None and len(cash) else None,
                "time")
    # One result row per (expected payout, statement row, status), -1 where the row has no such side.
    e_take: list[int] = []
    c_take: list[int] = []
    status: list[str] = []
    names: list[str] = []
    tol = np.timedelta64(int(round(tolerance_days * 86400)), "s").astype("timedelta64[ns]")
    ends = statement_end if isinstance(statement_end, Mapping) else None
    end = None
    if statement_end is not None and not isinstance(statement_end, Mapping):
        end = pd.Timestamp(statement_end).to_datetime64()
    for account in sorted(set(exp.accounts) | set(got.accounts)):
        if ends is not None:
            end = pd.Timestamp(ends[account]).to_datetime64() if ends.get(account) is not None else None
        e_pos = np.flatnonzero(exp.accounts == account)
        c_pos = np.flatnonzero(got.accounts == account)
        c_pos = c_pos[np.argsort(got.when[c_pos], kind="stable")]
        used_e: set[int] = set()
        used_c: set[int] = set()
        pairs: list[tuple[int, int]] = []
        if len(e_pos) and len(c_pos):
            pay = exp.when[e_pos]
            want = exp.column("paid", float)[e_pos]
            times = got.when[c_pos]
            amounts = got.column("amount", float)[c_pos]
            lo = np.searchsorted(times, pay - tol, side="left")
            hi = np.searchsorted(times, pay + tol, side="right")
            counts = hi - lo
            ei = np.repeat(np.arange(len(e_pos)), counts)
            offsets = np.cumsum(counts) - counts
            cj = lo[ei] + (np.arange(counts.sum()) - offsets[ei])
            gap = np.abs((times[cj] - pay[ei]).astype(np.int64))
            diff = np.abs(amounts[cj] - want[ei])
            if max_ratio is None:
                ok = np.ones(len(ei), bool)
            else:
                got_ = amounts[cj]
                ok = (got_ <= want[ei] * max_ratio + _EPS) & (got_ * max_ratio >= want[ei] - _EPS)
            ei, cj, gap, diff = ei[ok], cj[ok], gap[ok], diff[ok]
            for k in np.lexsort((diff, gap)):
                i, j = int(ei[k]), int(cj[k])
                if i in used_e or j in used_c:
                    continue
                used_e.add(i)
                used_c.add(j)
                pairs.append((i, j))
        for i, j in pairs:
            e_take.append(int(e_pos[i]))
            c_take.append(int(c_pos[j]))
            status.append("matched")
        due = exp.when[e_pos] + tol
        for i in range(len(e_pos)):
            if i not in used_e:
                e_take.append(int(e_pos[i]))
                c_take.append(-1)
                status.append("pending" if end is not None and due[i] > end else "missing")
        for j in range(len(c_pos)):
            if j not in used_c:
                e_take.append(-1)
                c_take.append(int(c_pos[j]))
                status.append("unexpected")
        names += [account] * (len(status) - len(names))
    if not status:
        return _empty(columns, dtypes)
    return _match_frame(exp, got, np.array(e_take, dtype=np.intp), np.array(c_take, dtype=np.intp), names, status,
                        amount_tolerance_pct, amount_tolerance)


class _Side:
    """One side of :func:`match_payouts` (the expected payouts or the statement's cash): the rows ``keep`` selects
    of ``frame``, as arrays: their account (text) and time column ``when`` (ns), other columns on demand."""

    def __init__(self, frame: pd.DataFrame | None, keep: np.ndarray | None, when: str) -> None:
        self.frame = frame
        self._columns: dict[tuple[str, str], np.ndarray] = {}
        self.rows = np.flatnonzero(keep) if frame is not None and keep is not None else np.zeros(0, dtype=np.intp)
        self.accounts = (frame["account"].astype(str).to_numpy(dtype=object)[self.rows] if frame is not None
                         else np.array([], dtype=object))
        self.when = (frame[when].to_numpy().astype("datetime64[ns]")[self.rows] if frame is not None
                     else np.array([], dtype="datetime64[ns]"))

    def column(self, name: str, dtype: Any = None) -> np.ndarray:
        assert self.frame is not None  # asked only for rows it has
        key = (name, str(dtype))
        if key not in self._columns:  # each column cut once (issue 14)
            self._columns[key] = self.frame[name].to_numpy(dtype=dtype)[self.rows]
        return self._columns[key]

    def taken(self, name: str, take: np.ndarray, empty: Any, dtype: Any = None) -> np.ndarray:
        """Column ``name`` at positions ``take`` (-1: ``empty``)."""
        have = take >= 0
        out = np.full(len(take), empty)
        if have.any():
            out[have] = self.column(name)[take[have]]
        return out.astype(dtype) if dtype is not None else out


def _match_frame(exp: _Side, got: _Side, e_take: np.ndarray, c_take: np.ndarray, accounts: list[str],
                 status: list[str], amount_tolerance_pct: float, amount_tolerance: float) -> pd.DataFrame:
    """:func:`match_payouts`' rows: expected payout ``e_take`` and statement row ``c_take`` (-1 where a row has
    none), with ``difference`` and ``days_late`` where it has both and the amount check; sorted by account, date
    and status."""
    nat = np.datetime64("NaT", "ns")
    pay = exp.taken("pay_date", e_take, nat, "datetime64[ns]")
    expected = exp.taken("paid", e_take, np.nan, float)
    time = got.taken("time", c_take, nat, "datetime64[ns]")
    actual = got.taken("amount", c_take, np.nan, float)
    both = (e_take >= 0) & (c_take >= 0)
    day_ns = float(np.timedelta64(1, "D").astype("timedelta64[ns]").astype(np.int64))
    with np.errstate(invalid="ignore", divide="ignore"):
        difference = np.where(both, actual - expected, np.nan)
        days_late = np.where(both, (time.astype(np.int64) - pay.astype(np.int64)).astype(float) / day_ns, np.nan)
        difference_pct = np.where(expected > _EPS, difference / expected * 100.0, np.nan)
    off = ((np.abs(difference) > amount_tolerance_pct / 100.0 * np.abs(expected) + _EPS)
           & (np.abs(difference) > amount_tolerance + _EPS))
    matched = np.array(status, dtype=object) == "matched"
    check = np.where(~matched, "", np.where(off & (difference < 0), "underpaid",
                                            np.where(off & (difference > 0), "overpaid", "ok")))
    tickets: list[Any] = [pd.NA] * len(c_take)
    comments: list[str] = [""] * len(c_take)
    has_c = np.flatnonzero(c_take >= 0)
    if len(has_c):
        frame = got.frame
        assert frame is not None
        ticket_col = got.column("ticket", object) if "ticket" in frame.columns else None
        comment_col = got.column("comment", object) if "comment" in frame.columns else None
        for k in has_c:
            j = int(c_take[k])
            tickets[k] = int((ticket_col[j] if ticket_col is not None else 0) or 0)
            comments[k] = str(comment_col[j]) if comment_col is not None else ""
    # By account, then date (the pay date, else the statement row's time; none last), then status: stable.
    when = np.where(np.isnat(pay), time, pay).astype(np.int64)
    when = np.where(when == np.iinfo(np.int64).min, np.iinfo(np.int64).max, when)
    account_rank = pd.factorize(np.array(accounts, dtype=object), sort=True)[0]
    status_rank = pd.factorize(np.array(status, dtype=object), sort=True)[0]
    order = np.lexsort((np.arange(len(when)), status_rank, when, account_rank))
    return pd.DataFrame({
        "account": np.array(accounts, dtype=object)[order], "status": np.array(status, dtype=object)[order],
        "period_start": exp.taken("period_start", e_take, nat, "datetime64[ns]")[order],
        "period_end": exp.taken("period_end", e_take, nat, "datetime64[ns]")[order], "pay_date": pay[order],
        "expected": expected[order], "time": time[order], "actual": actual[order], "difference": difference[order],
        "days_late": days_late[order], "ticket": pd.array(tickets, dtype="Int64")[order],
        "comment": np.array(comments, dtype=object)[order], "difference_pct": difference_pct[order],
        "amount_check": check[order].astype(object),
    }, columns=list(MATCH_COLUMNS))
