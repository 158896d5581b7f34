"""MT5 Trade History Report writer (HTML, UTF-16LE with BOM, CRLF), as the desktop terminal writes it (FORMATS.md 3)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fxcost.samples.simulate import History
from fxcost.samples.writers.common import (
    MT5_HTML_TEXT,
    money_text,
    number_text,
    pct_text,
    price_text,
    report_file,
    timestamp,
    volume_text,
)
from fxcost.samples.writers.mt5_report import build_mt5_report, mt5_account_line, mt5_date, mt5_results, mt5_written

_MT5_HEAD = r"""<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
  <head>
    <title>{login}: {name} - Trade History Report</title>
    <meta name="generator" content="client terminal">
    <style type="text/css">
    <!--
    @media screen {{
      td {{ font: 8pt  Tahoma,Arial; }}
      th {{ font: 10pt Tahoma,Arial; }}
    }}
    @media print {{
      td {{ font: 7pt Tahoma,Arial; }}
      th {{ font: 9pt Tahoma,Arial; }}
    }}
    .msdate {{ mso-number-format:"General Date"; }}
    .mspt   {{ mso-number-format:\#\,\#\#0\.00;  }}
    .hidden {{ display: none; }}
    body {{margin:1px;}}
    //-->
    </style>
  </head>
<body>
<div align="center">
    <table cellspacing="1" cellpadding="3" border="0">
        <tr align="center">
            <td colspan="14"><div style="font: 14pt Tahoma"><b>Trade History Report</b><br></div></td>
        </tr>
        <tr align="left">
            <th colspan="4" nowrap align="right" style="width: 220px; height: 20px">Name:</th>
            <th colspan="10" nowrap align="left" style="width: 220px; height: 20px"><b>{name}</b></th>
        </tr>
        <tr align="left">
            <th colspan="4" nowrap align="right" style="width: 220px; height: 20px">Account:</th>
            <th colspan="10" nowrap align="left" style="width: 220px; height: 20px"><b>{account}</b></th>
        </tr>
        <tr align="left">
            <th colspan="4" nowrap align="right" style="width: 220px; height: 20px">Company:</th>
            <th colspan="10" nowrap align="left" style="width: 220px; height: 20px"><b>{company}</b></th>
        </tr>
        <tr align="left">
            <th colspan="4" nowrap align="right" style="width: 220px; height: 20px">Date:</th>
            <th colspan="10" nowrap align="left" style="width: 220px; height: 20px"><b>{date}</b></th>
        </tr>
        <tr>
            <td nowrap style="width: 140px;height: 10px"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 70px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 140px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 60px;"></td>
            <td nowrap style="width: 100px;"></td>
        </tr>
"""


def _mt5_title(text: str) -> str:
    return (
        '        <tr align="center">\n'
        f'            <th colspan="14" style="height: 25px"><div style="font: 10pt Tahoma"><b>{text}</b></div></th>\n'
        "        </tr>\n"
    )


def _mt5_header(labels: Iterable[str], last: str = "        </tr>\n") -> str:
    cells = []
    for n, label in enumerate(labels):
        hidden = ""
        colspan = ""
        if label.startswith("~"):
            label, hidden = label[1:], ' class="hidden"'
        if "|" in label:
            label, span = label.split("|")
            colspan = f' colspan="{span}"'
        style = ' style="height: 30px"' if n == 0 else ""
        cells.append(f"            <td nowrap{style}{colspan}{hidden}><b>{label}</b></td>\n")
    return '        <tr align="center" bgcolor="#E5F0FC">\n' + "".join(cells) + last


_MT5_SPACER = '        <tr>\n            <td nowrap style="height: 10px"></td>\n        </tr>\n'
_MT5_GAP = '        <tr align="right">\n            <td colspan="13" style="height: 10px"></td>\n        </tr>\n'
ROW_COLOURS = ("#FFFFFF", "#F7F7F7")


def _opt_price(p: float, digits: int) -> str:
    return price_text(p, digits) if p else ""


def write_mt5_html(h: History, path: str | Path) -> dict[str, Any]:
    """Write an MT5 Trade History Report as the desktop terminal does (UTF-16LE + BOM, CRLF)."""
    r = build_mt5_report(h)
    esc = html.escape
    with report_file(path, **MT5_HTML_TEXT) as out:
        out.add(
            _MT5_HEAD.format(
                login=h.account.login,
                name=esc(h.account.name),
                account=mt5_account_line(h, "&nbsp;"),
                company=esc(h.account.company),
                date=mt5_date(h.report_time),
            )
        )
        out.add(_mt5_title("Positions"))
        out.add(
            _mt5_header(
                ("Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "Price",
                 "Commission", "Swap", "Profit|2")
            )
        )  # fmt: skip
        out.add("        \n")
        for n, pos in enumerate(r.positions):
            d = pos.inst.digits
            lots = sum(leg.lots for leg in pos.legs)
            close_price = sum(leg.price * leg.lots for leg in pos.legs) / lots
            commission = pos.open_commission + sum(leg.commission for leg in pos.legs)
            out.add(
                f'        <tr bgcolor="{ROW_COLOURS[n % 2]}" align="right">\n'
                f"            <td>{timestamp(pos.open_time)}</td>\n"
                f"            <td>{pos.ticket}</td>\n"
                f"            <td>{pos.symbol}</td>\n"
                f"            <td>{pos.type}</td>\n"
                f'            <td class="hidden" colspan="8">{esc(pos.comment)}</td>\n'
                f'            <td class="">{volume_text(pos.lots)}</td>\n'
                f'            <td class="">{price_text(pos.open_price, d)}</td>\n'
                f'            <td class="">{_opt_price(pos.sl, d)}</td>\n'
                f'            <td class="">{_opt_price(pos.tp, d)}</td>\n'
                f'            <td class="">{timestamp(pos.legs[-1].time)}</td>\n'
                f'            <td class="">{price_text(close_price, d)}</td>\n'
                f'            <td class="">{money_text(commission)}</td>\n'
                f'            <td class="">{money_text(sum(leg.swap for leg in pos.legs))}</td>\n'
                f'            <td colspan="2">{money_text(sum(leg.profit for leg in pos.legs))}</td>\n'
                "        </tr>\n"
                "        \n"
            )
        out.add(_MT5_SPACER)
        out.add(_mt5_title("Orders"))
        out.add(
            _mt5_header(
                ("Open Time", "Order", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "State|2",
                 "Comment|3")
            )
        )  # fmt: skip
        for n, o in enumerate(r.orders):
            d = o[11]
            out.add(
                f'        <tr bgcolor="{ROW_COLOURS[n % 2]}" align="right"><td>{timestamp(o[0])}</td><td>{o[1]}</td><td>{o[2]}</td>'
                f"<td>{o[3]}</td><td>{o[4]}</td><td>{price_text(o[5], d)}</td><td>{_opt_price(o[6], d)}</td>"
                f"<td>{_opt_price(o[7], d)}</td><td>{timestamp(o[8])}</td><td colspan=\"2\">{o[9]}</td>"
                f'<td colspan="3">{esc(o[10])}</td></tr>\n'
            )
        out.add(_MT5_SPACER)
        out.add(_mt5_title("Deals"))
        out.add(
            _mt5_header(
                ("Time", "Deal", "Symbol", "Type", "Direction", "Volume", "Price", "Order", "~Cost", "Commission",
                 "Fee", "Swap", "Profit", "Balance", "Comment")
            )
        )  # fmt: skip
        for n, dl in enumerate(r.deals):
            d = dl[14]
            trade = dl[3] != "balance"
            out.add(
                f'        <tr bgcolor="{ROW_COLOURS[n % 2]}" align="right"><td nowrap>{timestamp(dl[0])}</td><td nowrap>{dl[1]}</td>'
                f"<td nowrap>{dl[2]}</td><td nowrap>{dl[3]}</td><td nowrap>{dl[4]}</td>"
                f"<td nowrap>{volume_text(dl[5]) if trade else ''}</td><td nowrap>{price_text(dl[6], d) if trade else ''}</td>"
                f"<td nowrap>{dl[7] if trade else ''}</td><td nowrap class=\"hidden\"></td>"
                f"<td nowrap>{money_text(dl[8])}</td><td nowrap>{money_text(dl[9])}</td><td nowrap>{money_text(dl[10])}</td>"
                f"<td nowrap>{money_text(dl[11])}</td><td nowrap>{money_text(dl[12])}</td><td nowrap>{esc(dl[13])}</td></tr>\n"
            )
        t = r.totals
        out.add(
            '        <tr align="right">\n'
            '            <td nowrap colspan="8" style="height: 30px"></td>\n'
            f"            <td nowrap><b>{money_text(t['commission'])}</b></td>\n"
            f"            <td nowrap><b>{money_text(t['fee'])}</b></td>\n"
            f"            <td nowrap><b>{money_text(t['swap'])}</b></td>\n"
            f"            <td nowrap><b>{money_text(t['profit'])}</b></td>\n"
            f"            <td nowrap><b>{money_text(t['balance'])}</b></td>\n"
            "            <td nowrap></td>\n"
            "        </tr>\n"
        )
        s = r.summary
        if r.open_positions:
            out.add(_mt5_title("Open Positions"))
            out.add(
                _mt5_header(
                    ("Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Market Price",
                     "Swap", "Profit", "Comment|3"),
                    last="        </tr> \n",
                )
            )  # fmt: skip
            for n, pos in enumerate(r.open_positions):
                d = pos.inst.digits
                end = " \n" if n == len(r.open_positions) - 1 else "\n"
                out.add(
                    f'        <tr bgcolor="{ROW_COLOURS[n % 2]}" align="right"><td>{timestamp(pos.open_time)}</td><td>{pos.ticket}</td>'
                    f"<td>{pos.symbol}</td><td>{pos.type}</td><td>{volume_text(pos.lots)}</td>"
                    f"<td>{price_text(pos.open_price, d)}</td><td>{_opt_price(pos.sl, d)}</td><td>{_opt_price(pos.tp, d)}</td>"
                    f"<td>{price_text(pos.market, d)}</td><td>{money_text(pos.float_swap)}</td>"
                    f'<td>{money_text(pos.float_profit)}</td><td colspan="3">{esc(pos.comment)}</td></tr>{end}'
                )
            out.add(
                '        <tr align="right">\n'
                '            <td colspan="9" style="height: 30px"></td>\n'
                f"            <td nowrap><b>{money_text(s['open_swap'])}</b></td>\n"
                f"            <td nowrap><b>{money_text(s['open_profit'])}</b></td>\n"
                "            <td></td>\n"
                "        </tr>  \n"
            )
        out.add(_MT5_GAP)
        for left, lv, right, rv in (
            ("Balance:", money_text(s["balance"]), "Free Margin:", money_text(s["free"])),
            ("Credit Facility:", "0.00", "Margin:", money_text(s["margin"])),
            ("Floating P/L:", money_text(s["floating"]), "Margin Level:", pct_text(s["level"])),
            ("Equity:", money_text(s["equity"]), "", ""),
        ):
            row = (
                '        <tr align="right">\n'
                f'            <td colspan="3" style="height: 20px">{left}</td>\n'
                f'            <td colspan="2"><b>{lv}</b></td>\n'
            )
            if right:
                row += (
                    "            <td></td>\n"
                    f'            <td colspan="3">{right}</td>\n'
                    f'            <td colspan="2"><b>{rv}</b></td>\n'
                )
            out.add(row + "        </tr>\n")
        out.add(_MT5_GAP)
        out.add(
            '        <tr align="center">\n'
            f'            <th colspan="13"><img src="ReportHistory-{h.account.login}.png" title="Balance graph" '
            'width=820 height=200 border=0 alt="Graph"></th>\n'
            "        </tr>\n"
            "        <tr>\n"
            '            <td colspan="13" align="center"><div style="font: 10pt Tahoma"><b>Results</b></div></td>\n'
            "        </tr>\n"
        )
        for n, row in enumerate(mt5_results(r)):
            if n in (3, 5):
                out.add(_MT5_SPACER)
            out.add(_mt5_results_row(row))
        out.add(_MT5_SPACER + "    </table>\n</div>\n</body>\n</html>")
    return mt5_written(r)


def _fmt_value(v: tuple[str, Any]) -> str:
    kind, x = v
    if kind == "money":
        return money_text(x)
    if kind == "ratio":
        return number_text(x)
    return str(x)


def _mt5_results_row(row: tuple) -> str:
    l1, v1, l2, v2, l3, v3 = row
    cells = []
    if l1:
        cells.append(f'            <td nowrap colspan="3">{l1}</td>\n')
        if v1 is not None:
            cells.append(f"            <td nowrap><b>{_fmt_value(v1)}</b></td>\n")
    else:
        cells.append('            <td nowrap colspan="4"></td>\n')
    if l2:
        cells.append(f'            <td nowrap colspan="3">{l2}</td>\n')
        cells.append(f"            <td nowrap><b>{_fmt_value(v2)}</b></td>\n")
    if l3:
        cells.append(f'            <td nowrap colspan="3">{l3}</td>\n')
        cells.append(f'            <td nowrap colspan="2"><b>{_fmt_value(v3)}</b></td>\n')
    return '        <tr align="right">\n' + "".join(cells) + "        </tr>\n"
