"""The JSON summary as ``report --json`` writes it, and the command line's text lines drawn from it.

The figures are the typed summary's (fxcost.summary: built once per result); this module only writes them
out: :func:`dumps` / :func:`write_json` the document, :func:`render_costs`, :func:`render_rebate` and
:func:`render_ib` its text lines, so the text and the JSON cannot disagree. JSON numbers keep their precision
(money totals to the cent, per-trade and per-group figures to 6 decimals); the text rounds money to the cent
with :func:`money_text`.
"""

from __future__ import annotations

import json

from fxcost import atomic
from fxcost.money import lots_text, money_text
from fxcost.summary import spreads as spread_summary
from fxcost.summary.document import (  # noqa: F401  (the document's builders, public here as before)
    analysis_summary,
    cost_totals,
    counts,
    file_warnings,
    merged_cash,
    merged_statement_totals,
    merged_totals,
    summary,
    totals,
)
from fxcost.summary.ib_book import activity_worth_telling, concentration_text

#: Encodes what :func:`dumps` writes on one line, with the json module's C encoder (its indented encoder is pure
#: Python: an IB's 500-client document took 0.58 s to indent against 0.11 s on one line, issue 14).
_ONE_LINE = json.JSONEncoder(ensure_ascii=False, default=str, separators=(", ", ": "))


#: A block of at most this many plain values reads well on one line (e.g. {"imported": 1.5, "printed": 1.5}).
_SHORT = 4


def dumps(doc: dict) -> str:
    """The document as the JSON text ``--json`` writes (UTF-8, indented): each block's entries on lines of their
    own, indented by 2 per level; each record of a list (a row of a table: a dict or list of plain values) and each
    block of at most :data:`_SHORT` plain values on one line, so a table reads a row a line. The values are exactly ``json.dumps(doc, default=str)``'s."""
    out: list[str] = []
    _write(doc, "", out, in_list=False)
    return "".join(out)


def _write(value, indent: str, out: list[str], in_list: bool) -> None:
    """Append ``value`` as JSON at ``indent`` (see :func:`dumps`)."""
    if isinstance(value, dict):
        if not value or ((in_list or len(value) <= _SHORT) and _plain(value.values())):
            out.append(_ONE_LINE.encode(value))
            return
        inner = indent + "  "
        out.append("{")
        sep = "\n"
        for key, item in value.items():
            out.append(f"{sep}{inner}{_ONE_LINE.encode(_key(key))}: ")
            _write(item, inner, out, in_list=False)
            sep = ",\n"
        out.append(f"\n{indent}}}")
    elif isinstance(value, (list, tuple)):
        if not value or _plain(value):
            out.append(_ONE_LINE.encode(value))
            return
        inner = indent + "  "
        out.append("[")
        sep = "\n"
        for item in value:
            out.append(sep + inner)
            _write(item, inner, out, in_list=True)
            sep = ",\n"
        out.append(f"\n{indent}]")
    else:
        out.append(_ONE_LINE.encode(value))


def _plain(values) -> bool:
    """No dict or list among ``values``."""
    return not any(isinstance(v, (dict, list, tuple)) for v in values)


def _key(key) -> str:
    """A dict key as JSON writes it: a string, or an int, float, bool or None in its JSON spelling."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def write_json(doc: dict, path: str) -> None:
    """Write atomically: a crash mid-write never leaves a half-written file behind."""
    atomic.write_text(path, dumps(doc) + "\n")


def _pct(value) -> str:
    return "n/a" if value is None else f"{value * 100:.2f}%"


def _fig(value, fmt: str = ".2f") -> str:
    return "n/a" if value is None else format(value, fmt)


def render_alerts(doc: dict) -> list[str]:
    """The files that do not reconcile, had rows skipped or derived an opening balance (the summary's ``alerts``,
    issue 11), as the first lines of the command line's text: what differs and what to check."""
    lines = []
    for a in doc.get("alerts") or []:
        mark = "ATTENTION" if a["severity"] == "error" else "NOTE"
        lines.append(f"{mark}: {a['headline']}")
        lines += [f"  {d}" for d in a["details"]]
    return lines


def money_in(currency: str | None):
    """The text's money formatter for ``currency``: its decimals (none in JPY, issue 15) unless a call gives
    ``decimals`` (per-lot figures keep two, USD per million one)."""

    def m(value, decimals: int | None = None) -> str:
        return money_text(value, decimals) if decimals is not None else money_text(value, currency=currency or "")

    return m


def _swap_text(c: dict, currency: str | None = None) -> str:
    """Swap as the text says it: with the financing rows a broker books as balance rows (issue 11) when any."""
    m = money_in(currency)
    if not c.get("financing"):
        return f"swap {m(c['swap'])} (carry)"
    return (f"swap incl. financing {m(c['swap_incl_financing'])} (carry: the trades' swap "
            f"{m(c['swap'])} + financing rows {m(c['financing'])})")


def render_costs(doc: dict) -> list[str]:
    """The engine's key figures as text lines for the command line (nothing when the doc has no engine blocks)."""
    c, b, a = doc.get("costs"), doc.get("breakeven"), doc.get("assumptions")
    if not c or not b or not a:
        return []
    ccy = doc.get("currency", "")
    m = money_in(ccy)
    program = a.get("program") or "no rebate program"
    ib = doc.get("ib")
    if ib and ib.get("by_client"):
        total = ib["by_client"][-1]
        program += (f": the {_fig(total.get('share_pct'), '.0f')}% client share of the IB's earnings "
                    f"{m(total.get('ib_earnings'))}")
    lines = [
        f"Costs ({ccy}): spread {m(c['spread_cost'])} ({_spread_text(doc)}, already inside "
        f"Profit), commission {m(c['commission'])}, taxes {m(c['taxes'])}, {_swap_text(c, ccy)}, "
        f"rebate {m(c['rebate'])} ({program})",
        f"  broker net {m(c['broker_net'])}, net after rebate {m(c['net_after_rebate'])}; cost per round-turn lot "
        f"{m(c['cost_per_lot'], 2)} -> {m(c['cost_per_lot_after'], 2)} {ccy} ({_fig(c['cost_pips_per_lot_before'])} -> "
        f"{_fig(c['cost_pips_per_lot_after'])} pips), {m(c['usd_per_million_before'], 1)} -> "
        f"{m(c['usd_per_million'], 1)} USD per million",
        f"  break-even win rate {_pct(b.get('win_rate_before'))} -> {_pct(b.get('win_rate_after'))} "
        f"(actual {_pct(b.get('actual_win_rate'))} of the trades with a non-zero Profit: a report's Profit Trades "
        "may count them otherwise)",
    ]
    for choice in a.get("spread_profiles", []):
        if choice.get("reason") and not choice.get("catalogue"):  # a catalogue pick says it below, with its reason
            lines.append(f"  spread profile auto, account {choice['account']}: {choice['reason']}")
    lines += [f"  {line}" for line in spread_summary.describe(a.get("spread_table") or [], a.get("spread_profiles"))]
    for w in doc.get("whatif", [])[1:]:
        lines.append(f"  what-if {w['name']}: net after rebate {m(w['net_after_rebate'])} "
                     f"(rebate {m(w['rebate'])})")
    return lines


#: How a payout-match status reads in the text summary (rebates.match_payouts); others print as they are.
MATCH_WORDS = {"missing": "missing", "unexpected": "unexpected (rebate rows that match no expected payout)",
               "pending": "pending (due after the statement ends)"}


def render_rebate(doc: dict) -> list[str]:
    """The main program's eligibility and payouts as text lines; without a program, the statement's own
    rebate-like rows when it has any (so "rebate 0.00" is not read as "no rebate received")."""
    r = doc.get("rebate")
    if r is None:
        return []
    ccy = doc.get("currency", "")
    m = money_in(ccy)
    if not r.get("program"):
        received = (doc.get("totals") or {}).get("rebate_like")
        if not received:
            return []
        return [f"Rebate rows in the statement: {m(received)} {ccy} (choose the program with --program to check "
                "them against its payout schedule)"]
    eligible, excluded = r["eligible_trades"], r["excluded_trades"]
    line = f"Rebate eligibility ({r['program']}): {eligible} of {eligible + excluded} trades eligible"
    if excluded:
        why = "; ".join(f"{reason}: {n} trades, {m(r['forfeited_by_reason'].get(reason))} forfeited"
                        for reason, n in r["by_reason"].items())
        line += f", {excluded} excluded ({why}); {m(r['forfeited'])} {ccy} of rebate forfeited in all"
    lines = [line]
    accounts = list(dict.fromkeys((p["account"], p.get("currency", ccy)) for p in r["payouts"]))
    for account, currency in accounts:
        rows = [p for p in r["payouts"] if p["account"] == account]
        matches = [x for x in r["payout_matches"] if x["account"] == account]
        lines.append(_payout_line(rows, matches, currency, account if len(accounts) > 1 else ""))
    if not accounts:
        lines.append("  expected payouts: none")
    return lines


def render_ib(doc: dict) -> list[str]:
    """The IB block as text lines: per client trades, lots, IB earnings, passed back and what the IB keeps, then
    the total, in the merged currency (USD when the accounts' currencies differ); nothing without an IB program.
    The cents are the ``ib`` block's own, which add up to the total (ib.ib_rollup)."""
    ib = doc.get("ib")
    if not ib or not ib.get("by_client"):
        return []
    ccy = doc.get("currency", "")
    m = money_in(ccy)
    rows = ib["by_client"]
    converted = " (each account converted to USD)" if (doc.get("totals") or {}).get("usd_rates") else ""
    lines = [f"IB ({ib.get('program') or 'IB program'}), {ccy}{converted}: per client trades, lots, IB earnings, "
             "passed back (share), IB keeps"]
    width = max(len(str(r["account"])) for r in rows)
    for r in rows:
        share = "" if r.get("share_pct") is None else f" ({_fig(r['share_pct'], '.0f')}%)"
        lines.append(f"  {str(r['account']):<{width}}  {r['trades']} trade{'' if r['trades'] == 1 else 's'}, {lots_text(r['lots'])}, earnings "
                     f"{m(r['ib_earnings'])}, passed back {m(r['passed_back'])}{share}, keeps {m(r['ib_keeps'])}")
    return lines


def _payout_line(payouts: list[dict], matches: list[dict], currency: str, account: str) -> str:
    """One account's expected payouts (in its own currency) and how they matched the statement's rebate rows."""
    m = money_in(currency)
    paid = [p for p in payouts if p.get("paid")]
    dates = sorted(str(p["pay_date"])[:10] for p in paid if p.get("pay_date"))
    when = f" from {dates[0]} to {dates[-1]}" if len(dates) > 1 else (f" on {dates[0]}" if dates else "")
    who = f", account {account}" if account else ""
    total = f"{len(paid)}{when}, {m(sum(p['paid'] for p in paid))} in all" if paid else "none"
    text = f"  expected payouts ({currency}{who}): {total}"
    carried = payouts[-1].get("carried_forward") if payouts else None
    if carried:
        text += f", {m(carried)} still carried forward (below the minimum payout)"
    tally: dict[str, int] = {}
    for x in matches:
        tally[x["status"]] = tally.get(x["status"], 0) + 1
    if tally:
        text += "; in the statement: " + ", ".join(f"{n} {MATCH_WORDS.get(s, s)}" for s, n in tally.items())
    matched = [x for x in matches if x["status"] == "matched"]
    if matched:
        # amount_check (rebates.match_payouts): a payout found but off by more than the tolerance.
        off = [f"{sum(x.get('amount_check') == c for x in matched)} {c}" for c in ("underpaid", "overpaid")
               if any(x.get("amount_check") == c for x in matched)]
        text += (f" (matched: {m(sum(x['actual'] or 0 for x in matched))} received for "
                 f"{m(sum(x['expected'] or 0 for x in matched))} expected{'; ' + ', '.join(off) if off else ''})")
    return text


def _spread_text(doc: dict) -> str:
    """Where the spread figure comes from: measured, the tester's fixed spread, and/or the profile(s)."""
    a, c = doc["assumptions"], doc["costs"]
    sources = a.get("spread_source", {})
    n = sum(sources.values())
    measured = int(c.get("spread_measured_trades") or 0)
    tester = sum(v for k, v in sources.items() if k.startswith("tester:"))
    # The generic profile the labels name (a catalogue entry leaves the symbols it does not publish to it).
    names = (spread_summary.profile_names(sources)
             or list(dict.fromkeys(ch["profile"] for ch in a.get("spread_profiles", []))) or [a["spread_profile"]])
    profile = " / ".join(f"\"{name}\"" for name in names)
    # Issue 12: spreads seen in the account's own fills, calibrated to them, or the broker catalogue's.
    kinds = a.get("spread_kind") or {}
    observed, calibrated, catalogue = (int(kinds.get(k, 0)) for k in ("observed", "calibrated", "catalogue"))
    rest = n - measured - tester - observed - calibrated - catalogue
    if not measured and not tester and not observed and not calibrated and not catalogue:
        return f"estimated with {profile}"
    parts = []
    if measured:
        parts.append(f"measured from market data for {measured} of {n} trades")
    if tester:
        points = sorted({k.split("fixed ", 1)[-1] for k in sources if k.startswith("tester:")})
        parts.append(f"the Strategy Tester's fixed spread ({', '.join(points)}) for {tester} of {n} trades")
    if observed:
        parts.append(f"observed in the account's own same-second fills for {observed} of {n} trades")
    if calibrated:
        parts.append(f"calibrated to those fills for {calibrated} of {n} trades")
    if catalogue:
        entries = list(dict.fromkeys(ch["catalogue"] for ch in a.get("spread_profiles", []) if ch.get("catalogue")))
        named = f" ({', '.join(entries)})" if entries else ""
        parts.append(f"from the broker catalogue{named} for {catalogue} of {n} trades")
    if rest:
        parts.append(f"estimated with {profile} for {rest} of {n} trades")
    return ", ".join(parts)


def render_ib_side(doc: dict) -> list[str]:
    """The IB's side of the book (issue 14) as text lines: a two-level deal's levels, each compared deal in the
    IB's columns, the pass-back sweep, the projection and client activity; from the document's blocks."""
    return [*_levels_lines(doc), *_compare_lines(doc), *_sweep_lines(doc), *_projection_lines(doc),
            *_activity_lines(doc)]


def _levels_lines(doc: dict) -> list[str]:
    levels = ((doc.get("ib") or {}).get("levels") or {}).get("by_level") or []
    if not levels:
        return []
    m = money_text
    lines = [f"IB levels ({doc.get('currency', '')}): per sub-IB clients, IB keeps, master IB keeps, sub-IB keeps"]
    for r in levels:
        lines.append(f"  {r['sub_ib']}: {r['clients']} client{'' if r['clients'] == 1 else 's'}, earnings "
                     f"{m(r['ib_earnings'])}, passed back {m(r['passed_back'])}, IB keeps {m(r['ib_keeps'])} "
                     f"(master {m(r['master_keeps'])}, sub-IB {m(r['sub_ib_keeps'])})")
    return lines


def _compare_lines(doc: dict) -> list[str]:
    rows = (doc.get("ib_compare") or {}).get("programs") or []
    if not rows or not any(r.get("is_ib") for r in rows):
        return []
    m, ccy = money_text, doc.get("currency", "")
    lines = [f"Deals for the IB ({ccy}): IB earnings, passed back, IB keeps (per lot)"]
    for r in rows:
        cashback = "" if r.get("is_ib") else " (cashback: all to the trader)"
        lines.append(f"  {r['setup']}{cashback}: {r['clients']} clients, {lots_text(r['lots'])}, earnings "
                     f"{m(r['ib_earnings'])} ({m(r['ib_earnings_per_lot'])}/lot), passed back {m(r['passed_back'])} "
                     f"({m(r['passed_back_per_lot'])}/lot), IB keeps {m(r['ib_keeps'])} ({m(r['ib_keeps_per_lot'])}/lot)")
    return lines


def _sweep_lines(doc: dict) -> list[str]:
    rows = doc.get("passback_sweep") or []
    program = (doc.get("ib_projection") or {}).get("program") or ""
    if not rows:
        return []
    m = money_text
    lines = [f"Pass-back sweep ({program}): share passed back to every client -> passed back, IB keeps, clients' "
             "rebate per lot"]
    for r in rows:
        mark = "  <- the program's own shares" if r.get("is_program") else ""
        lines.append(f"  {_fig(r['pass_back_pct'], '5.1f')}%  passed back {m(r['passed_back'])}, IB keeps "
                     f"{m(r['ib_keeps'])}, clients {m(r['clients_rebate_per_lot'])}/lot{mark}")
    return lines


def _projection_lines(doc: dict) -> list[str]:
    p = doc.get("ib_projection")
    if not p or not p.get("months"):
        return []
    m = money_text
    used = p["months_used"]
    span = used[0] if len(used) == 1 else f"{used[0]} to {used[-1]}"
    left = f"; {p['clients_left_out']} client(s) with no trade since left out" if p.get("clients_left_out") else ""
    lines = [f"IB projection ({p['program']}), from {span} ({p['months']} month{'' if p['months'] == 1 else 's'}) "
             f"and the {p['clients']} client(s) active in its last month{left}: IB earnings "
             f"{m(p['ib_earnings_per_month'])} a month ({m(p['ib_earnings_per_year'])} a year), IB keeps "
             f"{m(p['ib_keeps_per_month'])} a month ({m(p['ib_keeps_per_year'])} a year)"]
    if p.get("note"):
        lines.append(f"  {p['note']}")
    return lines


def _activity_lines(doc: dict) -> list[str]:
    a = doc.get("activity")
    if not a or not a.get("clients"):
        return []
    clients = a["clients"]
    c = a.get("concentration") or {}
    if not activity_worth_telling(len(clients), c):
        return []
    count = {k: sum(1 for r in clients if r.get(k)) for k in ("active_this_month", "dormant", "new_this_period")}
    lines = [f"Client activity: {len(clients)} clients, {count['active_this_month']} active this month, "
             f"{count['dormant']} dormant (no trade for {a.get('dormant_days')} days), {count['new_this_period']} new "
             f"this period; {concentration_text(c)}"]
    for r in clients[:5]:
        lines.append(f"  {r['client']}: {_fig(r['earnings_share_pct'], '.1f')}% of earnings, last trade "
                     f"{str(r['last_trade'])[:10]}, volume trend {r['trend']}")
    dormant = [r["client"] for r in clients if r.get("dormant")]
    if dormant:
        more = f" and {len(dormant) - 10} more" if len(dormant) > 10 else ""
        lines.append(f"  dormant: {', '.join(dormant[:10])}{more}")
    return lines
