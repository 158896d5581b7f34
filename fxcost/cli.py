"""Headless commands (`python main.py report FILE...`); no Qt import anywhere below this."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from fxcost import __version__
from fxcost.errors import ExportError, FxCostError, did_you_mean
from fxcost.importers.tester import backtest_facts, backtest_text
from fxcost.model import FORMATS
from fxcost.pipeline import apply_currency, run  # noqa: F401  (apply_currency: public here as before)
from fxcost.portfolio import Portfolio
from fxcost.report import json_summary
from fxcost.summary.build import scope_notes
from fxcost.summary.document import order_counts
from fxcost.summary.imported import UNPRINTED_CURRENCY
from fxcost.summary.series import Charts

log = logging.getLogger(__name__)

#: What ``-o`` writes, by the file name's extension (the writers the report package has).
OUTPUT_KINDS = {".xlsx": "xlsx", ".csv": "csv", ".json": "json", ".pdf": "pdf"}
#: ``--json -``: the JSON summary on standard output (instead of the text summary).
STDOUT = "-"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fxcost report",
        description="Import MetaTrader 4/5 history exports, reconcile them with their printed totals "
        "and summarise costs. Nothing leaves this machine.",
        # Issue 13: a file named like an option ("-trades.csv") was refused with no hint.
        epilog="A file whose name starts with '-' goes after '--', which ends the options: "
        "fxcost report --json out.json -- -trades.csv",
    )
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="MT4/MT5 HTML or XLSX report, or a CSV trade list (with --session: added to its files)")
    add_analysis_options(parser)
    parser.add_argument("--json", metavar="OUT.json",
                        help="write the JSON summary to this file; '-' writes it to standard output instead of "
                        "the text summary")
    parser.add_argument("-o", "--output", metavar="REPORT.xlsx",
                        help="write the report in the format the file name's extension names: .xlsx the Excel "
                        "workbook, .csv every trade (as --csv), .json the JSON summary (as --json), .pdf a "
                        "printable summary of at most 4 pages")
    parser.add_argument("--paper", choices=("a4", "letter"), default=None,
                        help="paper of the .pdf summary (default: Letter in the US and Canada, else A4, by locale)")
    parser.add_argument("--csv", metavar="TRADES.csv", help="write every closed trade with its costs to this CSV")
    parser.add_argument("--save-session", metavar="SESSION.json",
                        help="write the session (files, choices and settings of this run) to open it in the app")
    add_ib_options(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors (and --json -)")
    parser.add_argument("--version", action="version", version=f"fxcost {__version__}")
    return parser


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    """The options of one analysis (a Session): shared by ``report`` and the app's own command line (issue 10)."""
    parser.add_argument("--session", metavar="SESSION.json",
                        help="a session saved by the app (File > Save session) or by --save-session: its files, "
                        "per-file choices and every setting; the options below change it")
    parser.add_argument("--cache", action="store_true",
                        help="keep parsed statements in the user cache folder, as the app does, so a book's next run "
                        "parses only new or changed files (issue 14)")
    parser.add_argument(
        "--csv-map",
        action="append",
        default=[],
        metavar="COLUMN=HEADER",
        help="for CSV files: which header holds a column, e.g. --csv-map open_time='Time'",
    )
    parser.add_argument("--csv-dates", choices=("dmy", "mdy"), default=None,
                        help="how a CSV writes dates like 01/03/2024: dmy (3 January) or mdy (1 March); by default "
                        "fxcost decides from the dates and warns when they are ambiguous")
    parser.add_argument("--currency", type=_currency, metavar="CCY",
                        help="account currency of files that print none (CSV trade lists, some tester reports), "
                        "e.g. EUR; a file that prints its own keeps it (default USD)")
    parser.add_argument("--spread-profile", metavar="NAME|FILE",
                        help="spread profile: 'auto' (per account: raw when the export shows commission charged on "
                        "most trades or raw-account symbol suffixes, else standard), 'standard', 'raw' or a JSON "
                        "file (default: auto)")
    parser.add_argument("--program", action="append", default=[], metavar="FILE",
                        help="rebate program JSON (repeatable: the first is the main program, the rest are compared); "
                        "a bundled example by name also works")
    parser.add_argument("--ib-program", metavar="FILE",
                        help="rebate program of the IB roll-up (the app's IB view), a JSON file or a bundled example "
                        "by name; default: the main program when it passes a share back to clients")
    parser.add_argument("--swap-in-cost", action="store_true",
                        help="count swap as a cost in break-even and net cost (default: swap is carry, apart)")
    parser.add_argument("--setup", action="append", default=[], metavar="FILE",
                        help="what-if setup JSON (spread profile + commission + program) to compare (repeatable)")
    parser.add_argument("--server-utc-offset", type=_utc_offset, metavar="H",
                        help="broker server time minus UTC in hours, -14 to 14, for matching market data (default 0)")
    parser.add_argument("--leverage", type=_leverage, metavar="N",
                        help="account leverage 1:N (N >= 1) when the report prints none")
    parser.add_argument("--market-data", action="append", default=[], metavar="FILE",
                        help="MT5 bar export or tick CSV to measure spreads from (repeatable)")
    parser.add_argument("--commission", type=_commission, metavar="RATE",
                        help="commission per lot in the account currency, applied where the export has none")
    parser.add_argument("--commission-per", choices=("round_turn", "per_side"),
                        help="whether --commission is per round turn (default) or per side")
    # Issue 15: one period for every figure; trades count by close time, cash and payouts by their own dates.
    parser.add_argument("--period", metavar="PERIOD",
                        help="only this period: a year (2025), a quarter (2025-Q3), a month (2025-07), last30 or "
                        "last90 (the last days of the data), or all (default)")
    parser.add_argument("--from", dest="period_from", metavar="DATE",
                        help="only trades closed on or after DATE (YYYY-MM-DD; cash by its own date)")
    parser.add_argument("--to", dest="period_to", metavar="DATE",
                        help="only trades closed on or before DATE (YYYY-MM-DD, inclusive)")
    parser.add_argument("--strategy-rule", metavar="REGEX",
                        help="how the by-strategy breakdown names a trade's strategy from its comment: a regular "
                        "expression (its first group, else the whole match); default: the text before '['")
    # Issue 12 (docs/SPREADS.md): both on by default, as in the app's setup panel.
    parser.add_argument("--no-observed-spreads", action="store_true",
                        help="do not use the spreads seen in the account's own same-second buy/sell fills; cost "
                        "every symbol with the profile or broker catalogue")
    parser.add_argument("--no-time-of-day", action="store_true",
                        help="do not widen profile and catalogue spreads by the time-of-day shape (the rollover "
                        "after 17:00 New York)")
    parser.add_argument("--time-of-day-clock", type=_clock, metavar="SPEC",
                        help="the server clock the time-of-day shape reads trade times with, e.g. 'GMT+2/+3 NY', "
                        "'+2/+3 EU', 'EET', 'UTC' or +2 (default: the server UTC offset when given, else the clock "
                        "the broker publishes, else GMT+2/+3 New York close)")


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


def _clock(text: str) -> str:
    """A server clock the time-of-day shape understands (measured.server_clock), kept as typed."""
    from fxcost.analysis.measured import server_clock

    try:
        server_clock(text)
    except FxCostError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text.strip()


def _currency(text: str) -> str:
    """A currency code fxcost can convert (programs.CURRENCIES), as typed (eur, USD): upper-cased."""
    from fxcost.analysis.programs import CURRENCIES

    code = text.strip().upper()
    if code not in CURRENCIES:
        # An unknown code would be costed as if it were USD (rate 1), so it is refused rather than guessed.
        raise argparse.ArgumentTypeError(f"{text!r} is not a currency code fxcost can convert"
                                         f"{did_you_mean(code, CURRENCIES)}; use one of {', '.join(CURRENCIES)}")
    return code


def _parse_mapping(items: list[str], parser: argparse.ArgumentParser) -> dict[str, str]:
    mapping = {}
    for item in items:
        if "=" not in item:
            parser.error(f"--csv-map {item!r}: expected COLUMN=HEADER, e.g. open_time='Open Time'")
        key, value = item.split("=", 1)
        mapping[key.strip()] = value.strip()
    return mapping


def _outputs(args: argparse.Namespace) -> tuple[list[tuple[str, str]], str | None]:
    """The files to write as (kind, path) pairs, or a one-line reason why one cannot be written."""
    from fxcost.report.output import output_problem

    json_path = None if args.json == STDOUT else args.json
    for path in (args.output, args.csv, json_path):  # a missing folder, or a folder as the file, says the most
        problem = path and output_problem(path)
        if problem:
            return [], problem
    outputs = []
    if args.output:
        kind = OUTPUT_KINDS.get(Path(args.output).suffix.lower())
        if kind is None:
            stem = Path(args.output).with_suffix("").name or "report"
            return [], (f"-o {args.output}: the report's format follows the file name's extension: .xlsx (Excel "
                        f"workbook), .csv (every trade), .json (JSON summary) or .pdf (printable summary); "
                        f"e.g. -o {stem}.xlsx")
        outputs.append((kind, args.output))
    outputs += [(kind, path) for kind, path in (("csv", args.csv), ("json", json_path)) if path]
    return outputs, None


def report(argv: list[str]) -> int:
    """The `report` command; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    mapping = _parse_mapping(args.csv_map, parser)
    outputs, problem = _outputs(args)
    if problem:
        print(f"fxcost: {problem}", file=sys.stderr)
        return 2
    from fxcost.session import Catalog

    catalog = Catalog(user=False)
    try:
        session = session_from_args(args, catalog, mapping)
        if not session.files:
            parser.error("give at least one FILE (or a --session that names files)")
        settings = session.settings(catalog)
        ib_program = session.ib_program(catalog)
        if args.save_session:
            session.save(args.save_session)
    except FxCostError as exc:
        print(f"fxcost: {exc}", file=sys.stderr)
        return 2
    try:
        result = session.run(settings=settings, cache=_statement_cache() if args.cache else None)
    except FxCostError as exc:
        print(f"fxcost: {exc}", file=sys.stderr)
        return 2
    portfolio = result.portfolio
    for path, message in portfolio.failures:
        print(f"fxcost: {path}: {message}", file=sys.stderr)
    if not portfolio.files:
        if len(session.files) > 1:
            print(f"fxcost: none of the {len(session.files)} files could be imported.", file=sys.stderr)
        return 1
    from fxcost.summary import build

    # The command line draws no chart: its summary goes without the app's chart series (summary.series.charts,
    # ~0.3 s at 50k trades), which no JSON, text, Excel or CSV figure reads (the PDF draws its own lines).
    summary = build(result, ib_program=ib_program, charts=Charts())
    try:
        summary, partner_lines = ib_outputs(args, result, summary, ib_program)
    except FxCostError as exc:
        print(f"fxcost: {exc}", file=sys.stderr)
        return 2
    doc = summary.json()
    try:
        _write(outputs, result, summary, paper=args.paper)
    except FxCostError as exc:
        print(f"fxcost: {exc}", file=sys.stderr)
        return 2
    # Standard output last: a reader that stops early (`| head`) cannot cost a file the user asked for.
    if args.json == STDOUT:
        _emit(json_summary.dumps(doc))
    elif not args.quiet:
        _emit("\n".join([render_text(portfolio, doc, result.warnings), *partner_lines]))
    return 0


def add_ib_options(parser: argparse.ArgumentParser) -> None:
    """An IB's outputs (issue 14): the partner-report reconciliation and the client statements."""
    parser.add_argument("--partner-report", metavar="FILE",
                        help="the broker's partner-portal report (CSV or XLSX: client account, month or date, volume, "
                        "commission/reward) to reconcile with the modelled IB earnings per client and month")
    parser.add_argument("--partner-map", action="append", default=[], metavar="COL=HEADER",
                        help="which header of the partner report holds a column (account, date, volume, reward, "
                        "currency), e.g. --partner-map reward='IB Commission'")
    parser.add_argument("--client-statements", metavar="DIR",
                        help="write one cashback statement per client into this folder (no IB figures in them); "
                             "each pays the client's cashback under --ib-program when given, else --program")
    parser.add_argument("--statement-format", choices=("xlsx", "pdf", "both"), default="xlsx",
                        help="the format of --client-statements: Excel (default), PDF, or both")
    parser.add_argument("--client", action="append", default=[], metavar="ACCOUNT",
                        help="write the statement of this client account only (repeatable; the login, or the full "
                        "label where a login is at two brokers)")
    parser.add_argument("--statement-period", metavar="YYYY-MM",
                        help="the month of --client-statements (default: every trade)")


def ib_outputs(args: argparse.Namespace, result, summary, ib_program) -> tuple[object, list[str]]:
    """The summary with the partner reconciliation added (and its text lines), after writing the client
    statements asked for. Raises FxCostError (a bad partner report, mapping or folder) with a one-line message."""
    lines: list[str] = []
    if getattr(args, "partner_report", None):
        from fxcost.analysis import partner_reconcile
        from fxcost.importers import partner_report
        from fxcost.summary.partner import with_partner_reconciliation

        try:
            mapping = partner_report.parse_mapping(args.partner_map)
        except ValueError as exc:
            raise FxCostError(f"--partner-map: {exc}") from None
        report = partner_report.read(args.partner_report, mapping)
        rec = partner_reconcile.reconcile_result(result, report, ib_program or result.settings.main_program)
        summary = with_partner_reconciliation(summary, rec)
        lines = rec.lines()
    if getattr(args, "client", None) and not getattr(args, "client_statements", None):
        raise FxCostError("--client names the client of --client-statements DIR: give the folder too")
    if getattr(args, "client_statements", None):
        from fxcost.report import client_statement

        period = args.statement_period
        if period is not None:
            try:
                client_statement.bounds(period)
            except ValueError as exc:
                raise FxCostError(f"--statement-period: {exc}") from None
        try:
            written = client_statement.write_all(result, args.client_statements, period,
                                                 getattr(args, "statement_format", "xlsx"),
                                                 accounts=getattr(args, "client", None) or None,
                                                 paper=getattr(args, "paper", None), program=ib_program)
        except ValueError as exc:
            raise FxCostError(f"--client: {exc}") from None
        lines.append(f"Client statements: {len(written)} written to {args.client_statements}")
    return summary, lines


def _statement_cache():
    """The app's cache of parsed statements (statement_cache.StatementCache), or None when its folder is unusable
    (the run then parses every file, as without --cache)."""
    from fxcost.statement_cache import StatementCache

    try:
        return StatementCache()
    except OSError as exc:
        print(f"fxcost: no statement cache ({exc}); every file is parsed", file=sys.stderr)
        return None


def session_from_args(args: argparse.Namespace, catalog, mapping: dict[str, str] | None = None):
    """The Session of the command line: ``--session`` (else the command line's defaults: auto profile, no program,
    nothing compared), changed by every option given. Raises FxCostError when a file named cannot be read."""
    from fxcost.session import AUTO_KEY, Session, SetupState

    if getattr(args, "session", None):
        session = Session.load(args.session)
    else:
        session = Session(setup=SetupState(profile=AUTO_KEY, compare_profiles=[], main_program="",
                                           compare_programs=[], ib_program=""))
    session.files = list(dict.fromkeys([*session.files, *args.files]))
    state = session.setup
    if args.spread_profile is not None:
        state.profile = catalog.profile_key(args.spread_profile)
    if args.program:
        keys = [catalog.program_key(p) for p in args.program]
        state.main_program, state.compare_programs = keys[0], keys[1:]
    if args.ib_program:
        state.ib_program = catalog.program_key(args.ib_program)
    if args.setup:
        from fxcost.analysis.whatif import load_setup

        for path in args.setup:
            load_setup(path)  # a bad file is refused here, with its message
        state.setups = list(args.setup)
    if args.server_utc_offset is not None:
        state.server_utc_offset = float(args.server_utc_offset)
    if args.leverage:
        state.leverage = int(args.leverage)
    if args.commission:
        state.commission_on, state.commission_rate, state.commission_model = True, float(args.commission), "per_lot"
    if args.commission_per:
        state.commission_per = args.commission_per
    if args.market_data:
        state.market_data = list(args.market_data)
    if args.swap_in_cost:
        state.include_swap_in_cost = True
    if getattr(args, "period", None) or getattr(args, "period_from", None) or getattr(args, "period_to", None):
        from fxcost.analysis.period import parse

        period = parse(args.period or "", args.period_from or "", args.period_to or "")  # refused here, with why
        state.period, state.period_from, state.period_to = period.spec, period.start, period.end
    if getattr(args, "strategy_rule", None) is not None:
        from fxcost.analysis.strategy import check_rule

        state.strategy_rule = check_rule(args.strategy_rule)
    if args.no_observed_spreads:
        state.observed_spreads = False
    if args.no_time_of_day:
        state.time_of_day = False
    if args.time_of_day_clock:
        state.time_of_day_clock = args.time_of_day_clock
    if args.currency:
        session.currency = {"*": args.currency}
    if args.csv_dates:
        session.date_order = {"*": args.csv_dates}
    if mapping:
        session.csv_mapping = {**session.csv_mapping, **mapping}
    for key in (state.main_program, *state.compare_programs, state.ib_program):
        if key and key not in catalog.programs:  # a session's program given as a file (the app's user programs)
            catalog.program_key(key)
    if state.profile not in catalog.profiles:
        catalog.profile_key(state.profile)
    return session


def _write(outputs: list[tuple[str, str]], result, summary, paper: str | None = None) -> None:
    """Write each (kind, path) from the one summary; raises FxCostError (one line) when a file cannot be written."""
    for kind, path in outputs:
        # Each writer is imported when asked for: openpyxl alone takes ~0.3 s to import, which a JSON report
        # need not wait for (issue 14: the CLI's time on an IB's book).
        if kind == "xlsx":
            from fxcost.report import excel

            excel.write_workbook(result, path, summary=summary)
        elif kind == "csv":
            from fxcost.report import csv_export

            csv_export.write_trades_csv(result, path, summary=summary)
        elif kind == "pdf":
            from fxcost.report.pdf_summary import write_pdf_summary

            write_pdf_summary(result, path, summary=summary, paper=paper)
        else:
            try:
                json_summary.write_json(summary.json(), path)
            except OSError as exc:
                raise ExportError(f"cannot write {path}: {exc.strerror or exc}.") from exc


def _emit(text: str) -> None:
    """Print ``text`` on standard output; a reader that closes the pipe early ends the output quietly."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # Python docs, "Note on SIGPIPE": the interpreter flushes stdout again at exit and would fail (and
        # complain) a second time; pointing the descriptor at devnull lets it exit cleanly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def render_text(portfolio: Portfolio, doc: dict, analysis_warnings: list[str] | tuple[str, ...] = ()) -> str:
    """A short human-readable summary of an import and its analysis; ``analysis_warnings`` are the engine's
    (AnalysisResult.warnings), printed with the import's own, each once."""
    money = json_summary.money_in((doc.get("totals") or {}).get("currency"))  # no decimals in JPY (issue 15)
    lines = json_summary.render_alerts(doc)  # issue 11: what does not reconcile comes first
    shown: set[str] = set()
    for f in portfolio.files:
        st = f.statement
        acct = st.account
        who = " ".join(x for x in (acct.login, acct.name and f"({acct.name})", acct.broker and f"at {acct.broker}",
                                   not acct.broker and acct.server and f"on {acct.server}") if x)
        lines.append(f"{os.path.basename(st.path)}: {FORMATS.get(st.format, st.format)}")
        lines.append(f"  account {who or '(not printed)'}, currency {acct.currency or UNPRINTED_CURRENCY}")
        tested = backtest_text(backtest_facts(st))
        if tested:
            lines.append(f"  backtest of {tested}")
        cancelled, working = order_counts(st.orders)
        lines.append(
            f"  {len(st.trades)} closed trades, {len(st.open_positions)} open positions, "
            f"{cancelled} cancelled and {working} working orders, {len(st.cash)} cash events"
        )
        if f.reconciliation.ok and f.reconciliation.checked:
            checked = ", ".join(f.reconciliation.compared)
            lines.append(f"  reconciled with the report's printed totals ({checked})")
        elif not f.reconciliation.checked:
            lines.append("  not reconciled: the file prints no totals to compare with (a CSV, or a report cut short)")
        for diff in f.reconciliation.differences.values():
            lines.append(f"  DIFFERENCE {diff}")
        for w in dict.fromkeys(json_summary.file_warnings(f)):
            lines.append(f"  warning: {w}")
            shown.add(w)
        for s in st.skipped[:10]:
            lines.append(f"  skipped {s}")
        if len(st.skipped) > 10:
            lines.append(f"  ... and {len(st.skipped) - 10} more skipped rows (see --json)")
    period = doc.get("period") or {}
    if period.get("label", "all") != "all":  # issue 15: every figure below is of this period
        lines.append(f"Period {period['label']}: trades by close time, cash and payouts by their own dates")
        lines += [f"  {n}" for n in scope_notes(doc)[1:]]
    t = doc["totals"]
    ccy = t.get("currency") or "?"
    rates = t.get("usd_rates") or {}
    if rates:  # accounts in different currencies: the merged figures are converted
        ccy += " converted at " + ", ".join(f"1 {k} = {v:.6g} {t['currency']}" for k, v in sorted(rates.items()))
    lines.append(
        f"Total ({ccy}): {doc['counts']['closed_trades']} trades, {json_summary.lots_text(t['lots'])}, "
        f"profit {money(t['profit'])}, commission {money(t['commission'])}, taxes {money(t['taxes'])}, "
        f"swap {money(t['swap'])}, broker net {money(t['broker_net'])}"
    )
    lines += json_summary.render_costs(doc)
    lines += json_summary.render_rebate(doc)
    lines += json_summary.render_ib(doc)
    lines += json_summary.render_ib_side(doc)  # issue 14: levels, deals for the IB, sweep, projection, activity
    for w in dict.fromkeys([*portfolio.warnings, *analysis_warnings]):
        if w not in shown:
            lines.append(f"warning: {w}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Dispatch a headless command."""
    if not argv or argv[0] != "report":
        print("usage: python main.py report FILE... [--json OUT.json]", file=sys.stderr)
        return 2
    return report(argv[1:])
