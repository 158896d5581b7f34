"""The Trades table's columns, in order, shared by the Excel sheet and the CSV export (one list, one meaning)."""

from __future__ import annotations

from dataclasses import dataclass

#: Cell kinds: how a column is typed and formatted in both outputs.
#: text, int (ticket, magic), count, lots, price (at the symbol's digits), money, number2 (pips, bps),
#: datetime, duration (seconds shown as [h]:mm:ss), bool.
KINDS = ("text", "int", "count", "lots", "price", "money", "number2", "datetime", "duration", "bool")


@dataclass(frozen=True)
class Column:
    """One output column: the costed frame's column, its header and its kind."""

    key: str
    header: str
    kind: str
    width: float = 12.0


#: Every closed trade with all cost columns (docs/ENGINE.md); money in the result's currency, named in the
#: header by :func:`header` (notional_usd is always USD).
TRADE_COLUMNS: tuple[Column, ...] = (
    Column("account", "Account", "text", 14),
    Column("ticket", "Ticket", "int", 11),
    Column("open_time", "Open time", "datetime", 19),
    Column("close_time", "Close time", "datetime", 19),
    Column("side", "Side", "text", 6),
    Column("symbol", "Symbol", "text", 11),
    Column("symbol_root", "Symbol root", "text", 10),
    Column("category", "Category", "text", 10),
    Column("lots", "Lots", "lots", 7),
    Column("open_price", "Open price", "price", 11),
    Column("close_price", "Close price", "price", 11),
    Column("sl", "S/L", "price", 11),
    Column("tp", "T/P", "price", 11),
    Column("profit", "Profit", "money", 13),
    Column("commission", "Commission", "money", 12),
    Column("taxes", "Taxes / fees", "money", 11),
    Column("swap", "Swap", "money", 10),
    Column("broker_net", "Broker net", "money", 12),
    Column("spread_pips", "Spread (pips, est.)", "number2", 10),
    Column("spread_cost", "Spread cost, est.", "money", 13),
    Column("spread_source", "Spread source", "text", 24),
    # Issue 12 (docs/SPREADS.md): the kind of that source, and the time-of-day multiplier in the spread.
    Column("spread_kind", "Spread from", "text", 11),
    Column("spread_tod", "Time-of-day factor", "number2", 9),
    Column("commission_source", "Commission source", "text", 12),
    Column("pip_value", "Pip value per lot", "money", 10),
    Column("mid_pnl", "P&L at mid, est.", "money", 12),
    Column("transaction_cost", "Transaction cost", "money", 12),
    Column("rebate", "Rebate", "money", 10),
    Column("net_after_rebate", "Net after rebate", "money", 12),
    Column("net_transaction_cost", "Net transaction cost", "money", 12),
    Column("cost_pips", "Cost pips before rebate", "number2", 10),
    Column("cost_pips_after", "Cost pips after rebate", "number2", 10),
    Column("bps", "Net cost (bps of notional)", "number2", 10),
    Column("notional_usd", "Notional USD", "money", 14),
    Column("hold_seconds", "Holding time", "duration", 10),
    Column("eligible", "Rebate eligible", "bool", 9),
    Column("excluded_reason", "Excluded because", "text", 20),
    Column("rebate_rule", "Rebate rule", "text", 26),
    Column("close_reason", "Closed by", "text", 8),
    Column("comment", "Comment", "text", 20),
    Column("magic", "Magic", "int", 9),
)


def header(column: Column, currency: str) -> str:
    """The column's header, with the currency for money columns (the Summary says which figures are estimates)."""
    if column.kind == "money" and column.key not in ("notional_usd", "pip_value"):
        return f"{column.header} ({currency})"
    return column.header
