"""MT4 statement variants seen in the wild (FORMATS.md 6b, issue 11), written from a simulated history."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fxcost.samples.market import DAY
from fxcost.samples.simulate import CashEvent, simulate
from fxcost.samples.writers.common import report_file
from fxcost.samples.writers.mt4_html import write_mt4

#: MT4 statement variants: a broker's Japanese server template (Shift-JIS, headings, labels and columns
#: translated, an unfilled <!--CLOSED_Commission--> cell, no Working Orders section, legal text after the report),
#: an old build (lots column "Volume", comment rows under tickets), a recent build (no meta generator, a literal
#: <!--LEVERAGE-->, an "Archived orders" roll-up first), a statement of part of the history (an opening balance in
#: its Balance, never printed), OANDA's cash rows (Financing = swap, ADJUSTMENT funding) with transfers, and a
#: Swissquote-style deposit titled "UT>CAC ..." (a ">" inside a quoted attribute).
MT4_VARIANTS = ("ja-template", "old-volume", "recent-build", "sub-period", "oanda-financing", "attr-gt")

#: Translated labels of the Japanese template; anything else is numbered (the reader never reads them).
_JA = {
    "Closed Transactions:": "決済情報:", "Open Trades:": "オープンポジション情報:", "Summary:": "レポート概要:",
    "Details:": "レポート詳細:", "Closed P/L:": "損益計:", "Floating P/L:": "評価損益:",
    "Deposit/Withdrawal:": "入出金:", "Credit Facility:": "クレジット:", "Closed Trade P/L:": "決済損益:",
    "Margin:": "必要証拠金:", "Balance:": "口座残高:", "Equity:": "有効証拠金:", "Free Margin:": "余剰証拠金:",
    "Gross Profit:": "総利益:", "Gross Loss:": "総損失:", "Total Net Profit:": "純損益:",
    "Total Trades:": "総取引数:",
}
_JA_COLUMNS = ("チケット", "約定日時", "売買", "数量", "通貨ペア", "約定価格", "決済逆指値", "決済指値",
               "決済日時", "決済価格", "手数料", "税金", "スワップ", "損益")
_JA_HEADER = ("口座番号", "名前", "通貨", "レバレッジ")


#: The account holder and the expert of the Japanese template's trade comments.
JA_NAME = "山田 太郎"
JA_EXPERT = "移動平均クロスEA"


def _ja_template(text: str) -> str:
    text = text.replace("<title>Statement:", "<title>取引報告書:")
    text = re.sub(r'\s*<meta name="generator"[^>]*>', "", text)
    for en, ja in zip(("Account", "Name", "Currency", "Leverage"), _JA_HEADER):
        text = text.replace(f"<b>{en}: ", f"<b>{ja}: ")
    # A Japanese account holder and expert name: in Shift-JIS they also decode as GBK, into the wrong characters.
    text = re.sub(r"<b>名前: [^<]*", f"<b>名前: {JA_NAME}", text)
    text = text.replace("MA Cross EA", JA_EXPERT)
    # No Working Orders section in this template: its heading, column header and rows go.
    text = re.sub(r"<tr align=left><td colspan=14><b>Working Orders:</b>.*?(?=\n\n<tr><td colspan=14 style)", "",
                  text, flags=re.DOTALL)
    n = iter(range(1, 1000))
    text = re.sub(r"<b>([^<>]*?:)</b>", lambda m: f"<b>{_JA.get(m.group(1), f'項目{next(n)}:')}</b>", text)
    header = re.compile(r"(<tr align=center bgcolor=\"#C0C0C0\">\s*)(.*?)(</tr>)", re.DOTALL)

    def columns(m: re.Match[str]) -> str:
        cells = iter(_JA_COLUMNS)
        return m.group(1) + re.sub(r">([^<>]*)</td>", lambda c: f">{next(cells, '')}</td>", m.group(2)) + m.group(3)

    text = header.sub(columns, text)
    # The closed subtotal's commission cell holds the template's unfilled placeholder.
    text = re.sub(r"(<td colspan=10>&nbsp;</td>\s*<td class=mspt>)[^<]*(</td>)", r"\1<!--CLOSED_Commission-->\2",
                  text, count=1)
    legal = ("<p>本報告書は情報提供のみを目的としています。</p>\n<table><tr><td colspan=2>"
             "お取引に関するお問い合わせは営業日にお願いします。</td></tr></table>\n")
    return text.replace("</div></body></html>", legal + "</div></body></html>")


def mt4_variant(path: str | Path, variant: str, trades: int = 60, seed: int = 11) -> dict[str, Any]:
    """Write one of :data:`MT4_VARIANTS` and return what it holds: the written totals (cents) plus the cash the
    reader must find (``cash_by_kind`` in cents, ``opening`` = the unprinted opening balance in cents)."""
    if variant not in MT4_VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(MT4_VARIANTS)}, not {variant!r}")
    h = simulate(trades, seed, "mt4", months=3)
    opening = 0
    kinds: dict[str, int] = {}
    span = h.report_time - h.start
    if variant == "sub-period":
        # The statement starts at mid-history: earlier rows are gone, their money is in the Balance.
        cut = h.start + span // 2
        gone = [p for p in h.positions if p.legs[-1].time < cut]
        h.positions = [p for p in h.positions if p.legs[-1].time >= cut]
        opening = sum(c.amount for c in h.cash if c.time < cut)
        opening += sum(leg.commission + leg.swap + leg.profit for p in gone for leg in p.legs)
        h.cash = [c for c in h.cash if c.time >= cut]
        h.cancelled = [o for o in h.cancelled if o.done >= cut]
    elif variant == "recent-build":
        first = h.cash[0]
        first.comment, first.kind = "Archived orders", "archived"
    elif variant == "oanda-financing":
        for c in h.cash:
            if c.kind == "deposit":
                c.comment, c.kind = "ADJUSTMENT", "adjustment"
        t0 = h.cash[0].time
        for k in range(1, 9):
            h.cash.append(CashEvent(t0 + k * 7 * DAY + 3600, -137 * k, "Financing", "financing", h.cash[0].ticket + k))
        h.cash.append(CashEvent(t0 + 20 * DAY, 25_000, "IT From 8072790 27787244", "transfer_in", h.cash[0].ticket + 40))
        h.cash.append(CashEvent(t0 + 30 * DAY, -10_000, "IntrTo 4556 1", "transfer_out", h.cash[0].ticket + 41))
    elif variant == "attr-gt":
        h.cash.append(CashEvent(h.cash[0].time + 5 * DAY, 1_500_000, "UT>CAC 857064138", "deposit",
                                h.cash[0].ticket + 50))
    h.cash.sort(key=lambda c: c.time)
    for c in h.cash:
        kind = {"rebate": "rebate"}.get(c.kind, c.kind)
        if kind == "deposit" and c.amount < 0:
            kind = "withdrawal"
        kinds[kind] = kinds.get(kind, 0) + c.amount
    out = write_mt4(h, path, opening=opening)
    text = Path(path).read_text("cp1252")
    encoding = "cp1252"
    if variant == "ja-template":
        text, encoding = _ja_template(text), "cp932"
    elif variant == "old-volume":
        text = text.replace("<td>Size</td>", "<td>Volume</td>")
        # Old builds print a trade's comment again in a row of its own under it.
        text = re.sub(r'(<tr[^>]*><td title="([^"]*\\[(?:sl|tp)\\])">.*?</tr>\n)',
                      lambda m: m.group(1) + f"<tr align=right><td colspan=10>&nbsp;</td><td colspan=4>"
                                                f"{m.group(2)}</td></tr>\n", text)
    elif variant == "recent-build":
        text = re.sub(r'\s*<meta name="generator"[^>]*>', "", text)
        text = re.sub(r"<b>Leverage: 1:\d+</b>", "<b>Leverage: <!--LEVERAGE--></b>", text)
    elif variant == "attr-gt":
        text = text.replace("UT&gt;CAC", "UT>CAC")  # written raw, as the real file does
    with report_file(path, encoding) as sink:
        sink.add(text)
    return {**out, "cash_by_kind": kinds, "opening": opening, "rebates": sum(c.amount for c in h.cash
                                                                               if c.kind == "rebate")}
