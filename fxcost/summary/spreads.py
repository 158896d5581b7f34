"""The spread behind every account's symbols (issue 12) as the summary holds it, and the one text that tells it.

:func:`table` is the per-account, per-symbol table (the engine's AnalysisResult.spreads, docs/SPREADS.md: spread
used in pips, source kind, label, pairs, median, quartiles, profile value, ratio, catalogue value and citation);
:func:`choices` the profile and broker catalogue entry each account was costed with and why. Both are computed
once per result by fxcost.summary.build and written to the JSON (``assumptions.spread_table``,
``assumptions.spread_profiles``); :func:`describe` turns those JSON records into the sentences the command line
and the Overview print, so the two cannot disagree.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from fxcost.analysis import observed_spreads
from fxcost.analysis.codes import factorize as codes_of

#: The table's columns: the engine's own (observed_spreads.TABLE_COLUMNS + CATALOGUE_COLUMNS), in its order.
COLUMNS = tuple(observed_spreads.TABLE_COLUMNS) + tuple(observed_spreads.CATALOGUE_COLUMNS)

#: How each kind of spread source reads in a sentence (docs/SPREADS.md's table), most trusted first.
KIND_WORDS = {
    "tester": "the Strategy Tester's fixed spread",
    "measured": "measured from market data",
    "observed": "observed in the account's own same-second fills",
    "calibrated": "calibrated to those fills",
    "catalogue": "the broker catalogue",
    "profile": "the generic profile",
}
# No sentence for ``default`` (no spread at all): the engine's loud warning names those symbols and what to do.


def _from_trades(label: str, t: pd.DataFrame) -> pd.DataFrame:
    """One row per symbol of an account the engine made no table for (observed spreads switched off): the
    trades, their median spread and the label most of them carry; the evidence columns stay empty.
    Grouped on integer codes (each text column hashed once): a million trades take a fraction of a second."""
    roots, root_names = codes_of(t["symbol_root"])
    labels, label_names = codes_of(t["spread_source"])
    ok = roots >= 0
    roots, labels = roots[ok], np.where(labels[ok] >= 0, labels[ok], len(label_names))
    if not len(roots):
        return pd.DataFrame(columns=list(COLUMNS))
    present, first = np.unique(roots, return_index=True)
    n_labels = len(label_names) + 1
    pair_counts = np.bincount(roots * n_labels + labels, minlength=len(root_names) * n_labels)
    top = pair_counts.reshape(len(root_names), n_labels).argmax(axis=1)[present]
    names = np.array([str(x) for x in label_names] + [""], dtype=object)
    pips = t["spread_pips"].to_numpy(dtype="float64")[ok]
    median = pd.Series(pips).groupby(roots).median().reindex(present).to_numpy()
    cats = t["category"].to_numpy(dtype=object)[ok]
    out = pd.DataFrame({c: [np.nan] * len(present) for c in COLUMNS})
    out["account"] = label
    out["symbol"] = [str(root_names[i]) for i in present]
    out["category"] = [str(c) for c in cats[first]]
    out["spread_pips"] = median
    out["label"] = names[top]
    out["source"] = [observed_spreads.kind_of(x) for x in out["label"]]
    out["trades"] = np.bincount(roots, minlength=len(root_names))[present].astype("int64")
    out["pairs"], out["negative"] = 0, 0
    out["note"], out["catalogue_source"] = "observed spreads switched off", ""
    return out


def table(result) -> pd.DataFrame:
    """Per account and symbol: the spread used and its evidence (:data:`COLUMNS`), the engine's table where it
    made one, else one drawn from the account's trades."""
    frames = []
    columns = list(COLUMNS)
    for a in result.accounts:
        if len(a.spreads):  # the engine's table has these columns already: reindexed only when it has not
            frames.append(a.spreads if list(a.spreads.columns) == columns else a.spreads.reindex(columns=columns))
        elif len(a.trades):
            frames.append(_from_trades(a.book.label, a.trades))
    if not frames:
        return pd.DataFrame(columns=list(COLUMNS))
    return pd.concat(frames, ignore_index=True)[columns]


def choices(result) -> list[dict[str, Any]]:
    """Per account: the profile its trades were costed with, the broker catalogue entry Auto picked ("" when
    none) and why, and the server clock the time-of-day shape read its trades with and why ("" when off)
    (AccountAnalysis.profile, catalogue, profile_reason, time_of_day_clock)."""
    name = result.settings.profile.name
    return [{"account": a.book.label, "profile": getattr(a.profile, "name", name), "catalogue": a.catalogue,
             "reason": a.profile_reason, "time_of_day_clock": a.time_of_day_clock} for a in result.accounts]


def kinds_text(kinds: dict[str, int]) -> str:
    """Trades per kind of spread source (``assumptions.spread_kind``) as one clause, most trusted kind first:
    "observed in the account's own same-second fills for 574 trade(s), calibrated to those fills for 84"."""
    parts = [f"{words} for {int(kinds[kind]):,} trade(s)" for kind, words in KIND_WORDS.items() if kinds.get(kind)]
    if kinds.get("default"):
        parts.append(f"no spread at all for {int(kinds['default']):,} trade(s)")
    return ", ".join(parts)


def profile_names(labels) -> list[str]:
    """The generic profiles named by ``profile: NAME (...)`` spread labels, in order: the table a catalogue entry
    left a symbol to is the generic one, not the catalogue profile the account was costed with."""
    names = []
    for label in labels:
        text = str(label)
        if text.startswith("profile: "):
            names.append(re.split(r" \(|, above ", text[len("profile: "):], maxsplit=1)[0])
    return list(dict.fromkeys(names))


def _pips(value) -> str:
    """Pips to the hundredth; a spread under half a hundredth (a coin's 2 points of 0.001 where a pip is 1.0) to
    two significant digits rather than "0"."""
    if value is None:
        return "?"
    if 0 < abs(value) < 0.005:
        return f"{value:.2g}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _symbol(row: dict) -> str:
    """One symbol in a sentence, with its evidence: pair count (observed), ratio (calibrated) or value."""
    kind, pips = row.get("source"), _pips(row.get("spread_pips"))
    if kind == "observed":
        return f"{row['symbol']} {pips} pips ({row.get('pairs') or 0} pairs)"
    if kind == "calibrated" and row.get("ratio") is not None:
        return f"{row['symbol']} {pips} pips (× {row['ratio']:.2f})"
    return f"{row['symbol']} {pips} pips"


def describe(records: list[dict], profiles: list[dict] | None = None, who: str | None = None) -> list[str]:
    """Sentences saying, per account, which symbols use observed (with their pair counts), calibrated (with the
    ratio), catalogue, profile or other spreads, and the catalogue entry Auto picked with its reason. ``records``:
    ``assumptions.spread_table``; ``profiles``: ``assumptions.spread_profiles``; ``who``: how the sentences name
    their account (a group of accounts told at once, its records those of one account), instead of "account X: "."""
    lines = []
    accounts = list(dict.fromkeys(str(r.get("account")) for r in records))
    choice = {str(c.get("account")): c for c in profiles or []}
    for account in accounts:
        rows = [r for r in records if str(r.get("account")) == account]
        named = (f"account {account}: " if account else "") if who is None else who
        c = choice.get(account) or {}
        parts = []
        for kind, words in KIND_WORDS.items():
            symbols = [_symbol(r) for r in rows if r.get("source") == kind]
            if not symbols:
                continue
            names = profile_names(r.get("label") for r in rows if r.get("source") == kind)
            if kind == "profile" and names:
                words = "the profile " + " / ".join(f"\"{name}\"" for name in names)
            if kind == "catalogue" and c.get("catalogue"):
                words = f"the broker catalogue ({c['catalogue']})"
            parts.append(f"{words} for {', '.join(symbols)}")
        if parts:
            lines.append(f"Spreads, {named}{'; '.join(parts)}.")
        # The catalogue entry and the clock are said where some spread is the catalogue's or a profile's: of a
        # backtest whose spreads are all the tester's, "Broker catalogue: Pepperstone Razor." told nothing true.
        shaped = account in profile_used(rows)
        if c.get("catalogue") and shaped:
            lines.append(f"Broker catalogue, {named}{c['catalogue']}" + (f" ({c['reason']})." if c.get("reason")
                                                                       else ".") + _not_in(rows))
        if c.get("time_of_day_clock") and shaped:
            lines.append(f"Time of day, {named}those spreads widen in thin hours and at the daily rollover, read on "
                         f"the server clock {c['time_of_day_clock']}.")
    return lines


#: The kinds of spread the time-of-day shape widens (docs/SPREADS.md): the others are measured as they were.
SHAPED_KINDS = ("catalogue", "calibrated", "profile")


def profile_used(records: list[dict]) -> set[str]:
    """The accounts (``assumptions.spread_table``'s labels) some of whose spreads are a profile's or the catalogue's:
    of the others (a backtest's spreads are all the tester's), no surface names the profile, the catalogue entry or
    the time-of-day clock as if they had priced a trade."""
    return {str(r.get("account")) for r in records if r.get("source") in SHAPED_KINDS}


def _not_in(rows: list[dict]) -> str:
    """What the catalogue entry left to the generic profile, said where the entry is named (a real Exness statement's
    text named "Exness Standard", which publishes no spread, beside the generic 1.3 pips it was costed with)."""
    left = [str(r["symbol"]) for r in rows if "(not in the catalogue entry" in str(r.get("label") or "")]
    if not left:
        return ""
    if len(left) == len(rows):
        return f" It publishes no spread for the symbols traded here ({', '.join(left)}): the generic profile gives them."
    return f" It publishes no spread for {', '.join(left)}: the generic profile gives {'it' if len(left) == 1 else 'them'}."

