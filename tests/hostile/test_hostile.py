"""Every hostile input of issue 13 gets a clear answer from the command line: an exit code of 0, 1 or 2 with a
specific message, no traceback, within 5 s and 500 MB, measured in a child process."""

from __future__ import annotations

import re

import pytest

from tests.hostile.cases import CASES
from tests.hostile.run import MAX_MB, MAX_SECONDS, run

#: Cases whose remedy lies in files another issue is rewriting; each still runs and must fail until it is fixed.
#: (mt5_html's quadratic cell pattern, issue 11's, is checked by test_scaling.py: its time here depends on the
#: machine's load, so it could not fail reliably.)
_ELSEWHERE: dict[str, str] = {}


def _params():
    for name in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=_ELSEWHERE[name])] if name in _ELSEWHERE else []
        yield pytest.param(name, id=name, marks=marks)


@pytest.mark.parametrize("name", list(_params()))
def test_hostile_input_gets_a_clear_answer_in_bounded_time_and_memory(name, tmp_path):
    case = CASES[name]
    args = case.make(tmp_path)
    outcome = run(args, kill_after=30)
    assert outcome.code in case.codes, f"exit {outcome.code}: {outcome.output[-2000:]}"
    assert "Traceback" not in outcome.output, outcome.output[-2000:]
    assert re.search(case.message, outcome.output, re.DOTALL), outcome.output[-2000:]
    assert outcome.seconds <= MAX_SECONDS, f"{outcome.seconds:.1f} s"
    assert outcome.peak_mb <= MAX_MB, f"{outcome.peak_mb:.0f} MB"
    assert len(outcome.output) < 2_000_000, "the answer quotes the input at length"
