"""Entry point: argument parsing, logging, then the headless CLI or the Qt GUI (Qt imported only then)."""

from __future__ import annotations

import argparse
import os
import sys

from fxcost import __version__, allocator


def main(argv: list[str] | None = None) -> int:
    """Run fxcost; returns the process exit code."""
    allocator.set_up()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "report":
        from fxcost import cli, log

        log.setup()
        return cli.main(argv)
    parser = argparse.ArgumentParser(prog="fxcost", description="fxcost desktop app")
    parser.add_argument("files", nargs="*", help="reports to open (default: the bundled sample)")
    parser.add_argument("--version", action="version", version=f"fxcost {__version__}")
    parser.add_argument("--verbose", action="store_true", help="also log to the terminal")
    parser.add_argument("--smoke-test", nargs="?", const="", default=None, metavar="DIR",
                        help="load the files (default: the sample), compute, export the Excel report and exit 0 (no "
                        "window); the report goes to DIR when given (kept), else to a temporary folder")
    parser.add_argument("--screenshot", metavar="DIR",
                        help="write a PNG of each view of the files (default: the sample) into DIR and exit")
    parser.add_argument("--screenshot-size", type=_size, default=(1360, 820), metavar="WxH",
                        help="window size of --screenshot, e.g. 1000x700 (default 1360x820)")
    from fxcost import cli

    cli.add_analysis_options(parser)
    args = parser.parse_args(argv)
    from fxcost import log
    from fxcost.errors import FxCostError

    session = None
    headless = args.smoke_test is not None or bool(args.screenshot)
    if args.session or headless or _analysis_options(args, parser):
        # The command line names the analysis: the same Session as ``report`` builds from the same options.
        from fxcost.resources import BUNDLED_SAMPLE, asset
        from fxcost.session import Catalog

        try:
            session = cli.session_from_args(args, Catalog(user=False), cli._parse_mapping(args.csv_map, parser))
        except FxCostError as exc:
            print(f"fxcost: {exc}", file=sys.stderr)
            return 2
        if not session.files:
            session.files = [str(asset(BUNDLED_SAMPLE))]

    if args.smoke_test is not None or args.screenshot:
        # Headless runs (CI, the frozen build's check) need no display.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    log_path = log.setup(verbose=args.verbose)
    if args.smoke_test is not None:
        from fxcost.ui.application import smoke_test

        return smoke_test(log_path, keep_in=args.smoke_test or None, files=args.files, session=session)
    if args.screenshot:
        from fxcost.ui.application import screenshots

        return screenshots(args.screenshot, log_path, args.screenshot_size, files=args.files,
                           session=session if _analysis_options(args, parser) or args.session else None)
    from fxcost.ui.application import run_gui

    return run_gui(args.files, log_path=log_path, session=session)


def _analysis_options(args: argparse.Namespace, parser: argparse.ArgumentParser) -> bool:
    """Whether any analysis option (cli.add_analysis_options) was given, i.e. differs from its default."""
    names = ("spread_profile", "program", "ib_program", "setup", "server_utc_offset", "leverage", "market_data",
             "commission", "commission_per", "swap_in_cost", "currency", "csv_dates", "csv_map",
             "period", "period_from", "period_to", "strategy_rule",  # issue 15
             "no_observed_spreads", "no_time_of_day", "time_of_day_clock")  # issue 12
    return any(getattr(args, n) != parser.get_default(n) for n in names)


def _size(text: str) -> tuple[int, int]:
    """'1000x700' -> (1000, 700)."""
    w, sep, h = text.lower().partition("x")
    if not sep or not w.strip().isdigit() or not h.strip().isdigit() or not (200 <= int(w) <= 8000 and 200 <= int(h) <= 8000):
        raise argparse.ArgumentTypeError(f"{text!r} is not a window size; give width x height such as 1000x700")
    return int(w), int(h)
