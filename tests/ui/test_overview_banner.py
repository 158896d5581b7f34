"""The Overview's banner (issue 11): a file that does not reconcile or had rows skipped is flagged at the top,
with what differs and what to check; a derived opening balance is said; nothing shows for a clean file."""

from __future__ import annotations

import pytest

from fxcost.analysis.engine import AnalysisSettings
from fxcost.pipeline import run
from fxcost.samples.writers.mt4_variants import mt4_variant
from fxcost.ui import viewdata
from fxcost.ui.overview import OverviewView
from tests.summary.test_alerts import CSV_HEAD, CSV_ROW, edited_deposit


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("banner")
    clean = folder / "clean.htm"
    mt4_variant(clean, "oanda-financing")
    edited = folder / "edited.htm"
    edited_deposit(clean, edited)
    sub = folder / "sub-period.htm"
    mt4_variant(sub, "sub-period")
    skipped = folder / "skipped.csv"
    skipped.write_text(CSV_HEAD + CSV_ROW.format(n=1, lots="1.0") + CSV_ROW.format(n=2, lots="abc"))
    return {"clean": clean, "edited": edited, "sub": sub, "skipped": skipped}


def _overview(qtbot, *paths) -> OverviewView:
    view = OverviewView()
    qtbot.addWidget(view)
    view.set_views(viewdata.prepare(run(list(paths), AnalysisSettings())))
    return view


def test_a_file_that_does_not_reconcile_gets_a_red_banner_on_top(qtbot, files):
    view = _overview(qtbot, files["edited"], files["skipped"])
    assert not view.banner.isHidden()
    text = view.banner.text()
    assert "edited.htm does not reconcile" in text and "deposit_withdrawal: imported" in text
    assert "Check: the balance rows do not add up" in text
    assert "skipped.csv had 1 row(s) skipped" in text and "not a number" in text
    assert "#fdecea" in view.banner.styleSheet()
    # On top: above the heading and every card.
    layout = view.banner.parentWidget().layout()
    assert layout.indexOf(view.banner) < layout.indexOf(view.heading)


def test_a_derived_opening_balance_is_said_in_a_note(qtbot, files):
    view = _overview(qtbot, files["sub"])
    assert not view.banner.isHidden()
    assert "derived from the printed Balance" in view.banner.text()
    assert "#fdecea" not in view.banner.styleSheet()


def test_the_early_copy_already_shows_the_banner(qtbot, files):
    """The banner comes with the key figures, so it shows before the comparison and sweeps are built."""
    result = run([files["edited"]], AnalysisSettings())
    early = []
    viewdata.prepare(result, publish=early.append)
    view = OverviewView()
    qtbot.addWidget(view)
    view.set_views(early[0])
    assert early[0].summary is None and not view.banner.isHidden()


def test_a_clean_file_has_no_banner_and_clear_hides_it(qtbot, files):
    assert _overview(qtbot, files["clean"]).banner.isHidden()
    view = _overview(qtbot, files["edited"])
    view.clear()
    assert view.banner.isHidden()


def test_a_big_books_overview_names_its_accounts_in_one_line():
    """Issue 14: an IB's book of many clients is one heading line (how many, at which broker, in which currency),
    and the profile "Auto" chose is told once per choice, not once per client."""
    from types import SimpleNamespace

    from fxcost.ui import overview
    from fxcost.ui.viewdata import SPREAD_GROUPS_SHOWN

    def account(i, currency="USD"):
        book = SimpleNamespace(label=f"{1000 + i}", account=SimpleNamespace(broker="Northwind Markets Ltd.", server=""))
        return SimpleNamespace(book=book, currency=currency, profile_reason="the export shows no commission",
                               catalogue="", profile=SimpleNamespace(name="Typical Standard account"))

    few = [account(i) for i in range(2)]
    assert overview._accounts_heading(few) == "1000 · USD, 1001 · USD"
    assert overview._profile_notes(few) == [
        "1000: spreads from Typical Standard account (the export shows no commission).",
        "1001: spreads from Typical Standard account (the export shows no commission)."]
    book = [account(i, "EUR" if i == 7 else "USD") for i in range(50)]
    assert overview._accounts_heading(book) == "50 accounts at Northwind Markets Ltd. · EUR, USD"
    assert overview._profile_notes(book) == [
        "50 accounts: spreads from Typical Standard account (the export shows no commission)."]

    # Reasons that count each account's own trades are one choice; the largest first, and a few choices at most.
    def counted(i, name="Typical Raw/ECN account"):
        a = account(i)
        a.profile = SimpleNamespace(name=name)
        a.profile_reason = f"commission charged on {900 + i} of {1000 + i} trades ({90 + i % 10}%)"
        return a

    mixed = [account(0), *(counted(i) for i in range(1, 41)),
             *(counted(i, f"Broker {i} raw") for i in range(41, 41 + SPREAD_GROUPS_SHOWN))]
    assert overview._profile_notes(mixed) == [
        "40 accounts: spreads from Typical Raw/ECN account (as for 1001: commission charged on 901 of 1001 trades "
        "(91%)).",
        "1000: spreads from Typical Standard account (the export shows no commission).",
        *(f"{1000 + i}: spreads from Broker {i} raw (commission charged on {900 + i} of {1000 + i} trades "
          f"({90 + i % 10}%))." for i in range(41, 41 + SPREAD_GROUPS_SHOWN - 2)),
        "2 more account(s): spreads from other profiles or for other reasons (the Excel report's Assumptions sheet "
        "lists every account's spread per symbol)."]
