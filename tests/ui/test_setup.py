"""The setup panel and program editor: editing a program changes the figures; bad input is refused; files are safe."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from fxcost import userdata


def _rate_cell(dialog, row, column):
    return dialog.rates.table.item(row, column)


def test_editing_the_main_program_changes_the_figures(qtbot, loaded, monkeypatch):
    from fxcost.analysis import programs
    from fxcost.ui.program_editor import ProgramDialog
    from fxcost.ui.viewdata import overview_figures

    panel = loaded.setup
    key = panel.main_program.currentData()
    before = loaded.views.figures["rebate"]
    edited = {}

    def edit(dialog):
        # What a user does in the form: double every rate, rename the program, press OK.
        for row in range(dialog.rates.table.rowCount()):
            cell = _rate_cell(dialog, row, 4)
            cell.setText(str(float(cell.text()) * 2))
        dialog.name.setText("My cashback")
        assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        edited["program"] = dialog.program()
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(ProgramDialog, "exec", edit)
    panel.program_list.setCurrentRow(-1)  # no list selection: Edit works on the main program
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        panel.edit_program()
    after = loaded.views.figures
    assert after["program"] == "My cashback"
    assert after["rebate"] != before
    # The saved copy is a user file; the bundled original is untouched and still listed.
    saved = list((userdata.data_dir() / "programs").glob("*.json"))
    assert [p.name for p in saved] == ["my-cashback.json"]
    assert programs.load(saved[0]).as_dict() == edited["program"].as_dict()
    assert panel.main_program.currentData() != key and key in panel.catalog.programs
    # The figures shown are the engine's for the edited program.
    from fxcost.analysis.engine import analyse

    settings = loaded.views.result.settings
    expected = overview_figures(analyse(loaded.portfolio, settings))
    assert expected["rebate"] == after["rebate"]
    assert loaded.overview.text("rebate") == f"{after['rebate']:,.2f} USD"


def test_the_form_refuses_an_invalid_program(qtbot):
    from fxcost.analysis import programs
    from fxcost.ui.program_editor import ProgramDialog

    data = programs.load_named("example-cashback").as_dict()
    dialog = ProgramDialog(data)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.isEnabled() and dialog.program() is not None
    assert dialog.program().as_dict() == programs.from_dict(data).as_dict()  # the form round-trips the file
    _rate_cell(dialog, 0, 3).setText("per_lots")
    assert not ok.isEnabled() and dialog.program() is None
    assert "per_lots" in dialog.error.text()
    _rate_cell(dialog, 0, 3).setText("per_lot")
    _rate_cell(dialog, 0, 1).setText("fx_majors")
    assert not ok.isEnabled() and "fx_majors" in dialog.error.text()
    _rate_cell(dialog, 0, 1).setText("")
    dialog.name.setText("")
    assert not ok.isEnabled()
    dialog.name.setText("Fixed")
    assert ok.isEnabled()


def test_the_profile_form_validates(qtbot):
    from fxcost.analysis.spreads import load_profile
    from fxcost.ui.program_editor import ProfileDialog

    dialog = ProfileDialog(load_profile("raw").as_dict())
    qtbot.addWidget(dialog)
    assert dialog.profile() is not None
    dialog.table.table.item(0, 2).setText("-1")
    assert dialog.profile() is None and "-1" in dialog.error.text()


def test_the_profile_form_keeps_the_account_type_and_commission(qtbot):
    # A copy of a bundled profile edited in the form must still say which account type it stands for (a comparison
    # under it charges that type's commission) and keep a commission schedule the file gave.
    from fxcost.analysis.spreads import load_profile
    from fxcost.ui.program_editor import ProfileDialog

    data = load_profile("raw").as_dict()
    data["commission"] = {"name": "3.5 per side", "rate": 3.5, "per": "per_side", "currency": "USD"}
    dialog = ProfileDialog(data)
    qtbot.addWidget(dialog)
    assert dialog.account_type.currentData() == "raw"
    assert dialog.profile().account_type == "raw" and dialog.profile().commission.rate == 3.5
    dialog.account_type.setCurrentIndex(dialog.account_type.findData("standard"))
    assert dialog.to_dict()["account_type"] == "standard"


def test_duplicate_import_export_and_delete_a_program(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    panel = window.setup
    panel.program_list.setCurrentRow(0)
    name = panel.catalog.programs[panel.selected_program_key()].name
    panel.duplicate_program()
    copies = [p for p in panel.catalog.programs.values() if p.name == f"{name} (copy)"]
    assert len(copies) == 1 and userdata.is_user_file(copies[0].path)

    target = tmp_path / "exported.json"
    key = panel.main_program.findData(panel.catalog.programs and next(
        k for k, p in panel.catalog.programs.items() if p is copies[0]))
    panel.program_list.setCurrentRow(key - 1)  # the list has no "(no rebate)" row
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    panel.export_program()
    assert json.loads(target.read_text())["name"] == f"{name} (copy)"

    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x", "rates": [{"model": "per_lot", "rat": 1}]}')
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    assert not panel.import_program_file(str(broken))
    assert shown and "rat" in shown[0]

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.delete_program()
    assert not [p for p in panel.catalog.programs.values() if p.name == f"{name} (copy)"]


def test_a_damaged_user_file_is_reported_and_set_aside(make_window, isolated, monkeypatch, qtbot):
    folder = isolated / "data" / "programs"
    folder.mkdir(parents=True)
    (folder / "mine.json").write_text("{ not json")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    window = make_window()
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    assert "mine.json" in shown[0] and "not valid JSON" in shown[0]
    assert not (folder / "mine.json").exists()
    assert len(list(folder.glob("mine.damaged-*.json"))) == 1
    assert window.setup.catalog.programs  # the bundled ones still load


def test_setup_state_survives_a_restart(qtbot, make_window):
    first = make_window()
    first.setup.offset.setValue(2.0)
    first.setup.commission_on.setChecked(True)
    first.close()
    second = make_window()
    state = second.setup.state()
    assert state.server_utc_offset == 2.0 and state.commission_on


def test_setup_state_from_damaged_settings_falls_back_to_defaults():
    from fxcost.ui.setup_panel import SetupState

    state = SetupState.from_dict({"leverage": "lots", "server_utc_offset": 3, "market_data": "x"})
    assert state.leverage == 0 and state.server_utc_offset == 3.0 and state.market_data == []


@pytest.mark.parametrize("compare_main", [True, False])
def test_no_main_program_keeps_compared_programs_out_of_the_figures(compare_main):
    from fxcost.ui.setup_panel import BUNDLED, Catalog, SetupState, build_settings

    state = SetupState(main_program="" if not compare_main else BUNDLED + "example-cashback.json")
    settings = build_settings(state, Catalog())
    if compare_main:
        assert settings.main_program.name == "Example cashback"
    else:
        assert settings.main_program is None
        assert [s.program.name for s in settings.setups if s.program] == [
            "Example cashback", "$8 per lot cashback (round turn)", "Raw account: $3 per lot + 25% of commission"]


def test_editing_the_spread_profile_changes_the_spread_cost(qtbot, loaded, monkeypatch):
    from fxcost.ui.program_editor import ProfileDialog
    from fxcost.ui.setup_panel import BUNDLED

    combo = loaded.setup.profile
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        combo.setCurrentIndex(combo.findData(BUNDLED + "standard.json"))  # "Auto" is no table to edit
    before = loaded.views.result.trades
    eurusd = before["symbol_root"] == "EURUSD"
    spread_before = before.loc[eurusd, "spread_cost"].sum()

    def edit(dialog):
        table = dialog.table.table
        row = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "EURUSD")
        table.item(row, 2).setText(str(float(table.item(row, 2).text()) * 3))
        dialog.name.setText("My spreads")
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(ProfileDialog, "exec", edit)
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        loaded.setup.edit_profile()
    after = loaded.views.result.trades
    assert loaded.views.figures["profile"] == "My spreads"
    assert after.loc[eurusd, "spread_cost"].sum() == pytest.approx(spread_before * 3)
    others = ~eurusd
    assert after.loc[others, "spread_cost"].sum() == pytest.approx(before.loc[others, "spread_cost"].sum())
    assert (userdata.data_dir() / "spread-profiles" / "my-spreads.json").is_file()


def test_auto_profile_cannot_be_edited_and_says_why(loaded, monkeypatch):
    from fxcost.ui.program_editor import ProfileDialog
    from fxcost.ui.setup_panel import AUTO_KEY

    assert loaded.setup.profile.currentData() == AUTO_KEY
    said = []
    monkeypatch.setattr(loaded.setup, "_ask_error", said.append)
    monkeypatch.setattr(ProfileDialog, "exec", lambda dialog: pytest.fail("the editor opened on Auto"))
    loaded.setup.edit_profile()
    loaded.setup.export_profile()
    assert len(said) == 2 and all("Typical Raw/ECN" in m and "Typical Standard" in m for m in said)


def test_every_figure_card_explains_its_formula(loaded):
    from fxcost.ui.overview import SECTIONS

    for _title, cards in SECTIONS:
        for fig in cards:
            tip = loaded.overview._cards[fig.key].toolTip()
            assert fig.label in tip and fig.formula[:20] in tip


def test_a_compared_profile_keeps_the_program_and_can_add_commission(qtbot, loaded):
    panel = loaded.setup
    row = lambda: next(o for o in loaded.views.compare if o.name.startswith("Profile: "))  # noqa: E731
    # By default the other account type is compared: the sample pays commission (Raw/ECN), so Standard, which
    # charges none (review item 1: not the exported commission on top of the Standard spread).
    assert [o.name for o in loaded.views.compare if o.name.startswith("Profile: ")] == [
        "Profile: Typical Standard account"]
    assert row().program == "Example cashback" and row().commission == "none (Standard account)"
    assert row().commission_total == 0.0
    assert not panel.compare_commission.isEnabled()  # the amount only counts for "Per lot, round turn"
    mode = panel.compare_commission_mode
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        mode.setCurrentIndex(mode.findData("rate"))
    assert panel.compare_commission.isEnabled() and panel.compare_commission.value() == 7.0
    lots = loaded.views.result.trades["lots"].sum()
    assert row().commission == "7 USD per lot round turn"  # issue 15: the account currency, said
    assert row().commission_total == pytest.approx(-7.0 * lots, rel=1e-6)
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        mode.setCurrentIndex(mode.findData("export"))
    assert row().commission == "as exported" and round(row().commission_total, 2) == -4494.98
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        mode.setCurrentIndex(mode.findData("none"))
    assert row().commission == "none" and row().commission_total == 0.0
    assert panel.state().compare_commission_mode == "none"


def test_the_default_comparison_is_the_other_account_type_not_a_duplicate():
    from fxcost.analysis.spreads import OtherTypeProfile
    from fxcost.ui.setup_panel import BUNDLED, OTHER_KEY, Catalog, SetupState, build_settings

    catalog = Catalog()
    settings = build_settings(SetupState(), catalog)
    (setup,) = [s for s in settings.setups if s.profile is not None]
    assert isinstance(setup.profile, OtherTypeProfile) and setup.commission is None  # resolved per account
    # A chosen account type resolves "other" at once; the actual profile is never compared with itself.
    for account_type, other in (("standard", "Typical Raw/ECN account"), ("raw", "Typical Standard account")):
        state = SetupState(account_type=account_type, profile=f"{BUNDLED}{account_type}.json",
                           compare_profiles=[OTHER_KEY, f"{BUNDLED}standard.json", f"{BUNDLED}raw.json"])
        names = [s.profile.name for s in build_settings(state, catalog).setups if s.profile is not None]
        assert names == [other]


def test_a_saved_state_from_before_moves_to_the_new_comparison_defaults():
    from fxcost.ui.setup_panel import BUNDLED, OTHER_KEY, SetupState

    old = SetupState.from_dict({"compare_profiles": [BUNDLED + "raw.json"], "compare_commission": 0.0})
    assert old.compare_profiles == [OTHER_KEY] and old.compare_commission_mode == "account_type"
    assert old.compare_commission == 7.0
    rate = SetupState.from_dict({"compare_profiles": [BUNDLED + "standard.json"], "compare_commission": 5})
    assert rate.compare_commission_mode == "rate" and rate.compare_commission == 5.0
    assert rate.compare_profiles == [BUNDLED + "standard.json"]  # a user's own choice is kept
    assert SetupState.from_dict({"compare_commission_mode": "bogus"}).compare_commission_mode == "account_type"
    assert SetupState.from_dict(SetupState(compare_commission_mode="none").as_dict()).compare_commission_mode == "none"


def test_other_is_only_a_comparison_not_an_account_type(window):
    from fxcost.ui.setup_panel import OTHER_KEY

    panel = window.setup
    assert panel.profile.findData(OTHER_KEY) < 0
    keys = [panel.compare_profiles.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.compare_profiles.count())]
    assert keys[0] == OTHER_KEY and panel.compare_profiles.item(0).checkState() == Qt.CheckState.Checked


def test_components_paid_on_top_are_edited_in_the_form(qtbot):
    from fxcost.analysis import programs
    from fxcost.ui.program_editor import PLUS_COLUMN, ProgramDialog

    data = programs.load_named("raw-3-per-lot-plus-25pct-commission").as_dict()
    dialog = ProgramDialog(data)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.program().as_dict() == programs.from_dict(data).as_dict()  # the plus survives a round trip
    assert _rate_cell(dialog, 0, PLUS_COLUMN).text() == "+ 25% of the commission"
    assert not dialog.plus.isEnabled()  # nothing selected yet
    dialog.rates.table.setCurrentCell(0, 0)
    assert dialog.plus.isEnabled() and dialog.plus.rows() == [(["pct_commission", "25", ""], None)]
    dialog.plus.table.item(0, 1).setText("30")
    assert dialog.program().rates[0].plus[0].rate == 30
    assert _rate_cell(dialog, 0, PLUS_COLUMN).text() == "+ 30% of the commission"
    dialog.plus.table.item(0, 1).setText("130")  # more than all of the commission
    assert not ok.isEnabled() and "plus[0].rate" in dialog.error.text()
    dialog.plus.table.item(0, 1).setText("30")
    dialog.plus.add_row(["per_lot", "1.5", "per_side"])
    assert [c.as_dict() for c in dialog.program().rates[0].plus] == [
        {"model": "pct_commission", "rate": 30}, {"model": "per_lot", "rate": 1.5, "lot_basis": "per_side"}]
    dialog.plus.table.setCurrentCell(0, 0)
    dialog.plus.remove_row()
    assert [c.model for c in dialog.program().rates[0].plus] == ["per_lot"]
    # A second rate has its own components; the first keeps its own when the selection moves.
    dialog.rates.add_row(["XAUUSD", "", "", "per_lot", "2", "", ""])
    dialog.rates.table.setCurrentCell(1, 0)
    assert dialog.plus.rows() == []
    dialog.plus.add_row(["pips_per_lot", "0.2", ""])
    dialog.rates.table.setCurrentCell(0, 0)
    assert dialog.plus.rows() == [(["per_lot", "1.5", "per_side"], None)]
    rates = dialog.program().rates
    assert [c.model for c in rates[0].plus] == ["per_lot"] and [c.model for c in rates[1].plus] == ["pips_per_lot"]
    assert ok.isEnabled()


def test_editing_a_component_paid_on_top_changes_the_figures(qtbot, loaded, monkeypatch):
    from fxcost.analysis.engine import analyse
    from fxcost.ui.program_editor import ProgramDialog
    from fxcost.ui.viewdata import overview_figures

    panel = loaded.setup
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        panel.main_program.setCurrentIndex(panel.main_program.findData("bundled:raw-3-per-lot-plus-25pct-commission.json"))
    before = loaded.views.figures["rebate"]

    def edit(dialog):
        # What a user does: select the rate, make the 25% of commission paid on top $2 per lot instead.
        dialog.rates.table.setCurrentCell(0, 0)
        dialog.plus.table.item(0, 0).setText("per_lot")
        dialog.plus.table.item(0, 1).setText("2")
        dialog.name.setText("Raw plus 2")
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(ProgramDialog, "exec", edit)
    panel.program_list.setCurrentRow(-1)
    with qtbot.waitSignal(loaded.analysis_ready, timeout=60_000):
        panel.edit_program()
    after = loaded.views.figures
    assert after["program"] == "Raw plus 2"
    assert loaded.views.result.settings.main_program.rates[0].plus[0].as_dict() == {"model": "per_lot", "rate": 2}
    t = loaded.views.result.trades
    eligible_lots = float(t.loc[t["eligible"], "lots"].sum())
    assert after["rebate"] == pytest.approx(5.0 * eligible_lots) != pytest.approx(before)  # $3 + $2 per lot
    assert overview_figures(analyse(loaded.portfolio, loaded.views.result.settings))["rebate"] == after["rebate"]
    assert loaded.overview.text("rebate").startswith(f"{after['rebate']:,.2f}")
