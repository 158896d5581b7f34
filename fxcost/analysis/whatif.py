"""What-if: the same history re-priced under other setups, sensitivity sweeps, and a cashback projection.

Re-pricing keeps what the market did (the mid-price P&L) and changes only what the trader
pays: Profit' = mid_pnl - spread_cost' (spread from the other profile), commission' from the
other schedule, rebate' from the other program.

Commission' when the setup names no schedule: under a profile of another account type than the
account's (a Standard profile for an account whose export shows commission, a Raw/ECN one for a
spread-only account), the commission that account type charges (none for Standard, 7 USD per
round-turn lot for a typical Raw/ECN account: spreads.SpreadProfile.account_commission), never the
exported one on top of the other type's spread; else (same account type, no profile, or a profile
that names no account type) the exported commission. ``Setup.commission = "export"`` keeps the
exported commission whatever the profile.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np
import pandas as pd

from fxcost.analysis import codes, costs, spreads
from fxcost.analysis.engine import EXPORTED_COMMISSION, AccountAnalysis, AnalysisResult, Setup, _to_usd
from fxcost.analysis.programs import RebateProgram
from fxcost.analysis.slices import row_range
from fxcost.errors import FxCostError
from fxcost.portfolio import joined


@dataclass
class Outcome:
    """Totals of one setup over the whole history (merged currency)."""

    name: str
    profile: str
    commission: str
    program: str
    trades: int
    lots: float
    spread_cost: float
    commission_total: float
    rebate: float
    broker_net: float
    net_after_rebate: float
    transaction_cost: float
    net_transaction_cost: float
    cost_pips_per_lot_before: float | None
    cost_pips_per_lot_after: float | None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            out[k] = round(float(v), 2) if isinstance(v, (float, np.floating)) and np.isfinite(v) else v
        return out


class SetupError(FxCostError):
    """A what-if setup file is missing or invalid; the message names the file, the key and what is allowed."""


_SETUP_KEYS = ("name", "spread_profile", "commission", "program", "description")
#: Words a setup's "commission" may be instead of a schedule.
_COMMISSION_WORDS = {"export": "export", "exported": "export", "as exported": "export", "none": "none"}


def load_setup(path: str | Path) -> Setup:
    """A what-if setup from a JSON file (issue 3, section 6)::

        {"name": "Raw account, $7 RT + $3/lot cashback", "spread_profile": "raw",
         "commission": {"rate": 7.0, "per": "round_turn"}, "program": "raw-3-per-lot-plus-25pct-commission"}

    ``spread_profile``: a bundled name (``standard``, ``raw``, ``auto``, ``other``) or a profile file
    (default: the analysis' own); ``commission``: a schedule that replaces the exported commission
    (keys of costs.CommissionSchedule), ``"none"``, or ``"export"`` (keep the exported commission);
    default: the commission of the profile's account type when it differs from the account's (none
    for Standard), else as exported; ``program``: a bundled name, a program file or an inline program
    (default: no rebate).
    Relative file names are taken from the setup file's folder.
    """
    from fxcost import safeio
    from fxcost.analysis import programs
    from fxcost.analysis.spreads import load_profile

    path = Path(path)
    try:
        data = safeio.read_json(path, "setup")
    except OSError as exc:
        raise SetupError(f"{path}: cannot read the setup ({exc.strerror or exc})") from exc
    except safeio.FileRefused as exc:  # too large, binary, not JSON, nested too deeply (issue 13)
        raise SetupError(f"{path}: {exc}; a setup is a JSON object with {', '.join(_SETUP_KEYS)}") from exc
    if not isinstance(data, dict):
        raise SetupError(f"{path}: a setup must be a JSON object with {', '.join(_SETUP_KEYS)}")
    unknown = [k for k in data if k not in _SETUP_KEYS]
    if unknown:
        raise SetupError(f"{path}: unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(_SETUP_KEYS)}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SetupError(f"{path}: \"name\" must be a non-empty string (how the setup is shown in the comparison)")

    def local(value: str) -> str:
        candidate = path.parent / value
        return str(candidate) if candidate.is_file() else value

    profile = None
    if "spread_profile" in data:
        if not isinstance(data["spread_profile"], str):
            raise SetupError(f"{path}: \"spread_profile\" must be a bundled name (standard, raw) or a file name")
        profile = load_profile(local(data["spread_profile"]))
    commission = None
    if isinstance(data.get("commission"), str) and data["commission"].strip().lower() in _COMMISSION_WORDS:
        word = _COMMISSION_WORDS[data["commission"].strip().lower()]
        commission = EXPORTED_COMMISSION if word == "export" else costs.CommissionSchedule(name="none", rate=0.0,
                                                                                          apply="always")
    elif "commission" in data:
        if not isinstance(data["commission"], dict):
            raise SetupError(f"{path}: \"commission\" must be an object such as {{\"rate\": 7.0, \"per\": "
                             "\"round_turn\"}, \"export\" (keep the exported commission) or \"none\"")
        try:
            commission = costs.CommissionSchedule.from_dict({**data["commission"], "apply": "always"})
        except (TypeError, ValueError) as exc:
            raise SetupError(f"{path}: commission: {exc}") from exc
        if "name" not in data["commission"]:
            commission.name = f"{commission.rate:g} {commission.model.replace('_', ' ')} {commission.per}"
    program = None
    if "program" in data:
        value = data["program"]
        if isinstance(value, dict):
            program = programs.from_dict(value, f"{path}: program")
        elif isinstance(value, str):
            program = programs.load_named(local(value))
        else:
            raise SetupError(f"{path}: \"program\" must be a bundled program name, a file name or a program object")
    return Setup(name=name.strip(), profile=profile, commission=commission, program=program)


def reprice(result: AnalysisResult, setup: Setup, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """All accounts' trades re-priced under ``setup`` (one costed frame, in the merged currency); ``columns``: only
    those (:func:`_reprice`)."""
    return _reprice(result, setup, columns)[0]


def _reprice(result: AnalysisResult, setup: Setup, columns: Sequence[str] | None = None,
             stacks: dict[int, dict[str, Any]] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """:func:`reprice`, and the name of the profile each account was re-priced with (``other`` and ``auto``
    choose per account). ``columns``: only these columns (those the frame has) are made and stacked, for a caller
    that reads no other (issue 14: a book's every column, re-priced once per setup), the accounts that share a
    currency re-priced together (:func:`_repriced_batches`; ``stacks``: its stacked trade columns, kept by a caller
    that re-prices several setups)."""
    frames = []
    used: list[str] = []
    if columns is None:
        for analysis, frame, profile_name in _repriced_accounts(result, setup):
            used.append(profile_name)
            frames.append(_to_usd(frame) if analysis.currency != result.currency else frame)
    else:
        for currency, frame, names in _repriced_batches(result, setup, columns, stacks):
            used.extend(names)
            frame = _to_usd(frame) if currency != result.currency else frame
            kept = [c for c in columns if c in frame.columns]
            frames.append(frame if list(frame.columns) == kept else frame[kept])
    if not frames:
        empty = result.trades.iloc[0:0]
        return (empty if columns is None else empty[[c for c in columns if c in empty.columns]]), used
    if len(frames) == 1:  # one frame: numbered from 0, as concat would, without copying it
        return frames[0].set_axis(pd.RangeIndex(len(frames[0])), axis=0), used
    return pd.concat(frames, ignore_index=True), used


def repriced_by_account(result: AnalysisResult, setup: Setup) -> dict[str, pd.DataFrame]:
    """Each account's trades re-priced under ``setup``, in the account's own currency, by account id (client
    statements under the IB view's program, issue 14); tiers pooled over the whole book as in :func:`reprice`."""
    return {str(analysis.account_id): frame for analysis, frame, _ in _repriced_accounts(result, setup)}


def _repriced_accounts(result: AnalysisResult, setup: Setup) -> Iterator[tuple[AccountAnalysis, pd.DataFrame, str]]:
    """Each account with trades, its trades re-priced under ``setup`` in its own currency (every column), and the
    name of the profile it was re-priced with."""
    from fxcost.analysis import rebates

    # Tiers on every account's volume together (an IB program): each account is priced alone, so it is told the total.
    pooled = rebates.pooled_volume([(a.trades, a.currency) for a in result.accounts], setup.program)
    for analysis in result.accounts:
        if len(analysis.trades):
            other, profile_name, schedule = _account_inputs(result, analysis, setup)
            yield analysis, _repriced_frame(other, analysis.trades, setup, schedule, analysis.currency, pooled), \
                profile_name


def _account_inputs(result: AnalysisResult, analysis: AccountAnalysis, setup: Setup, copy: bool = True
                    ) -> tuple[pd.DataFrame, str, costs.CommissionSchedule | None]:
    """An account's trades with the setup's spreads (a shallow copy; with ``copy`` False the trades themselves when
    the spreads are theirs, for a caller that only reads them), the name of the profile it is priced with and the
    commission schedule that replaces its exported commission (None: keep it)."""
    spread, profile_name, schedule = _account_setup(result, analysis, setup)
    base = analysis.trades
    if spread is None:
        other = base.copy(deep=False) if copy else base  # same instruments, M and spreads: nothing to recompute
    else:
        other = base.copy(deep=False)
        for column, values in spread.items():
            other[column] = values
    return other, profile_name, schedule


def _account_setup(result: AnalysisResult, analysis: AccountAnalysis, setup: Setup
                   ) -> tuple[dict[str, np.ndarray] | None, str, costs.CommissionSchedule | None]:
    """An account's spread columns under the setup (:func:`_spread_columns`; None: its trades' own), the name of the
    profile it is priced with and the commission schedule that replaces its exported commission (None: keep it)."""
    base = analysis.trades
    if setup.profile is None:
        profile, spread = analysis.profile, None
    else:
        profile = spreads.resolve(setup.profile, analysis.profile, base, analysis.book.account)
        spread = _spread_columns(result, analysis, profile)
    profile_name = getattr(profile, "name", "") or result.settings.profile.name
    return spread, profile_name, commission_schedule(setup, profile if setup.profile is not None else None, base)


def _batches(accounts: Sequence[AccountAnalysis], merged: pd.DataFrame | None = None) -> list[list[AccountAnalysis]]:
    """The accounts with trades in runs of consecutive accounts of one currency whose trades name no account another
    of the run names (tiers count each account's own volume by that name): each run is priced as one frame, and
    the runs in order give the accounts' trades in their order. ``merged``: the accounts' trades one after the other
    (AnalysisResult.rows_in_order), whose names are hashed once for all accounts instead of once per account."""
    named = codes.factorize(merged["account"]) if merged is not None and "account" in merged.columns else None
    runs: list[list[AccountAnalysis]] = []
    names: set[Any] = set()
    start = 0
    for analysis in accounts:
        n = len(analysis.trades)
        if not n:
            continue
        if named is not None:
            account_codes, account_names = named
            mine = set(account_names[[c for c in np.unique(account_codes[start:start + n]).tolist() if c >= 0]]
                       .tolist())
        else:
            mine = set(codes.factorize(analysis.trades["account"])[1].tolist()) \
                if "account" in analysis.trades.columns else {None}
        start += n
        if runs and runs[-1][0].currency == analysis.currency and not (mine & names):
            runs[-1].append(analysis)
            names |= mine
        else:
            runs.append([analysis])
            names = set(mine)
    return runs


#: The columns :func:`_spread_columns` gives an account under another profile.
_SPREAD_COLUMNS = ("spread_price", "spread_pips", "spread_source", "spread_cost")


def _repriced_batches(result: AnalysisResult, setup: Setup, columns: Sequence[str],
                      stacks: dict[int, dict[str, Any]] | None = None
                      ) -> Iterator[tuple[str, pd.DataFrame, list[str]]]:
    """The trades re-priced under ``setup``, ``columns`` only (those they have; with ``usd_rate`` for a frame to
    convert to the merged currency), as :func:`_batches`' runs: per run its currency, its frame (the accounts' rows
    in their order) and the profile name of each of its accounts. ``stacks``: each run's trade columns stacked so
    far (:func:`_stacked`), kept by a caller that re-prices several setups of the same result.

    Issue 14: a book of hundreds of clients re-priced account by account paid pandas' overhead per account and per
    setup. The spreads, the profile and the commission schedule stay each account's own; the rest is computed once
    over the run: every step is row by row, and the rebate's tiers count each account's volume by its ``account``
    name (rebates.apply), over the book's when its program pools them (rebates.tier_volumes of the same rows in the
    same order as per account), so every value is the one priced per account."""
    from fxcost.analysis import rebates

    program = setup.program
    runs = _batches(result.accounts, result.trades if result.rows_in_order else None)
    merged = _runs_in_merge(result, runs)
    stacks = {} if stacks is None else stacks
    pooled = None
    if program is not None and rebates.pools_tiers(program, sum(len(run) for run in runs)):
        pooled = rebates.tier_volumes([(_stacked([a.trades for a in run], rebates.PRICE_INPUTS,
                                                 stacks.setdefault(i, {}), merged=merged[i]), run[0].currency)
                                       for i, run in enumerate(runs)], program)
    for i, run in enumerate(runs):
        currency = run[0].currency
        wanted = [*columns, "usd_rate"] if currency != result.currency else list(columns)
        parts: list[pd.DataFrame] = []
        spread_parts: list[dict[str, np.ndarray] | None] = []
        names: list[str] = []
        commission: list[np.ndarray] = []
        source: list[Any] = []  # per account: one text, or one per trade
        for analysis in run:
            if len(run) == 1:
                other, profile_name, schedule = _account_inputs(result, analysis, setup, copy=False)
            else:  # only the spread columns: the rest is stacked below (no frame per account)
                spread, profile_name, schedule = _account_setup(result, analysis, setup)
                other = analysis.trades  # a schedule's commission reads no spread column
                spread_parts.append(spread)
            names.append(profile_name)
            charged, told = _commission(other, analysis.trades, schedule, currency)
            commission.append(charged)
            source.append(told)
            parts.append(other)
        sources: Any = source[0]
        frame = parts[0]
        if len(run) > 1:
            keep = [*rebates.PRICE_INPUTS, *costs.FINISH_INPUTS, "mid_pnl", "taxes", "swap", *wanted]
            # The trades' own columns stacked once for every setup; another profile's spreads are the setup's own,
            # each piece as a column of its account's frame would hold it (pd.Series infers its dtype).
            own = [] if setup.profile is None else [c for c in _SPREAD_COLUMNS if c in keep]
            given = {c: [pd.Series(p[c]) if p is not None else a.trades[c] for p, a in zip(spread_parts, run)]
                     for c in own}
            frame = _stacked([a.trades for a in run], [c for c in keep if c not in own], stacks.setdefault(i, {}),
                             given, merged=merged[i])
            sources = np.concatenate([_texts(len(p), s) for p, s in zip(parts, source)])
        yield currency, _repriced_columns(frame, np.concatenate(commission) if len(run) > 1 else commission[0],
                                          sources, setup, currency, pooled, wanted), names


def _runs_in_merge(result: AnalysisResult, runs: Sequence[Sequence[AccountAnalysis]]) -> list[pd.DataFrame | None]:
    """Each run's rows of the merged trades, numbered from 0, when the merge is the accounts' trades in order
    (AnalysisResult.rows_in_order: the run's frames joined), else None per run."""
    if not result.rows_in_order:
        return [None] * len(runs)
    out: list[pd.DataFrame | None] = []
    start = 0
    for run in runs:  # _batches' runs are the accounts with trades, in order
        stop = start + sum(len(a.trades) for a in run)
        out.append(row_range(result.trades, start, stop))
        start = stop
    return out


def _stacked(frames: Sequence[pd.DataFrame], columns: Sequence[str], stack: dict[str, Any] | None = None,
             given: Mapping[str, Sequence[pd.Series]] | None = None, merged: pd.DataFrame | None = None
             ) -> pd.DataFrame:
    """``columns`` (those the frames have) of ``frames`` one after the other, numbered from 0 (the frame itself when
    there is one): as ``pd.concat`` of the frames' columns, a column of one numpy dtype in every frame joined as
    arrays. ``stack``: the columns of these frames stacked before (read, and added to); ``given``: columns to stack
    from these pieces (one per frame) instead (issue 14: selecting the columns of each of hundreds of accounts cost
    more than pricing them, once per setup); ``merged``: the frames already joined (their rows of the analysis'
    merge, :func:`_runs_in_merge`), whose columns are read instead of joining them again (no copy of the book)."""
    if len(frames) == 1 and not given:
        return frames[0]
    stack = {} if stack is None else stack
    out: dict[str, Any] = {}
    for c in dict.fromkeys([*columns, *(given or {})]):
        if given and c in given:
            out[c] = joined(given[c])
        elif c in stack:
            out[c] = stack[c]
        elif c in frames[0].columns:
            out[c] = stack[c] = joined([f[c] for f in frames]) if merged is None else _as_joined(merged[c])
    return pd.DataFrame(out, index=pd.RangeIndex(sum(len(f) for f in frames)), copy=False)


def _as_joined(column: pd.Series) -> Any:
    """A column of the joined frames as fxcost.portfolio.joined gives it: one of a numpy dtype as its array."""
    dtype = column.dtype
    return column.to_numpy() if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM" else column


def _texts(n: int, value: Any) -> np.ndarray:
    """``value`` for each of ``n`` rows as an object array (a text repeated as one shared object)."""
    if isinstance(value, np.ndarray):
        return value.astype(object, copy=False)
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def _repriced_frame(other: pd.DataFrame, base: pd.DataFrame, setup: Setup,
                    schedule: costs.CommissionSchedule | None, currency: str, pooled: pd.Series | None
                    ) -> pd.DataFrame:
    """``other`` (an account's trades with the setup's spreads) with every column the setup re-prices."""
    from fxcost.analysis import rebates

    # Same market, other price: Profit' = mid_pnl - spread'.
    other["profit"] = base["mid_pnl"].to_numpy() - other["spread_cost"].to_numpy()
    other["mid_pnl"] = base["mid_pnl"].to_numpy()
    other["commission"], other["commission_source"] = _commission(other, base, schedule, currency)
    other["broker_net"] = other["profit"] + other["commission"] + other["taxes"] + other["swap"]
    other["transaction_cost"] = other["spread_cost"] - other["commission"] - other["taxes"]
    if setup.program is not None:
        rebates.assign(other, rebates.apply(other, setup.program, currency, pooled_volume=pooled), setup.program)
    else:
        for col, value in {"rebate": 0.0, **costs.NO_REBATE}.items():
            other[col] = value
    return costs.finish(other)


def _commission(other: pd.DataFrame, base: pd.DataFrame, schedule: costs.CommissionSchedule | None,
                currency: str) -> tuple[np.ndarray, Any]:
    """An account's commission under a setup and its commission_source (one text, or one per trade): the
    ``schedule``'s on trades ``other`` (with the setup's spreads), else the costed trades' ``base`` own."""
    if schedule is not None:
        to_account = costs.account_per_unit(currency, schedule.currency, float(base["usd_rate"].iloc[0]))
        return costs.schedule_commission(other, schedule, to_account), f"schedule: {schedule.name}"
    return base["commission"].to_numpy(), base["commission_source"].to_numpy()


def _repriced_columns(other: pd.DataFrame, commission: np.ndarray, source: Any, setup: Setup, currency: str,
                      pooled: pd.Series | None, columns: Sequence[str]) -> pd.DataFrame:
    """:func:`_repriced_frame`'s ``columns`` (those it has), in that order, of trades ``other`` (with the setup's
    spreads) charged ``commission`` (``source``: its commission_source, one text or one per trade): the same
    values, each re-priced column computed as an array (the same operations in the same order) and set once, the
    others ``other``'s own (issue 10: each column set copies a million values)."""
    from fxcost.analysis import rebates

    mid = other["mid_pnl"].to_numpy()
    spread_cost = other["spread_cost"].to_numpy()
    made: dict[str, Any] = {"profit": mid - spread_cost, "mid_pnl": mid, "commission": commission,
                            "commission_source": source}
    commission = np.asarray(commission, dtype="float64")
    taxes, swap = other["taxes"].to_numpy(), other["swap"].to_numpy()
    made["broker_net"] = made["profit"] + commission + taxes + swap
    made["transaction_cost"] = spread_cost - commission - taxes
    if setup.program is not None:
        priced = other.copy(deep=False)  # the inputs rebates.apply reads, with the setup's commission
        priced["commission"] = commission
        made.update(rebates.rebate_columns(priced, rebates.apply(priced, setup.program, currency,
                                                                 pooled_volume=pooled), setup.program))
    else:
        made.update({"rebate": 0.0, **costs.NO_REBATE})
    inputs = {**{c: other[c].to_numpy() for c in costs.FINISH_INPUTS}, "broker_net": made["broker_net"]}
    inputs["rebate"] = np.broadcast_to(np.asarray(made["rebate"], dtype="float64"), (len(other),))
    inputs["transaction_cost"] = made["transaction_cost"]
    made.update(costs.finish_columns(inputs))
    values: dict[str, Any] = {}
    for c in dict.fromkeys(columns):
        if c in made:
            values[c] = made[c]
        elif c in other.columns:
            values[c] = other[c]
    # One frame of these columns as they are (issue 14: a column set at a time copied each one, a second copy of a
    # book's re-priced columns per setup while they were made).
    return pd.DataFrame(values, index=other.index, copy=False)


def commission_schedule(setup: Setup, profile: spreads.SpreadProfile | None,
                        base: pd.DataFrame) -> costs.CommissionSchedule | None:
    """The schedule that replaces an account's exported commission under ``setup`` (None: keep the exported one).

    ``profile``: the concrete profile the setup prices this account with (None: the account's own spreads);
    ``base``: the account's costed trades. An explicit schedule wins; ``"export"`` keeps the exported
    commission; else a profile of another account type than the export shows charges that type's commission.
    """
    if isinstance(setup.commission, costs.CommissionSchedule):
        return costs.CommissionSchedule(**{**setup.commission.as_dict(), "apply": "always"})
    if setup.commission == EXPORTED_COMMISSION or profile is None:
        return None
    theirs = profile.account_commission()
    if theirs is None or profile.account_type == spreads.account_type_evidence(base)[0]:
        return None  # the same account type as the export's (or unknown): its real commission is the best guess
    return theirs
def _spread_columns(result: AnalysisResult, analysis: AccountAnalysis, profile: spreads.SpreadProfile
                    ) -> dict[str, np.ndarray]:
    """The spread columns (:data:`_SPREAD_COLUMNS`) of an account's costed trades under another ``profile``.

    Only the spread depends on the profile: instruments, M, usd_rate, notional and the commission
    (the run's schedule) are the base frame's, and reprice recomputes everything downstream of the
    spread. So this takes the spread from the profile (measured spreads still win, as in
    costed_trades) instead of costing the trades again, about 5x faster; tests check it equals
    ``costed_trades(..., profile=profile, use_program=False)`` on every column reprice keeps.
    """
    base = analysis.trades
    settings = result.settings
    spread, source = profile.spread_price(base)
    if settings.market_data:
        from fxcost.analysis.measured import measured_spreads

        offset = settings.utc_offsets.get(analysis.book.label, settings.server_utc_offset)
        measured, label = measured_spreads(codes.as_categories(base), settings.market_data, offset)
        have = np.isfinite(measured)
        spread = np.where(have, measured, spread)
        source = np.where(have, label, source)
    return {"spread_price": spread, "spread_pips": spread / base["pip"].to_numpy(), "spread_source": source,
            "spread_cost": spread * base["m"].to_numpy() * base["lots"].to_numpy()}


def outcome(name: str, t: pd.DataFrame, setup: Setup | None = None, base_profile: str = "",
            profiles: list[str] | None = None) -> Outcome:
    """Totals of one setup; ``profiles``: the profile each account was priced with (default: the setup's or
    ``base_profile``). The commission is described by what the frame's ``commission_source`` says."""
    pip_value = t["pip_value"].to_numpy(dtype="float64")
    lot_pips = _total(np.where(np.isfinite(pip_value), t["lots"].to_numpy(dtype="float64") * pip_value, np.nan))
    tc = _total(t["transaction_cost"])
    ntc = _total(t["net_transaction_cost"])
    names = list(dict.fromkeys(profiles or []))
    profile = " / ".join(names) if names else (setup.profile.name if setup and setup.profile else base_profile)
    return Outcome(
        name=name,
        profile=profile,
        commission=_commission_label(t, setup),
        program=(getattr(setup.program, "name", "") if setup and setup.program is not None else "none"),
        trades=int(len(t)),
        lots=_total(t["lots"]),
        spread_cost=_total(t["spread_cost"]),
        commission_total=_total(t["commission"]),
        rebate=_total(t["rebate"]),
        broker_net=_total(t["broker_net"]),
        net_after_rebate=_total(t["net_after_rebate"]),
        transaction_cost=tc,
        net_transaction_cost=ntc,
        cost_pips_per_lot_before=tc / lot_pips if lot_pips else None,
        cost_pips_per_lot_after=ntc / lot_pips if lot_pips else None,
    )


def _total(values: pd.Series | np.ndarray) -> float:
    """``Series.sum()`` of a column as a float: for float64 the same NaN-skipping pairwise sum, without building
    pandas' mask and copy of a million values (issue 10)."""
    array = values if isinstance(values, np.ndarray) else values.to_numpy()
    if array.dtype == np.float64:
        return float(np.nansum(array))
    return float(pd.Series(array).sum())


def _commission_label(t: pd.DataFrame, setup: Setup | None) -> str:
    """"as exported", a schedule's name, or both ("as exported; NAME") when accounts or trades differ."""
    if setup is not None and isinstance(setup.commission, costs.CommissionSchedule):
        return setup.commission.name
    if "commission_source" not in t.columns or not len(t):
        return "as exported"
    labels = []
    # Each distinct source as text, in order of first trade: the same labels as turning every trade's source
    # into text first, without doing so for a million trades (issue 10). One source for every trade (common: the
    # export's, or one schedule's) is told by comparing with the first, not by hashing a million texts.
    sources = t["commission_source"].to_numpy(dtype=object)
    first = sources[0]
    one = isinstance(first, str) and bool((sources[::max(1, len(sources) // 4096)] == first).all()) and \
        bool((sources == first).all())
    for source in (str(s) for s in ([first] if one else pd.unique(sources))):
        label = "as exported" if source == "export" else str(source).removeprefix("schedule: ")
        if label not in labels:
            labels.append(label)
    return "; ".join(sorted(labels, key=lambda x: x != "as exported"))


def scenarios(result: AnalysisResult) -> list[tuple[Outcome, pd.DataFrame]]:
    """Each compared setup's outcome with its re-priced frame: the actual setup first, then each rebate
    program after the main one, then each extra setup (``settings.setups``).

    A setup under ``other`` (spreads.OtherTypeProfile) with the name "Profile: " + its own name is named
    after the profile(s) it resolved to, e.g. "Profile: Typical Standard account".
    """
    return list(scenario_stream(result))


def compared_setups(result: AnalysisResult) -> list[Setup]:
    """The setups :func:`scenarios` re-prices, after the actual one: each program after the main one, then each
    extra setup."""
    settings = result.settings
    return [Setup(f"Program: {p.name}", None, None, p) for p in settings.programs[1:]] + list(settings.setups)


#: The columns of a re-priced frame :func:`outcome` reads, with those :func:`projection_summary` and
#: ib.compare_deal read (``account``, ``close_time``, ``ib_earnings``): what summary.build asks
#: :func:`scenario_stream` for.
OUTCOME_COLUMNS = ("account", "close_time", "lots", "pip_value", "spread_cost", "commission", "commission_source",
                   "transaction_cost", "net_transaction_cost", "rebate", "ib_earnings", "broker_net",
                   "net_after_rebate")
#: The columns of a frame priced under an IB program that the IB's tables read (ib.program_rollup, ib_book's
#: activity, pass-back sweep, projection and levels, ib.compare_deal).
IB_COLUMNS = (*OUTCOME_COLUMNS, "notional_usd")


def scenario_stream(result: AnalysisResult, columns_of: Callable[[Setup], Sequence[str] | None] | None = None
                    ) -> Iterator[tuple[Outcome, pd.DataFrame]]:
    """:func:`scenarios` one at a time: each setup is re-priced only when the caller asks for the next, so a caller
    that reads each frame and lets it go holds one re-priced copy of the trades at a time, not one per setup
    (issue 14: a book of 500 clients compared 4 setups, each a copy of its 421k trades, all alive at once).
    ``columns_of(setup)``: the only columns of the re-priced frame the caller reads (None: all of them; the
    actual setup's frame is the trades themselves)."""
    settings = result.settings
    main = settings.main_program
    yield (outcome(f"Actual ({getattr(main, 'name', 'no rebate')})", result.trades,
                   Setup("actual", None, None, main), settings.profile.name), result.trades)
    stacks: dict[int, dict[str, Any]] = {}  # the book's trade columns, stacked once for every setup (issue 14)
    for setup in compared_setups(result):
        frame, used = _reprice(result, setup, columns_of(setup) if columns_of is not None else None, stacks)
        name = setup.name
        if isinstance(setup.profile, spreads.OtherTypeProfile) and used and name == f"Profile: {setup.profile.name}":
            name = f"Profile: {' / '.join(dict.fromkeys(used))}"
        profiles = used if setup.profile is not None else None
        yield outcome(name, frame, setup, settings.profile.name, profiles), frame
        del frame  # not held while the caller asks for the next one


def compare(result: AnalysisResult) -> list[Outcome]:
    """The actual setup first, then each rebate program after the main one, then each extra setup."""
    return [o for o, _ in scenarios(result)]


def _lot_pips(t: pd.DataFrame) -> np.ndarray:
    """lots x pip value per trade, 0 where the symbol has no pip (no pip, no pip-based sweep)."""
    lot_pips = t["lots"].to_numpy(dtype="float64") * t["pip_value"].to_numpy(dtype="float64")
    return np.where(np.isfinite(lot_pips), lot_pips, 0.0)


#: The columns rebates.apply reads (the sweep copies only these, not the whole costed frame).
_REBATE_INPUTS = ("symbol", "symbol_root", "category", "account", "lots", "pip_value", "commission", "notional_usd",
                  "usd_rate", "hold_seconds", "move_points", "close_time")


def _spread_dependent(program: RebateProgram | None) -> TypeGuard[RebateProgram]:
    """Whether a program's rebate moves with the spread (a share of it, or capped by it)."""
    if program is None:
        return False
    if program.eligibility.cap_pct_of_spread is not None:
        return True
    return any(c.model == "pct_spread" for rule in program.rates for c in rule.components())


def spread_sweep(t: pd.DataFrame, extra_pips: np.ndarray | None = None, *, program: RebateProgram | None = None,
                 currency: str = "USD") -> pd.DataFrame:
    """Net P&L if every trade had paid ``extra`` more pips of spread per round turn (same market moves).

    Profit and broker net fall by extra x lots x pip value; the rebate stays, unless ``program``
    pays a share of the spread or caps the rebate by it, in which case it is recomputed for each
    point (the trader's part of it for an IB program). Trades without a pip convention (some CFDs) are left unchanged.
    """
    extra_pips = np.arange(0.0, 2.01, 0.25) if extra_pips is None else np.asarray(extra_pips, float)
    lot_pips = _lot_pips(t)
    broker_net = float(t["broker_net"].sum())
    base_rebate = float(t["rebate"].sum())
    earned_at = None
    if _spread_dependent(program) and len(t):
        earned_at = _earned_by_spread(t, program, currency, lot_pips)
    rows = []
    for extra in extra_pips:
        added = extra * lot_pips
        rebate = float(earned_at(extra).sum()) if earned_at is not None and extra else base_rebate
        extra_cost = float(added.sum())
        rows.append({"extra_pips": float(extra), "extra_spread_cost": extra_cost, "rebate": rebate,
                     "broker_net": broker_net - extra_cost, "net_after_rebate": broker_net - extra_cost + rebate})
    return pd.DataFrame(rows, columns=["extra_pips", "extra_spread_cost", "rebate", "broker_net",
                                       "net_after_rebate"])


def _earned_by_spread(t: pd.DataFrame, program: RebateProgram, currency: str,
                      lot_pips: np.ndarray) -> Callable[[float], np.ndarray]:
    """Per trade, the trader's rebate under ``program`` as a function of the extra pips of spread.

    A program's amount is linear in the spread cost (``pct_spread`` is a share of it; every other model ignores
    it) for a fixed tier multiplier (tiers count volume, not spread), and eligibility does not depend on the
    spread; only the cap (a share of the spread) bends it. So three pricings serve every point of the sweep (issue
    10: the summary prices the sweep on a million trades): the tiers, and the uncapped amount at the actual spread
    and one pip wider (two without a cap: the first is then the uncapped one); each point is then that line,
    capped, per trade.
    """
    from dataclasses import replace

    from fxcost.analysis import rebates

    # The rebate inputs once, with the string keys hashed once for every pricing: a shallow copy of the trades
    # (rebates.apply reads only its inputs; issue 10: no copy of a million trades' columns).
    wider = codes.as_categories(t, (*codes.KEY_COLUMNS, "category"))
    spread = t["spread_cost"].to_numpy(dtype="float64")
    wider["spread_cost"] = spread
    first = rebates.apply(wider, program, currency)
    tiers, eligible = first.tier_multiplier, first.eligible
    cap_pct = program.eligibility.cap_pct_of_spread
    uncapped = replace(program, eligibility=replace(program.eligibility, cap_pct_of_spread=None))
    # Without a cap the uncapped program is the program itself, priced with the same tiers: its rebate at the
    # actual spread is the first pricing's, so two pricings serve the sweep, not three (issue 10).
    at_zero = (first.rebate if cap_pct is None
               else rebates.apply(wider, uncapped, currency, tier_multiplier=tiers).rebate)
    # Only a trade priced by a rule that pays a share of the spread moves with it: every other trade's rebate is
    # the same at any spread (its slope exactly 0), so only those trades are priced one pip wider (issue 10: a
    # second pricing of a million trades for the index rule's share). Pricing is row by row given the tiers.
    slope = np.zeros(len(t))
    rows = np.flatnonzero(_spread_rule_rows(first.rule, program) | ~np.isfinite(at_zero))
    if len(rows):
        inputs = wider.columns.get_indexer(pd.Index([c for c in (*_REBATE_INPUTS, "spread_cost") if c in wider]))
        part = wider.iloc[rows, inputs].copy()
        part["spread_cost"] = spread[rows] + lot_pips[rows]
        slope[rows] = rebates.apply(part, uncapped, currency, tier_multiplier=tiers[rows]).rebate - at_zero[rows]
    share = rebates.trader_fraction(wider, program)  # an IB program: the trader gets the client share

    def earned(extra: float) -> np.ndarray:
        amount = at_zero + slope * extra
        if cap_pct is not None:
            cap = cap_pct / 100.0 * (spread + extra * lot_pips)
            amount = np.where(np.isfinite(cap), np.minimum(amount, np.maximum(cap, 0.0)), amount)
        amount = np.where(eligible, amount, 0.0)
        return amount if share is None else amount * share

    return earned


def _spread_rule_rows(rule: np.ndarray, program: RebateProgram) -> np.ndarray:
    """Which trades a rule with a ``pct_spread`` part priced (``rule``: rebates.apply's per-trade rule labels)."""
    rows = np.zeros(len(rule), dtype=bool)
    for index, r in enumerate(program.rates):
        if any(c.model == "pct_spread" for c in r.components()):
            rows |= rule == r.label(index)
    return rows


def rebate_sweep(t: pd.DataFrame, multipliers: np.ndarray | None = None) -> pd.DataFrame:
    """Net P&L after rebate if the rebate rate were scaled by each multiplier (0 = no rebate, 1 = as is).

    Every model of a program is linear in its rate, so scaling the rate scales each trade's rebate
    (minimum payouts aside); ``rebate_per_lot`` is money per round-turn lot.
    """
    multipliers = np.linspace(0.0, 2.0, 9) if multipliers is None else np.asarray(multipliers, float)
    broker_net = float(t["broker_net"].sum())
    rebate = float(t["rebate"].sum())
    lots = float(t["lots"].sum())
    per_lot = multipliers * rebate / lots if lots else np.full(len(multipliers), np.nan)
    return pd.DataFrame({"rebate_multiplier": multipliers, "rebate": multipliers * rebate,
                         "rebate_per_lot": per_lot, "net_after_rebate": broker_net + multipliers * rebate})


def months_spanned(t: pd.DataFrame) -> int:
    """Calendar months from the first to the last close, both included (quiet months count as zero volume)."""
    close = t["close_time"]  # min and max skip NaT: no copy of a million closes without them (issue 10)
    first, last = close.min(), close.max()
    if pd.isna(first):
        return 0
    first, last = first.to_period("M"), last.to_period("M")
    return int((last - first).n) + 1


def projection(t: pd.DataFrame, balance: float | None = None, months: int = 12,
               reinvest: bool = False) -> pd.DataFrame:
    """Expected cashback per month from the trader's own average monthly volume.

    Volume per month = Σ lots / calendar months spanned by the history; rebate per lot = Σ rebate /
    Σ lots of ``t`` (so re-priced frames project other programs). With ``reinvest`` and a positive
    ``balance`` the volume grows with equity: each month's rebate is added to the balance and the
    trader keeps the same lots per unit of equity, so next month's volume is this month's x
    (balance + rebate) / balance. Trading P&L is not projected (cashback only); tiers are not re-applied.
    """
    columns = ["month", "lots", "rebate", "cumulative_rebate", "balance"]
    lots_total = float(t["lots"].sum()) if len(t) else 0.0
    spanned = months_spanned(t)
    if not spanned or not lots_total:
        return pd.DataFrame(columns=columns)
    volume = lots_total / spanned
    rebate_per_lot = float(t["rebate"].sum()) / lots_total
    equity = balance if balance is not None and balance > 0 else None
    rows = []
    cumulative = 0.0
    for m in range(1, months + 1):
        rebate = volume * rebate_per_lot
        cumulative += rebate
        rows.append({"month": m, "lots": volume, "rebate": rebate, "cumulative_rebate": cumulative,
                     "balance": (equity + rebate) if equity else None})
        if equity:
            if reinvest:
                volume *= (equity + rebate) / equity
            equity += rebate
    return pd.DataFrame(rows, columns=columns)


def projection_summary(name: str, t: pd.DataFrame, balance: float | None = None,
                       months: int = 12) -> dict[str, Any]:
    """One program's forward projection: volume and rebate per month, per year, and with reinvestment."""
    flat = projection(t, balance, months)
    grown = projection(t, balance, months, reinvest=True)
    lots = float(t["lots"].sum()) if len(t) else 0.0
    per_month = float(flat["rebate"].iloc[0]) if len(flat) else 0.0
    year = min(12, months)
    return {
        "program": name,
        "months_of_history": months_spanned(t),
        "lots_per_month": float(flat["lots"].iloc[0]) if len(flat) else 0.0,
        "rebate_per_lot": float(t["rebate"].sum()) / lots if lots else None,
        "rebate_per_month": per_month,
        "rebate_per_year": per_month * year,
        "rebate_per_year_reinvested": float(grown["rebate"].iloc[:year].sum()) if len(grown) else 0.0,
        "rebate_total": float(flat["rebate"].sum()) if len(flat) else 0.0,
        "rebate_total_reinvested": float(grown["rebate"].sum()) if len(grown) else 0.0,
        "reinvested": grown.to_dict(orient="records") if balance is not None and balance > 0 else [],
    }
