"""importers/frames.py: the required-field checks and skip reasons every reader shares (issue 10)."""

import numpy as np

from fxcost.importers.frames import RowChecks, none_if_zero, reason_not_whole_id


def test_each_failing_row_gets_the_first_failed_checks_reason_in_row_order():
    checks = RowChecks(5, [
        (np.array([False, True, False, False, True]), "no ticket"),
        (np.array([False, False, False, True, True]), "no time"),
    ])
    checks.fail(np.array([True, False, False, False, False]), "no size")
    assert checks.ok.tolist() == [False, False, True, False, False]
    assert checks.first_reasons() == [(0, "no size"), (1, "no ticket"), (3, "no time"), (4, "no ticket")]
    assert checks.first_reasons(np.array([True, True, True, False, False])) == [(0, "no size"), (1, "no ticket")]


def test_every_failed_check_of_a_row_in_check_order():
    checks = RowChecks(2, [(np.array([True, False]), "ticket"), (np.array([True, True]), "open time")])
    assert checks.reasons_of(0) == ["ticket", "open time"]
    assert checks.reasons_of(1) == ["open time"]


def test_no_checks_no_failures():
    checks = RowChecks(3)
    assert checks.ok.all() and checks.first_reasons() == []


def test_a_zero_stop_or_limit_is_none():
    out = none_if_zero(np.array([0.0, 1.2345, np.nan, -0.0]))
    assert np.isnan(out[[0, 2, 3]]).all() and out[1] == 1.2345


def test_id_reason_names_the_number():
    assert reason_not_whole_id("position") == "the position number is not a whole number below 2^63"


def test_a_mapping_names_known_columns_the_file_has():
    import pytest

    from fxcost.errors import ImportFailed
    from fxcost.importers.frames import mapped_columns

    headers = ["When", "Gain"]
    assert mapped_columns(headers, {"profit": "Gain"}, ["profit", "open_time"], "f.csv", "CSV") == {"profit": "Gain"}
    with pytest.raises(ImportFailed, match=r"Unknown column name 'pnl' in the CSV mapping\. Known names: profit"):
        mapped_columns(headers, {"pnl": "Gain"}, ["profit"], "f.csv", "CSV")
    with pytest.raises(ImportFailed, match=r"partner-report mapping names column 'Reward' for profit, but the file "
                                           r"has no such column\. Columns found: 'When', 'Gain'\."):
        mapped_columns(headers, {"profit": "Reward"}, ["profit"], "f.csv", "partner-report")


def test_synonyms_in_order_of_preference_each_header_once():
    from fxcost.importers.frames import match_synonyms

    headers = ["Total", "Commission", "Fee"]
    columns = {"fee": "Fee"}
    match_synonyms(columns, headers, [h.lower() for h in headers],
                   {"commission": ["commission", "total"], "fee": ["fee"], "amount": ["total", "commission"]},
                   {"Fee"})
    assert columns == {"fee": "Fee", "commission": "Commission", "amount": "Total"}
