"""Property tests of the readers issue 13 hardens: generated inputs give the values they were made with, and
mangled ones a Statement or fxcost's own error with a bounded message, never another exception."""

from __future__ import annotations

import functools
import io
import json
import math
import zipfile
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fxcost.analysis import programs, spreads, whatif
from fxcost.analysis.market_data import MarketDataError, read_market_data
from fxcost.errors import FxCostError, ImportFailed
from fxcost.importers import load_bytes
from fxcost.model import Statement

_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- MT4 Strategy Tester reports -----------------------------------------------------------------------------

_TESTER_HEAD = """<html><head><title>Strategy Tester: Prop EA</title><meta name="version" content="Build 1440">
<meta name="server" content="Demo-Server"></head><body><div align=center>
<div style="font: 20pt Times New Roman"><b>Strategy Tester Report</b></div>
<table width=820 cellspacing=1 cellpadding=3 border=0>
<tr align=left><td colspan=2>Symbol</td><td colspan=4>EURUSD (Euro vs US Dollar)</td></tr>
<tr align=left><td colspan=2>Period</td><td colspan=4>1 Hour (H1)  2024.01.01 00:00 - 2024.12.30 00:00</td></tr>
<tr align=left><td>Initial deposit</td><td align=right>10000.00</td><td></td><td align=right></td><td>Spread</td>
<td align=right>{spread}</td></tr>
<tr align=left><td>Total net profit</td><td align=right>{net:.2f}</td><td>Gross profit</td><td align=right>0</td>
<td>Gross loss</td><td align=right>0</td></tr>
<tr align=left><td>Total trades</td><td align=right>{n}</td></tr>
</table><table width=820 cellspacing=1 cellpadding=3 border=0>
<tr bgcolor="#C0C0C0" align=right><td>#</td><td>Time</td><td>Type</td><td>Order</td><td>Size</td><td>Price</td>
<td>S / L</td><td>T / P</td><td>Profit</td><td>Balance</td></tr>
"""
_TESTER_ROW = ('<tr align=right><td>{k}</td><td class=msdate>{t}</td><td>{kind}</td><td>{order}</td>'
               '<td class=mspt>{lots:.2f}</td><td>{price:.5f}</td><td>0.00000</td><td>0.00000</td>{money}</tr>\n')

_trades = st.lists(st.tuples(st.integers(1, 500), st.floats(0.9, 1.3), st.floats(-0.01, 0.01),
                             st.integers(-50_000, 50_000), st.integers(1, 600)), min_size=1, max_size=25)


def _tester_report(trades, spread: str = "10") -> str:
    rows, balance, k, t = [], 10_000.0, 1, datetime(2024, 1, 2)
    for order, (lots_x100, price, move, cents, minutes) in enumerate(trades, 1):
        lots, profit = lots_x100 / 100, cents / 100
        balance += profit
        rows.append(_TESTER_ROW.format(k=k, t=f"{t:%Y.%m.%d %H:%M}", kind="buy", order=order, lots=lots, price=price,
                                       money="<td colspan=2></td>"))
        t += timedelta(minutes=minutes)
        rows.append(_TESTER_ROW.format(k=k + 1, t=f"{t:%Y.%m.%d %H:%M}", kind="close", order=order, lots=lots,
                                       price=price + move,
                                       money=f"<td class=mspt>{profit:.2f}</td><td class=mspt>{balance:.2f}</td>"))
        k, t = k + 2, t + timedelta(minutes=5)
    net = sum(c for *_, c, _m in trades) / 100
    return _TESTER_HEAD.format(spread=spread, net=net, n=len(trades)) + "".join(rows) + "</table></div></body></html>"


@_SETTINGS
@given(_trades)
def test_a_tester_report_gives_back_its_trades(trades):
    st_ = load_bytes(_tester_report(trades).encode("cp1252"), "tester.htm")
    assert st_.is_backtest and len(st_.trades) == len(trades)
    assert st_.trades["lots"].tolist() == pytest.approx([t[0] / 100 for t in trades])
    assert round(st_.trades["profit"].sum(), 2) == pytest.approx(sum(t[3] for t in trades) / 100)
    assert (st_.trades["close_time"] >= st_.trades["open_time"]).all()


@_SETTINGS
@given(_trades, st.sampled_from(["1e300", "-5", "Current (99999999999999999999)", "x" * 5000, "NaN", "1e-300"]))
def test_a_tester_report_with_a_hostile_spread_is_read_or_refused_plainly(trades, spread):
    try:
        st_ = load_bytes(_tester_report(trades, spread).encode("cp1252"), "tester.htm")
    except ImportFailed as exc:
        assert len(str(exc)) < 2000
        return
    assert len(st_.trades) == len(trades)
    assert all(len(w) < 2000 for w in st_.warnings)


# --- XLSX ----------------------------------------------------------------------------------------------------

@functools.cache
def _workbook() -> tuple[bytes, object]:
    """A small MT5 workbook from fxcost.samples and its manifest (made once)."""
    import tempfile

    from fxcost.samples.generate import generate

    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/mt5.xlsx"
        manifest = generate(path, "mt5-xlsx", 12, 11)
        with open(path, "rb") as fh:
            return fh.read(), manifest


def test_the_generated_workbook_reads_back_its_figures():
    data, manifest = _workbook()
    st_ = load_bytes(data, "mt5.xlsx")
    assert len(st_.trades) == manifest.trades
    assert st_.account.login == manifest.login and st_.account.currency == manifest.currency


@_SETTINGS
@given(cut=st.floats(0.05, 0.97))
def test_a_cut_off_workbook_is_called_incomplete(cut):
    data, _ = _workbook()
    with pytest.raises(ImportFailed, match="incomplete|damaged"):
        load_bytes(data[: int(len(data) * cut)], "cut.xlsx")


@_SETTINGS
@given(at=st.floats(0.0, 1.0), value=st.integers(0, 255), seed_cells=st.lists(st.sampled_from(
    [b"<v>1e300</v>", b"<v>-0</v>", b"<v>NaN</v>", b"<f>SUM(A1:XFD1048576)</f>", b"<is><t>x</t></is>"]), max_size=3))
def test_a_mangled_workbook_gives_a_statement_or_a_plain_refusal(at, value, seed_cells):
    """A byte changed inside the sheet part, or hostile values where cell values are: never another exception."""
    data, _ = _workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    name = "xl/worksheets/sheet1.xml"
    sheet = parts[name].decode("utf-16") if parts[name][:2] in (b"\xff\xfe", b"\xfe\xff") else parts[name].decode()
    raw = bytearray(sheet.encode("utf-8"))
    raw[int(at * (len(raw) - 1))] = value
    text = bytes(raw)
    at_v = 0
    for cell in seed_cells:  # each replaces a later cell value
        at_v = text.find(b"<v>", at_v + 1)
        end = text.find(b"</v>", at_v)
        if at_v < 0 or end < 0:
            break
        text = text[:at_v] + cell + text[end + 4:]
    parts[name] = text
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    try:
        st_ = load_bytes(buf.getvalue(), "m.xlsx")
    except ImportFailed as exc:
        assert len(str(exc)) < 3000
        return
    assert isinstance(st_, Statement)
    money = st_.trades[["profit", "commission", "swap"]].to_numpy()
    assert (abs(money[money == money]) <= 1e12).all()
    assert (st_.trades["lots"] > 0).all()


def test_an_absurd_position_number_is_skipped_with_its_reason():
    data, _ = _workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    name = "xl/worksheets/sheet1.xml"
    sheet = parts[name]
    text = sheet.decode("utf-16") if sheet[:2] in (b"\xff\xfe", b"\xfe\xff") else sheet.decode()
    at = text.find("<v>")
    parts[name] = (text[:at] + "<v>1e300</v>" + text[text.find("</v>", at) + 4:]).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    st_ = load_bytes(buf.getvalue(), "m.xlsx")
    assert any("position" in s.reason for s in st_.skipped)


# --- programs, spread profiles and setups ------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True, allow_infinity=True) | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(
        st.sampled_from(["name", "rates", "model", "rate", "match", "symbols", "tiers", "currency", "payout",
                         "spreads", "default", "unit", "categories", "x" * 300]) | st.text(max_size=8),
        children, max_size=6),
    max_leaves=30)


def _json_text(value) -> str:
    return json.dumps(value, allow_nan=True)


@_SETTINGS
@given(_json, st.integers(0, 3000))
def test_any_json_is_a_program_or_a_short_refusal(tmp_path, value, depth):
    path = tmp_path / "p.json"
    path.write_text("[" * depth + _json_text(value) + "]" * depth)
    try:
        program = programs.load(path)
    except programs.ProgramError as exc:
        assert len(str(exc)) < 2000 and "Traceback" not in str(exc)
        return
    assert program.rates is not None
    assert all(math.isfinite(r.rate) for r in program.rates)


@_SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["per_lot", "pips_per_lot", "pct_spread", "pct_commission"]),
                          st.floats(0.01, 100, allow_nan=False)), min_size=1, max_size=5))
def test_a_program_reads_back_its_rates(tmp_path, rates):
    data = {"name": "Mine", "currency": "USD",
            "rates": [{"match": {}, "model": m, "rate": r} for m, r in rates]}
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data))
    program = programs.load(path)
    assert [(r.model, r.rate) for r in program.rates] == [(m, r) for m, r in rates]


@_SETTINGS
@given(_json, st.integers(0, 3000))
def test_any_json_is_a_profile_or_a_short_refusal(tmp_path, value, depth):
    path = tmp_path / "sp.json"
    path.write_text("{" * 0 + "[" * depth + _json_text(value) + "]" * depth)
    try:
        spreads.load_profile(path)
    except spreads.ProfileError as exc:
        assert len(str(exc)) < 2000
    except FxCostError as exc:  # pragma: no cover - any other of fxcost's own errors must still be short
        assert len(str(exc)) < 2000


@_SETTINGS
@given(_json, st.integers(0, 3000))
def test_any_json_is_a_setup_or_a_short_refusal(tmp_path, value, depth):
    path = tmp_path / "setup.json"
    path.write_text("[" * depth + _json_text(value) + "]" * depth)
    try:
        whatif.load_setup(path)
    except FxCostError as exc:
        assert len(str(exc)) < 2000


@_SETTINGS
@given(st.binary(min_size=1, max_size=2000))
def test_binary_json_files_are_refused_as_such(tmp_path, raw):
    path = tmp_path / "bin.json"
    path.write_bytes(b"\xff\xfe\x00" + raw)
    with pytest.raises(FxCostError, match="not a UTF-8 text file|not valid JSON"):
        programs.load(path)


# --- market data -------------------------------------------------------------------------------------------

@_SETTINGS
@given(st.lists(st.integers(0, 5000), min_size=2, max_size=200))
def test_mt5_bars_read_back_their_spreads(spread_points):
    lines = ["<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>"]
    t = datetime(2024, 1, 2)
    for s in spread_points:
        lines.append(f"{t:%Y.%m.%d}\t{t:%H:%M:%S}\t1.10000\t1.10100\t1.09900\t1.10050\t100\t0\t{s}")
        t += timedelta(hours=1)
    md = read_market_data("EURUSD_H1.csv", data="\n".join(lines).encode())
    assert md.frame["spread_points"].tolist() == spread_points
    assert md.frame["spread"].to_numpy() == pytest.approx([s * 1e-5 for s in spread_points])


@_SETTINGS
@given(st.binary(max_size=3000))
def test_any_bytes_are_market_data_or_a_short_refusal(raw):
    try:
        read_market_data("x.csv", data=raw)
    except MarketDataError as exc:
        assert len(str(exc)) < 2000
