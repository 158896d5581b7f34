"""The trades CSV: same columns as the workbook, typed text, the engine's figures, atomic write."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from fxcost.errors import ExportError
from fxcost.report import csv_export
from fxcost.report.columns import TRADE_COLUMNS


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def test_csv_has_every_trade_with_the_engine_figures(sample_result, tmp_path):
    path = csv_export.write_trades_csv(sample_result, tmp_path / "trades.csv")
    head, body = _read(path)
    t = sample_result.trades
    assert len(head) == len(TRADE_COLUMNS) and len(body) == len(t)
    for key in ("profit", "commission", "swap", "broker_net", "rebate", "spread_cost", "net_after_rebate"):
        j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == key)
        got = np.array([float(r[j]) for r in body])
        # To the cent; the rebate's cents are allocated within the account (a trade may be a cent off its own
        # rounding so that the account's trades add up to its rebate, issue 10).
        atol = 0.01 if key == "rebate" else 0.005
        np.testing.assert_allclose(got, t[key].to_numpy(), atol=atol + 1e-9, err_msg=key)
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "close_time")
    assert body[0][j] == t["close_time"].iloc[0].strftime("%Y-%m-%d %H:%M:%S")
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "open_price")
    for i in (0, len(t) - 1):
        assert body[i][j] == f"{t['open_price'].iloc[i]:.{int(t['digits'].iloc[i])}f}"
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "eligible")
    assert {r[j] for r in body} <= {"TRUE", "FALSE"}


def _rebate_sums(path) -> dict[str, float]:
    head, body = _read(path)
    a = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "account")
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "rebate")
    sums: dict[str, float] = {}
    for r in body:
        sums[r[a]] = sums.get(r[a], 0.0) + float(r[j])
    return {k: round(v, 2) for k, v in sums.items()}


def test_csv_rebate_cents_add_up_to_each_clients_payout(two_accounts_result, tmp_path):
    """Issue 10: under an IB deal the CSV's per-trade Rebate, rounded trade by trade, summed to 37.32 where 35.45
    was passed back; the cents are now allocated within each client's payable, which the IB table shows."""
    from fxcost.summary import build

    summary = build(two_accounts_result)
    sums = _rebate_sums(csv_export.write_trades_csv(two_accounts_result, tmp_path / "t.csv", summary=summary))
    by_client = {r["account"]: r["passed_back"] for r in summary.document["ib"]["by_client"] if r["account"] != "Total"}
    assert sums == by_client and len(sums) == 2
    # Without the summary the writer allocates by the same rule.
    assert _rebate_sums(csv_export.write_trades_csv(two_accounts_result, tmp_path / "u.csv")) == sums


def test_csv_rebate_cents_under_30_pct_of_spread(tmp_path):
    """Issue 10's case: many small rebates (30 % of the spread passed back) each rounded up drift from the total."""
    import pandas as pd

    from fxcost.analysis import rebates

    t = pd.DataFrame({"account": ["2178639"] * 400 + ["1007254"] * 100,
                      "rebate": [0.0045] * 400 + [0.125] * 100})
    cents = rebates.cents_within(t["rebate"], t["account"])
    assert round(cents[:400].sum(), 2) == rebates.round_cents(0.0045 * 400) == 1.8  # not 400 x 0.01 = 4.00
    assert round(cents[400:].sum(), 2) == 12.5  # not 100 x 0.13 = 13.00
    assert set(np.round(cents * 100, 6)) <= {0.0, 1.0, 12.0, 13.0}


def test_csv_numbers_are_plain_decimals(sample_result, tmp_path):
    _, body = _read(csv_export.write_trades_csv(sample_result, tmp_path / "trades.csv"))
    for row in body[:200]:
        for value in row:
            assert "e-" not in value.lower() or not value.replace("e-", "").replace(".", "").isdigit(), value


def _column(body, key):
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == key)
    return [r[j] for r in body]


def test_csv_money_is_to_the_cent_and_rates_keep_their_precision(sample_result, tmp_path):
    _, body = _read(csv_export.write_trades_csv(sample_result, tmp_path / "trades.csv"))
    t = sample_result.trades
    # The sample's first rebate is 0.046648 (a pips-per-lot rate on a small trade): a spreadsheet gets 0.05.
    assert _column(body, "rebate")[0] == "0.05"
    money = [c.key for c in TRADE_COLUMNS if c.kind == "money" and c.key != "pip_value"]
    for key in money:
        assert all(len(v.partition(".")[2]) <= 2 for v in _column(body, key)), key
    # Rates and ratios are not money: rounding them to cents would lose them.
    for key in ("pip_value", "bps", "cost_pips"):
        got = np.array([float(v) if v else np.nan for v in _column(body, key)])
        np.testing.assert_allclose(got, t[key].to_numpy(), atol=1e-6, err_msg=key)
    assert any(len(v.partition(".")[2]) > 2 for v in _column(body, "bps"))


def test_csv_to_a_missing_folder_is_an_export_error(sample_result, tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        csv_export.write_trades_csv(sample_result, tmp_path / "nope" / "trades.csv")
    assert not list(tmp_path.iterdir())


def test_csv_rows_stay_in_place_across_chunks(sample_result, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_export, "CHUNK", 7)
    _, body = _read(csv_export.write_trades_csv(sample_result, tmp_path / "trades.csv"))
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "ticket")
    assert [int(r[j]) for r in body] == sample_result.trades["ticket"].tolist()
