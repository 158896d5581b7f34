"""Issue 15: common journal exports' headers are recognised without --csv-map (Myfxbook's "Units/Lots", ...)."""

from __future__ import annotations

import pytest

from fxcost.importers import load_bytes

MYFXBOOK = (
    "Open Date,Close Date,Symbol,Action,Units/Lots,SL,TP,Open Price,Close Price,Commission,Swap,Pips,Profit,Gain,"
    "Duration (DD:HH:MM:SS),Profitable(%),Profitable(time duration),Drawdown,Risk:Reward,Max(pips),Max(USD),"
    "Min(pips),Min(USD),Entry Accuracy(%),Exit Accuracy(%),ProfitMissed(pips),ProfitMissed(USD)\n"
    "2025-07-01 10:00:00,2025-07-01 12:30:00,EURUSD,Buy,0.50,0,0,1.17000,1.17200,-3.50,0.00,20.0,100.00,0.1,"
    "00:02:30:00,100,100,0,0,25,125,-5,-25,80,90,5,25\n"
    "2025-07-02 09:00:00,2025-07-03 09:00:00,GBPUSD,Sell,1.20,0,0,1.36000,1.36100,-8.40,-2.10,-10.0,-120.00,-0.1,"
    "01:00:00:00,0,0,10,0,5,60,-15,-180,20,10,0,0\n"
)


@pytest.mark.parametrize("header, value", [("Units/Lots", "0.5"), ("Position size", "0.5"), ("Trade Size", "0.5")])
def test_lots_headers_of_journal_exports(header, value):
    text = (f"Open Time,Close Time,Type,{header},Symbol,Open Price,Close Price,Profit\n"
            f"2025-07-01 10:00,2025-07-01 11:00,buy,{value},EURUSD,1.1,1.101,50\n")
    st = load_bytes(text.encode("utf-8"), "journal.csv")
    assert list(st.trades["lots"]) == [0.5]


def test_a_myfxbook_export_imports_without_a_mapping():
    st = load_bytes(MYFXBOOK.encode("utf-8"), "myfxbook.csv")
    t = st.trades
    assert list(t["lots"]) == [0.5, 1.2]
    assert list(t["side"]) == ["buy", "sell"]
    assert t["profit"].sum() == pytest.approx(-20.0)
    assert t["commission"].sum() == pytest.approx(-11.9)
