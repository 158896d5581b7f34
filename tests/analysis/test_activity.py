"""Client activity and retention (issue 14), on hand-made trade frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fxcost.analysis import activity as act


def _trades(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["account", "close_time", "lots", "ib_earnings"]).assign(
        close_time=lambda f: pd.to_datetime(f["close_time"]))


@pytest.fixture()
def book() -> pd.DataFrame:
    return _trades([
        # A: steady since January, 2 lots a month, then 4 in April (up 100 %).
        ("A", "2024-01-10", 2.0, 20.0), ("A", "2024-02-10", 2.0, 20.0), ("A", "2024-03-10", 2.0, 20.0),
        ("A", "2024-04-05", 4.0, 40.0),
        # B: traded January and February only: dormant by April 20, not active this month.
        ("B", "2024-01-15", 5.0, 10.0), ("B", "2024-02-01", 1.0, 2.0),
        # C: new in April.
        ("C", "2024-04-18", 1.0, 8.0), ("C", "2024-04-20", 1.0, 0.0),
        # D: 3 lots in each of Jan-Mar, 1 in April (down); last trade 25 days before April 20 is not dormant.
        ("D", "2024-01-20", 3.0, 0.0), ("D", "2024-02-20", 3.0, 0.0), ("D", "2024-03-26", 3.0, 0.0),
        ("D", "2024-04-01", 1.0, 0.0),
    ])


def test_activity_per_client(book):
    t = act.activity(book).set_index("account")  # as_of: the last close, 2024-04-20
    assert t.loc["A", "first_trade"] == pd.Timestamp("2024-01-10")
    assert t.loc["B", "last_trade"] == pd.Timestamp("2024-02-01")
    assert t["active_this_month"].to_dict() == {"A": True, "C": True, "B": False, "D": True}
    assert t["dormant"].to_dict() == {"A": False, "C": False, "B": True, "D": False}
    assert t.loc["B", "days_since_last"] == pytest.approx(79.0)
    assert t["new_this_period"].to_dict() == {"A": False, "C": True, "B": False, "D": False}
    assert t.loc["A", "lots_this_month"] == 4.0 and t.loc["A", "lots_before"] == pytest.approx(2.0)
    assert t["trend"].to_dict() == {"A": "up", "C": "new", "B": "down", "D": "down"}
    assert t.loc["A", "trend_pct"] == pytest.approx(100.0)
    assert t.loc["D", "trend_pct"] == pytest.approx(100.0 * (1 / 3 - 1))
    # Earnings: A 100, B 12, C 8, D 0 of 120; the table is sorted by share.
    assert list(t.index) == ["A", "B", "C", "D"]
    assert t["earnings_share_pct"].to_numpy() == pytest.approx([100 / 1.2, 10.0, 8 / 1.2, 0.0])
    assert t["trades"].sum() == len(book)


def test_dormant_days_as_of_and_period(book):
    t = act.activity(book, dormant_days=15).set_index("account")
    # D's last trade (April 1) is 19 days before April 20, A's (April 5) 15: more than 15 days is dormant.
    assert t["dormant"].to_dict() == {"A": False, "B": True, "C": False, "D": True}
    t = act.activity(book, as_of="2024-02-25", period="2024-01").set_index("account")
    assert sorted(t.index) == ["A", "B", "D"]  # C's first trade is after as_of
    assert t["active_this_month"].to_dict() == {"A": True, "B": True, "D": True}
    assert t["new_this_period"].to_dict() == {"A": True, "B": True, "D": True}
    assert t.loc["A", "lots"] == 4.0 and not t["dormant"].any()
    t = act.activity(book, period=("2024-01-01", "2024-01-16")).set_index("account")
    assert t["new_this_period"].to_dict() == {"A": True, "B": True, "C": False, "D": False}
    with pytest.raises(ValueError):
        act.activity(book, dormant_days=-1)


def test_monthly_volume_fills_months_without_trades():
    t = _trades([("A", "2024-01-10", 1.0, 1.0), ("A", "2024-04-10", 2.0, 1.0), ("B", "2024-02-01", 0.5, 1.0)])
    m = act.monthly_volume(t)
    assert list(m.columns) == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert m.loc["A"].tolist() == [1.0, 0.0, 0.0, 2.0] and m.loc["B"].tolist() == [0.0, 0.5, 0.0, 0.0]


def test_concentration(book):
    c = act.concentration(act.activity(book))
    assert c["top_client_pct"] == pytest.approx(100 / 1.2)
    assert c["clients_for_80_pct"] == 1
    assert c["top_5_pct"] == pytest.approx(100.0)
    assert c["hhi"] == pytest.approx((100 / 1.2) ** 2 + 100 + (8 / 1.2) ** 2)
    assert act.concentration(act.activity(book.iloc[:0]))["clients_for_80_pct"] == 0


def test_a_book_without_earnings_has_no_concentration(book):
    # One trader's CSV without a program said "the top client makes 0.0% of the IB's earnings, 2 client(s) make
    # 80%" of its single client.
    from fxcost.summary.ib_book import concentration_text

    none = book.assign(ib_earnings=0.0, rebate=0.0)
    c = act.concentration(act.activity(none))
    assert c["clients_for_80_pct"] == 0 and c["top_client_pct"] == 0.0
    assert concentration_text(c) == "no IB earnings to share among the clients"
    assert concentration_text(act.concentration(act.activity(book))).endswith("1 client(s) make 80%")


def test_a_frame_without_ib_earnings_uses_the_rebate():
    t = _trades([("A", "2024-01-10", 1.0, 3.0), ("B", "2024-01-11", 1.0, 1.0)]).rename(
        columns={"ib_earnings": "rebate"})
    assert act.activity(t).set_index("account")["earnings_share_pct"].to_dict() == {"A": 75.0, "B": 25.0}
    assert np.isnan(act.activity(t)["trend_pct"]).all()


def test_client_activity_is_told_of_a_book_or_an_earning_client(book):
    # A real MT4 backtest's text said "Client activity: 1 clients, ... 1 new this period" and "volume trend new".
    from fxcost.report.json_summary import _activity_lines
    from fxcost.summary.ib_book import activity_worth_telling

    alone = book[book["account"] == "A"]
    for frame, told in ((alone.assign(ib_earnings=0.0), False), (alone, True), (book.assign(ib_earnings=0.0), True)):
        a = act.activity(frame)
        c = act.concentration(a)
        assert activity_worth_telling(len(a), c) is told
        doc = {"activity": {"clients": [{"client": k, "earnings_share_pct": 0.0, "last_trade": "2024-04-05",
                                          "trend": "up"} for k in a["account"]], "concentration": c,
                            "dormant_days": 30}}
        assert bool(_activity_lines(doc)) is told
