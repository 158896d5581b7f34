"""Legitimately big market data is read as a stream (issue 13): a 60 MB tick file in a child process stays under
500 MB, where reading it whole took ~11 bytes of memory per byte of file (~750 MB)."""

from __future__ import annotations

from tests.hostile import cases
from tests.hostile.run import MAX_MB, run

#: The documented time bound for big market data (docs/LIMITS.md): 5 s plus 0.5 s per MB of file.
_SECONDS_PER_MB = 0.5


def test_a_60_MB_tick_file_is_read_in_bounded_memory(tmp_path):
    ticks = cases.tick_file(tmp_path / "EURUSD_ticks.csv", 60_000_000)
    trades = tmp_path / "trades.csv"
    trades.write_text(cases._csv([cases._GOOD]))
    outcome = run(["report", str(trades), "--market-data", str(ticks), "--json", "-"], kill_after=120)
    assert outcome.code == 0, outcome.output[-2000:]
    assert "measured (ticks, MT5 export)" in outcome.output  # the trade's spread came from the ticks
    assert outcome.peak_mb <= MAX_MB, f"{outcome.peak_mb:.0f} MB"
    size_mb = ticks.stat().st_size / 1e6
    assert outcome.seconds <= 5 + _SECONDS_PER_MB * size_mb, f"{outcome.seconds:.1f} s for {size_mb:.0f} MB"
