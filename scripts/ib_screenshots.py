"""Screenshots of the IB views (issue 14) from a generated book of client statements, into docs/screenshots.

A book of 30 generated client statements (fxcost.samples, July 2023 to June 2024; some clients stopped in April, some
started in June) is opened as a folder, for the period January to June 2024, under two
partner deals: a two-level deal (the master IB and a sub-IB, with a VIP group) as the main and IB-view program,
and another broker's flat deal compared with it; a few clients are named in the roster. Written:
13-ib-month.png (IB view: what each client is owed in the latest month), 14-ib-activity.png (client activity),
15-ib-levels.png (master and sub-IB rows), 16-compare-ib.png (Compare with the IB's columns and the pass-back
sweep), 17-program-editor-ib.png (the program editor's IB tab), 19-ib-partner.png (the IB view with a broker's
partner report reconciled: one client-month paid short, one not paid).

Run: QT_QPA_PLATFORM=offscreen python scripts/ib_screenshots.py [--out docs/screenshots] [--clients 30]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORMATS = (("mt4", ".htm"), ("mt5-html", ".html"), ("mt5-xlsx", ".xlsx"))
NAMES = ("Ann Example", "Bo Sample", "Chen Demo", "Dana Test")


def write_book(folder: Path, clients: int) -> list[str]:
    from fxcost.samples.generate import generate

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(clients):
        fmt, ext = FORMATS[i % len(FORMATS)]
        path = folder / f"client-{i:03d}{ext}"
        # Most clients trade from July 2023; some stopped in April (dormant), some started in June (new).
        start, months = ("2024-06-03", 1) if i % 11 == 5 else ("2023-07-03", 9 if i % 9 == 4 else 12)
        generate(str(path), fmt, 40 + (i * 37) % 160, 7000 + i, months=months, start=start)
        paths.append(str(path))
    return paths


def deals(logins: list[str]) -> dict[str, dict]:
    """The two partner deals compared: a two-level deal on the bundled tiered rates, another broker's flat one."""
    tiered = json.loads((ROOT / "assets" / "programs" / "ib-tiered.json").read_text())
    two_level = {**tiered, "name": "Broker A: master IB with a sub-IB",
                 "description": "The bundled tiered rates; a sub-IB brings four clients, VIP clients get 70 %.",
                 "client_shares": {logins[0]: 60},
                 "client_groups": [{"name": "VIP", "clients": logins[1:3], "client_share_pct": 70}],
                 "sub_ibs": [{"name": "Sub-IB North", "clients": logins[3:7], "master_share_pct": 30}],
                 "tier_mode": "marginal"}
    flat = {"name": "Broker B: 6 per lot, 40 % to clients", "currency": "USD", "lot_basis": "round_turn",
            "rates": [{"match": {}, "model": "per_lot", "rate": 6.0}], "client_share_pct": 40}
    return {"broker-a.json": two_level, "broker-b.json": flat}


def portal_report(path: Path, by_client_month) -> Path:
    """The broker's partner report of the book in a portal's words, its rewards the IB view's per client-month
    except the client-month that earned most, paid 12.40 short, and another client's best month, unpaid."""
    rows = by_client_month[by_client_month["account"].astype(str) != "Total"]
    biggest = rows.sort_values("ib_earnings", ascending=False)
    short = (str(biggest["account"].iloc[0]), str(biggest["month"].iloc[0]))
    other = biggest[biggest["account"].astype(str) != short[0]]
    unpaid = (str(other["account"].iloc[0]), str(other["month"].iloc[0]))
    lines = ["Client ID,Period,Lots,IB Commission,Currency"]
    for r in rows.itertuples(index=False):
        key = (str(r.account), str(r.month))
        if key != unpaid:
            lines.append(f"{r.account},{r.month},{r.lots:.2f},{r.ib_earnings - (12.40 if key == short else 0):.2f},USD")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def partner_shot(window, folder: Path, settle, path: Path) -> bool:
    """Reconcile a partner report of the book in the IB view (the whole book, all months) and save the window."""
    from fxcost.ui.application import save_shot, wait_for

    report = portal_report(folder / "partner-portal.csv", window.views.ib["by_client_month"])
    done: list[bool] = []
    window.partner_finished.connect(done.append)
    window.show_tab("ib")
    window.ib.table_choice.setCurrentIndex(0)
    window.ib.set_month(window.ib.month_choice.itemData(1))
    if not window.import_partner_report(str(report)):
        return False
    if not done and not wait_for(window.partner_finished, 120_000):
        return False
    window.ib.outer.setSizes([430, 330])
    settle()
    save_shot(window, path)
    return bool(done and done[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--size", default="1360x820")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    width, height = (int(v) for v in args.size.lower().split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from fxcost import pipeline
    from fxcost.session import Session, SetupState
    from fxcost.ui.application import _isolated_window, make_app, save_shot, wait_for

    app = make_app(None)
    with tempfile.TemporaryDirectory(prefix="fxcost-ib-shots-") as tmp:
        folder = Path(tmp)
        book = folder / "IB book 2024"
        paths = write_book(book, args.clients)
        logins = [f.statement.account.login for f in pipeline.import_files(paths[:8]).files]
        programs = folder / "data" / "programs"
        programs.mkdir(parents=True)
        for name, data in deals(logins).items():
            (programs / name).write_text(json.dumps(data, indent=2))
        window = _isolated_window(None, folder)
        window.resize(width, height)
        window.show()
        main_key, other_key = str(programs / "broker-a.json"), str(programs / "broker-b.json")
        # The IB closes the half-year: the period ends with June (trades closed in July are left out).
        session = Session(files=[str(book)], setup=SetupState(main_program=main_key, ib_program=main_key,
                                                              compare_programs=[other_key], compare_profiles=[],
                                                              period="custom", period_from="2024-01-01",
                                                              period_to="2024-06-30"),
                          client_names=dict(zip(logins, NAMES)))
        ready: list[bool] = []
        window.analysis_ready.connect(lambda: ready.append(True))
        window.open_session(session)
        if not ready and not wait_for(window.analysis_ready, 300_000):
            print("fxcost: the book did not import; no screenshots written", file=sys.stderr)
            return 1

        def settle() -> None:
            from PySide6.QtTest import QTest

            for _ in range(4):  # layouts and pyqtgraph's deferred range updates settle over a few passes
                app.processEvents()
                QTest.qWait(50)

        window.show_tab("ib")
        ib = window.ib
        for name, table in (("13-ib-month", 0), ("14-ib-activity", 3), ("15-ib-levels", 4)):
            ib.table_choice.setCurrentIndex(table)
            ib.set_month(ib.month_choice.itemData(1) if table == 0 else "")
            settle()
            save_shot(window, out / f"{name}.png")
        window.show_tab("compare")
        window.compare.tabs.setCurrentWidget(window.compare.passback_page)
        settle()
        save_shot(window, out / "16-compare-ib.png")

        from fxcost.ui.program_editor import ProgramDialog

        dialog = ProgramDialog(json.loads((programs / "broker-a.json").read_text()), window)
        dialog.resize(900, 700)
        dialog.findChild(type(window.tabs)).setCurrentIndex(2)
        dialog.show()
        settle()
        save_shot(dialog, out / "17-program-editor-ib.png")
        dialog.close()
        if not partner_shot(window, folder, settle, out / "19-ib-partner.png"):
            print("fxcost: the partner report was not reconciled; 19-ib-partner.png not written", file=sys.stderr)
            return 1
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
