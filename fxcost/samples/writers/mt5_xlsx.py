"""MT5 Trade History Report writer (XLSX, one sheet, sections stacked; FORMATS.md 4) through openpyxl's write-only mode."""

from __future__ import annotations

import copy
import shutil
import time
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fxcost.samples.simulate import History
from fxcost.samples.writers.common import timestamp, volume_text
from fxcost.samples.writers.mt5_report import build_mt5_report, mt5_account_line, mt5_date, mt5_results, mt5_written

#: Formula cells whose cached value we write too, keyed by id(worksheet) -> coordinate.
_CACHED: dict[int, dict[str, float]] = {}


def _install_cached_formulas() -> None:
    """Let openpyxl write a cached value with a formula, as Excel and MetaTrader do.

    MetaTrader's XLSX has ``=SUM(...)`` totals *with* their values; openpyxl writes
    formulas without one, so readers that open the file with ``data_only=True`` would
    see nothing. The wrapper only acts on cells registered in ``_CACHED``.
    """
    from openpyxl.worksheet import _writer as ws_writer

    original = ws_writer.write_cell
    if getattr(original, "_fxcost", False):
        return
    from openpyxl.xml.functions import Element, SubElement

    def write_cell(xf: Any, worksheet: Any, cell: Any, styled: bool | None = None) -> None:
        cached = _CACHED.get(id(worksheet))
        if cached and cell.data_type == "f" and cell.coordinate in cached:
            attrs = {"r": cell.coordinate}
            if styled:
                attrs["s"] = f"{cell.style_id}"
            el = Element("c", attrs)
            SubElement(el, "f").text = cell._value[1:]
            SubElement(el, "v").text = repr(float(cached[cell.coordinate]))
            xf.write(el)
            return
        original(xf, worksheet, cell, styled)

    write_cell._fxcost = True  # type: ignore[attr-defined]
    ws_writer.write_cell = write_cell


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every member with one fixed time, so output is reproducible."""

    def __init__(self, *args: Any, date_time: tuple[int, int, int, int, int, int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._date_time = date_time

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        # Stream the (possibly large) worksheet temp file instead of reading it whole.
        with open(filename, "rb") as src, self.open(self._info(arcname or str(filename)), "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def write_mt5_xlsx(h: History, path: str | Path) -> dict[str, Any]:
    """Write the MT5 Trade History Report as XLSX: one sheet, sections stacked (FORMATS.md 4)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.writer.excel import ExcelWriter

    _install_cached_formulas()
    r = build_mt5_report(h)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    cached: dict[str, float] = {}
    _CACHED[id(ws)] = cached
    for col, width in zip("ABCDEFGHIJKLMNO", (18, 10, 10, 10, 10, 10, 10, 10, 18, 10, 10, 10, 10, 10, 1)):
        ws.column_dimensions[col].width = width

    money_fmt = "# ##0.00;-# ##0.00;0.00;"
    count_fmt = "# ##0;-# ##0;0;"
    right = Alignment(horizontal="right")
    fills = (PatternFill("solid", fgColor="FFF7F7F7"), PatternFill("solid", fgColor="FFFFFFFF"))
    header_fill = PatternFill("solid", fgColor="FFE5F0FC")
    bold = Font(name="Tahoma", sz=10, b=True)
    plain = Font(name="Tahoma", sz=10)

    # Styles are shared through template cells: building a style per cell is what makes
    # openpyxl slow, copying a finished StyleArray is cheap.
    templates: dict[tuple, Any] = {}

    def styled(value: Any, fmt: str = "General", fill: int = -1, font: Any = plain, align: Any = right) -> Any:
        key = (fmt, fill, id(font), id(align))
        tpl = templates.get(key)
        if tpl is None:
            tpl = WriteOnlyCell(ws)
            tpl.font = font
            tpl.number_format = fmt
            if align is not None:
                tpl.alignment = align
            if fill == 2:
                tpl.fill = header_fill
            elif fill >= 0:
                tpl.fill = fills[fill]
            templates[key] = tpl
        cell = WriteOnlyCell(ws, value)
        cell._style = copy.copy(tpl._style)
        return cell

    row_no = 0

    def append(cells: list[Any]) -> None:
        nonlocal row_no
        ws.append(cells)
        row_no += 1

    def merge(ref: str) -> None:
        ws.merged_cells.add(ref)

    def title(text: str, size: int = 10) -> None:
        append([styled(text, font=Font(name="Tahoma", sz=size, b=True), align=Alignment(horizontal="center"))])
        merge(f"A{row_no}:O{row_no}")

    def header(labels: list[str | None]) -> None:
        append([styled(x, fill=2, font=bold) if x is not None else None for x in labels])

    title("Trade History Report", 14)
    for label, value in (
        ("Name:", h.account.name),
        ("Account:", mt5_account_line(h, " ")),
        ("Company:", h.account.company),
        ("Date:", mt5_date(h.report_time)),
    ):
        append([styled(label, font=bold), None, None, styled(value, font=bold, align=Alignment(horizontal="left"))])
        merge(f"A{row_no}:C{row_no}")
        merge(f"D{row_no}:O{row_no}")

    title("Positions")
    header(["Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "Price", "Commission", "Swap", "Profit"])  # noqa: E501
    # Data rows are plain values: a styled cell costs openpyxl about twice as much, and
    # readers want values, not the number formats (FORMATS.md 4 lists what is typed how).
    for pos in r.positions:
        d = pos.inst.digits
        lots = sum(leg.lots for leg in pos.legs)
        append([
            timestamp(pos.open_time), pos.ticket, pos.symbol, pos.type, volume_text(pos.lots), pos.open_price, pos.sl or None,
            pos.tp or None, timestamp(pos.legs[-1].time), round(sum(leg.price * leg.lots for leg in pos.legs) / lots, d),
            (pos.open_commission + sum(leg.commission for leg in pos.legs)) / 100,
            sum(leg.swap for leg in pos.legs) / 100, sum(leg.profit for leg in pos.legs) / 100,
        ])  # fmt: skip

    title("Orders")
    first_orders = row_no + 1
    header(["Open Time", "Order", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Time", "State", None, "Comment"])
    merge(f"J{first_orders}:K{first_orders}")
    merge(f"L{first_orders}:O{first_orders}")
    for o in r.orders:
        append([
            timestamp(o[0]), o[1], o[2], o[3], o[4], o[5], o[6] or None, o[7] or None, timestamp(o[8]), o[9], None, o[10] or None,
        ])  # fmt: skip

    title("Deals")
    header(["Time", "Deal", "Symbol", "Type", "Direction", "Volume", "Price", "Order", "Commission", "Fee", "Swap", "Profit", "Balance", "Comment"])  # noqa: E501
    first_deal = row_no + 1
    for dl in r.deals:
        if dl[3] == "balance":
            append([timestamp(dl[0]), dl[1], None, "balance", None, None, None, None, 0, 0, 0, dl[11] / 100, dl[12] / 100, dl[13] or None])
        else:
            append([
                timestamp(dl[0]), dl[1], dl[2], dl[3], dl[4], volume_text(dl[5]), dl[6], dl[7], dl[8] / 100, dl[9] / 100,
                dl[10] / 100, dl[11] / 100, dl[12] / 100, dl[13] or None,
            ])  # fmt: skip
    last_deal = row_no
    t = r.totals
    total_row = row_no + 1
    # MetaTrader writes SUM formulas (with their values) for commission, fee and swap,
    # and plain numbers for profit and balance.
    for col, key in (("I", "commission"), ("J", "fee"), ("K", "swap")):
        cached[f"{col}{total_row}"] = t[key] / 100
    append(
        [None] * 8
        + [styled(f"=SUM(Sheet1!{col}{first_deal}:{col}{last_deal})", money_fmt, font=bold) for col in "IJK"]
        + [styled(t["profit"] / 100, money_fmt, font=bold), styled(t["balance"] / 100, money_fmt, font=bold)]
    )
    merge(f"A{total_row}:H{total_row}")

    s = r.summary
    if r.open_positions:
        title("Open Positions")
        header(["Time", "Position", "Symbol", "Type", "Volume", "Price", "S / L", "T / P", "Market Price", "Swap", None, "Profit", "Comment"])  # noqa: E501
        first_open = row_no + 1
        for pos in r.open_positions:
            append([
                timestamp(pos.open_time), pos.ticket, pos.symbol, pos.type, volume_text(pos.lots), pos.open_price, pos.sl or None,
                pos.tp or None, pos.market, pos.float_swap / 100, None, pos.float_profit / 100, pos.comment or None,
            ])  # fmt: skip
        last_open = row_no
        sums_row = row_no + 1
        # The real reports sum column K (empty) under Swap: a MetaTrader quirk kept as is.
        cached[f"K{sums_row}"] = 0.0
        cached[f"L{sums_row}"] = s["open_profit"] / 100
        append(
            [None] * 10
            + [styled(f"=SUM(Sheet1!{col}{first_open}:{col}{last_open})", money_fmt, font=bold) for col in "KL"]
        )
        merge(f"A{sums_row}:J{sums_row}")

    for left, lv, right_label, rv, fmt in (
        ("Balance:", s["balance"] / 100, "Free Margin:", s["free"] / 100, money_fmt),
        ("Credit Facility:", 0.0, "Margin:", s["margin"] / 100, money_fmt),
        ("Floating P/L:", s["floating"] / 100, "Margin Level:", s["level"], "# ##0.00%;-# ##0.00%;0.00%;"),
        ("Equity:", s["equity"] / 100, None, None, money_fmt),
    ):
        cells = [styled(left), None, None, styled(lv, money_fmt, font=bold)]
        if right_label:
            cells += [None, None, styled(right_label), None, None, styled(rv, fmt, font=bold)]
        append(cells)
        merge(f"A{row_no}:C{row_no}")
        merge(f"D{row_no}:E{row_no}")
        if right_label:
            merge(f"G{row_no}:I{row_no}")
            merge(f"J{row_no}:K{row_no}")
    for _ in range(20):  # room for the balance graph
        append([])

    title("Results")
    for row in mt5_results(r):
        l1, v1, l2, v2, l3, v3 = row
        cells: list[Any] = [None] * 12
        if l1:
            cells[0] = styled(l1)
            if v1 is not None:
                cells[3] = _xlsx_value(styled, v1, money_fmt, count_fmt)
        if l2:
            cells[4] = styled(l2)
            cells[7] = _xlsx_value(styled, v2, money_fmt, count_fmt)
        if l3:
            cells[8] = styled(l3)
            cells[11] = _xlsx_value(styled, v3, money_fmt, count_fmt)
        append(cells)
        if l1:
            merge(f"A{row_no}:C{row_no}")
        if l2:
            merge(f"E{row_no}:G{row_no}")
        if l3:
            merge(f"I{row_no}:K{row_no}")
            merge(f"L{row_no}:N{row_no}")

    stamp = time.gmtime(h.report_time)
    wb.properties.creator = "MetaQuotes Ltd."
    wb.properties.created = wb.properties.modified = datetime(*stamp[:6])
    try:
        archive = _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True, date_time=tuple(stamp[:6]))
        ExcelWriter(wb, archive).save()
        # openpyxl's save_workbook() stamps "modified" with the clock; writing through
        # ExcelWriter directly keeps the fixed time, so the bytes depend on the seed only.
    finally:
        _CACHED.pop(id(ws), None)
    return mt5_written(r)


def _xlsx_value(styled: Callable[..., Any], v: tuple[str, Any], money_fmt: str, count_fmt: str) -> Any:
    kind, x = v
    if kind == "money":
        return styled(x / 100, money_fmt)
    if kind == "ratio":
        return styled(round(x, 6), money_fmt)
    if kind == "count":
        return styled(float(x), count_fmt)
    if kind == "int":
        return styled(int(x), count_fmt)
    return styled(x)
