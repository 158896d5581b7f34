"""The sample generator: every format imports, reconciles and matches the figures the generator says it wrote."""

from __future__ import annotations

import pytest

from fxcost.importers import load_file
from fxcost.importers.reconcile import reconcile
from fxcost.samples.__main__ import main
from fxcost.samples.generate import FORMATS, generate

SUFFIX = {"mt4": ".htm", "mt5-html": ".html", "mt5-xlsx": ".xlsx"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_generated_file_imports_with_the_manifest_figures(tmp_path, fmt):
    path = tmp_path / f"history{SUFFIX[fmt]}"
    m = generate(path, fmt, 600, 11)
    st = load_file(path)
    rec = reconcile(st)
    assert rec.ok, rec.differences
    t = st.trades
    assert len(t) == m.trades
    assert round(t["profit"].sum(), 2) == round(m.profit, 2)
    assert round(t["commission"].sum(), 2) == round(m.commission, 2)
    assert round(t["swap"].sum(), 2) == round(m.swap, 2)
    assert len(st.open_positions) == m.open_positions
    # What the issue asks the generator for: majors, JPY pairs, crosses, gold, an index, partial closes,
    # deposits and a cashback-like balance row.
    roots = set(t["symbol_root"])
    assert {"EURUSD", "USDJPY", "XAUUSD"} <= roots and any(r.startswith("US30") for r in roots)
    assert any(r.endswith("JPY") and not r.startswith("USD") for r in roots)  # a cross
    assert m.partial_closes > 0 and t["is_partial"].any()
    kinds = set(st.cash["kind"])
    assert "deposit" in kinds and "rebate" in kinds and m.rebates > 0


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a.htm", tmp_path / "b.htm", tmp_path / "c.htm"
    generate(a, "mt4", 200, 5)
    generate(b, "mt4", 200, 5)
    generate(c, "mt4", 200, 6)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_command_line_refuses_a_missing_folder_without_traceback(tmp_path, capsys):
    out = tmp_path / "missing" / "x.htm"
    with pytest.raises(SystemExit) as exited:  # argparse's usage error, as ``python -m fxcost.samples`` exits
        main(["-o", str(out)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
