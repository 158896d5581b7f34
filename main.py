"""fxcost launcher: `python main.py` starts the app; `python main.py report FILE...` runs headless."""

from fxcost.app import main

if __name__ == "__main__":
    raise SystemExit(main())
