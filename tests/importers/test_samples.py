"""Every real export in ../shared/samples: history reports import and reconcile with their printed
totals (or each difference carries its cause and a warning); non-history files get their specific message."""

import pytest

from fxcost.errors import UnsupportedReport
from fxcost.importers import load_file
from fxcost.importers.reconcile import reconcile
from fxcost.model import CASH_KINDS
from tests.conftest import SAMPLES

#: sample -> (format, closed trades) as counted by hand from the files (FORMATS.md's table).
HISTORY = {
    "csv-platform-export-harry-11119147.csv": ("csv", 9),
    "mt4-detailed-4xlots-a.htm": ("mt4_detailed", 112),
    "mt4-detailed-dyk42.htm": ("mt4_detailed", None),
    "mt4-detailed-es-demo-heikenashi.htm": ("mt4_detailed", 23),
    "mt4-detailed-jblanco-ntfy.htm": ("mt4_detailed", 297),
    "mt4-detailed-learncoding-b.htm": ("mt4_detailed", 1304),
    "mt4-detailed-rawtrading-cn.html": ("mt4_detailed", 10),
    "mt4-detailed-tianyeshiye.htm": ("mt4_detailed", 1761),
    "mt4-statement-jblanco-ntfy.htm": ("mt4_statement", 297),
    "mt4-statement-oanda-acs.htm": ("mt4_statement", 42),
    "mt4-statement-tradeslide.htm": ("mt4_statement", 124),
    "mt4-tester-swissquote-macdsample.htm": ("mt4_tester", 733),
    "mt5-history-ftmo-propfirm.xlsx": ("mt5_xlsx", None),
    "mt5-history-harry-es-sa.xlsx": ("mt5_xlsx", 63),
    "mt5-history-harry-es.xlsx": ("mt5_xlsx", None),
    "mt5-history-nica-jp-demo.html": ("mt5_html", 85),
    "mt5-history-popov-70358000.html": ("mt5_html", 658),
    "mt5-history-tradenote-sample.xlsx": ("mt5_xlsx", 3),
    "mt5-history-tradetaper-webreport.html": ("mt5_html", 16),
    "mt5-history-tradetaper.xlsx": ("mt5_xlsx", 16),
    "mt5-tester-didinska.html": ("mt5_tester_html", 145),
    # The second collection (FORMATS.md 6b).
    "mt4-detailed-mihawk-mt4trade02.htm": ("mt4_detailed", 509),  # old build: "Volume" header
    "mt4-statement-exness-mbilalkhan.htm": ("mt4_statement", 9),
    "mt4-tester-ru-cp1251-ukrgasbank-panpip.htm": ("mt4_tester", 87),  # Russian labels, swap close/open rows
    "mt4-tester-zh-gbk-partclosed-mihawk.htm": ("mt4_tester", 308),  # Chinese labels, partial closes
    "mt5-history-oldbuild-metaquotes-mihawk-trade5.html": ("mt5_html", 8),  # 2016 build: no Positions
    "mt5-history-fr-ftmo-1513284340-fsaintvil.xlsx": ("mt5_xlsx", 1064),
}

#: sample -> (Σ cash by kind, opening balance, opening balance derived from the printed Balance), issue 11.
#: The kinds follow each row's rule (model.CASH_KINDS): OANDA's Financing rows are financing (its swap), Exness's
#: "Archived orders" an archived roll-up, dyk42's "IT From"/"IntrTo" rows transfers in and out. An MT4 statement's
#: opening balance is derived (it is never printed): heikenashi's demo starts at 1 000.00, tradeslide's Balance is
#: 14 030.71 below its rows. MT5 reports give it (the Deals' running Balance), a backtest starts at 0.
CASH = {
    "csv-platform-export-harry-11119147.csv": ({}, None, False),
    "mt4-detailed-4xlots-a.htm": ({'deposit': 210.0}, 0.0, True),
    "mt4-detailed-dyk42.htm": ({'deposit': 1840.62, 'withdrawal': -627.0, 'transfer_in': 58.55, 'transfer_out': -17.01, 'adjustment': -1.62, 'archived': -746.68, 'dividend': -3.08}, 0.0, True),
    "mt4-detailed-es-demo-heikenashi.htm": ({}, 1000.0, True),
    "mt4-detailed-jblanco-ntfy.htm": ({'deposit': 397.0, 'withdrawal': -800.0}, 0.0, True),
    "mt4-detailed-learncoding-b.htm": ({'deposit': 985.0, 'withdrawal': -3989.26, 'credit': 0.0}, 0.0, True),
    "mt4-detailed-mihawk-mt4trade02.htm": ({'deposit': 100000.0, 'withdrawal': -70000.0}, 0.0, True),
    "mt4-detailed-rawtrading-cn.html": ({}, 3550.55, True),
    "mt4-detailed-tianyeshiye.htm": ({'deposit': 500000.0}, 0.0, True),
    "mt4-statement-exness-mbilalkhan.htm": ({'archived': 1316.58}, 0.0, True),
    "mt4-statement-jblanco-ntfy.htm": ({'deposit': 397.0, 'withdrawal': -800.0}, 0.0, True),
    "mt4-statement-oanda-acs.htm": ({'financing': -2.54, 'adjustment': 5000.0}, 0.0, True),
    "mt4-statement-tradeslide.htm": ({'deposit': 100000.0}, 0.0, True),  # Balance at report time, rows end before
    "mt4-tester-ru-cp1251-ukrgasbank-panpip.htm": ({'deposit': 200.0}, 0.0, False),
    "mt4-tester-swissquote-macdsample.htm": ({'deposit': 10000.0}, 0.0, False),
    "mt4-tester-zh-gbk-partclosed-mihawk.htm": ({'deposit': 10000.0}, 0.0, False),
    "mt5-history-fr-ftmo-1513284340-fsaintvil.xlsx": ({'deposit': 200000.0}, 0.0, False),
    "mt5-history-ftmo-propfirm.xlsx": ({'deposit': 200000.0}, 0.0, False),
    "mt5-history-harry-es-sa.xlsx": ({'deposit': 501.0, 'credit': 530.2}, 0.0, False),
    "mt5-history-harry-es.xlsx": ({'deposit': 501.0, 'credit': 530.2}, 0.0, False),
    "mt5-history-nica-jp-demo.html": ({'deposit': 3000000.0}, 0.0, False),
    "mt5-history-oldbuild-metaquotes-mihawk-trade5.html": ({'deposit': 10000.0}, 0.0, False),
    "mt5-history-popov-70358000.html": ({'deposit': 10000.0}, 0.0, False),
    "mt5-history-tradenote-sample.xlsx": ({'deposit': 3000.0}, 0.0, False),
    "mt5-history-tradetaper-webreport.html": ({'deposit': 100000.0}, 0.0, False),
    "mt5-history-tradetaper.xlsx": ({'deposit': 100000.0}, 0.0, False),
    "mt5-tester-didinska.html": ({'deposit': 3000.0}, None, False),
}

#: Cash fields each kind of report prints, all of which must be compared.
CASH_COMPARED = {
    "mt4_statement": {"deposit_withdrawal", "credit_facility", "balance", "floating_pl", "equity"},
    "mt4_detailed": {"deposit_withdrawal", "credit_facility", "balance", "floating_pl", "equity"},
    "mt4_tester": {"balance"},
    "mt5_html": {"balance", "credit_facility", "floating_pl", "equity"},
    "mt5_xlsx": {"balance", "credit_facility", "floating_pl", "equity"},
    "mt5_tester_html": set(),
    "csv": set(),
}

#: sample -> words its refusal must contain.
REFUSED = {"mt5-TEMPLATE-reporthistory-yaser.htm": ["template"]}


def test_every_sample_is_classified(samples_dir):
    names = {p.name for p in samples_dir.iterdir() if p.is_file() and p.name != "SOURCES.tsv"}
    assert names == set(HISTORY) | set(REFUSED)
    assert set(CASH) == set(HISTORY)


@pytest.mark.parametrize("name", sorted(HISTORY))
def test_history_sample_imports_and_reconciles(samples_dir, name):
    fmt, trades = HISTORY[name]
    st = load_file(samples_dir / name)
    assert st.format == fmt
    if trades is not None:
        assert len(st.trades) == trades
    assert len(st.trades) > 0
    rec = reconcile(st)
    for diff in rec.differences.values():
        assert diff.cause, f"{name}: unexplained difference {diff}"
        assert any(diff.field in w or diff.cause in w for w in st.warnings), f"{name}: no warning for {diff}"
    t = st.trades
    assert t["close_time"].notna().all() and t["open_time"].notna().all()
    assert (t["close_time"] >= t["open_time"]).all()
    assert t["side"].isin(["buy", "sell"]).all()
    assert (t["lots"] > 0).all()
    assert (t["symbol_root"] != "").all()
    assert not st.is_backtest or "tester" in fmt


@pytest.mark.parametrize("name", sorted(HISTORY))
def test_history_sample_reconciles_cash(samples_dir, name):
    """Deposit/Withdrawal, Credit Facility, Balance, Floating P/L and Equity, wherever the report prints them."""
    st = load_file(samples_dir / name)
    rec = reconcile(st)
    by_kind, opening, derived = CASH[name]
    assert {k: round(v, 2) for k, v in rec.cash.cash_by_kind.items()} == by_kind
    assert rec.cash.opening_balance == (None if opening is None else pytest.approx(opening, abs=0.005))
    assert rec.cash.opening_derived is derived
    # A statement of part of the history (an opening balance above 0 derived from its Balance) cannot check it.
    partial = derived and (opening > 0.005 or any("after its last row" in w for w in st.warnings))
    assert set(rec.cash.compared) == CASH_COMPARED[st.format] - ({"balance"} if partial else set())
    for diff in rec.cash.differences:  # the tester's rounding, which the reader explains, or said with its cause
        assert diff.cause and any(diff.field in w for w in st.warnings), f"{name}: {diff}"
    if derived and abs(opening) > 0.005:
        assert any("opening balance" in w for w in st.warnings)
    assert set(st.cash["kind"]) <= set(CASH_KINDS)
    assert float(st.cash["amount"].sum()) == pytest.approx(sum(by_kind.values()), abs=0.01)  # no row dropped


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_non_history_sample_refused_with_its_message(samples_dir, name):
    with pytest.raises(UnsupportedReport) as info:
        load_file(samples_dir / name)
    for word in REFUSED[name]:
        assert word in info.value.message


def test_statement_and_detailed_statement_agree(samples_dir):
    a = load_file(SAMPLES / "mt4-statement-jblanco-ntfy.htm")
    b = load_file(SAMPLES / "mt4-detailed-jblanco-ntfy.htm")
    cols = ["ticket", "open_time", "close_time", "lots", "symbol", "profit", "commission", "swap"]
    assert a.trades[cols].equals(b.trades[cols])


def test_mt5_html_and_xlsx_twins_agree(samples_dir):
    a = load_file(SAMPLES / "mt5-history-tradetaper-webreport.html")
    b = load_file(SAMPLES / "mt5-history-tradetaper.xlsx")
    cols = ["ticket", "open_time", "close_time", "lots", "symbol", "profit", "commission", "swap"]
    assert a.trades[cols].reset_index(drop=True).equals(b.trades[cols].reset_index(drop=True))
