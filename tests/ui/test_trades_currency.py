"""The trades table when accounts in several currencies are merged: headers name the currency, cells the original."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt

from fxcost.ui.trades_model import TradesModel


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "account": ["7", "8"], "symbol": ["EURUSD", "USDJPY"], "symbol_root": ["EURUSD", "USDJPY"],
        "profit": [2.15, -10.0], "commission": [-0.7, -1.0], "category": ["fx", "fx"],
        "net_after_rebate": [1.45, -11.0], "net_transaction_cost": [0.9, 1.2],
        "close_time": pd.to_datetime(["2024-01-02", "2024-01-03"]),
    })


def test_converted_money_names_its_currency_and_shows_the_account_amount(qtbot):
    model = TradesModel()
    model.set_frame(_frame(), {"7": ("EUR", 1.05), "8": ("USD", 1.0)}, "USD")
    assert model.converted
    profit = model.column_index("profit")
    assert model.headerData(profit, Qt.Orientation.Horizontal) == "Profit"  # short; the view names the currency
    assert model.headerData(model.column_index("symbol"), Qt.Orientation.Horizontal) == "Symbol"
    ccy = model.column_index("currency")
    assert [model.text(r, ccy) for r in range(2)] == ["EUR", "USD"]
    assert model.tooltip(0, profit) == "2.05 EUR in the account's currency = 2.15 USD at 1 EUR = 1.05 USD"
    assert model.tooltip(1, profit) is None  # already in USD
    assert model.copy_text([0], [ccy, profit]).splitlines() == ["Ccy\tProfit (USD)", "EUR\t2.15"]
    # Each account's own currency, as its statement prints it; sorting follows what is shown.
    model.sort(profit, Qt.SortOrder.AscendingOrder)
    model.set_native(True)
    assert [model.text(r, profit) for r in range(2)] == ["-10.00", "2.05"]
    assert model.copy_text([1], [ccy, profit]).splitlines() == ["Ccy\tProfit (account ccy)", "EUR\t2.05"]
    model.set_native(False)
    assert [model.text(r, profit) for r in range(2)] == ["-10.00", "2.15"]


def test_one_currency_leaves_headers_and_tooltips_alone(qtbot):
    model = TradesModel()
    model.set_frame(_frame(), {"7": ("EUR", 1.05), "8": ("EUR", 1.05)}, "EUR")
    assert not model.converted
    assert model.headerData(model.column_index("profit"), Qt.Orientation.Horizontal) == "Profit"
    assert model.tooltip(0, model.column_index("profit")) is None
    model.set_native(True)  # nothing was converted: nothing to switch
    assert not model.native and model.text(0, model.column_index("profit")) == "2.15"


def test_mixed_accounts_show_the_currency_column_in_the_view(qtbot, window):
    frame = _frame()
    window.trades.set_frame(frame, {"7": ("EUR", 1.05), "8": ("USD", 1.0)}, "USD")
    view = window.trades
    assert not view.table.isColumnHidden(view.model.column_index("currency"))
    assert "USD" in view.status.text()
    assert view.native.isVisibleTo(view) and "converted to USD" in view.currency_note.text()
    view.native.setChecked(True)
    assert view.model.native and "own currency" in view.currency_note.text()
    window.trades.set_frame(frame, {"7": ("USD", 1.0), "8": ("USD", 1.0)}, "USD")
    assert window.trades.table.isColumnHidden(window.trades.model.column_index("currency"))
    assert not view.native.isVisibleTo(view) and not view.model.native
    # Mixed again: the box shows what the model does (converted), and ticking it switches again.
    view.set_frame(frame, {"7": ("EUR", 1.05), "8": ("USD", 1.0)}, "USD")
    assert not view.native.isChecked() and not view.model.native
    view.native.setChecked(True)
    assert view.model.native

