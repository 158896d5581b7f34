"""The Excel report read back with openpyxl: sheets, row counts, typed cells and the engine's figures."""

from __future__ import annotations

import datetime as dt
import os
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from fxcost.analysis import aggregate, rebates
from fxcost.analysis.rebates import round_cents
from fxcost.errors import ExportError, ImportCancelled
from fxcost.report import excel
from fxcost.report.columns import TRADE_COLUMNS, header
from fxcost.report.print_rules import field_label


@pytest.fixture(scope="module")
def sample_book(sample_result, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    calls = []
    written = excel.write_workbook(sample_result, path, progress=lambda f, m: calls.append((f, m)))
    assert written == path
    return path, openpyxl.load_workbook(path), calls


def _column(ws, name: str) -> int:
    """1-based index of the header ``name`` in row 1."""
    return [c.value for c in ws[1]].index(name) + 1


def _label_rows(ws) -> dict:
    """Column A label -> the row's cells, for label/value sheets."""
    return {row[0].value: row for row in ws.iter_rows() if isinstance(row[0].value, str)}


def test_sheet_names_in_order_without_ib_for_one_account(sample_book):
    _, wb, _ = sample_book
    assert wb.sheetnames == ["Summary", "Charts", "Trades", "By symbol", "By strategy", "By month", "By year", "Rebates",
                             "Break-even", "Compare", "Cash events", "Equity"]  # By strategy: issue 15


def test_trades_sheet_has_every_trade_typed(sample_book, sample_result):
    _, wb, _ = sample_book
    ws = wb["Trades"]
    t = sample_result.trades
    assert ws.max_row == len(t) + 1
    assert [c.value for c in ws[1]] == [header(c, sample_result.currency) for c in TRADE_COLUMNS]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(TRADE_COLUMNS))}{len(t) + 1}"
    assert ws.column_dimensions["C"].width > 15  # dates are not squeezed into the default width
    rows = list(ws.iter_rows(min_row=2))
    ticket, open_c, price = _column(ws, "Ticket"), _column(ws, "Open time"), _column(ws, "Open price")
    eligible = _column(ws, "Rebate eligible")
    for i in (0, 1, len(t) // 2, len(t) - 1):
        row = rows[i]
        assert row[ticket - 1].value == t["ticket"].iloc[i]
        assert isinstance(row[open_c - 1].value, dt.datetime) and row[open_c - 1].is_date
        assert row[open_c - 1].value == t["open_time"].iloc[i].to_pydatetime()
        digits = int(t["digits"].iloc[i])
        assert row[price - 1].number_format == ("0." + "0" * digits if digits else "0")
        assert row[price - 1].value == pytest.approx(t["open_price"].iloc[i])
        assert row[eligible - 1].value is bool(t["eligible"].iloc[i])


def test_trades_money_columns_equal_the_engine(sample_book, sample_result):
    _, wb, _ = sample_book
    ws = wb["Trades"]
    t = sample_result.trades
    for col in TRADE_COLUMNS:
        if col.kind != "money":
            continue
        j = _column(ws, header(col, sample_result.currency))
        cells = [row[0] for row in ws.iter_rows(min_row=2, min_col=j, max_col=j)]
        values = np.array([np.nan if c.value is None else c.value for c in cells], dtype=float)
        if col.key == "rebate":  # the allocated cents (issue 10): each account's trades add up to its rebate
            np.testing.assert_allclose(values, t[col.key].to_numpy(dtype=float), rtol=0, atol=0.01 + 1e-9)
            sums = pd.Series(values).groupby(t["account"].to_numpy()).sum().round(2)
            exact = t.groupby("account")["rebate"].sum().map(round_cents)
            assert sums.to_dict() == exact.to_dict()
        else:
            np.testing.assert_allclose(values, t[col.key].to_numpy(dtype=float), rtol=0, atol=1e-9, err_msg=col.key)
        assert all(c.number_format.startswith("#,##0.00") for c in cells if c.value is not None), col.key


def test_summary_key_figures_equal_the_engine(sample_book, sample_result):
    _, wb, _ = sample_book
    labels = _label_rows(wb["Summary"])
    t = sample_result.trades
    cur = sample_result.currency
    for label, key in ((f"Broker net ({cur})", "broker_net"), (f"Spread cost (estimated) ({cur})", "spread_cost"),
                       (f"Rebate (cashback accrued) ({cur})", "rebate"), (f"Commission ({cur})", "commission"),
                       (f"Net after rebate ({cur})", "net_after_rebate")):
        cell = labels[label][1]
        assert cell.value == pytest.approx(t[key].sum(), abs=0.005), label
        assert cell.number_format.startswith("#,##0.00")
    assert labels["Closed trades"][1].value == len(t)
    assert labels["First trade opened"][1].value == t["open_time"].min().to_pydatetime()


def test_summary_reconciles_with_the_printed_totals_and_states_assumptions(sample_book, sample_result):
    _, wb, _ = sample_book
    rows = [[c.value for c in row] for row in wb["Summary"].iter_rows()]
    recon = [r for r in rows if r[0] == "sample-statement.htm"]
    compared = sample_result.portfolio.files[0].reconciliation.compared
    plain = {field_label(k): k for k in compared}  # the printed totals in plain words (issue 15)
    assert {r[1] for r in recon} == set(plain)
    for r in recon:
        imported, printed = compared[plain[r[1]]]
        assert r[2] == pytest.approx(imported) and r[3] == pytest.approx(printed) and r[5] == "agrees"
    labels: dict = {}
    for r in rows:
        labels.setdefault(r[0], r)  # the main program's rows come before the compared programs'
    assert labels["Spread profile"][1] == sample_result.settings.profile.name
    assert labels["Server time minus UTC (hours)"][1] == 0
    assert labels["Program"][1] == "Example cashback"
    assert any(str(r[1]).startswith("rates[1] pips_per_lot") for r in rows)
    assert labels["Payout"][1].startswith("monthly, 5 day(s)")


def test_breakdowns_equal_aggregate_by(sample_book, sample_result):
    _, wb, _ = sample_book
    t = sample_result.trades
    for sheet, key in (("By symbol", "symbol"), ("By month", "month")):
        ws = wb[sheet]
        expected = aggregate.by(t, key)
        assert ws.max_row == len(expected) + 2  # header, groups, total
        spread = _column(ws, f"Spread cost (est.) ({sample_result.currency})")
        got = [ws.cell(row=i + 2, column=spread).value for i in range(len(expected))]
        np.testing.assert_allclose(got, expected["spread_cost"].to_numpy(), atol=1e-6)
        total = ws.cell(row=len(expected) + 2, column=spread).value
        assert ws.cell(row=len(expected) + 2, column=1).value == "Total"
        assert total == pytest.approx(t["spread_cost"].sum(), abs=1e-6)
    month = wb["By month"].cell(row=2, column=1)
    assert month.is_date and month.number_format == "yyyy-mm"


def test_rebates_cash_and_compare_sheets(sample_book, sample_result):
    _, wb, _ = sample_book
    account = sample_result.accounts[0]
    rows = [[c.value for c in row] for row in wb["Rebates"].iter_rows()]
    labels = {r[0]: r for r in rows if r[0]}
    cur = sample_result.currency
    assert labels[f"Expected payouts (program schedule) ({cur})"][1] == pytest.approx(
        rebates.round_cents(account.payouts["paid"].to_numpy()).sum())  # each period's payout to the cent
    assert labels["Eligible trades"][1] == int(sample_result.trades["eligible"].sum())
    statuses = [r[2] for r in rows if r[2] in ("matched", "missing", "unexpected", "pending")]
    assert len(statuses) == len(account.payout_matches)
    assert statuses.count("matched") == int((account.payout_matches["status"] == "matched").sum())
    cash = sample_result.portfolio.frame("cash")
    ws = wb["Cash events"]
    assert ws.max_row == len(cash) + 1
    assert ws.cell(row=2, column=3).is_date
    assert ws.cell(row=1, column=5).value == "Ccy" and ws.cell(row=2, column=5).value == sample_result.currency
    assert ws.cell(row=2, column=6).value == pytest.approx(cash["amount"].iloc[0])
    compare = [[c.value for c in row] for row in wb["Compare"].iter_rows()]
    names = [r[0] for r in compare]
    assert "Actual (Example cashback)" in names
    assert any(str(n).startswith("Program: ") for n in names)


def test_native_charts_over_the_sheets(sample_book):
    path, _, _ = sample_book
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 3
        xml = " ".join(z.read(n).decode() for n in charts)
    assert "'Equity'!" in xml and "'By month'!" in xml and "'By symbol'!" in xml


def test_progress_runs_to_one(sample_book):
    _, _, calls = sample_book
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(m.startswith("Trades") for _, m in calls)


def test_ib_sheet_only_with_several_accounts(two_accounts_result, tmp_path):
    path = excel.write_workbook(two_accounts_result, tmp_path / "ib.xlsx")
    wb = openpyxl.load_workbook(path)
    assert "IB" in wb.sheetnames
    rows = [[c.value for c in row] for row in wb["IB"].iter_rows()]
    accounts = {str(a) for a in two_accounts_result.trades["account"].unique()}
    by_client = [r for r in rows if r[0] in accounts and r[2] is not None and not isinstance(r[2], str)]
    assert {r[0] for r in by_client} == accounts
    ccy = {a.account_id: a.currency for a in two_accounts_result.accounts}
    assert all(r[1] == ccy[r[0]] for r in by_client)  # each client's own currency, beside merged-currency money
    total = next(r for r in rows if r[0] == "Total")
    trades = two_accounts_result.trades
    cents = 0.01 * len(by_client)  # the IB rows may be rounded to the cent
    assert total[5] == pytest.approx(trades["ib_earnings"].sum(), abs=cents)  # what the IB earns
    assert total[7] == pytest.approx(total[5] / 2, abs=cents)  # the program passes 50% back...
    assert total[7] == pytest.approx(trades["rebate"].sum(), abs=cents)  # ...which is the clients' rebate


def test_existing_report_survives_a_cancelled_export(sample_result, tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"the earlier report")
    polls = iter(range(1000))
    with pytest.raises(ImportCancelled):
        excel.write_workbook(sample_result, target, is_cancelled=lambda: next(polls) >= 3)
    assert target.read_bytes() == b"the earlier report"
    assert os.listdir(tmp_path) == ["report.xlsx"]


def test_unwritable_destination_is_an_export_error(sample_result, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        excel.write_workbook(sample_result, tmp_path / "missing" / "report.xlsx")
    with pytest.raises(ExportError, match="folder"):
        excel.write_workbook(sample_result, tmp_path)


def test_rows_stay_in_place_across_chunks(sample_result, tmp_path, monkeypatch):
    from fxcost.report import xlsx_stream

    monkeypatch.setattr(xlsx_stream, "CHUNK", 7)  # the sample's 1,500 trades in 215 chunks, the last one short
    wb = openpyxl.load_workbook(excel.write_workbook(sample_result, tmp_path / "chunked.xlsx"))
    ws = wb["Trades"]
    t = sample_result.trades
    assert ws.max_row == len(t) + 1
    tickets = [row[0].value for row in ws.iter_rows(min_row=2, min_col=2, max_col=2)]
    assert tickets == t["ticket"].tolist()


def test_summary_under_auto_profile_lists_the_spreads_actually_used(tmp_path):
    from fxcost.analysis.engine import AnalysisSettings
    from fxcost.analysis.spreads import load_profile
    from fxcost.pipeline import run
    from fxcost.resources import BUNDLED_SAMPLE, asset

    result = run([asset(BUNDLED_SAMPLE)], AnalysisSettings(profile=load_profile("auto")))
    raw = load_profile("raw")
    ws = openpyxl.load_workbook(excel.write_workbook(result, tmp_path / "auto.xlsx"))["Summary"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == "Spreads used (round turn)") + 2
    eurusd = next(r for r in rows[start:] if r[0] == "EURUSD")
    assert eurusd[5] == "profile: Typical Raw/ECN account"  # the sample pays commission: Auto chose Raw
    assert eurusd[2] == raw.spreads["EURUSD"].value and eurusd[3] == raw.spreads["EURUSD"].unit
    reconciliation = next(i for i, r in enumerate(rows) if r[0] == "File" and r[1] == "Printed total")
    commission = next(r for r in rows[reconciliation:] if r[1] == "Commission")  # plain words (issue 15)
    assert commission[2] == round(commission[2], 2) and commission[4] == 0  # to the cent, no float noise


def test_rebates_sheet_converts_payouts_of_accounts_in_other_currencies(sample_result, tmp_path):
    # Payouts stay in each account's currency in the detail tables (with a Ccy column); the summary's sums are
    # converted to the merged currency, never EUR and USD added together.
    from fxcost.pipeline import run
    from tests.report.conftest import SAMPLE, settings

    eur = tmp_path / "eur.csv"
    eur.write_text(
        "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit\n"
        + "".join(f"{k},2024.0{m}.0{d} 10:00:00,buy,1.00,EURUSD,1.09120,2024.0{m}.0{d} 12:00:00,1.09300,-7.00,0.00,"
                  f"180.00\n" for k, (m, d) in enumerate([(1, 5), (2, 6), (3, 7)], 1)),
        encoding="utf-8")
    result = run([SAMPLE, eur], settings("example-cashback"), currency={str(eur): "EUR"})
    assert {a.currency for a in result.accounts} == {"USD", "EUR"} and result.currency == "USD"
    path = excel.write_workbook(result, tmp_path / "mixed.xlsx")
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(path)["Rebates"].iter_rows()]
    labels = {r[0]: r for r in rows if r[0]}
    expected = sum(rebates.round_cents(a.payouts["paid"].to_numpy()).sum() * result.merged_rate(a)
                   for a in result.accounts if a.payouts is not None)
    eur_paid = next(a for a in result.accounts if a.currency == "EUR").payouts["paid"].sum()
    assert eur_paid > 0 and next(a for a in result.accounts if a.currency == "EUR").usd_rate != 1.0
    assert labels["Expected payouts (program schedule) (USD)"][1] == pytest.approx(expected)
    assert {r[1] for r in rows if r[0] in {a.account_id for a in result.accounts}} >= {"USD", "EUR"}
    # Every per-account money figure names its currency: Ccy columns beside account-currency amounts, the
    # merged currency in the header of converted ones, and the Summary says which is which.
    wb = openpyxl.load_workbook(path)
    summary = [r[0].value for r in wb["Summary"].iter_rows() if isinstance(r[0].value, str)]
    assert any(t.startswith("Accounts in EUR, USD: every figure headed (USD) is converted") for t in summary)
    cash = [[c.value for c in r] for r in wb["Cash events"].iter_rows()]
    assert cash[0][4:6] == ["Ccy", "Amount (account currency)"]
    ccy = {a.account_id: a.currency for a in result.accounts}
    assert all(r[4] == ccy[r[0]] for r in cash[1:])
    be = [[c.value for c in r] for r in wb["Break-even"].iter_rows()]
    head = next(r for r in be if r[0] == "Account")
    assert head[1] == "Account ccy" and "Average win (USD)" in head
    by_account = be[be.index(head) + 1:be.index(head) + 1 + len(result.accounts)]
    assert {(r[0], r[1]) for r in by_account} == set(ccy.items())


def _shown(cell) -> str | None:
    """A numeric or date cell's text as its number format shows it (None for text and empty cells)."""
    v, fmt = cell.value, cell.number_format
    if v is None or isinstance(v, (str, bool)):
        return None
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return fmt.replace("[", "").replace("]", "").replace('"', "")  # yyyy-mm-dd hh:mm:ss is as wide as its text
    if isinstance(v, dt.timedelta):
        return "000:00:00"
    decimals = len(fmt.split(".")[1].split(";")[0].rstrip("%")) if "." in fmt else 0
    text = f"{abs(v) * (100 if fmt.endswith('%') else 1):{',' if ',' in fmt else ''}.{decimals}f}"
    return ("-" if v < 0 else "") + text + ("%" if fmt.endswith("%") else "")


def _check_widths(wb) -> list[str]:
    """Cells that would show ### (number or date wider than its column) and headers with a word wider than
    their column, on every sheet."""
    bad = []
    for ws in wb:
        widths = {k: d.width for k, d in ws.column_dimensions.items() if d.width}
        for row in ws.iter_rows():
            for cell in row:
                width = widths.get(cell.column_letter, 8.43)
                text = _shown(cell)
                if text is not None and len(text) > width:
                    bad.append(f"{ws.title}!{cell.coordinate} {text!r} in width {width}")
                if cell.fill.fgColor.rgb == "00DDEBF7" and isinstance(cell.value, str):  # a header cell
                    word = max(cell.value.split(), key=len)
                    if len(word) + 1 > width:
                        bad.append(f"{ws.title}!{cell.coordinate} header word {word!r} in width {width}")
    return bad


def test_every_number_and_header_fits_its_column(sample_book, two_accounts_result, tmp_path):
    _, wb, _ = sample_book
    assert _check_widths(wb) == []
    wb = openpyxl.load_workbook(excel.write_workbook(two_accounts_result, tmp_path / "ib.xlsx"))
    assert _check_widths(wb) == []
    ws = wb["Rebates"]
    header_row = next(r for r in ws.iter_rows() if r[0].value == "Account" and any(c.value == "Ticket" for c in r))
    ticket = next(c for c in header_row if c.value == "Ticket")
    tickets = [r[ticket.column - 1].value for r in ws.iter_rows(min_row=ticket.row + 1)
               if isinstance(r[ticket.column - 1].value, int)]
    assert tickets and ws.column_dimensions[ticket.column_letter].width > len(str(max(tickets)))  # not ###


def test_every_sheet_prints_with_titles_headers_and_page_numbers(sample_book):
    path, wb, _ = sample_book
    for ws in wb:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.oddHeader.right.text == "&A" and "&P" in ws.oddFooter.center.text, ws.title
    for name in ("Trades", "By symbol", "By month", "Equity", "Cash events"):
        assert wb[name].print_title_rows == "$1:$1", name  # the header row on every printed page
    assert wb["Trades"].print_title_cols == "$A:$B"  # Account and Ticket on every band of columns
    assert wb["Trades"].page_setup.fitToWidth == 1  # fit to width (issue 15)
    assert [b.id for b in wb["Charts"].row_breaks.brk] == [row - 2 for row in excel.CHART_ROWS[1:]]
    with zipfile.ZipFile(path) as z:
        equity = next(z.read(n).decode() for n in z.namelist()
                      if n.startswith("xl/charts/chart") and b"'Equity'!" in z.read(n)).replace("<c:", "<")
    assert "<lineChart>" in equity and "<dateAx>" in equity  # a date axis, not a scatter's value axis
    date_axis = equity[equity.index("<dateAx>"):equity.index("</dateAx>")]
    assert '<majorTimeUnit val="months"/>' in date_axis and '<majorUnit val="1' in date_axis
    assert '<axPos val="b"/>' in date_axis


def test_summary_counts_orders_apart_and_names_unprinted_account_fields(tmp_path):
    from fxcost.pipeline import run
    from fxcost.samples.generate import generate
    from tests.report.conftest import settings

    mt5 = tmp_path / "mt5.html"
    generate(mt5, "mt5-html", 60, 5)
    result = run([mt5], settings("example-cashback"))
    wb = openpyxl.load_workbook(excel.write_workbook(result, tmp_path / "mt5.xlsx"))
    rows = [[c.value for c in r] for r in wb["Summary"].iter_rows()]
    head = next(r for r in rows if r[0] == "Account")
    account = rows[rows.index(head) + 1]
    fields = dict(zip(head, account))
    assert fields["Leverage (1:N)"] == "not printed"  # MT5 reports print no leverage
    assert fields["Account type"] == result.accounts[0].book.account.account_type == "real"
    assert fields["Margin mode"] == "hedge"
    orders = result.portfolio.frame("orders")
    labels = {r[0]: r for r in rows if r[0]}
    assert labels["Cancelled orders (not costed)"][1] == int((orders["state"] != "working").sum())
    assert labels["Working (pending) orders (not costed)"][1] == int((orders["state"] == "working").sum())
    assert not any(str(r[0]).startswith("Cancelled / working") for r in rows)


def test_payout_money_is_written_to_the_cent_like_the_json(sample_book, sample_result):
    # One cents rule everywhere (rebates.round_cents): the sheet must not hold 2.6849999999999996 where the text says
    # 2.69 and Excel's own display would say 2.68.
    _, wb, _ = sample_book
    account = sample_result.accounts[0]
    rows = list(wb["Rebates"].iter_rows(values_only=True))
    payout_rows = [r for r in rows if r[0] == account.account_id and isinstance(r[4], int)]  # r[4]: trades
    money = [v for r in payout_rows for v in r[5:9]]  # accrued, carried in, paid, carried forward
    assert len(money) > 20 and all(v == rebates.round_cents(v) for v in money)
    paid = rebates.round_cents(account.payouts["paid"].to_numpy())
    expected = next(r[1] for r in rows if str(r[0]).startswith("Expected payouts (program schedule)"))
    assert expected == rebates.round_cents(paid.sum())
