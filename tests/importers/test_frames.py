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
