"""Report variants seen in the wild (FORMATS.md 6b, issue 11), written by the generator: each imports and
reconciles its trades and its cash, and the cash ledger holds what the generator wrote, kind by kind."""

import pandas as pd
import pytest

from fxcost.errors import ImportFailed, UnsupportedReport
from fxcost.importers import detect, load_file
from fxcost.importers.reconcile import reconcile
from fxcost.money import money_text
from fxcost.samples.writers.mt4_variants import JA_EXPERT, JA_NAME, MT4_VARIANTS, mt4_variant
from fxcost.samples.writers.mt5_variants import MT5_VARIANTS, mt5_variant
from fxcost.samples.writers.tester import TESTER_LANGUAGES, TESTER_TITLES, mt4_tester_variant


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variants")
    out = {}
    for name in MT4_VARIANTS:
        path = folder / f"{name}.htm"
        out[name] = (path, mt4_variant(path, name))
    return out


@pytest.mark.parametrize("name", MT4_VARIANTS)
def test_mt4_variant_imports_and_reconciles_trades_and_cash(variants, name):
    path, written = variants[name]
    st = load_file(path)
    assert st.format == "mt4_detailed" and not st.skipped
    assert len(st.trades) == written["rows_by_kind"]["trade"]
    rec = reconcile(st)
    assert rec.ok, [str(d) for d in rec.differences.values()]
    # A statement of part of the history cannot check its Balance (its opening balance is derived from it).
    checked = {"deposit_withdrawal", "credit_facility", "floating_pl", "equity"} | ({"balance"} if not written["opening"]
                                                                                   else set())
    assert checked <= set(rec.compared) and ("balance" in rec.compared) == (not written["opening"])
    assert rec.cash.cash_by_kind == pytest.approx({k: v / 100 for k, v in written["cash_by_kind"].items()})
    assert rec.cash.opening_balance == pytest.approx(written["opening"] / 100)
    assert st.printed.balance == pytest.approx(written["balance"] / 100)


def test_sub_period_statement_says_its_opening_balance(variants):
    path, written = variants["sub-period"]
    st = load_file(path)
    assert written["opening"] > 0
    rec = reconcile(st)
    assert rec.cash.opening_derived
    assert any("opening balance of" in w for w in st.warnings)


def test_japanese_template_is_read_by_its_structure(variants):
    path, _ = variants["ja-template"]
    raw = path.read_bytes()
    assert "決済情報:".encode("cp932") in raw and b"Closed Transactions" not in raw and b"<!--CLOSED_Commission-->" in raw
    st = load_file(path)
    assert st.account.login and st.account.currency == "USD" and st.account.leverage == 100
    assert st.printed.commission is None  # the unfilled placeholder prints no commission total
    assert st.printed.trades == len(st.trades) and st.printed.total_net_profit is not None


def test_japanese_template_names_and_comments_are_read_in_shift_jis(variants):
    """The template is Shift-JIS (cp932), which also decodes as GBK without error: the name and the comments must
    come out as written, not as hanzi (issue 11)."""
    path, _ = variants["ja-template"]
    raw = path.read_bytes()
    raw.decode("gbk")  # the trap: GBK reads these bytes too
    st = load_file(path)
    assert st.account.name == JA_NAME
    assert st.trades["comment"].str.contains(JA_EXPERT, regex=False).any()


def test_recent_build_archived_roll_up_is_cash_not_a_deposit(variants):
    path, _ = variants["recent-build"]
    st = load_file(path)
    assert st.cash["kind"].iloc[0] == "archived" and st.account.leverage is None


def test_oanda_financing_and_transfers_have_their_kinds(variants):
    path, written = variants["oanda-financing"]
    by_kind = reconcile(load_file(path)).cash.cash_by_kind
    assert by_kind["financing"] == pytest.approx(written["cash_by_kind"]["financing"] / 100)
    assert by_kind["financing"] < 0
    assert by_kind["transfer_in"] == 250.0 and by_kind["transfer_out"] == -100.0 and "deposit" not in by_kind


def test_deposit_titled_with_a_greater_than_sign_is_kept(variants):
    path, _ = variants["attr-gt"]
    assert b'title="UT>CAC 857064138"' in path.read_bytes()
    cash = load_file(path).cash
    row = cash.loc[cash["comment"] == "UT>CAC 857064138"]
    assert row["amount"].tolist() == [15000.0] and row["kind"].tolist() == ["deposit"]


@pytest.fixture(scope="module")
def mt5_variants(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mt5variants")
    out = {}
    for name in MT5_VARIANTS:
        path = folder / f"{name}.html"
        out[name] = (path, mt5_variant(path, name))
    return out


@pytest.mark.parametrize("name", MT5_VARIANTS)
def test_mt5_variant_imports_and_reconciles_trades_and_cash(mt5_variants, name):
    path, written = mt5_variants[name]
    st = load_file(path)
    assert st.format == "mt5_html" and not st.skipped
    t = st.trades
    assert len(t) == written["trades"]
    assert (t["profit"] + t["commission"] + t["swap"]).sum() == pytest.approx(written["net"] / 100)
    rec = reconcile(st)
    assert rec.ok, [str(d) for d in rec.differences.values()]
    assert {"balance", "credit_facility", "floating_pl", "equity", "trades", "total_net_profit"} <= set(rec.compared)
    assert rec.cash.cash_by_kind == pytest.approx({k: v / 100 for k, v in written["cash_by_kind"].items()})
    assert rec.cash.opening_balance == 0.0 and not rec.cash.opening_derived
    assert st.printed.balance == pytest.approx(written["balance"] / 100)
    assert st.printed.equity == pytest.approx(written["equity"] / 100)


def test_old_build_deals_total_leaves_the_deposit_out(mt5_variants):
    path, written = mt5_variants["old-build"]
    st = load_file(path)
    assert "does not include balance" in st.printed.extra["profit_basis"]
    assert st.account.broker == "MetaQuotes Software Corp." and st.account.leverage == 100
    assert len(st.open_positions) == 1


def test_netting_reversal_closes_and_reopens(mt5_variants):
    """A sell of 0.30 in/out against a long 0.10 closes it and opens a short 0.20 (FORMATS.md 6b)."""
    path, _ = mt5_variants["netting"]
    st = load_file(path)
    assert st.account.margin_mode == "netting"
    t = st.trades
    assert t["side"].tolist() == ["buy", "sell", "buy"] and t["lots"].tolist() == [0.10, 0.20, 0.05]
    assert t["close_price"].iloc[0] == t["open_price"].iloc[1]  # the reversal's price ends one and starts the next
    assert len(set(t["ticket"])) == 3 and not st.open_positions.shape[0]


def test_netting_reversal_is_rebuilt_even_with_a_positions_table(mt5_variants):
    """Newer builds write a Positions section, where a reversed netting position is one row showing its first life:
    the trades come from the deals, three of them, and the net is the report's (issue 11)."""
    path, written = mt5_variants["netting-positions"]
    st = load_file(path)
    t = st.trades
    assert t["side"].tolist() == ["buy", "sell", "buy"] and t["lots"].tolist() == [0.10, 0.20, 0.05]
    assert t["close_price"].iloc[0] == t["open_price"].iloc[1]
    assert (t["profit"] + t["commission"] + t["swap"]).sum() == pytest.approx(written["net"] / 100)
    assert st.printed.total_net_profit == pytest.approx(written["net"] / 100)
    assert any("folds each reversal" in w for w in st.warnings)
    assert not any("no Positions table" in w for w in st.warnings)
    assert "adjust" not in st.printed.extra  # nothing to explain away: the trades are the report's


def test_transfers_are_in_and_out(mt5_variants):
    path, _ = mt5_variants["transfers"]
    cash = load_file(path).cash
    by_kind = cash.groupby("kind")["amount"].sum()
    assert by_kind["transfer_in"] == 59556.06 and by_kind["transfer_out"] == -29400.0
    assert set(cash["row_type"]) == {"balance"}


@pytest.mark.parametrize("language", sorted(TESTER_LANGUAGES))
def test_mt4_tester_in_any_language_and_code_page(tmp_path, language):
    path = tmp_path / f"tester-{language}.htm"
    written = mt4_tester_variant(path, language)
    codepage = TESTER_LANGUAGES[language][0]
    label = TESTER_LANGUAGES[language][1][10]  # Total net profit, translated
    assert label.encode(codepage) in path.read_bytes()
    st = load_file(path)
    assert st.format == "mt4_tester" and st.is_backtest and not st.skipped
    assert len(st.trades) == written["trades"] and st.printed.trades == written["trades"]
    assert st.trades["profit"].sum() == pytest.approx(written["net"] / 100)
    assert st.printed.total_net_profit == pytest.approx(written["net"] / 100)
    assert st.printed.extra["initial_deposit"] == written["deposit"] / 100
    assert st.printed.extra["spread_points"] == 2
    rec = reconcile(st)
    assert rec.ok and rec.cash.compared["balance"] == (pytest.approx(written["balance"] / 100), written["balance"] / 100)
    assert (st.account.currency == "USC") is written["cent"]
    assert any("cent account" in w for w in st.warnings) is written["cent"]
    if language.startswith("ru"):
        assert (st.trades["comment"] == "swap close").sum() > 0  # a rollover closes a trade of its own
    # The last trade ends with "close at stop", the tester closing it when the test ends: Closed by "end".
    assert st.trades["close_reason"].tolist()[-1] == "end" and (st.trades["close_reason"] == "end").sum() == 1


def test_a_testers_partial_close_whose_rest_is_reissued_under_a_new_order_leaves_nothing_open(tmp_path):
    # A real IC Markets backtest: "close" of 0.49 of order 2's 0.97 lots, then "buy" of order 3, 0.48 lots, at order
    # 2's open price in the same minute. Order 2's rest was kept open too: 34 positions the report does not have.
    path = tmp_path / "partials.htm"
    written = mt4_tester_variant(path, "en", trades=30, partials=True)
    assert written["partials"] >= 3
    st = load_file(path)
    assert st.open_positions.empty and not st.skipped
    assert len(st.trades) == written["trades"] and st.trades["profit"].sum() == pytest.approx(written["net"] / 100)
    parts = st.trades[st.trades["is_partial"]]
    assert len(parts) == 2 * written["partials"]
    # Each rest was open since its first order opened: the pairs share their open time and price.
    assert parts.groupby(["open_time", "open_price"]).size().tolist() == [2] * written["partials"]
    assert reconcile(st).ok


@pytest.mark.parametrize("language", sorted(set(TESTER_LANGUAGES) - {"en"}))
def test_mt4_tester_with_a_translated_title_is_known_by_its_structure(tmp_path, language):
    """The terminal may translate the title and heading too: the report is known by its event rows (issue 11)."""
    path = tmp_path / f"tester-{language}.htm"
    written = mt4_tester_variant(path, language, trades=12, translated_title=True)
    data = path.read_bytes()
    assert b"Strategy Tester" not in data and TESTER_TITLES[language][0].encode(TESTER_LANGUAGES[language][0]) in data
    assert detect.identify(data, path.name)[0] == "mt4_tester"
    st = load_file(path)
    assert st.format == "mt4_tester" and st.is_backtest and not st.skipped
    assert len(st.trades) == written["trades"]
    assert st.trades["profit"].sum() == pytest.approx(written["net"] / 100)
    assert st.printed.extra["expert"] == "Sample EA"
    assert reconcile(st).ok


def test_mt4_tester_without_events_and_a_translated_title_is_named_a_tester_report(tmp_path):
    """No event row to know it by: the settings table and the "(Build NNNN)" line under the title still say what it
    is, so the refusal is the tester's "no trade list", not "a web page"."""
    import re

    path = tmp_path / "tester-ru.htm"
    mt4_tester_variant(path, "ru", trades=3, translated_title=True)
    text = path.read_bytes().decode("cp1251")
    text = re.sub(r"<tr[^>]*>.*?</tr>\n", lambda m: "" if ("#C0C0C0" in m.group(0) or "class=msdate" in m.group(0))
                  else m.group(0), text)
    assert "msdate" not in text
    path.write_bytes(text.encode("cp1251"))
    assert detect.identify(path.read_bytes(), path.name)[0] == "mt4_tester"
    with pytest.raises(ImportFailed, match="no trade list"):
        load_file(path)


def _utf16(path):
    return path.read_bytes()[2:].decode("utf-16-le")


def _write_utf16(path, text):
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))


def test_deals_total_that_includes_a_deposit_is_named(mt5_variants, tmp_path):
    """A report of part of the history (opening balance 9,950) whose Deals total counts its 50.00 deposit: the
    totals row is read as including the balance deal, and the cash reconciles from the opening balance."""
    import re

    path, _ = mt5_variants["old-build"]
    text = _utf16(path).replace("<td nowrap>10 000.00</td><td nowrap>10 000.00</td>",
                                "<td nowrap>50.00</td><td nowrap>10 000.00</td>", 1)
    totals = re.search(r'(<td nowrap colspan="8" style="height: 30px"></td>(?:<td nowrap><b>[^<]*</b></td>){2}'
                       r"<td nowrap><b>)([^<]*)(</b>)", text)
    profit = float(totals.group(2).replace(" ", ""))
    text = text[:totals.start(2)] + f"{profit + 50:.2f}" + text[totals.end(2):]
    edited = tmp_path / "part.html"
    _write_utf16(edited, text)
    st = load_file(edited)
    rec = reconcile(st)
    assert rec.ok, [str(d) for d in rec.differences.values()]
    assert "includes" in st.printed.extra["profit_basis"] and "balance/credit deals" in st.printed.extra["profit_basis"]
    assert rec.cash.opening_balance == pytest.approx(9950.0) and not rec.cash.opening_derived


def test_trade_account_report_with_a_stray_placeholder_is_named_for_what_it_is(mt5_variants, tmp_path):
    """A Japanese Trade Account Report (no Deals, a comment left by the broker's build) is not an empty template."""
    import re

    path, _ = mt5_variants["old-build"]
    text = _utf16(path).replace("Trade History Report</title>", "トレード口座レポート</title>")
    text = re.sub(r'<tr align="center">\s*<th colspan="13" style="height: 25px"><div style="font: 10pt Tahoma">'
                  r"<b>Deals</b>.*?(?=<tr align=\"center\">\s*<th colspan=\"13\"[^>]*><div[^>]*><b>Trade Positions)",
                  "", text, flags=re.DOTALL)
    text = text.replace("<body>", "<body><!--ACCOUNT_MARGIN_MODE-->")
    edited = tmp_path / "ReportTrade.html"
    _write_utf16(edited, text)
    with pytest.raises(UnsupportedReport) as info:
        load_file(edited)
    assert "Trade Account Report" in info.value.message and "template" not in info.value.message


def test_a_balance_below_the_rows_is_a_difference_not_an_opening_balance(variants):
    # A real Tradeslide statement said "reconciled" of a Balance 14 030.71 below its deposit and closed P/L, taking
    # a negative opening balance: an account starts from nothing, so the rows miss money instead.
    from fxcost.importers.reconcile import reconcile_cash

    path, written = variants["recent-build"]
    assert not written["opening"]
    st = load_file(path)
    whole = reconcile_cash(st)
    assert whole.opening_balance == 0.0 and whole.compared["balance"][1] == st.printed.balance
    assert whole.compared["balance"][0] == pytest.approx(st.printed.balance)  # the rows' own sum, checked
    st.printed.balance -= 140.00
    last = max(st.trades["close_time"].max(), st.cash["time"].max())
    st.account.report_time = last + pd.Timedelta(hours=2)  # made right after its last row: nothing closed since
    short = reconcile_cash(st)
    (diff,) = [d for d in short.differences if d.field == "balance"]
    assert diff.printed == st.printed.balance and diff.imported == pytest.approx(st.printed.balance + 140.00)
    assert "no earlier history" in diff.cause and short.opening_balance == 0.0
    # Made a week after its last row (the real Tradeslide statement): the Balance counts trades closed since.
    st.account.report_time = last + pd.Timedelta(days=7)
    later = reconcile_cash(st)
    assert "balance" not in later.compared and not [d for d in later.differences if d.field == "balance"]
    assert any("140.00 more than the report's Balance" in n and "after its last row" in n for n in later.notes)
    st.printed.balance += 280.00  # above the rows: a statement of part of the history, said, and not a check
    part = reconcile_cash(st)
    assert part.opening_balance == pytest.approx(140.00) and "balance" not in part.compared
    assert "balance" not in {d.field for d in part.differences}  # (the Equity, moved apart, now differs)
    assert any("opening balance of 140.00" in n for n in part.notes)


def test_a_testers_gross_profit_and_loss_are_checked_against_its_rows(tmp_path):
    # A real IC Markets backtest printed Gross profit 6 286.71 over winning rows of 6 286.70: a cent of rounding
    # over 85 rows, which is fine; a gross figure the rows do not make is said.
    import re

    path = tmp_path / "t.htm"
    mt4_tester_variant(path, "en", trades=40)
    assert not any("Gross" in w for w in load_file(path).warnings)
    text = path.read_text(encoding="cp1252")
    gross = float(re.search(r"Gross profit</td><td align=right>([-\d.]+)<", text).group(1))
    for shift, said in ((0.01, False), (25.0, True)):
        edited = tmp_path / f"edited-{shift}.htm"
        edited.write_text(text.replace(f"Gross profit</td><td align=right>{gross:.2f}<",
                                       f"Gross profit</td><td align=right>{gross + shift:.2f}<"), encoding="cp1252")
        warned = [w for w in load_file(edited).warnings if "Gross Profit" in w]
        assert bool(warned) is said, warned
    assert f"the winning trades add up to {money_text(gross)}" in warned[0]


def test_a_derived_opening_balance_beside_missing_cash_rows_says_rows_may_be_missing(variants):
    # A real Startrader statement cut short: the Deposit/Withdrawal no longer reconciled, yet the note explained the
    # Balance as history before the statement only.
    from fxcost.importers.reconcile import reconcile_cash

    path, written = variants["sub-period"]
    st = load_file(path)
    assert not any("rows may be missing" in n for n in reconcile_cash(st).notes)
    st.printed.deposit_withdrawal += 500.0
    notes = reconcile_cash(st).notes
    assert any("opening balance of" in n and "rows may be missing from the file" in n for n in notes)


def test_a_tester_row_of_an_absurd_size_is_read_without_an_overflow(tmp_path):
    # A size of 10**305 lots overflowed the rounding of what a close left open (OverflowError), which ended the
    # whole run and every other file with it (found in review).
    path = tmp_path / "t.htm"
    mt4_tester_variant(path, "en", trades=12)
    text = path.read_text(encoding="cp1252")
    first = text.index("<td class=mspt>")
    end = text.index("</td>", first)
    path.write_text(text[:first] + "<td class=mspt>1" + "0" * 305 + text[end:], encoding="cp1252")
    st = load_file(path)
    assert len(st.trades) >= 11 and st.format == "mt4_tester"


def test_a_testers_overnight_trades_say_about_the_swap_inside_their_profit():
    # MT4's tester prints no swap: a real NAS100 backtest's 64 overnight trades made 46.58 less than their price moves
    # at the value per point its day trades give. Five day trades at exactly 1.00 a point and lot, and two overnight
    # trades whose Profit holds a swap of -0.70 and -2.10.
    from datetime import datetime

    from fxcost import model
    from fxcost.importers.tester import TesterCharges, tester_charges

    day, night = datetime(2024, 3, 4, 10), datetime(2024, 3, 5, 10)
    n = 7
    lots = [0.1, 0.2, 0.5, 1.0, 0.3, 1.0, 0.5]
    moves = [20.0, 20.0, 50.0, 200.0, 90.0, 50.0, -25.0]  # points x lots
    t = model.trades_frame(dict(
        ticket=list(range(n)), open_time=[day] * n, close_time=[datetime(2024, 3, 4, 12)] * 5 + [night, night],
        side=["buy", "sell"] * 3 + ["buy"], lots=lots, symbol=["EURUSD"] * n,
        symbol_root=["EURUSD"] * n, open_price=[1.10000] * n,
        close_price=[1.10200, 1.09900, 1.10100, 1.09800, 1.10300, 1.09950, 1.09950],
        profit=[m + s for m, s in zip(moves, [0.0] * 5 + [-0.70, -2.10])], digits=[5] * n, commission=[0.0] * n))
    assert tester_charges(t) == TesterCharges(2, -2.80, 1.0, None, None)
    # A commission of 7.00 a lot inside every Profit (a real IC Markets silver backtest: 9.00): found from the day
    # trades, and left out of the swap.
    charged = t.assign(profit=[p - 7.0 * lot for p, lot in zip(t["profit"], lots)])
    assert tester_charges(charged) == TesterCharges(2, -2.80, 1.0, -25.2, 7.0)
    # Day trades that disagree on the value (a pair converted at moving rates) give no estimate.
    moved = t.assign(profit=[20.0, 21.0, 48.0, 200.0, 95.0, 49.3, -27.1])
    assert tester_charges(moved) == TesterCharges(2, None, None, None, None)


@pytest.mark.parametrize("language", sorted(TESTER_LANGUAGES))
def test_what_a_backtest_tested_is_read_in_any_language(tmp_path, language):
    # An EA developer looked for the EA, the period, the model and the modelling quality and found none of them.
    from fxcost.importers.tester import backtest_facts, backtest_text

    path = tmp_path / "t.htm"
    mt4_tester_variant(path, language, trades=10)
    facts = backtest_facts(load_file(path))
    assert facts == {"expert": "Sample EA", "symbol": "GBPUSD (Great Britain Pound vs US Dollar)",
                     "period": "H1 2018.01.02 00:00 - 2018.06.29 00:00", "model": "—", "modelling_quality": "n/a"}
    assert backtest_text(facts) == ("Sample EA on GBPUSD (Great Britain Pound vs US Dollar), H1 2018.01.02 00:00 - "
                                    "2018.06.29 00:00, model —, modelling quality n/a")


def test_what_real_backtests_tested(samples_dir):
    from fxcost.importers.tester import backtest_facts

    facts = backtest_facts(load_file(samples_dir / "mt4-tester-swissquote-macdsample.htm"))
    assert facts["expert"] == "MACD Sample" and facts["modelling_quality"] == "n/a"
    assert facts["model"].startswith("Control points") and facts["period"].startswith("5 Minutes (M5) 2024.12.30")
    assert backtest_facts(load_file(samples_dir / "mt4-detailed-dyk42.htm")) == {}  # not a backtest
