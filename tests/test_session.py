"""The session (fxcost.session): one object behind the app and the command line, saved and reopened as JSON."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from fxcost import cli
from fxcost.errors import CsvColumnsUnknown
from fxcost.pipeline import Failure, import_files
from fxcost.session import AUTO_KEY, BUNDLED, Catalog, Session, SessionError, SetupState

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "assets" / "sample-statement.htm"


def _args(*argv: str):
    return cli.build_parser().parse_args(list(argv))


def test_the_command_line_builds_every_setting_into_the_session(tmp_path):
    catalog = Catalog(user=False)
    s = cli.session_from_args(_args(str(SAMPLE), "--program", "ib-tiered", "--program", "example-cashback",
                                    "--ib-program", "flat-8-per-lot", "--spread-profile", "raw",
                                    "--commission", "6", "--commission-per", "per_side", "--swap-in-cost",
                                    "--leverage", "200", "--server-utc-offset", "2", "--currency", "eur",
                                    "--csv-dates", "dmy"), catalog)
    st = s.setup
    assert s.files == [str(SAMPLE)]
    assert (st.main_program, st.compare_programs, st.ib_program) == (
        BUNDLED + "ib-tiered.json", [BUNDLED + "example-cashback.json"], BUNDLED + "flat-8-per-lot.json")
    assert st.profile == BUNDLED + "raw.json" and st.compare_profiles == []
    assert (st.commission_on, st.commission_rate, st.commission_per) == (True, 6.0, "per_side")
    assert st.include_swap_in_cost and st.leverage == 200 and st.server_utc_offset == 2.0
    assert s.for_files(s.currency) == {str(SAMPLE): "EUR"} and s.for_files(s.date_order) == {str(SAMPLE): "dmy"}
    settings = s.settings(catalog)
    assert [p.name for p in settings.programs] == ["IB tiered (example)", "Example cashback"] or \
        len(settings.programs) == 2
    assert settings.include_swap_in_cost and settings.leverage == 200
    assert settings.commission.rate == 6.0 and settings.commission.per == "per_side"
    assert s.ib_program(catalog).name == catalog.programs[BUNDLED + "flat-8-per-lot.json"].name


def test_defaults_of_the_command_line(tmp_path):
    s = cli.session_from_args(_args(str(SAMPLE)), Catalog(user=False))
    assert s.setup.profile == AUTO_KEY and s.setup.main_program == "" and s.setup.compare_programs == []
    assert s.setup.compare_profiles == [] and s.setup.ib_program == ""


def test_a_session_saved_and_reopened_is_the_same(tmp_path):
    s = Session(files=[str(SAMPLE)], setup=SetupState(main_program=BUNDLED + "ib-tiered.json",
                                                      include_swap_in_cost=True),
                currency={str(SAMPLE): "EUR"}, date_order={"*": "mdy"}, csv_mapping={"open_time": "Time"})
    path = tmp_path / "sub" / "my.json"
    path.parent.mkdir()
    s.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["fxcost_session"] == 1 and not Path(data["files"][0]).is_absolute()  # movable with its files
    again = Session.load(path)
    assert [Path(f).resolve() for f in again.files] == [SAMPLE.resolve()]
    assert again.setup == s.setup and again.csv_mapping == s.csv_mapping and again.date_order == {"*": "mdy"}
    assert list(again.currency.values()) == ["EUR"]


def test_report_with_a_session_runs_what_the_flags_run(tmp_path, capsys):
    flags = [str(SAMPLE), "--program", "ib-tiered", "--swap-in-cost", "--ib-program", "ib-tiered"]
    assert cli.main(["report", *flags, "--save-session", str(tmp_path / "s.json"), "--json",
                     str(tmp_path / "a.json"), "-q"]) == 0
    assert cli.main(["report", "--session", str(tmp_path / "s.json"), "--json", str(tmp_path / "b.json"), "-q"]) == 0
    a, b = (json.loads((tmp_path / n).read_text(encoding="utf-8")) for n in ("a.json", "b.json"))
    for key in ("costs", "breakeven", "whatif", "sweeps", "ib", "by_symbol"):
        assert a[key] == b[key], key
    assert a["assumptions"]["swap_in_cost"] is True and a["ib"]["program"]


@pytest.mark.parametrize("text, message", [
    ("[1, 2]", "not an fxcost session"),
    ('{"fxcost_session": 1, "files": "a.htm"}', "files must be a list"),
    ("{nope", "not valid JSON"),
])
def test_a_bad_session_file_says_why(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SessionError, match=message):
        Session.load(path)
    assert cli.main(["report", "--session", str(path)]) == 2


def test_an_unknown_csv_layout_is_a_typed_failure(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("When,What,How much\n2024-01-05 10:00,EURUSD,12.5\n", encoding="utf-8")
    portfolio = import_files([path])
    ((failed, message),) = portfolio.failures
    assert isinstance(message, Failure) and isinstance(message.error, CsvColumnsUnknown)
    assert "open_time" in message.error.missing and "has no column for" in message
    assert pickle.loads(pickle.dumps(message)).error.missing == message.error.missing


def test_a_currency_for_a_report_that_prints_none(tmp_path):
    """Issue 10: the app could set a currency only for a CSV; a session's currency reaches any file that prints
    none (and a file that prints its own keeps it, with a warning)."""
    s = Session(files=[str(SAMPLE)], currency={"*": "EUR"})
    result = s.run()
    assert result.currency == "USD"  # the sample prints USD: kept
    assert any("prints its own account currency USD" in w for w in result.portfolio.warnings)


def test_a_book_remembers_its_partner_report(tmp_path):
    """Issue 14: the partner report and its column mapping are saved with the book (relative to it); a book saved
    before partner reports reads without one, and a damaged entry is named."""
    portal = tmp_path / "reports" / "portal.csv"
    s = Session(files=[str(SAMPLE)], partner_report=str(portal), partner_mapping={"reward": "Payout"})
    path = tmp_path / "my.fxbook.json"
    s.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["partner_report"] == {"path": str(Path("reports", "portal.csv")), "mapping": {"reward": "Payout"}}
    again = Session.load(path)
    assert Path(again.partner_report).resolve() == portal.resolve() and again.partner_mapping == {"reward": "Payout"}
    del data["partner_report"]
    path.write_text(json.dumps(data), encoding="utf-8")
    old = Session.load(path)
    assert old.partner_report == "" and old.partner_mapping == {}
    assert "partner_report" not in old.as_dict()
    data["partner_report"] = {"path": "portal.csv", "mapping": ["reward"]}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SessionError, match="partner_report must be"):
        Session.load(path)
