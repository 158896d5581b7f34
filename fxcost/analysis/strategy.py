"""A trade's strategy, named from its comment by a rule the user can see and edit, else its magic number (issue 15).

EAs write their name (often followed by a bracketed tag such as ``[sl]`` the server adds) or their magic number
into the order comment; CSV journals and MT5 reports also carry the magic number itself (FORMATS.md).
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pandas as pd

from fxcost.analysis.codes import factorize
from fxcost.errors import FxCostError

#: The name of trades with neither a usable comment nor a magic number: named, never left out.
UNTAGGED = "(untagged: no comment or magic)"

#: The magic-number breakdown's name for trades without one.
NO_MAGIC = "(no magic number)"

#: Comments the trading server writes itself (partial closes, stop-outs, close-by...): they name no strategy.
#: The MT4 tester's own close events (its report has no comment column; fxcost keeps the event as the comment) name
#: none either: a real backtest's strategy table had a "close at stop" strategy of the 3 trades the test's end closed.
SERVER_COMMENT = re.compile(r"^(?:(?:from|to) #\d+|partial close|close hedge by #|close by #|so:|cancelled|deleted|"
                            r"expiration|\[(?:sl|tp|so)\]|close at stop$|swap close$|close by$)", re.IGNORECASE)

#: What the default rule does, in the words the setup panel and --help show.
RULE_HELP = ("Strategy name = the comment's text before '[' (e.g. 'Grid EA v2[sl]' -> 'Grid EA v2'; the "
             "server's own comments such as 'from #123' or 'partial close' name none); "
             "a regular expression instead takes its first group, else the whole match. "
             "Trades whose comment gives no name are named by their magic number, else '" + UNTAGGED + "'.")


class StrategyRuleError(FxCostError):
    """A strategy rule (regular expression) that cannot be compiled."""


def check_rule(rule: str) -> str:
    """``rule`` when it is empty (the default) or a valid regular expression; raises StrategyRuleError."""
    rule = rule or ""
    if rule:
        try:
            re.compile(rule)
        except re.error as exc:
            raise StrategyRuleError(f"strategy rule {rule!r} is not a valid regular expression: {exc}") from exc
    return rule


def name_of(comment: str, rule: str = "") -> str:
    """The strategy named by one comment under ``rule`` ("" when the comment names none)."""
    comment = str(comment or "").strip()
    if not comment:
        return ""
    if not rule:
        return "" if SERVER_COMMENT.match(comment) else comment.split("[", 1)[0].strip()
    m = re.search(rule, comment)
    if m is None:
        return ""
    return (m.group(1) if m.groups() and m.group(1) is not None else m.group(0)).strip()


def names(t: pd.DataFrame, rule: str = "") -> np.ndarray:
    """The strategy of each trade of ``t``: the comment's name, else ``magic N``, else :data:`UNTAGGED`."""
    return named_and_comments(t, rule)[0]


def named_and_comments(t: pd.DataFrame, rule: str = "") -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`names`, and the distinct comments of the trades (None when the comment column is categorical or
    missing), for :func:`note` (issue 10: a million comments hashed once, not twice)."""
    # Each distinct comment named once (a few, not one per trade); which trades are unnamed read off the codes
    # rather than by comparing a million texts (issue 10).
    comments: np.ndarray | None = None
    if "comment" in t.columns and len(t):
        codes, distinct = factorize(t["comment"])
        named = np.array([name_of(c, rule) for c in distinct] + [""], dtype=object)
        comments = None if isinstance(t["comment"].dtype, pd.CategoricalDtype) else distinct
    else:
        codes, named = np.full(len(t), -1, dtype=np.intp), np.array([""], dtype=object)
    return _names(t, codes, named), comments


def _names(t: pd.DataFrame, codes: npt.NDArray[np.intp], named: np.ndarray) -> np.ndarray:
    """Each trade's strategy from its comment's code and each comment's name (``named``, "" last for no comment)."""
    unnamed = np.array([v == "" for v in named], dtype=bool)
    empty = unnamed[codes]
    use = np.zeros(len(t), dtype=bool)
    if "magic" in t.columns and empty.any():
        magic = t["magic"]
        use = empty & magic.notna().to_numpy() & (magic.fillna(0).to_numpy() != 0)
    if not use.any():  # no magic number names a trade: every unnamed trade is UNTAGGED
        return np.where(unnamed, UNTAGGED, named).astype(object)[codes]
    out = named[codes]
    out[use] = ["magic " + str(int(m)) for m in magic.to_numpy()[use]]
    out[empty & ~use] = UNTAGGED
    return out


def _filled(n: int, text: str) -> np.ndarray:
    """An object array of ``n`` references to ``text``. np.full would build a new string object per row (it casts
    through a fixed-width text array): a million allocations, and a million scattered strings for every later
    comparison or grouping to read (issue 10)."""
    out = np.empty(n, dtype=object)
    out.fill(text)
    return out


def magics(t: pd.DataFrame) -> np.ndarray:
    """The magic number of each trade as text ("0"/missing: :data:`NO_MAGIC`)."""
    if "magic" not in t.columns or not len(t):
        return _filled(len(t), NO_MAGIC)
    magic = t["magic"]
    has = magic.notna().to_numpy() & (magic.fillna(0).to_numpy() != 0)
    out = _filled(len(t), NO_MAGIC)
    out[has] = [str(int(m)) for m in magic.to_numpy()[has]]
    return out


def tagged(t: pd.DataFrame, comments: np.ndarray | None = None) -> bool:
    """Whether any trade has a comment or a magic number (else the breakdown says so instead of one row);
    ``comments``: the distinct comments when the caller has them (:func:`named_and_comments`)."""
    if not len(t):
        return False
    # Each distinct comment once (a few, not one per trade: issue 10, the summary of a million trades).
    if comments is None and "comment" in t.columns:
        comments = pd.unique(t["comment"].to_numpy(dtype=object))
    comment = "comment" in t.columns and comments is not None and any(not pd.isna(c) and str(c).strip() != ""
                                                                       for c in comments)
    magic = "magic" in t.columns and bool((t["magic"].fillna(0) != 0).any())
    return comment or magic


def note(t: pd.DataFrame, named: np.ndarray | None = None, comments: np.ndarray | None = None) -> str:
    """What to say when no trade is named ("" when some are); ``named``: :func:`names` of ``t``, ``comments``: its
    distinct comments (:func:`named_and_comments`)."""
    if named is not None and len(named) and bool((named != UNTAGGED).any()):
        return ""
    if tagged(t, comments):
        return ("No trade's comment names a strategy under the rule, and no trade has a magic number: every trade "
                "is '" + UNTAGGED + "'. Change the rule (a regular expression) to read names from these comments.")
    return ("This history has no magic numbers and no comments: every trade is '" + UNTAGGED + "'. MT5 reports "
            "and CSV journals with a Magic column, or EAs that write their name into the comment, give a breakdown.")
