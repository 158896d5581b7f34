"""Property test of the parsers: any bytes, or a mangled real-looking report, give a Statement or
fxcost's own ImportFailed, never another exception, and never hang."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fxcost.errors import ImportFailed
from fxcost.importers import load_bytes
from fxcost.model import Statement

MT4 = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">
<html><head><title>Statement: 535110 - Pat Trader</title></head><body><div align=center>
<div style="font: 20pt Times New Roman"><b>TW Corp.</b></div><br>
<table cellspacing=1 cellpadding=3 border=0>
<tr align=left><td colspan=2><b>Account: 535110</b></td><td colspan=5><b>Name: Pat Trader</b></td>
<td colspan=2><b>Currency: USD</b></td><td colspan=2><b>Leverage: 1:1000</b></td>
<td colspan=3 align=right><b>2017 October 18, 08:05</b></td></tr>
<tr align=left><td colspan=13><b>Closed Transactions:</b></td></tr>
<tr align=center bgcolor="#C0C0C0"><td>Ticket</td><td nowrap>Open Time</td><td>Type</td><td>Size</td><td>Item</td>
<td>Price</td><td>S / L</td><td>T / P</td><td nowrap>Close Time</td><td>Price</td><td>Commission</td><td>Taxes</td>
<td>Swap</td><td>Profit</td></tr>
<tr align=right><td>63577877</td><td nowrap>2017.10.17 23:18:19</td><td>balance</td><td colspan=10 align=left>Deposit</td><td class=mspt>1 110.00</td></tr>
<tr align=right><td title="to #63578319">63577925</td><td class=msdate nowrap>2017.10.17 23:20:06</td><td>buy</td><td class=mspt>0.02</td><td>eurgbpi</td><td style="mso-number-format:0\\.00000;">0.89231</td><td style="mso-number-format:0\\.00000;">0.00000</td><td style="mso-number-format:0\\.00000;">0.89233</td><td class=msdate nowrap>2017.10.18 02:30:16</td><td style="mso-number-format:0\\.00000;">0.89233</td><td class=mspt>-0.14</td><td class=mspt>0.00</td><td class=mspt>-0.12</td><td class=mspt>0.06</td></tr>
<tr align=right><td title="from #63577925">63578319</td><td class=msdate nowrap>2017.10.17 23:20:06</td><td>buy</td><td class=mspt>0.02</td><td>eurgbpi</td><td style="mso-number-format:0\\.00000;">0.89231</td><td style="mso-number-format:0\\.00000;">0.00000</td><td style="mso-number-format:0\\.00000;">0.89233</td><td class=msdate nowrap>2017.10.18 02:31:16</td><td style="mso-number-format:0\\.00000;">0.89239</td><td class=mspt>-0.14</td><td class=mspt>0.00</td><td class=mspt>-0.12</td><td class=mspt>0.16</td></tr>
<tr bgcolor=#E0E0E0 align=right><td title="cancelled">10924331</td><td class=msdate nowrap>2019.05.10 16:24:11</td><td>buy limit</td><td class=mspt>0.01</td><td>jp225</td><td style="mso-number-format:0\\.;">21016</td><td>0</td><td>0</td><td class=msdate nowrap>2019.05.10 16:25:50</td><td>21166</td><td colspan=4>cancelled</td></tr>
<tr align=right><td colspan=10>&nbsp;</td><td class=mspt>-0.28</td><td class=mspt>0.00</td><td class=mspt>-0.24</td><td class=mspt>0.22</td></tr>
<tr align=right><td colspan=12 align=right><b>Closed P/L:</b></td><td colspan=2 align=right class=mspt><b>-0.30</b></td></tr>
<tr align=left><td colspan=14><b>Open Trades:</b></td></tr>
<tr align=right><td colspan=13 align=center>No transactions</td></tr>
<tr align=left><td colspan=14><b>Working Orders:</b></td></tr>
<tr align=right><td colspan=13 align=center>No transactions</td></tr>
<tr align=left><td colspan=14><b>Summary:</b></td></tr>
</table></div></body></html>
"""

MT5 = """<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html><head><title>5036821030: Jane Doe - Trade History Report</title></head><body><table>
<tr align="center"><th colspan="14" style="height: 25px"><div style="font: 14pt Tahoma"><b>Trade History Report</b></div></th></tr>
<tr align="left"><th colspan="4">Name:</th><th colspan="10"><b>Jane Doe</b></th></tr>
<tr align="left"><th colspan="4">Account:</th><th colspan="10"><b>5036821030&nbsp;(USD,&nbsp;MetaQuotes-Demo,&nbsp;demo,&nbsp;Hedge)</b></th></tr>
<tr align="left"><th colspan="4">Company:</th><th colspan="10"><b>MetaQuotes Ltd.</b></th></tr>
<tr align="left"><th colspan="4">Date:</th><th colspan="10"><b>2025.06.06 16:52</b></th></tr>
<tr align="center"><th colspan="14" style="height: 25px"><div style="font: 10pt Tahoma"><b>Positions</b></div></th></tr>
<tr align="center" bgcolor="#E5F0FC"><td nowrap><b>Time</b></td><td nowrap><b>Position</b></td><td nowrap><b>Symbol</b></td><td nowrap><b>Type</b></td><td nowrap><b>Volume</b></td><td nowrap><b>Price</b></td><td nowrap><b>S / L</b></td><td nowrap><b>T / P</b></td><td nowrap><b>Time</b></td><td nowrap><b>Price</b></td><td nowrap><b>Commission</b></td><td nowrap><b>Swap</b></td><td nowrap colspan="2"><b>Profit</b></td></tr>
<tr bgcolor="#FFFFFF" align="right"><td>2025.06.06 00:33:56</td><td>52628135520</td><td>EURUSD</td><td>buy</td><td class="hidden" colspan="8">JamesORB</td><td class="">4</td><td class="">1.14475</td><td class=""></td><td class=""></td><td class="">2025.06.06 00:35:41</td><td class="">1.14417</td><td class="">-14.00</td><td class="">0.00</td><td colspan="2">-232.00</td></tr>
<tr align="center"><th colspan="14" style="height: 25px"><div style="font: 10pt Tahoma"><b>Orders</b></div></th></tr>
<tr align="center" bgcolor="#E5F0FC"><td nowrap><b>Open Time</b></td><td nowrap><b>Order</b></td><td nowrap><b>Symbol</b></td><td nowrap><b>Type</b></td><td nowrap><b>Volume</b></td><td nowrap><b>Price</b></td><td nowrap><b>S / L</b></td><td nowrap><b>T / P</b></td><td nowrap><b>Time</b></td><td nowrap colspan="2"><b>State</b></td><td nowrap colspan="3"><b>Comment</b></td></tr>
<tr bgcolor="#FFFFFF" align="right"><td>2025.06.06 00:33:56</td><td>52628135520</td><td>EURUSD</td><td>buy</td><td>4 / 4</td><td>market</td><td></td><td></td><td>2025.06.06 00:33:56</td><td colspan="2">filled</td><td colspan="3"></td></tr>
<tr bgcolor="#FFFFFF" align="right"><td>2025.06.06 00:35:41</td><td>52628136242</td><td>EURUSD</td><td>sell</td><td>4 / 4</td><td>market</td><td></td><td></td><td>2025.06.06 00:35:41</td><td colspan="2">filled</td><td colspan="3"></td></tr>
<tr align="center"><th colspan="14" style="height: 25px"><div style="font: 10pt Tahoma"><b>Deals</b></div></th></tr>
<tr align="center" bgcolor="#E5F0FC"><td nowrap><b>Time</b></td><td nowrap><b>Deal</b></td><td nowrap><b>Symbol</b></td><td nowrap><b>Type</b></td><td nowrap><b>Direction</b></td><td nowrap><b>Volume</b></td><td nowrap><b>Price</b></td><td nowrap><b>Order</b></td><td nowrap class="hidden"><b>Cost</b></td><td nowrap><b>Commission</b></td><td nowrap><b>Fee</b></td><td nowrap><b>Swap</b></td><td nowrap><b>Profit</b></td><td nowrap><b>Balance</b></td><td nowrap><b>Comment</b></td></tr>
<tr bgcolor="#FFFFFF" align="right"><td>2025.06.05 23:32:35</td><td>52577568140</td><td></td><td>balance</td><td></td><td></td><td></td><td></td><td class="hidden"></td><td>0.00</td><td>0.00</td><td>0.00</td><td>100 000.00</td><td>100 000.00</td><td>Deposit</td></tr>
<tr bgcolor="#F7F7F7" align="right"><td>2025.06.06 00:33:56</td><td>52577631737</td><td>EURUSD</td><td>buy</td><td>in</td><td>4</td><td>1.14475</td><td>52628135520</td><td class="hidden"></td><td>-7.00</td><td>0.00</td><td>0.00</td><td>0.00</td><td>99 993.00</td><td></td></tr>
<tr bgcolor="#FFFFFF" align="right"><td>2025.06.06 00:35:41</td><td>52577632436</td><td>EURUSD</td><td>sell</td><td>out</td><td>4</td><td>1.14417</td><td>52628136242</td><td class="hidden"></td><td>-7.00</td><td>0.00</td><td>0.00</td><td>-232.00</td><td>99 754.00</td><td></td></tr>
<tr bgcolor="#F7F7F7" align="right"><td colspan="8"></td><td class="hidden"></td><td>-14.00</td><td>0.00</td><td>0.00</td><td>99 768.00</td><td>99 754.00</td><td></td></tr>
</table></body></html>
"""

CSV = (
    "Ticket,Open Time,Type,Size,Symbol,Open Price,Close Time,Close Price,Commission,Swap,Profit\n"
    "1,2024.01.05 10:22:00,buy,0.10,EURUSD,1.09120,2024.01.05 12:00:00,1.09300,-0.70,0.00,18.00\n"
    "2,2024.01.05 11:00:00,sell,1.00,USDJPY,144.500,2024.01.08 09:00:00,144.300,-7.00,-12.40,138.60\n"
)

SEEDS = [MT4.encode("cp1252"), b"\xff\xfe" + MT5.replace("\n", "\r\n").encode("utf-16-le"),
         MT5.encode("utf-8"), CSV.encode("utf-8")]


def _check(data: bytes) -> None:
    try:
        result = load_bytes(data, "fuzz.htm")
    except ImportFailed as exc:
        assert exc.message
    else:
        assert isinstance(result, Statement)


def test_seeds_themselves_import():
    for data in SEEDS:
        assert isinstance(load_bytes(data, "seed"), Statement)


@st.composite
def mangled(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["cut", "delete", "insert", "flip", "dup"]))
        i = draw(st.integers(0, max(0, len(data) - 1)))
        j = min(len(data), i + draw(st.integers(1, 400)))
        if op == "cut":
            del data[i:]
        elif op == "delete":
            del data[i:j]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=40) | st.sampled_from(
                [b"<tr>", b"</td>", b"<td colspan=99>", b"&nbsp;", b"-", b"1 000.00", b"\xa1\xa1", b"<!--"]))
        elif op == "flip" and data:
            data[i] = draw(st.integers(0, 255))
        elif op == "dup":
            data[j:j] = data[i:j]
    return bytes(data)


@settings(max_examples=250, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(mangled())
def test_mangled_reports_never_crash(data):
    _check(data)


@settings(max_examples=150, deadline=10_000)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data):
    _check(data)
