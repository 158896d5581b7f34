"""Issue 15 (and issue 10's one money formatter): JPY money without decimals wherever money is shown, the
commission's currency said, the Compare chart's differences, and a period never silently set against whole-file
totals."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess

import numpy as np
import pytest

#: A yen account without commission (a Standard account): the compared Raw/ECN profile charges 7 USD converted.
JPY_CSV = (
    "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit,Comment\n"
    "1,2024.01.05 10:22:00,buy,1.00,USDJPY,144.100,2024.01.05 12:00:00,144.300,0,0,20000.4,EA1[x]\n"
    "2,2024.01.08 11:00:00,sell,2.00,USDJPY,144.500,2024.01.08 15:00:00,144.800,0,-120,-60000.6,EA2\n"
    "3,2024.02.09 09:00:00,buy,0.50,EURJPY,158.500,2024.02.09 10:00:00,158.400,0,0,-5000.5,\n"
    "4,2024.01.04 09:00:00,balance,0,,,,,,,1000000,deposit\n"
)
#: A money figure printed with cents ("1,234.56", "-20 000.40"): none may appear for a yen account.
CENTS = re.compile(r"-?\d[\d, ]*\.\d\d(?!\d)")


def _jpy_session(tmp_path, **setup):
    from fxcost.session import Session, SetupState

    path = tmp_path / "jpy.csv"
    path.write_text(JPY_CSV, encoding="utf-8")
    return Session(files=[str(path)], currency={"*": "JPY"}, setup=SetupState(**setup))


@pytest.fixture
def jpy_views(tmp_path):
    from fxcost.session import Catalog
    from fxcost.ui import viewdata

    result = _jpy_session(tmp_path).run(Catalog(user=False))
    assert result.currency == "JPY" and len(result.trades) == 3
    return viewdata.prepare(result)


def test_one_money_formatter_rounds_half_away_and_knows_zero_decimal_currencies():
    from fxcost import money

    assert money.money_text(2.6849999999999996) == "2.69" == money.money_text(2.685)
    assert money.money_text(0.5, currency="JPY") == "1" and money.money_text(-2.5, currency="JPY") == "-3"
    assert money.money_text(-1234567.4, currency="JPY", sep=",") == "-1,234,567"
    assert money.money_text(float("nan"), missing="") == "" and money.money_text("x") == "n/a"
    assert money.number_format("JPY") == "#,##0;[Red]-#,##0"
    assert money.number_format("USD") == "#,##0.00;[Red]-#,##0.00"


def test_jpy_money_has_no_decimals_in_every_view(qtbot, jpy_views):
    from fxcost.ui.charts import BarChart, ChartsView
    from fxcost.ui.compare_view import CompareView
    from fxcost.ui.overview import OverviewView
    from fxcost.ui.strategy_view import StrategyView
    from fxcost.ui.trades_view import TradesView

    views, result = jpy_views, jpy_views.result
    trades = TradesView()
    qtbot.addWidget(trades)
    trades.set_frame(result.trades, {a.account_id: (a.currency, 1.0) for a in result.accounts}, "JPY")
    model = trades.model
    profit = model.column_index("profit")
    cells = [model.text(r, profit) for r in range(model.rowCount())]
    assert sorted(cells) == sorted(["20,000", "-60,001", "-5,001"])  # 20000.4, -60000.6, -5000.5
    assert "JPY" in trades.status.text() and not CENTS.search(trades.status.text())

    compare = CompareView()
    qtbot.addWidget(compare)
    compare.set_views(views)
    money_columns = [c for c, col in enumerate(compare.model.columns) if col[2] == "money"]
    texts = [compare.model.data(compare.model.index(r, c)) for r in range(compare.model.rowCount())
             for c in money_columns]
    assert texts and not any(CENTS.search(t or "") for t in texts), texts

    strategies = StrategyView()
    qtbot.addWidget(strategies)
    strategies.set_views(views)
    column = [c for c, col in enumerate(strategies.model.columns) if col[0] == "net_after_rebate"][0]
    assert not any(CENTS.search(strategies.model.data(strategies.model.index(r, column)) or "")
                   for r in range(strategies.model.rowCount()))

    overview = OverviewView()
    qtbot.addWidget(overview)
    overview.set_views(views)
    overview.set_years(views.by_year)
    column = [c for c, col in enumerate(overview.years_model.columns) if col[0] == "broker_net"][0]
    assert overview.years_model.data(overview.years_model.index(0, column)) == "-45,121"  # -45,120.7

    charts = ChartsView()
    qtbot.addWidget(charts)
    charts.set_views(views)
    by_symbol: BarChart = charts.charts["by_symbol"]
    readout = by_symbol.readout_at(0)
    assert readout and not CENTS.search(readout), readout
    assert by_symbol.item.getAxis("left").decimals == 0
    assert by_symbol.item.getAxis("left").tickStrings([0.5, 1.0], 1.0, 0.25) == ["0", "1"]  # no decimals on the axis
    equity = charts.charts["equity"]
    assert not CENTS.search(equity.readout_at(float(equity.data[next(iter(equity.data))][0][-1])))


def test_jpy_exports_and_text_have_no_decimals(tmp_path, jpy_views):
    import openpyxl

    from fxcost.cli import render_text
    from fxcost.report.excel import write_workbook

    views = jpy_views
    result, summary = views.result, views.summary
    xlsx = write_workbook(result, tmp_path / "jpy.xlsx", summary=summary)
    wb = openpyxl.load_workbook(xlsx)
    trades = wb["Trades"]
    header = [c.value for c in next(trades.iter_rows(min_row=1, max_row=1))]
    profit = next(i for i, h in enumerate(header) if str(h).startswith("Profit")) + 1
    assert trades.cell(row=2, column=profit).number_format == "#,##0;[Red]-#,##0"
    formats = {c.number_format for ws in wb for row in ws.iter_rows() for c in row
               if isinstance(c.value, float) and "#,##0" in c.number_format}
    assert "#,##0;[Red]-#,##0" in formats and "#,##0.00;[Red]-#,##0.00" not in formats

    text = render_text(result.portfolio, summary.json(), summary.warnings)
    costs = [line for line in text.splitlines() if line.startswith(("Total (", "Costs (", "  broker net"))]
    assert costs and "JPY" in costs[0]
    assert not CENTS.search(costs[0]), costs[0]

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler) is not installed")
    from fxcost.report.pdf_summary import write_pdf_summary

    pdf = write_pdf_summary(result, tmp_path / "jpy.pdf", summary=summary)
    page1 = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    net = summary.json()["costs"]["broker_net"]
    assert f"{round(net):,}".replace(",", " ") in page1 and f"{net:,.2f}".replace(",", " ") not in page1


def test_the_commission_says_its_currency(qtbot, tmp_path):
    from fxcost.session import Catalog
    from fxcost.summary import build

    converted = build(_jpy_session(tmp_path).run(Catalog(user=False)))
    labels = [o.commission for o in converted.compare]
    assert "7 USD per lot round turn (typical Raw/ECN), converted to JPY" in labels, labels
    assert converted.json()["whatif"][-1]["commission"] == labels[-1]  # the JSON's label too

    own = build(_jpy_session(tmp_path, compare_commission_mode="rate", compare_commission=7.0)
                .run(Catalog(user=False)))
    assert "7 JPY per lot round turn" in [o.commission for o in own.compare]  # the user's 7 is 7 yen

    # The schedule for an export without commission, in the account's currency: said in the Compare and Excel.
    import openpyxl

    from fxcost.report.excel import write_workbook

    result = _jpy_session(tmp_path, commission_on=True, commission_rate=7.0).run(Catalog(user=False))
    scheduled = build(result)
    assert scheduled.compare[0].commission == "7 JPY per lot round turn"
    book = openpyxl.load_workbook(write_workbook(result, tmp_path / "s.xlsx", summary=scheduled), read_only=True)
    cells = [str(c) for row in book["Summary"].iter_rows(values_only=True) for c in row if c is not None]
    assert any("per lot 7 JPY round turn" in c for c in cells), [c for c in cells if "round turn" in c]

    from fxcost.ui.setup_panel import SetupPanel

    panel = SetupPanel()
    qtbot.addWidget(panel)
    panel.set_currencies(["JPY"])
    assert panel.compare_commission.suffix() == " JPY per lot" and panel.commission_rate.suffix() == " JPY"
    panel.set_currencies(["USD", "JPY"])
    assert "account ccy" in panel.compare_commission.suffix()


def test_the_compare_chart_shows_each_setups_difference_from_the_actual(qtbot, jpy_views):
    from fxcost.ui.compare_view import CompareView

    outcomes = jpy_views.compare
    diff = jpy_views.compare_difference
    assert len(outcomes) > 1 and diff is not None and len(diff.labels) == len(outcomes) - 1
    expected = np.array([o.net_after_rebate - outcomes[0].net_after_rebate for o in outcomes[1:]])
    assert np.allclose(diff.line[1], expected)
    stacked = sum(np.asarray(v, dtype=float) for v in diff.series.values())
    assert np.allclose(stacked, expected)  # net and rebate differences stack up to the marker
    view = CompareView()
    qtbot.addWidget(view)
    view.set_views(jpy_views)
    assert view.difference.current is diff and "vs actual" in [view.tabs.tabText(i) for i in range(view.tabs.count())]


def test_a_period_says_the_reconciliation_is_of_the_whole_file(tmp_path):
    from fxcost.cli import render_text
    from fxcost.session import Catalog
    from fxcost.summary import build

    whole = build(_jpy_session(tmp_path).run(Catalog(user=False))).json()
    result = _jpy_session(tmp_path, period="2024-01").run(Catalog(user=False))
    january = build(result)
    february = build(_jpy_session(tmp_path, period="2024-02").run(Catalog(user=False))).json()
    doc = january.json()
    assert "whole file" in doc["reconciliation"]["scope"]
    assert "end of the period 2024-01" in doc["projection"]["balance_basis"]
    # The projection starts from the balance at the period's end, never from the period's own cash alone.
    assert doc["projection"]["balance"] == pytest.approx(1_000_000 + 20000.4 - 60000.6 - 120, abs=0.01)
    assert february["projection"]["balance"] == pytest.approx(whole["projection"]["balance"], abs=0.01)
    text = render_text(result.portfolio, doc, ())
    assert "reconciliation with the printed totals is of the whole file" in text
    assert "cashback projection starts from the balance at the end of the period 2024-01" in text
    assert "whole file" not in render_text(_jpy_session(tmp_path).run(Catalog(user=False)).portfolio, whole, ())


def test_chart_series_come_from_the_summary_and_the_views_only_draw_them(jpy_views):
    """Issue 10: every chart series is computed in summary.series, held by the Summary (built on the worker)."""
    from pathlib import Path

    import fxcost.ui.viewdata as viewdata

    assert jpy_views.charts is jpy_views.summary.charts
    assert (jpy_views.compare_bars, jpy_views.compare_difference) == jpy_views.summary.compare_bars
    import fxcost.ui.charts as charts_module

    for module in (viewdata, charts_module):  # no series computed in the UI layer any more
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        imported = {a.name if isinstance(n, ast.Import) else f"{n.module}.{a.name}"
                    for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
        computing = {i for i in imported if i.startswith("fxcost.analysis") and not i.startswith("fxcost.analysis.engine")}
        assert not computing, (module.__name__, computing)
        assert "cumsum" not in Path(module.__file__).read_text(encoding="utf-8")


def test_the_import_panel_formats_the_typed_import_summary(tmp_path):
    from dataclasses import replace
    from types import MappingProxyType

    from fxcost.pipeline import import_files
    from fxcost.summary.imported import import_summary
    from fxcost.ui.import_panel import render_html

    path = tmp_path / "jpy.csv"
    path.write_text(JPY_CSV, encoding="utf-8")
    portfolio = import_files([str(path)], currency="JPY")
    summary = import_summary(portfolio)
    assert summary.currency == "JPY" and summary.totals["profit"] == pytest.approx(-45000.7, abs=0.01)
    html = render_html(portfolio, summary=summary)
    assert "-45,001" in html and "-45,000.70" not in html  # whole yen
    # Every figure is the summary's: a panel that summed the trades itself would not show this one.
    planted = replace(summary, totals=MappingProxyType({**summary.totals, "profit": 123456789.0}))
    assert "123,456,789" in render_html(portfolio, summary=planted)
