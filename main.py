"""fxcost launcher: `python main.py` starts the app; `python main.py report FILE...` runs headless."""

import multiprocessing

from fxcost.app import main

if __name__ == "__main__":
    # A frozen app's import workers (issue 14: an IB's book on every core) start this executable again; freeze_support
    # makes such a start a worker instead of a second app, and only then may parallel_import use workers.
    multiprocessing.freeze_support()
    from fxcost import parallel_import

    parallel_import.enable_frozen_workers()
    raise SystemExit(main())
