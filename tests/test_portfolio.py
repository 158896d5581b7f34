"""Merging several statements: duplicates counted once, accounts kept apart, open positions current."""

from datetime import datetime

from fxcost import model
from fxcost.model import Account, PrintedTotals, Statement
from fxcost.portfolio import merge


def _statement(login: str, tickets: list[int], report_day: int, path: str, open_tickets=()) -> Statement:
    n = len(tickets)
    trades = model.trades_frame({
        "ticket": tickets,
        "open_time": [datetime(2024, 1, t % 28 + 1, 10) for t in tickets],
        "close_time": [datetime(2024, 1, t % 28 + 1, 11) for t in tickets],
        "side": ["buy"] * n,
        "lots": [0.1] * n,
        "symbol": ["EURUSD"] * n,
        "symbol_root": ["EURUSD"] * n,
        "profit": [10.0] * n,
        "commission": [-0.7] * n,
    })
    cash = model.cash_frame({"ticket": [1], "time": [datetime(2024, 1, 1)], "kind": ["deposit"], "amount": [1000.0]})
    open_positions = model.open_frame({"ticket": list(open_tickets), "side": ["buy"] * len(open_tickets),
                                       "lots": [0.1] * len(open_tickets)})
    account = Account(login=login, server="Demo-Server", currency="USD",
                      report_time=datetime(2024, 2, report_day))
    printed = PrintedTotals(profit=10.0 * n, commission=-0.7 * n)
    return Statement(path=path, format="mt4_detailed", account=account, trades=trades, cash=cash,
                     open_positions=open_positions, printed=printed)


def test_overlapping_statements_of_one_account_count_each_trade_once():
    jan = _statement("1001", [1, 2, 3], 1, "jan.htm", open_tickets=[4])
    feb = _statement("1001", [3, 4, 5], 2, "feb.htm", open_tickets=[6])
    p = merge([jan, feb])
    assert len(p.accounts) == 1
    book = p.accounts[0]
    assert sorted(book.trades["ticket"]) == [1, 2, 3, 4, 5]
    assert len(book.cash) == 1  # the same deposit printed in both files
    # Ticket 4 was open in January and is closed in February: only 6 is open now.
    assert list(book.open_positions["ticket"]) == [6]
    assert any("more than one file" in w for w in p.warnings)
    assert all(f.reconciliation.ok for f in p.files)


def test_different_accounts_stay_apart():
    p = merge([_statement("1001", [1, 2], 1, "a.htm"), _statement("2002", [1, 2], 1, "b.htm")])
    assert len(p.accounts) == 2
    assert len(p.trades) == 4
    assert set(p.trades["account"]) == {"1001", "2002"}


def test_unnamed_accounts_are_kept_per_file():
    a, b = _statement("", [1], 1, "x.htm"), _statement("", [1], 1, "y.htm")
    p = merge([a, b])
    assert len(p.accounts) == 2


def test_file_without_account_header_joins_the_account_whose_trades_it_repeats():
    full = _statement("1001", [1, 2, 3, 4], 2, "full.xlsx")
    edited = _statement("", [2, 3, 4], 1, "edited.xlsx")  # the same account's export, header removed
    other = _statement("2002", [7, 8], 1, "other.xlsx")
    p = merge([edited, full, other])
    assert sorted(b.account.login for b in p.accounts) == ["1001", "2002"]
    book = next(b for b in p.accounts if b.account.login == "1001")
    assert sorted(book.trades["ticket"]) == [1, 2, 3, 4]
    assert set(book.trades["account"]) == {"1001"}
    assert any("edited.xlsx names no account" in w and "3 of its 3" in w for w in p.warnings)
    assert {f.account_key for f in p.files if f.statement.path == "edited.xlsx"} == {book.key}


def test_file_without_header_and_foreign_trades_stays_apart():
    p = merge([_statement("1001", [1, 2, 3, 4], 2, "full.xlsx"), _statement("", [3, 9, 10], 1, "edited.xlsx")])
    assert len(p.accounts) == 2  # one shared trade of three is not enough to call it the same account


def test_reconciliation_reports_each_difference():
    st = _statement("1001", [1, 2], 1, "a.htm")
    st.printed.profit = 25.0
    p = merge([st])
    diff = p.files[0].reconciliation.differences["profit"]
    assert diff.imported == 20.0 and diff.printed == 25.0 and diff.difference == -5.0
    assert not p.files[0].reconciliation.ok


def test_file_without_header_joins_the_account_sharing_most_of_its_trades():
    # Two named accounts share some of the unnamed file's trades: the one sharing more takes it, and duplicate
    # rows of the file count once as shared but each towards its size (issue 14: the join replaced a set per row).
    a = _statement("1001", [1, 2], 1, "a.xlsx")
    b = _statement("2002", [2, 3, 4], 1, "b.xlsx")
    edited = _statement("", [2, 3, 4, 4], 1, "edited.xlsx")
    p = merge([a, b, edited])
    assert sorted(x.account.login for x in p.accounts) == ["1001", "2002"]
    book = next(x for x in p.accounts if x.account.login == "2002")
    assert sorted(book.trades["ticket"]) == [2, 3, 4]
    assert any("edited.xlsx names no account, but 3 of its 4 trades are account 2002's" in w for w in p.warnings)


def test_many_named_accounts_and_no_unnamed_file_merge_each_apart():
    p = merge([_statement(str(1000 + i), [i, i + 1], 1, f"c{i}.htm") for i in range(30)])
    assert len(p.accounts) == 30 and not p.warnings
    assert len(p.trades) == 60


def test_an_account_lists_its_trades_by_close_time_then_ticket_unknown_times_last():
    st = _statement("1001", [5, 3, 4, 1], 1, "a.htm")
    st.trades["close_time"] = [datetime(2024, 1, 9), None, datetime(2024, 1, 2), datetime(2024, 1, 2)]
    book = merge([st]).accounts[0]
    assert book.trades["ticket"].tolist() == [1, 4, 5, 3]
    assert book.trades.index.tolist() == [0, 1, 2, 3]
    in_order = merge([_statement("1001", [1, 2, 3], 1, "b.htm")]).accounts[0]
    assert in_order.trades["ticket"].tolist() == [1, 2, 3]


def test_a_files_trades_are_held_once_with_its_account():
    """Issue 14: a report listed by open time is sorted into the account's own frame; a file that is its account's
    only one then holds that frame, not a second copy in its own order. The caller's statement is left as read, and
    a file of an account of several files keeps its own."""
    st = _statement("1001", [5, 3, 4, 1], 1, "a.htm")
    st.trades["close_time"] = [datetime(2024, 1, 9), datetime(2024, 1, 8), datetime(2024, 1, 2), datetime(2024, 1, 2)]
    read = st.trades
    p = merge([st, _statement("2002", [1, 2], 1, "b1.htm"), _statement("2002", [2, 3], 2, "b2.htm")])
    alone = p.files[0]
    assert alone.statement.trades is p.accounts[0].trades
    assert alone.statement.trades["ticket"].tolist() == [1, 4, 3, 5] and len(alone.statement.trades) == len(read)
    assert st.trades is read and read["ticket"].tolist() == [5, 3, 4, 1]
    assert alone.statement.path == "a.htm" and alone.reconciliation.ok
    assert all(f.statement.trades is not p.accounts[1].trades for f in p.files[1:])
