"""Run fxcost on one input in a child process and measure its exit code, output, time and peak memory (issue 13)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
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


#: The measured command runs under this small launcher, which reports the command's own rusage: a child forked
#: straight from a test process that holds a big generated input would inherit that process's peak memory (Linux
#: keeps the high-water mark across fork and exec), and wait4 would report it.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status) & 0xFF if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
"""


def run(args: list[str], *, env: dict[str, str] | None = None, kill_after: float = 60.0,
        cwd: str | os.PathLike | None = None) -> Outcome:
    """``python main.py ARGS`` in a fresh process, with its wall time and peak resident memory (this command only).

    The startup of the interpreter and its imports is counted too: the bound is for the whole command."""
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCHER, rss.name, str(MAIN), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                env=full_env, cwd=cwd or ROOT, start_new_session=True)
        timer = threading.Timer(kill_after, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            stdout, stderr = proc.communicate()
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        text = rss.read().strip()
    killed = proc.returncode < 0 or not text
    return Outcome(None if killed else proc.returncode, stdout.decode("utf-8", "replace"),
                   stderr.decode("utf-8", "replace"), seconds, int(text or 0) / 1024)
