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
        # Review item 5: common broker names that used to stay unrecognised (costed with no spread).
        ("UKOUSD", "UKOIL", ""),
        ("BRN", "UKOIL", ""),
        ("brn", "UKOIL", ""),
        ("WST30", "US30", ""),
        ("wst30_m", "US30", "_m"),
        ("USOIL", "USOIL", ""),
        ("UKOIL", "UKOIL", ""),
        ("XTIUSD", "USOIL", ""),
        ("XBRUSD", "UKOIL", ""),
        ("WTI", "USOIL", ""),
        ("BRENT", "UKOIL", ""),
        ("SpotCrude", "USOIL", ""),
        ("SpotBrent", "UKOIL", ""),
        ("WTICO_USD", "USOIL", "_USD"),
        ("BCO_USD", "UKOIL", "_USD"),
        ("NAS100", "NAS100", ""),
        ("US100", "NAS100", ""),
        ("USTEC", "NAS100", ""),
        ("USTECH100", "NAS100", ""),
        ("GER40", "GER40", ""),
        ("DE40", "GER40", ""),
        ("UK100", "UK100", ""),
        ("JP225", "JP225", ""),
        ("NIKKEI225", "JP225", ""),
        ("US30.cash", "US30", ".cash"),
        ("F40", "FRA40", ""),
        ("AU200", "AUS200", ""),
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


def test_every_default_alias_is_a_root_with_a_known_category():
    from fxcost.analysis.instruments import category
    from fxcost.symbols import DEFAULT_ALIASES

    for name, root in DEFAULT_ALIASES.items():
        assert normalise(name) == (root, ""), name
        assert category(root) not in ("other", "stock"), (name, root)
