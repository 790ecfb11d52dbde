"""An exact amount (money, a quantity) is taken as written or refused: never rounded, never a
boolean, never NaN, never full-width digits; answered as a string with its decimals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError

from servicekit.exact import ExactDecimal


class Price(Schema):
    price = ExactDecimal(maximum="100000")
    quantity = ExactDecimal(places=1, maximum="999", exclusive_minimum=True)


@pytest.mark.parametrize(("written", "loaded"), [("89.5", Decimal("89.50")), (12, Decimal("12.00")),
                                                 ("0", Decimal("0.00")), (0.25, Decimal("0.25")),
                                                 (" 100000 ", Decimal("100000.00"))])
def test_taken_as_written(written, loaded) -> None:
    assert Price().load({"price": written}) == {"price": loaded}


@pytest.mark.parametrize("written", ["12.345", 0.1 + 0.2, True, "NaN", "Infinity", "１２", "-1", "100000.01",
                                     "1e3", None, [], "", "12,5"])
def test_refused_never_rounded(written) -> None:
    with pytest.raises(ValidationError):
        Price().load({"price": written})


def test_a_default_written_as_text_is_loaded_as_a_value() -> None:
    schema = Schema.from_dict({"quantity": ExactDecimal(load_default="1")})()
    assert schema.load({}) == {"quantity": Decimal("1.00")}


def test_an_exclusive_minimum_refuses_zero_and_answers_are_strings() -> None:
    with pytest.raises(ValidationError):
        Price().load({"quantity": "0"})
    assert Price().dump({"price": Decimal("3"), "quantity": Decimal("2.5")}) == {"price": "3.00", "quantity": "2.5"}
    documented = Price().fields["price"].metadata["anyOf"]
    assert documented[0]["pattern"] == r"^[0-9]{1,6}(\.[0-9]{1,2})?$" and documented[1]["maximum"] == 100000.0


@given(st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False))
def test_every_amount_of_cents_comes_back_as_it_went(amount: Decimal) -> None:
    loaded = Price().load({"price": str(amount)})["price"]
    assert loaded == amount and Price().dump({"price": loaded})["price"] == f"{amount:.2f}"
