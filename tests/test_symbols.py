"""Symbol normalisation into root and suffix (DOMAIN.md 1.3)."""

import pytest

from fxcost.symbols import normalise, normalise_many


@pytest.mark.parametrize(
    "raw, root, suffix",
    [
        ("eurusd.p", "EURUSD", ".p"),
        ("EURUSDm", "EURUSD", "m"),
        ("xauusd-std", "XAUUSD", "-std"),
        ("#US30", "US30", "#"),
        ("GOLD", "XAUUSD", ""),
        ("GOLD_", "XAUUSD", "_"),
        ("eurgbpi", "EURGBP", "i"),
        ("usdjpy.", "USDJPY", "."),
        ("eurgbp-2", "EURGBP", "-2"),
        ("jp225", "JP225", ""),
        ("nq100_m", "NAS100", "_m"),
        ("us_oil", "USOIL", ""),
        ("US30m", "US30", "m"),
        ("EURUSDzero", "EURUSD", "zero"),
        ("USTECm", "NAS100", "m"),
        ("BTCUSD", "BTCUSD", ""),
        ("DJ30", "US30", ""),
    ],
)
def test_normalise(raw, root, suffix):
    assert normalise(raw) == (root, suffix)


def test_user_aliases_extend_the_table():
    assert normalise("MYGOLD", {"MYGOLD": "XAUUSD"}) == ("XAUUSD", "")


def test_normalise_many_keeps_order():
    roots, suffixes = normalise_many(["eurusd.p", "GOLD", "eurusd.p"])
    assert roots == ["EURUSD", "XAUUSD", "EURUSD"]
    assert suffixes == [".p", "", ".p"]
