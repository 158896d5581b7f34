"""MT4 Strategy Tester reports in several languages and code pages (FORMATS.md 6b, issue 11)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from fxcost.samples.simulate import epoch_seconds, to_cents
from fxcost.samples.writers.common import lots2, money_text, report_file

#: MT4 Strategy Tester report languages and the code page the terminal writes each in (FORMATS.md 6b). The labels
#: are translated; the row types stay English. Only the labels fxcost could be tempted to read are listed; the
#: tester's others are numbered. "ru-cent" is a Russian report of a RoboForex ProCent account.
TESTER_LANGUAGES = {
    "en": ("cp1252", ("Symbol", "Period", "Model", "Parameters", "Bars in test", "Ticks modelled",
                      "Modelling quality", "Mismatched charts errors", "Initial deposit", "Spread",
                      "Total net profit", "Gross profit", "Gross loss", "Total trades", "Time", "Type", "Order",
                      "Size", "Price", "Profit", "Balance")),
    "ru": ("cp1251", ("Символ", "Период", "Модель", "Параметры", "Баров в истории", "Смоделировано тиков",
                      "Качество моделирования", "Ошибки рассогласования графиков", "Начальный депозит", "Спред",
                      "Чистая прибыль", "Общая прибыль", "Общий убыток", "Всего сделок", "Время", "Тип", "Ордер",
                      "Объем", "Цена", "Прибыль", "Баланс")),
    "tr": ("cp1254", ("Sembol", "Periyot", "Model", "Parametreler", "Test edilen çubuklar", "Modellenen fiyatlar",
                      "Modelleme kalitesi", "Uyuşmayan grafik hataları", "Başlangıç mevduatı", "Yayılma",
                      "Toplam net kâr", "Brüt kâr", "Brüt zarar", "Toplam işlem", "Zaman", "Tür", "Emir",
                      "Büyüklük", "Fiyat", "Kâr", "Bakiye")),
    "fr": ("cp1252", ("Symbole", "Période", "Modèle", "Paramètres", "Barres testées", "Ticks modélisés",
                      "Qualité de modélisation", "Erreurs de graphiques", "Dépôt initial", "Écart",
                      "Bénéfice net total", "Bénéfice brut", "Perte brute", "Total des trades", "Heure", "Type",
                      "Ordre", "Taille", "Prix", "Profit", "Solde")),
    "es": ("cp1252", ("Símbolo", "Período", "Modelo", "Parámetros", "Barras en la prueba", "Ticks modelados",
                      "Calidad del modelado", "Errores de gráficos", "Depósito inicial", "Spread",
                      "Beneficio neto total", "Beneficio bruto", "Pérdidas brutas", "Total de operaciones", "Hora",
                      "Tipo", "Orden", "Volumen", "Precio", "Beneficio", "Balance")),
    "zh": ("gbk", ("交易品种", "时间周期", "复盘模型", "参数", "经测试过的柱数", "用于复盘的即时价数量",
                   "复盘模型的质量", "输入图表错误", "起始资金", "点差", "总净盈利", "总获利", "总亏损",
                   "交易单总计", "时间", "类型", "订单", "手数", "价格", "获利", "余额")),
}
TESTER_LANGUAGES["ru-cent"] = TESTER_LANGUAGES["ru"]
#: The title ("Strategy Tester: <expert>") and heading ("Strategy Tester Report") as a terminal whose own strings are
#: translated writes them (issue 11): detection must not rest on the English words.
TESTER_TITLES = {
    "en": ("Strategy Tester", "Strategy Tester Report"),
    "ru": ("Тестер стратегий", "Отчет тестера стратегий"),
    "tr": ("Strateji Test Cihazı", "Strateji Test Raporu"),
    "fr": ("Testeur de stratégie", "Rapport du testeur de stratégie"),
    "es": ("Probador de estrategias", "Informe del probador de estrategias"),
    "zh": ("策略测试", "策略测试报告"),
}
TESTER_TITLES["ru-cent"] = TESTER_TITLES["ru"]


def mt4_tester_variant(path: str | Path, language: str = "en", trades: int = 40, seed: int = 3,
                       translated_title: bool = False, partials: bool = False, server: str = "Demo-Server"
                       ) -> dict[str, Any]:
    """Write an MT4 Strategy Tester report in ``language`` (a key of :data:`TESTER_LANGUAGES`) and its code page.

    Events per trade: an open (market, or a filled ``buy stop``/``sell stop``), sometimes ``modify``, then ``s/l``,
    ``t/p`` or ``close``; a rollover pair ``swap close``/``swap open`` in Russian reports; a deleted pending order;
    the last trade ends with ``close at stop``. Returns ``trades``, ``net`` and ``deposit`` (cents) and
    ``cent`` (a cent account: RoboForex-ProCent, deposit 10,000 cents = 100 USD). ``translated_title`` writes the
    title and heading in ``language`` too (:data:`TESTER_TITLES`), as some terminals do. ``partials``: every sixth
    trade of two lots or more is partly closed first, and its rest reissued under a new order number at the same
    time and open price, as newer builds write it (``partials`` in the result: how many). ``server``: the trade
    server's name the report prints (a tester report prints no currency; some servers' names give one)."""
    if language not in TESTER_LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(TESTER_LANGUAGES)}, not {language!r}")
    codepage, labels = TESTER_LANGUAGES[language]
    lab = dict(zip(TESTER_LANGUAGES["en"][1], labels))
    rng = np.random.default_rng(seed)
    cent = language == "ru-cent"
    server = "RoboForex-ProCent" if cent else server
    deposit = 1_000_000
    t = epoch_seconds(date(2018, 1, 2)) + 3600
    price = 1.35000
    events: list[tuple[int, str, int, int, float, float, float, int | None]] = []  # time, type, order, lots...
    balance = deposit
    net = 0
    count = 0
    order = 0
    split = 0
    for k in range(trades):
        order += 1
        t += int(rng.integers(2, 20)) * 3600
        side = "buy" if rng.random() < 0.5 else "sell"
        lots = int(rng.choice([1, 2, 5, 10]))
        sign = 1 if side == "buy" else -1
        sl = round(price - sign * 0.0040, 4)
        tp = round(price + sign * 0.0080, 4)
        if k % 7 == 3:
            # A pending order placed, then filled.
            events.append((t, f"{side} stop", order, lots, price, sl, tp, None))
            t += 1800
        events.append((t, side, order, lots, price, sl, tp, None))
        if rng.random() < 0.4:
            sl = round(sl + sign * 0.0010, 4)
            t += 600
            events.append((t, "modify", order, lots, price, sl, tp, None))
        if language.startswith("ru") and k % 5 == 1:
            # Rollover: closed with its profit so far, reopened under a new order number at a swapped price.
            t += 3600
            mid = round(price + float(rng.normal(0, 0.001)), 4)
            p = to_cents(sign * (mid - price) * 100_000 * lots / 100)
            balance += p
            net += p
            count += 1
            events.append((t, "swap close", order, lots, mid, sl, tp, p))
            order += 1
            price = round(mid - sign * 0.00002, 6)
            events.append((t, "swap open", order, lots, price, sl, tp, None))
        if partials and k % 6 == 2 and lots >= 2:
            # Half closed; the rest reopened under the next order number at the first's price, in that second.
            t += 1800
            part = lots // 2
            mid = round(price + sign * 0.0005, 4)
            p = to_cents(sign * (mid - price) * 100_000 * part / 100)
            balance += p
            net += p
            count += 1
            split += 1
            events.append((t, "close", order, part, mid, sl, tp, p))
            order += 1
            lots -= part
            events.append((t, side, order, lots, price, sl, tp, None))
        t += int(rng.integers(1, 30)) * 600
        end = "close at stop" if k == trades - 1 else str(rng.choice(["s/l", "t/p", "close"]))
        close = sl if end == "s/l" else tp if end == "t/p" else round(price + float(rng.normal(0, 0.002)), 4)
        p = to_cents(sign * (close - price) * 100_000 * lots / 100)
        balance += p
        net += p
        count += 1
        events.append((t, end, order, lots, close, sl, tp, p))
        price = round(close + float(rng.normal(0, 0.001)), 4)
        if k % 9 == 4:
            order += 1
            events.append((t, "sell limit", order, 1, round(price + 0.01, 4), 0.0, 0.0, None))
            events.append((t + 60, "delete", order, 1, round(price + 0.01, 4), 0.0, 0.0, None))
    spread = "Текущий (2)" if language.startswith("ru") else "2"
    mso = 'style="mso-number-format:0\\.0000;"'
    title, heading = TESTER_TITLES[language if translated_title else "en"]
    head = [
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n<html>\n'
        f"  <head>\n    <title>{title}: Sample EA</title>\n"
        '    <meta name="generator" content="MetaQuotes Software Corp.">\n'
        f'    <meta name="version" content="Build 1090">\n    <meta name="server" content="{server}">\n  </head>\n'
        '<body topmargin=1 marginheight=1>\n<div align=center>\n'
        f'<div style="font: 20pt Times New Roman"><b>{heading}</b></div>\n'
        '<div style="font: 16pt Times New Roman"><b>Sample EA</b></div>\n'
        f'<div style="font: 10pt Times New Roman"><b>{server} (Build 1090)</b></div><br>\n'
        '<table width=820 cellspacing=1 cellpadding=3 border=0>\n',
        f'<tr align=left><td colspan=2>{lab["Symbol"]}</td><td colspan=4>GBPUSD (Great Britain Pound vs US Dollar)'
        f"</td></tr>\n",
        f'<tr align=left><td colspan=2>{lab["Period"]}</td><td colspan=4>H1 2018.01.02 00:00 - 2018.06.29 00:00</td>'
        "</tr>\n",
        f'<tr align=left><td colspan=2>{lab["Model"]}</td><td colspan=4>—</td></tr>\n',
        f'<tr align=left><td colspan=2>{lab["Parameters"]}</td><td colspan=4>Lots=0.1; </td></tr>\n',
        f'<tr align=left><td colspan=2><tr align=left><td>{lab["Bars in test"]}</td><td align=right>1068</td>'
        f'<td>{lab["Ticks modelled"]}</td><td align=right>756107</td><td>{lab["Modelling quality"]}</td>'
        "<td align=right>n/a</td></tr>\n",
        f'<tr align=left><td>{lab["Mismatched charts errors"]}</td><td align=right>0</td><td></td><td align=right>'
        "</td><td></td><td align=right></td></tr>\n",
        "<tr height=8><td colspan=6></td></tr>\n",
        f'<tr align=left><td>{lab["Initial deposit"]}</td><td align=right>{money_text(deposit).replace(" ", "")}</td>'
        f'<td></td><td align=right></td><td>{lab["Spread"]}</td><td align=right>{spread}</td></tr>\n',
    ]
    wins = sum(e[7] for e in events if e[7] is not None and e[7] > 0)
    losses = sum(e[7] for e in events if e[7] is not None and e[7] <= 0)
    head.append(f'<tr align=left><td>{lab["Total net profit"]}</td><td align=right>{money_text(net).replace(" ", "")}</td>'
                f'<td>{lab["Gross profit"]}</td><td align=right>{money_text(wins).replace(" ", "")}</td>'
                f'<td>{lab["Gross loss"]}</td><td align=right>{money_text(losses).replace(" ", "")}</td></tr>\n')
    head.append("<tr align=left><td>x</td><td align=right>1.00</td><td>y</td><td align=right>0.00</td><td></td>"
                "<td align=right></td></tr>\n<tr height=8><td colspan=6></td></tr>\n")
    head.append(f'<tr align=left><td>{lab["Total trades"]}</td><td align=right>{count}</td><td>a</td>'
                f"<td align=right>0 (0.00%)</td><td>b</td><td align=right>{count} (0.00%)</td></tr>\n</table>\n")
    head.append('<table width=820 cellspacing=1 cellpadding=3 border=0>\n<tr bgcolor="#C0C0C0" align=right>'
                + "".join(f"<td>{x}</td>" for x in ("#", lab["Time"], lab["Type"], lab["Order"], lab["Size"],
                                                     lab["Price"], "S / L", "T / P", lab["Profit"], lab["Balance"]))
                + "</tr>\n")
    running = deposit
    for n, (et, kind, o, lots, p, sl, tp, profit) in enumerate(events, start=1):
        if profit is not None:
            running += profit
            money = f"<td class=mspt>{money_text(profit).replace(' ', '')}</td><td class=mspt>" \
                    f"{money_text(running).replace(' ', '')}</td>"
        else:
            money = "<td colspan=2></td>"
        tm = time.gmtime(et)
        stamp = f"{tm.tm_year}.{tm.tm_mon:02d}.{tm.tm_mday:02d} {tm.tm_hour:02d}:{tm.tm_min:02d}"
        head.append(f"<tr align=right><td>{n}</td><td class=msdate>{stamp}</td><td>{kind}</td><td>{o}</td>"
                    f"<td class=mspt>{lots2(lots)}</td><td {mso}>{p:.4f}</td><td {mso} align=right>{sl:.4f}</td>"
                    f"<td {mso} align=right>{tp:.4f}</td>{money}</tr>\n")
    head.append("</table>\n</div></body></html>\n")
    with report_file(path, codepage) as out:
        out.add("".join(head))
    return {"trades": count, "net": net, "deposit": deposit, "balance": running, "cent": cent, "partials": split}
