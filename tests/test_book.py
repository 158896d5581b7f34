"""An IB's book (issue 14): the session with its roster (client names, per-client shares) saved and reopened."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from fxcost.session import BUNDLED, Catalog, Session, SessionError, SetupState
from tests.test_statement_cache import write_book


def _figures(session: Session, catalog: Catalog):
    from fxcost.summary import build

    result = session.run(catalog)
    return result, build(result, ib_program=session.ib_program(catalog))


@pytest.fixture(scope="module")
def book_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ib") / "book"
    write_book(folder, 3)
    return folder


def test_a_saved_book_reopens_with_the_same_figures(book_folder, tmp_path):
    catalog = Catalog(user=False)
    session = Session(files=[str(book_folder)], setup=SetupState(main_program="", ib_program=BUNDLED + "ib-tiered.json",
                                                                 compare_programs=[]))
    result, _ = _figures(session, catalog)
    logins = [a.account_id for a in result.accounts]
    session.client_names = {logins[0]: "Ann Example"}
    session.client_shares = {logins[1]: 80.0}
    result, summary = _figures(session, catalog)
    path = tmp_path / "my.fxbook.json"
    session.save(path)
    data = json.loads(path.read_text())
    assert data["roster"] == {logins[0]: {"name": "Ann Example"}, logins[1]: {"share_pct": 80.0}}
    assert data["files"] == [os.path.relpath(book_folder, tmp_path)]  # the folder: next month's files join
    again = Session.load(path)
    assert again.client_names == session.client_names and again.client_shares == session.client_shares
    result2, summary2 = _figures(again, catalog)
    pd.testing.assert_frame_equal(summary.ib.tables["by_client"], summary2.ib.tables["by_client"])
    by_client = summary2.ib.tables["by_client"].set_index("account")
    assert by_client.loc[logins[0], "client"] == f"{logins[0]} (Ann Example)"  # the roster's name
    assert by_client.loc[logins[1], "share_pct"] == pytest.approx(80.0)  # the roster's share over the program's
    assert by_client.loc[logins[2], "share_pct"] != pytest.approx(80.0)


def test_a_book_names_its_roster_errors(tmp_path):
    path = tmp_path / "bad.json"
    for roster, words in (([1, 2], "roster must map"), ({"1": {"share_pct": 120}}, "from 0 to 100"),
                          ({"1": {"nick": "x"}}, "roster.1 must be an object"), ({"1": {"name": 5}}, "must be text")):
        path.write_text(json.dumps({"fxcost_session": 1, "roster": roster}))
        with pytest.raises(SessionError, match=words):
            Session.load(path)


def test_a_book_is_read_with_the_json_caps(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"fxcost_session": 1, "roster": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(SessionError, match="nested too deeply"):
        Session.load(path)


def test_report_reads_a_folder(book_folder, tmp_path):
    from fxcost import app

    out = tmp_path / "out.json"
    assert app.main(["report", str(book_folder), "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert len(doc["files"]) == 3
