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
        np.testing.assert_allclose(got, t[key].to_numpy(), atol=0.005 + 1e-9, err_msg=key)  # to the cent
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "close_time")
    assert body[0][j] == t["close_time"].iloc[0].strftime("%Y-%m-%d %H:%M:%S")
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "open_price")
    for i in (0, len(t) - 1):
        assert body[i][j] == f"{t['open_price'].iloc[i]:.{int(t['digits'].iloc[i])}f}"
    j = next(i for i, c in enumerate(TRADE_COLUMNS) if c.key == "eligible")
    assert {r[j] for r in body} <= {"TRUE", "FALSE"}


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
