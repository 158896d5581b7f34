"""The faster paths behind open-to-ready give the same numbers as the plain ones (no Qt here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fxcost.analysis import whatif
from fxcost.analysis.engine import Setup, costed_trades
from tests.conftest import sample


def _result(paths, market=()):
    from fxcost.analysis.market_data import read_market_data
    from fxcost.pipeline import run
    from fxcost.ui.setup_panel import BUNDLED, Catalog, SetupState, build_settings

    catalog = Catalog()
    # Standard spreads and the example program, so that re-pricing under Raw changes something.
    state = SetupState(account_type="standard", profile=BUNDLED + "standard.json",
                       main_program=BUNDLED + "example-cashback.json")
    settings = build_settings(state, catalog)
    settings.market_data = [read_market_data(p) for p in market]
    return run(paths, settings), catalog


def _recosted(result, profile) -> pd.DataFrame:
    """What reprice used to start from for another profile: the trades costed again from scratch."""
    frames = []
    for analysis in result.accounts:
        offset = result.settings.utc_offsets.get(analysis.book.label, result.settings.server_utc_offset)
        frames.append(costed_trades(analysis.book.trades, analysis.currency, result.settings, utc_offset=offset,
                                    profile=profile, use_program=False))
    return pd.concat(frames, ignore_index=True)


def _check_profile_setups(result, catalog):
    raw = catalog.profiles["bundled:raw.json"]
    for setup in (Setup("raw", raw, None, result.settings.main_program), Setup("raw, no rebate", raw, None, None)):
        fast = whatif.reprice(result, setup)
        slow = _recosted(result, raw)
        # Every column that depends on the profile matches the full re-costing exactly...
        for col in ("spread_price", "spread_pips", "spread_source", "spread_cost", "m", "pip_value", "usd_rate",
                    "notional_usd", "commission", "category", "hold_seconds", "move_points"):
            pd.testing.assert_series_equal(fast[col], slow[col], check_names=False, obj=col)
        # ...and so does what reprice derives from it.
        assert np.allclose(fast["profit"], result.trades["mid_pnl"] - slow["spread_cost"], rtol=0, atol=1e-9)
        assert list(fast.columns) == list(result.trades.columns)
        assert (fast["spread_cost"] != result.trades["spread_cost"]).any()  # the profile did change something


def test_repricing_under_another_profile_equals_costing_again(sample_path):
    _check_profile_setups(*_result([sample_path]))


@pytest.mark.samples
def test_measured_spreads_still_win_over_the_other_profile(sample_path):
    bars = sample("market-data/mt5bars_EURUSD_H1_2024-2025_modularer-backtester.csv")
    result, catalog = _result([sample_path], [bars])
    assert result.trades["spread_source"].str.startswith("measured").any()
    _check_profile_setups(result, catalog)


def test_the_early_views_are_the_complete_ones_without_charts_compare_and_ib(sample_path):
    from fxcost.ui import viewdata

    result, catalog = _result([sample_path])
    early = []
    views = viewdata.prepare(result, ib_program=catalog.programs["bundled:ib-tiered.json"], publish=early.append)
    assert [sorted(v.parts) for v in early] == [["overview", "trades"], ["charts", "overview", "trades"]]
    assert not any(v.complete for v in early) and views.complete
    assert all(v.figures == views.figures and v.result is views.result for v in early)
    # A published copy is left alone while the worker goes on.
    assert early[0].charts.equity == [] and early[0].charts.by_symbol is None
    assert early[1].charts is views.charts
    assert early[1].compare == [] and early[1].ib is None
    assert views.compare and views.ib and views.charts.equity


def test_an_ib_program_also_compared_is_priced_once(sample_path, monkeypatch):
    from fxcost.ui import viewdata

    result, catalog = _result([sample_path])
    ib_program = result.settings.programs[-1]  # a compared program chosen as the IB program too
    from fxcost.summary.build import _ib

    expected = dict(_ib(result, ib_program, {})[0].tables)  # priced on its own
    calls = []
    # Every pricing goes through whatif._reprice (reprice is its public face).
    monkeypatch.setattr(whatif, "_reprice", lambda *a, **k: calls.append(a[1].name) or _reprice_both(*a, **k))
    views = viewdata.prepare(result, ib_program=ib_program)
    assert all(not name.startswith("IB:") for name in calls) and calls
    for key, table in expected.items():
        pd.testing.assert_frame_equal(views.ib[key], table)
    calls.clear()
    viewdata.prepare(result, ib_program=catalog.programs["bundled:ib-tiered.json"])  # not compared: priced
    assert [n for n in calls if n.startswith("IB:")] == ["IB: " + catalog.programs["bundled:ib-tiered.json"].name]


_reprice = whatif.reprice
_reprice_both = whatif._reprice


def test_spread_lines_per_account_are_describe_over_every_record():
    """Issue 14: the Overview's spread sentences, written one account at a time, are summary.spreads.describe's
    over the whole table (accounts interleaved, catalogue picks, an account without a choice, a blank account)."""
    from types import SimpleNamespace

    from fxcost.summary import spreads
    from fxcost.ui.viewdata import _records, spread_lines

    rng = np.random.default_rng(7)
    kinds = ["observed", "calibrated", "catalogue", "profile", "measured", "default", "tester"]
    n = 300
    frame = pd.DataFrame({
        "account": rng.choice(["1001", "1002", "2003", "", "77"], n),
        "symbol": [f"SYM{i % 23}" for i in range(n)],
        "source": rng.choice(kinds, n),
        "spread_pips": rng.uniform(0.1, 3.0, n),
        "pairs": rng.integers(0, 50, n),
        "ratio": rng.uniform(0.5, 2.0, n),
        "label": rng.choice(["Standard", "Raw/ECN", "Pro"], n),
    })
    choices = ({"account": "1002", "catalogue": "Broker X standard", "reason": "most trades"},
               {"account": "77", "catalogue": "Broker Y raw", "reason": ""},
               {"account": "1002", "catalogue": "Broker X pro", "reason": "later pick"})
    views = SimpleNamespace(spreads=frame, spread_choices=choices)
    expected = spreads.describe(_records(frame), [dict(c) for c in choices])
    assert len(expected) > 5
    assert spread_lines(views) == expected


def test_a_books_spread_sentences_are_told_per_group_of_accounts_and_capped():
    """Issue 14: a book's Overview tells the accounts whose spreads read the same (symbols in any order) in one
    sentence that counts them, the largest group first, and at most SPREAD_GROUPS_SHOWN groups; the rest are counted
    and pointed to the Excel report. Up to SPREADS_GROUPED_ABOVE accounts, each account keeps its own sentence."""
    from types import SimpleNamespace

    from fxcost.summary import spreads
    from fxcost.ui.viewdata import SPREAD_GROUPS_SHOWN, SPREADS_GROUPED_ABOVE, _records, spread_lines

    def table(accounts: int, observed_every: int) -> pd.DataFrame:
        rows = []
        for a in range(accounts):
            symbols = ["EURUSD", "GBPUSD", "XAUUSD"]
            np.random.default_rng(a).shuffle(symbols)  # each account's records in its own order
            for symbol in symbols:
                seen = a % observed_every == 0 and symbol == "EURUSD"
                rows.append({"account": f"{1000 + a}", "symbol": symbol, "source": "observed" if seen else "profile",
                             "spread_pips": 0.1 + (a / 100 if seen else 0), "pairs": 7, "label": "Raw"})
        return pd.DataFrame(rows)

    nothing = pd.DataFrame([{"account": f"{900 + a}", "symbol": "US30", "source": "default", "spread_pips": 0.0,
                             "pairs": 0, "label": "Raw"}
                            for a in range(35)])  # accounts without a spread: no sentence, and no place among groups
    book = SimpleNamespace(spreads=pd.concat([nothing, table(40, 4)], ignore_index=True),
                           spread_choices=())  # 10 accounts observed, each its own spread
    lines = spread_lines(book)
    assert lines[0] == ("Spreads, 30 accounts (1001, 1002, …): the generic profile for EURUSD 0.1 pips, "
                        "GBPUSD 0.1 pips, XAUUSD 0.1 pips.")
    singles = lines[1:SPREAD_GROUPS_SHOWN]
    assert len(singles) == SPREAD_GROUPS_SHOWN - 1 and all(s.startswith("Spreads, account 10") for s in singles)
    assert singles[0] == spreads.describe(_records(table(40, 4).query("account == '1000'")))[0]
    assert lines[-1].startswith(f"Spreads of {10 - (SPREAD_GROUPS_SHOWN - 1)} more account(s) differ from these")
    assert len(lines) == SPREAD_GROUPS_SHOWN + 1

    few = SimpleNamespace(spreads=table(SPREADS_GROUPED_ABOVE, 100), spread_choices=())
    assert spread_lines(few) == spreads.describe(_records(few.spreads))  # every account named
