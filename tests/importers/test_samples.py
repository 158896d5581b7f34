"""Every real export in ../shared/samples: history reports import and reconcile with their printed
totals (or each difference carries its cause and a warning); non-history files get their specific message."""

import pytest

from fxcost.errors import UnsupportedReport
from fxcost.importers import load_file
from fxcost.importers.reconcile import reconcile
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

#: sample -> words its refusal must contain.
REFUSED = {"mt5-TEMPLATE-reporthistory-yaser.htm": ["template"]}


def test_every_sample_is_classified(samples_dir):
    names = {p.name for p in samples_dir.iterdir() if p.is_file() and p.name != "SOURCES.tsv"}
    assert names == set(HISTORY) | set(REFUSED)


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
