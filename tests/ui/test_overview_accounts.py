"""The Overview's per-account table: shown with several accounts, each in its own currency."""

from __future__ import annotations

import pytest


def test_several_accounts_get_a_row_each_in_their_own_currency(qtbot, window, tmp_path):
    from fxcost.samples.generate import generate

    paths = [tmp_path / f"client{seed}.htm" for seed in (11, 12)]
    for seed, path in zip((11, 12), paths):
        generate(path, "mt4", 120, seed)
    with qtbot.waitSignal(window.analysis_ready, timeout=120_000):
        window.open_files([str(p) for p in paths])
    view = window.overview
    assert view.accounts.isVisibleTo(view) and view.accounts_model.rowCount() == 2
    result = window.views.result
    model = view.accounts_model
    col = {c[0]: i for i, c in enumerate(model.columns)}
    for row in range(2):
        label = model.text(row, col["account"])
        a = next(a for a in result.accounts if a.book.account.login == label)
        assert model.text(row, col["currency"]) == a.currency
        assert model.text(row, col["trades"]) == f"{len(a.trades):,}"
        assert model.text(row, col["net_after_rebate"]) == f"{a.trades['net_after_rebate'].sum():,.2f}"
    total = sum(a.trades["broker_net"].sum() for a in result.accounts)
    assert total == pytest.approx(result.trades["broker_net"].sum())  # one currency: rows add up to the cards


def test_one_account_has_no_per_account_table(loaded):
    assert not loaded.overview.accounts.isVisibleTo(loaded.overview)
    assert loaded.views.accounts is None


def test_the_ib_table_names_each_client_beside_the_login(loaded):
    model = loaded.ib.models["by_client"]
    col = {c[0]: i for i, c in enumerate(model.columns)}
    account = loaded.views.result.accounts[0]
    assert account.book.account.name
    assert model.text(0, col["client"]) == f"{account.account_id} ({account.book.account.name})"
    assert model.text(model.rowCount() - 1, col["client"]) == "Total"


def test_accounts_sharing_a_login_are_told_apart_by_their_full_label(loaded):
    from types import SimpleNamespace

    from fxcost.ui.viewdata import accounts_table

    trades = loaded.views.result.accounts[0].trades

    def account(login, label):
        return SimpleNamespace(book=SimpleNamespace(account=SimpleNamespace(login=login), label=label),
                               currency="USD", trades=trades)

    # Three accounts' frames, not one merge of them (AnalysisResult.rows_in_order false).
    same = SimpleNamespace(accounts=[account("7", "7 (Broker A)"), account("7", "7 (Broker B)"), account("8", "8 (C)")],
                           rows_in_order=False)
    assert accounts_table(same)["account"].tolist() == ["7 (Broker A)", "7 (Broker B)", "8"]
