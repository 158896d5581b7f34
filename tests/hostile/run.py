"""Run fxcost on one input in a child process and measure its exit code, output, time and peak memory (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "main.py"

#: Every hostile input must get its answer within these (issue 13).
MAX_SECONDS = 5.0
MAX_MB = 500.0


@dataclass
class Outcome:
    """What one child run did: exit code (None if it was killed), output, wall time and peak resident memory."""

    code: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(args: list[str], *, env: dict[str, str] | None = None, kill_after: float = 60.0,
        cwd: str | os.PathLike | None = None) -> Outcome:
    """``python main.py ARGS`` in a fresh process; peak memory from wait4's rusage (this child only).

    The startup of the interpreter and its imports is counted too: the bound is for the whole command."""
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(MAIN), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=full_env, cwd=cwd or ROOT)
    out: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:
        out[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for r in readers:
        r.start()
    timer = threading.Timer(kill_after, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    for r in readers:
        r.join()
    code = proc.returncode if proc.returncode >= 0 else None
    return Outcome(code, out.get("out", b"").decode("utf-8", "replace"), out.get("err", b"").decode("utf-8", "replace"),
                   seconds, usage.ru_maxrss / 1024)
