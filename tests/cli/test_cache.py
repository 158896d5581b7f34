"""``report --cache``: a book's next run parses only new files, with the same figures (issue 14)."""

from __future__ import annotations

import json
import os

from fxcost.samples.generate import generate


def test_report_with_cache_parses_only_new_files_and_prints_the_same_figures(run_report, tmp_path, monkeypatch,
                                                                             counted):
    monkeypatch.setenv("FXCOST_CACHE_DIR", str(tmp_path / "cache"))
    parsed = counted
    book = tmp_path / "book"
    book.mkdir()
    for i in range(2):
        generate(str(book / f"client-{i}.htm"), "mt4", 12, 700 + i, months=2)

    def figures(*options) -> dict:
        out = tmp_path / "out.json"
        ran = run_report(book, "--program", "ib-tiered", "--json", out, *options)
        assert ran.returncode == 0, ran.stderr
        doc = json.loads(out.read_text(encoding="utf-8"))
        return {"totals": doc["totals"], "ib": doc.get("ib")}

    cold = figures()
    assert len(parsed) == 2
    parsed.clear()
    assert figures("--cache") == cold and len(parsed) == 2  # the first cached run fills the cache
    parsed.clear()
    assert figures("--cache") == cold and parsed == []  # nothing parsed again
    generate(str(book / "client-2.htm"), "mt4", 12, 702, months=2)  # next month's statement
    assert figures("--cache")["totals"] != cold["totals"]
    assert [os.path.basename(p) for p in parsed] == ["client-2.htm"]
