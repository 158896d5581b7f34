"""Headless commands (`python main.py report FILE...`); no Qt import anywhere below this."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from fxcost import __version__
from fxcost.errors import FxCostError
from fxcost.model import FORMATS
from fxcost.pipeline import import_files
from fxcost.portfolio import Portfolio
from fxcost.report import json_summary

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fxcost report",
        description="Import MetaTrader 4/5 history exports, reconcile them with their printed totals "
        "and summarise costs. Nothing leaves this machine.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="MT4/MT5 HTML or XLSX report, or a CSV trade list")
    parser.add_argument("--json", metavar="OUT.json", help="write the JSON summary to this file")
    parser.add_argument("-o", "--output", metavar="REPORT.xlsx", help="write the Excel report to this file")
    parser.add_argument("--csv", metavar="TRADES.csv", help="write every closed trade with its costs to this CSV")
    parser.add_argument(
        "--csv-map",
        action="append",
        default=[],
        metavar="COLUMN=HEADER",
        help="for CSV files: which header holds a column, e.g. --csv-map open_time='Time'",
    )
    parser.add_argument("--currency", type=_currency, metavar="CCY",
                        help="account currency of files that do not print one (CSV trade lists), e.g. EUR; "
                        "default USD")
    parser.add_argument("--spread-profile", metavar="NAME|FILE", default="auto",
                        help="spread profile: 'auto' (per account: raw when the export shows commission charged on "
                        "most trades or raw-account symbol suffixes, else standard), 'standard', 'raw' or a JSON "
                        "file (default: auto)")
    parser.add_argument("--program", action="append", default=[], metavar="FILE",
                        help="rebate program JSON (repeatable: the first is the main program, the rest are compared); "
                        "a bundled example by name also works")
    parser.add_argument("--setup", action="append", default=[], metavar="FILE",
                        help="what-if setup JSON (spread profile + commission + program) to compare (repeatable)")
    parser.add_argument("--server-utc-offset", type=_utc_offset, default=0.0, metavar="H",
                        help="broker server time minus UTC in hours, -14 to 14, for matching market data (default 0)")
    parser.add_argument("--leverage", type=_leverage, metavar="N",
                        help="account leverage 1:N (N >= 1) when the report prints none")
    parser.add_argument("--market-data", action="append", default=[], metavar="FILE",
                        help="MT5 bar export or tick CSV to measure spreads from (repeatable)")
    parser.add_argument("--commission", type=_commission, metavar="RATE",
                        help="commission per lot in the account currency, applied where the export has none")
    parser.add_argument("--commission-per", choices=("round_turn", "per_side"), default="round_turn",
                        help="whether --commission is per round turn (default) or per side")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--version", action="version", version=f"fxcost {__version__}")
    return parser


def _number(text: str, what: str, kind=float) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
    return value


def _leverage(text: str) -> int:
    value = _number(text, "a whole number such as 100 (for 1:100)", int)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: leverage 1:N needs N >= 1, e.g. 100 for 1:100")
    return value


def _utc_offset(text: str) -> float:
    value = _number(text, "a number of hours such as 2 or -5")
    if not -14 <= value <= 14:
        raise argparse.ArgumentTypeError(f"{text!r}: a server UTC offset is between -14 and 14 hours (e.g. 2 or 3 "
                                         "for most MetaTrader servers)")
    return value


def _commission(text: str) -> float:
    value = _number(text, "a number such as 7 (per lot)")
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give the commission as a positive amount per lot (7 for $7); "
                                         "it is charged, i.e. booked as negative")
    return value


def _currency(text: str) -> str:
    """An ISO 4217 code as typed (eur, USD): three letters, upper-cased."""
    code = text.strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise argparse.ArgumentTypeError(f"{text!r} is not a currency code; give three letters such as EUR or USD")
    return code


def _parse_mapping(items: list[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    mapping = {}
    for item in items:
        if "=" not in item:
            parser.error(f"--csv-map {item!r}: expected COLUMN=HEADER, e.g. open_time='Open Time'")
        key, value = item.split("=", 1)
        mapping[key.strip()] = value.strip()
    return mapping


def report(argv: list[str]) -> int:
    """The `report` command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    mapping = _parse_mapping(args.csv_map, parser)
    if args.json:
        out_dir = os.path.dirname(os.path.abspath(args.json))
        if not os.path.isdir(out_dir):
            print(f"fxcost: cannot write {args.json}: the folder {out_dir} does not exist.", file=sys.stderr)
            return 2
    from fxcost.report.output import output_problem

    for out in (args.output, args.csv):
        problem = out and output_problem(out)
        if problem:
            print(f"fxcost: {problem}", file=sys.stderr)
            return 2
    try:
        settings = build_settings(args)
    except FxCostError as exc:
        print(f"fxcost: {exc}", file=sys.stderr)
        return 2
    try:
        portfolio = import_files(args.files, csv_mapping=mapping, currency=args.currency)
    except FxCostError as exc:
        print(f"fxcost: {exc}", file=sys.stderr)
        return 2
    for path, message in portfolio.failures:
        print(f"fxcost: {path}: {message}", file=sys.stderr)
    if not portfolio.files:
        if len(args.files) > 1:
            print(f"fxcost: none of the {len(args.files)} files could be imported.", file=sys.stderr)
        return 1
    from fxcost.analysis.engine import analyse

    result = analyse(portfolio, settings)
    doc = json_summary.summary(portfolio)
    doc.update(json_summary.analysis_summary(result))
    doc["warnings"] += result.warnings
    if args.json:
        try:
            json_summary.write_json(doc, args.json)
        except OSError as exc:
            print(f"fxcost: cannot write {args.json}: {exc.strerror or exc}.", file=sys.stderr)
            return 2
    if args.output or args.csv:
        from fxcost.report import csv_export, excel

        try:
            if args.output:
                excel.write_workbook(result, args.output, summary=doc)
            if args.csv:
                csv_export.write_trades_csv(result, args.csv)
        except FxCostError as exc:
            print(f"fxcost: {exc}", file=sys.stderr)
            return 2
    if not args.quiet:
        print(render_text(portfolio, doc))
    return 0


def build_settings(args: argparse.Namespace):
    """Analysis settings from the command line; bad files raise FxCostError with their message."""
    from fxcost.analysis import programs
    from fxcost.analysis.costs import CommissionSchedule
    from fxcost.analysis.engine import AnalysisSettings
    from fxcost.analysis.spreads import load_profile

    settings = AnalysisSettings(profile=load_profile(args.spread_profile))
    settings.programs = [programs.load_named(p) for p in args.program]
    if args.setup:
        from fxcost.analysis.whatif import load_setup

        settings.setups = [load_setup(p) for p in args.setup]
    settings.server_utc_offset = args.server_utc_offset
    settings.leverage = args.leverage
    if args.commission:
        settings.commission = CommissionSchedule(name=f"{args.commission:g} per lot {args.commission_per}",
                                                 rate=args.commission, per=args.commission_per, currency="")
    if args.market_data:
        from fxcost.analysis.market_data import read_market_data

        settings.market_data = [read_market_data(p) for p in args.market_data]
    return settings


def render_text(portfolio: Portfolio, doc: dict) -> str:
    """A short human-readable summary of an import."""
    lines = []
    for f in portfolio.files:
        st = f.statement
        acct = st.account
        who = " ".join(x for x in (acct.login, acct.name and f"({acct.name})", acct.broker and f"at {acct.broker}") if x)
        lines.append(f"{os.path.basename(st.path)}: {FORMATS.get(st.format, st.format)}")
        lines.append(f"  account {who or '(not printed)'}, currency {acct.currency or '?'}")
        lines.append(
            f"  {len(st.trades)} closed trades, {len(st.open_positions)} open positions, "
            f"{len(st.orders)} pending orders, {len(st.cash)} cash events"
        )
        if f.reconciliation.ok and f.reconciliation.compared:
            checked = ", ".join(f.reconciliation.compared)
            lines.append(f"  reconciled with the report's printed totals ({checked})")
        elif f.reconciliation.ok:
            lines.append("  not reconciled: the file prints no totals to compare with (a CSV, or a report cut short)")
        for diff in f.reconciliation.differences.values():
            lines.append(f"  DIFFERENCE {diff}")
        for w in st.warnings:
            lines.append(f"  warning: {w}")
        for s in st.skipped[:10]:
            lines.append(f"  skipped {s}")
        if len(st.skipped) > 10:
            lines.append(f"  ... and {len(st.skipped) - 10} more skipped rows (see --json)")
    t = doc["totals"]
    ccy = t.get("currency") or "?"
    rates = t.get("usd_rates") or {}
    if rates:  # accounts in different currencies: the merged figures are converted
        ccy += " converted at " + ", ".join(f"1 {k} = {v:.6g} {t['currency']}" for k, v in sorted(rates.items()))
    lines.append(
        f"Total ({ccy}): {doc['counts']['closed_trades']} trades, {t['lots']:g} lots, profit {t['profit']:.2f}, "
        f"commission {t['commission']:.2f}, taxes {t['taxes']:.2f}, swap {t['swap']:.2f}, "
        f"broker net {t['broker_net']:.2f}"
    )
    lines += json_summary.render_costs(doc)
    for w in portfolio.warnings:
        lines.append(f"warning: {w}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Dispatch a headless command."""
    if not argv or argv[0] != "report":
        print("usage: python main.py report FILE... [--json OUT.json]", file=sys.stderr)
        return 2
    return report(argv[1:])
