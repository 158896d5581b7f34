"""The printable PDF summary (issue 15): at most 4 pages for any history, its key figures (read back with
pdftotext) equal the JSON's, the charts draw the app's series, the paper follows the locale, writes are atomic."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from fxcost import cli
from fxcost.analysis import aggregate
from fxcost.errors import ExportError
from fxcost.pipeline import run
from fxcost.report import pdf_summary
from fxcost.report.pdf_summary import write_pdf_summary
from fxcost.report.print_rules import default_paper, paper_for
from fxcost.summary import build
from fxcost.summary import series as chart_series
from fxcost.ui import viewdata
from tests.conftest import sample

from .conftest import SAMPLE, settings

#: A number as the PDF prints it: spaces between thousands ("-26 122.28", "1 500").
NUMBER = re.compile(r"-?\d{1,3}(?: \d{3})*(?:\.\d+)?")


def pdf_text(path) -> str:
    """The PDF's text laid out as printed (poppler's pdftotext; .ci/run installs it)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is missing in CI: .ci/run installs it")
        pytest.skip("pdftotext is not installed (apt-get install poppler-utils); CI installs it")
    return subprocess.run([tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


def pages(path) -> int:
    """Page objects in the file (reportlab writes one ``/Type /Page`` dictionary per page)."""
    return len(re.findall(rb"/Type /Page\b(?!s)", Path(path).read_bytes()))


def media_box(path) -> tuple[float, float]:
    box = re.search(rb"/MediaBox \[ ?0 0 ([\d.]+) ([\d.]+) ?\]", Path(path).read_bytes())
    return float(box.group(1)), float(box.group(2))


def figure(text: str, label: str) -> float:
    """The first number after ``label`` at the start of a line (the key-figure tables: label, value, note)."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(label + "  "):
            found = NUMBER.search(stripped[len(label):])
            assert found, line
            return float(found.group(0).replace(" ", ""))
    raise AssertionError(f"{label!r} is not in the PDF")


def assert_key_figures_match(text: str, doc: dict) -> None:
    costs, ccy = doc["costs"], doc["currency"]
    assert figure(text, "Closed trades") == doc["counts"]["closed_trades"]
    for label, key in (("Broker net", "broker_net"), ("Net after rebate", "net_after_rebate"),
                       ("Transaction cost", "transaction_cost"), ("Net transaction cost", "net_transaction_cost"),
                       ("Profit (MetaTrader)", "profit"), ("Spread cost (estimated)", "spread_cost"),
                       ("Commission", "commission"), ("Taxes / fees", "taxes"), ("Swap", "swap"),
                       ("Rebate (cashback accrued)", "rebate"), ("Raw P&L at mid prices (estimated)", "mid_pnl"),
                       ("Cost per lot before rebate", "cost_per_lot"), ("Cost per lot after rebate",
                                                                         "cost_per_lot_after")):
        assert figure(text, f"{label} ({ccy})") == pytest.approx(round(costs[key], 2), abs=0.005), label
    be = doc["breakeven"]
    assert figure(text, "Break-even win rate before rebate") == pytest.approx(be["win_rate_before"] * 100, abs=0.05)
    assert figure(text, "Actual win rate") == pytest.approx(be["actual_win_rate"] * 100, abs=0.05)


def assert_plain_words(text: str) -> None:
    """No code name of the JSON (closed_pl, total_net_profit, cumulative_pnl, per_lot ...) on the first three
    pages (the fourth quotes the import's warnings, which may name files as they are named)."""
    shown = "\f".join(text.split("\f")[:3])
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", shown), re.findall(r"\b[a-z]+_[a-z_]+\b", shown)


def _write(tmp_path, paths, *programs, name="summary.pdf", paper="a4"):
    result = run([str(p) for p in paths], settings(*programs))
    summary = build(result)
    out = write_pdf_summary(result, tmp_path / name, summary=summary, paper=paper)
    return result, summary.json(), out


def test_bundled_sample_four_pages_and_the_jsons_figures(tmp_path):
    result, doc, out = _write(tmp_path, [SAMPLE], "example-cashback")
    assert out.is_file() and out.read_bytes()[:5] == b"%PDF-"
    assert pages(out) == 4
    text = pdf_text(out)
    assert text.count("\f") >= 3  # pdftotext ends each page with a form feed
    assert_key_figures_match(text, doc)
    assert "Example cashback" in text and "every printed total agrees with the import" in text
    assert_plain_words(text)
    assert "Closed trade P/L" in text and "26 122.28" in text  # thousands separated
    # By year: the rows of the two years the sample spans, then the total.
    assert re.search(r"^\s*2024\s+\d", text, re.M) and re.search(r"^\s*2025\s+\d", text, re.M)


def test_a_real_statement_fits_and_matches(tmp_path):
    path = sample("mt4-detailed-dyk42.htm")
    _, doc, out = _write(tmp_path, [path], "ib-tiered")
    assert 1 <= pages(out) <= 4
    text = pdf_text(out)
    assert_key_figures_match(text, doc)
    assert_plain_words(text)


def test_a_statement_that_does_not_reconcile_says_so_in_plain_words(tmp_path):
    path = sample("mt4-detailed-rawtrading-cn.html")
    _, doc, out = _write(tmp_path, [path])
    assert doc["reconciliation"]["ok"] is False
    text = pdf_text(out)
    assert "2 printed total(s) differ from the import" in text
    assert re.search(r"^\s*Closed trade P/L\s+1 450.40\s+1 490.72\s+-40.32", text, re.M)
    assert_plain_words(text)


def test_each_files_line_names_the_totals_its_import_compared(tmp_path):
    # The PDF read the JSON's list of compared totals, not its own guess: with two files it named only the cash
    # totals, and a CSV beside them prints none.
    csv = tmp_path / "plain.csv"
    csv.write_text("Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit\n"
                   "1,2024.01.05 10:22:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,18.00\n")
    _, doc, out = _write(tmp_path, [sample("mt4-detailed-dyk42.htm"), csv])
    text = " ".join(pdf_text(out).split())
    assert "mt4-detailed-dyk42.htm: every printed total agrees with the import (Profit, Commission" in text
    assert "plain.csv: the file prints no totals to compare (a CSV, or a report cut short)." in text
    assert doc["reconciliation"]["ok"] is None and doc["reconciliation"]["unchecked"] == [str(csv)]


CURRENCIES = ("EUR", "USD", "GBP", "JPY", "CHF", "AUD", "NZD", "CAD", "SEK", "NOK", "SGD", "PLN")


def long_history_csv(path, n: int = 6000, years: int = 9, seed: int = 5) -> None:
    """A CSV trade list of ``n`` trades over ``years`` years on 66 currency pairs (ten of them traded most)."""
    rng = np.random.default_rng(seed)
    pairs = [a + b for a, b in itertools.combinations(CURRENCIES, 2)]
    start = np.datetime64("2016-01-04T00:00:00", "s")
    opens = start + np.sort(rng.integers(0, years * 365 * 86400, n)).astype("timedelta64[s]")
    holds = rng.integers(120, 3 * 86400, n).astype("timedelta64[s]")
    weights = np.r_[np.full(10, 0.06), np.full(len(pairs) - 10, 0.4 / (len(pairs) - 10))]
    symbols = rng.choice(pairs, n, p=weights)
    lots = rng.choice([0.01, 0.1, 0.5, 1.0, 2.0], n)
    moves = rng.normal(0, 1, n)
    lines = ["Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit,Comment"]

    def when(t) -> str:
        return str(t).replace("-", ".").replace("T", " ")

    for i in range(n):
        jpy = symbols[i].endswith("JPY")
        price, move = (150.0, moves[i] * 0.3) if jpy else (1.1, moves[i] * 0.003)
        side = "buy" if i % 2 else "sell"
        profit = (move if side == "buy" else -move) * lots[i] * 100000 / (price if jpy else 1.0)
        lines.append(f"{i + 1},{when(opens[i])},{side},{lots[i]:.2f},{symbols[i]},{price:.5f},"
                     f"{when(opens[i] + holds[i])},{price + move:.5f},{-7 * lots[i]:.2f},0.00,{profit:.2f},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_long_history_of_many_symbols_stays_within_four_pages(tmp_path):
    src = tmp_path / "long.csv"
    long_history_csv(src)
    result, doc, out = _write(tmp_path, [src], "example-cashback")
    assert len(result.trades) == 6000 and result.trades["symbol_root"].nunique() > 40
    assert pages(out) <= 4
    text = pdf_text(out)
    assert_key_figures_match(text, doc)
    other = re.search(r"Other \((\d+) symbols\)", text)
    assert other and int(other.group(1)) == result.trades["symbol_root"].nunique() - pdf_summary.TOP_SYMBOLS
    assert len(re.findall(r"^\s*20(1[6-9]|2[0-5])\s+\d", text, re.M)) >= 9  # a row per year


def test_equity_lines_are_the_apps(tmp_path):
    result = run([str(SAMPLE)], settings("example-cashback"))
    app = viewdata._time_series(result.trades)[0]
    mine = chart_series.equity_lines(result.trades)
    assert [ln.name for ln in mine] == [s.name for s in app] and len(mine) == 3
    for a, b in zip(mine, app):
        np.testing.assert_array_equal(a.x, b.x)
        np.testing.assert_allclose(a.y, b.y, rtol=0, atol=1e-9)
    # Without a program no trade earns a rebate: the app leaves the cashback line out, and so does the PDF.
    plain = run([str(SAMPLE)], settings())
    assert [ln.name for ln in chart_series.equity_lines(plain.trades)] == [chart_series.RAW, chart_series.NET]


def test_cost_by_month_is_the_apps_bar_chart():
    result = run([str(SAMPLE)], settings("example-cashback"))
    month = aggregate.by(result.trades, "month")
    app = viewdata.fill_months(viewdata._cost_bars(month, [str(i) for i in month.index]))
    mine = chart_series.cost_by_month(build(result).json()["by_month"])
    assert mine.months == app.labels
    for got, name in ((mine.spread, "Spread (est.)"), (mine.commission_taxes, "Commission + taxes"),
                      (mine.rebate, "Rebate (given back)")):
        np.testing.assert_allclose(got, app.series[name], atol=1e-5)
    np.testing.assert_allclose(mine.net_cost, app.line[1], atol=1e-5)


def test_by_year_and_top_symbols_add_up_to_the_totals(tmp_path):
    src = tmp_path / "long.csv"
    long_history_csv(src, n=1500, years=4)
    result = run([str(src)], settings("example-cashback"))
    costs = build(result).json()["costs"]
    years = chart_series.by_close_year(result.trades)
    top, total = chart_series.top_symbols(result.trades, 10)
    assert len(top) == 11 and top[-1]["symbol"].startswith("Other (")
    for key in ("spread_cost", "commission", "rebate", "net_after_rebate", "transaction_cost"):
        assert sum(r[key] for r in years) == pytest.approx(costs[key], abs=0.01)
        assert sum(r[key] for r in top) == pytest.approx(costs[key], abs=0.01)
        assert total[key] == pytest.approx(costs[key], abs=0.01)
    assert sum(r["trades"] for r in years) == sum(r["trades"] for r in top) == len(result.trades)
    assert [r["transaction_cost"] for r in top[:10]] == sorted((r["transaction_cost"] for r in top[:10]),
                                                               reverse=True)


@pytest.mark.parametrize("name, paper", [("en_US.UTF-8", "letter"), ("fr_CA.UTF-8", "letter"), ("en_GB.UTF-8", "a4"),
                                         ("de_DE", "a4"), ("English_United States", "letter"),
                                         ("French_Canada.1252", "letter"), ("English_United Kingdom", "a4"),
                                         ("C", "a4")])
def test_paper_follows_the_locale(name, paper):
    assert paper_for(name) == paper


def test_default_paper_reads_lc_all_then_lc_paper_then_lang():
    assert default_paper({"LC_ALL": "", "LC_PAPER": "en_US.UTF-8", "LANG": "de_DE.UTF-8"}) == "letter"
    assert default_paper({"LC_ALL": "de_DE.UTF-8", "LC_PAPER": "en_US.UTF-8"}) == "a4"
    assert default_paper({"LANG": "en_CA.UTF-8"}) == "letter"
    assert default_paper({"LANG": "C.UTF-8"}) == "a4"


def test_cli_writes_the_pdf_on_the_paper_asked(tmp_path, capsys):
    letter, a4 = tmp_path / "letter.pdf", tmp_path / "a4.pdf"
    assert cli.main(["report", str(SAMPLE), "-o", str(letter), "--paper", "letter", "-q"]) == 0
    assert cli.main(["report", str(SAMPLE), "-o", str(a4), "--paper", "a4", "-q"]) == 0
    assert media_box(letter) == (612, 792)
    assert media_box(a4) == pytest.approx((595.2756, 841.8898), abs=0.01)
    assert pages(letter) == pages(a4) == 4


def test_cli_pdf_to_a_folder_that_does_not_exist_is_one_line(tmp_path, capsys):
    target = tmp_path / "missing" / "summary.pdf"
    assert cli.main(["report", str(SAMPLE), "-o", str(target), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0] and "summary.pdf" in err[0]
    assert not target.exists()


def test_a_failed_write_keeps_the_earlier_pdf(tmp_path, monkeypatch):
    result = run([str(SAMPLE)], settings())
    summary = build(result)
    target = tmp_path / "summary.pdf"
    target.write_bytes(b"earlier")

    def broken(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf_summary.SimpleDocTemplate, "build", broken)
    with pytest.raises(ExportError, match="No space left"):
        write_pdf_summary(result, target, summary=summary, paper="a4")
    assert target.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.pdf"]  # no temporary file left behind


def test_an_unknown_paper_is_refused(tmp_path):
    result = run([str(SAMPLE)], settings())
    with pytest.raises(ExportError, match="a4 or letter"):
        write_pdf_summary(result, tmp_path / "x.pdf", paper="tabloid")


@pytest.mark.parametrize("lang, size", [("en_US.UTF-8", 1), ("de_DE.UTF-8", 9)])  # 1 Letter, 9 A4 (ECMA-376)
def test_the_workbook_prints_on_the_locales_paper_with_plain_reconciliation(tmp_path, monkeypatch, lang, size):
    import openpyxl

    from fxcost.report import excel

    monkeypatch.setenv("LC_ALL", lang)
    result = run([str(SAMPLE)], settings())
    wb = openpyxl.load_workbook(excel.write_workbook(result, tmp_path / "r.xlsx"))
    trades = wb["Trades"].page_setup
    assert trades.orientation == "landscape" and trades.fitToWidth == 1 and int(trades.paperSize) == size
    assert all(int(ws.page_setup.paperSize) == size for ws in wb)
    rows = [[c.value for c in r] for r in wb["Summary"].iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == "File" and r[1] == "Printed total")
    fields = [r[1] for r in rows[start + 1:] if r[0] == "sample-statement.htm"]
    assert "Closed trade P/L" in fields and "closed_pl" not in fields
    balance = next(c for c in wb["Summary"].iter_rows(min_row=start + 2) if c[1].value == "Balance")
    assert balance[2].number_format.startswith("#,##0.00")  # thousands separated


def test_the_summarys_own_by_year_and_period_are_printed_when_it_has_them(tmp_path):
    # Issue 15's period selection adds "period" and "by_year" to the summary: the PDF prints those, not its own.
    from dataclasses import replace
    from types import MappingProxyType

    result = run([str(SAMPLE)], settings())
    summary = build(result)
    doc = summary.json()
    row = {**chart_series.by_close_year(result.trades)[0], "year": "2024", "trades": 4321}
    doc.update(by_year=[row], period={"label": "2024", "from": "2024-01-01", "to": "2024-12-31"})
    out = write_pdf_summary(result, tmp_path / "p.pdf", summary=replace(summary, document=MappingProxyType(doc)),
                            paper="a4")
    text = pdf_text(out)
    assert "Period: 2024 (trades by close time)." in text
    assert re.search(r"^\s*2024\s+4 321\s", text, re.M) and not re.search(r"^\s*2025\s+\d", text, re.M)


def test_a_history_without_closed_trades_still_prints_its_summary(tmp_path):
    src = tmp_path / "cash-only.csv"
    src.write_text("Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit,Comment\n"
                   "6,2024.01.04 09:00:00,balance,0,,,,,,,500.00,deposit\n", encoding="utf-8")
    assert cli.main(["report", str(src), "-o", str(tmp_path / "s.pdf"), "-q"]) == 0
    assert pages(tmp_path / "s.pdf") == 4
    text = pdf_text(tmp_path / "s.pdf")
    assert "No closed trades." in text and figure(text, "Closed trades") == 0
