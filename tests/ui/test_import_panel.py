"""The Import tab's HTML: what was imported, per file."""

from __future__ import annotations


def test_import_panel_states_a_reconciliation_difference_once():
    from fxcost.pipeline import import_files
    from fxcost.ui.import_panel import render_html
    from tests.conftest import sample

    portfolio = import_files([sample("mt4-tester-swissquote-macdsample.htm")])
    f = portfolio.files[0]
    assert f.reconciliation.differences, "the tester report's printed total differs (rounding)"
    assert any(w.startswith("Reconciliation: ") for w in f.statement.warnings)
    html = render_html(portfolio)
    assert "✘" in html and "Reconciliation: " not in html
