"""The service catalogue's rules (TKT-11): prices under the government's ceiling and over cost,
free services free, the commission rule that fits a line best, commissions to the fen."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit.errors import Invalid
from tickets.domain.catalogue import best_rule, check_price, commission, fee_total, line_amount, margin

D = Decimal
ESTATE, OTHER = uuid.uuid4(), uuid.uuid4()


def test_a_price_above_the_ceiling_is_refused_in_both_languages() -> None:
    with pytest.raises(Invalid) as refused:
        check_price("paid", D("120.00"), D("60.00"), D("100.00"))
    assert "government" in refused.value.message.en and "政府规定的收费标准" in refused.value.message.zh
    assert refused.value.errors == {"price": ["120.00 is above the government's standard of 100.00"]}
    check_price("paid", D("100.00"), D("60.00"), D("100.00"))  # at the ceiling: allowed


def test_a_paid_service_covers_its_cost_and_a_free_one_costs_nothing() -> None:
    with pytest.raises(Invalid):
        check_price("paid", D("50.00"), D("60.00"), None)
    with pytest.raises(Invalid):
        check_price("free", D("1.00"), D("5.00"), None)
    check_price("free", D("0"), D("5.00"), None)
    assert margin(D("80.00"), D("64.00")) == {"margin": D("16.00"), "margin_rate": D("0.2500")}
    assert margin(D("0"), D("5.00"))["margin"] == D("-5.00") and margin(D("3"), D("0"))["margin_rate"] is None


def rule(estate=None, item_code=None, category=None, percent=None, per_unit=None):
    return {"id": uuid.uuid4(), "estate_id": estate, "item_code": item_code, "category": category,
            "percent": percent, "per_unit": per_unit}


def test_the_best_rule_is_the_most_specific_the_estates_first() -> None:
    every, own_every = rule(percent=D(5)), rule(ESTATE, percent=D(6))
    category, own_item = rule(category="plumbing", percent=D(10)), rule(ESTATE, item_code="tap", per_unit=D(8))
    theirs = rule(OTHER, item_code="pipe", percent=D(50))
    rules = [every, own_every, category, own_item, theirs]
    assert best_rule(rules, ESTATE, "tap", "plumbing") is own_item
    assert best_rule(rules, ESTATE, "pipe", "plumbing") is category  # another estate's item rule is not ours
    assert best_rule(rules, ESTATE, "aircon", "appliance") is own_every
    assert best_rule(rules, OTHER, "aircon", None) is every
    assert best_rule([theirs], ESTATE, "pipe", None) is None


def test_a_commission_is_percent_plus_per_unit_to_the_fen_half_up() -> None:
    assert commission(rule(percent=D(5)), D("136.50"), D(3)) == D("6.83")  # 6.825
    assert commission(rule(per_unit=D(8)), D("120.00"), D(2)) == D("16.00")
    assert commission(rule(percent=D("2.5"), per_unit=D("1.10")), D("10.00"), D("1.5")) == D("1.90")


def test_a_fee_of_ten_million_yuan_is_a_typing_error() -> None:
    with pytest.raises(Invalid):
        fee_total([{"amount": line_amount(D("1000000.00"), D("10000"))}])
    assert fee_total([{"amount": D("10000000.00")}]) == D("10000000.00")


@given(st.lists(st.tuples(st.decimals(min_value=0, max_value=10000, places=2),
                          st.decimals(min_value=D("0.01"), max_value=100, places=2)), max_size=20))
def test_a_fee_is_the_sum_of_its_lines_exactly(lines) -> None:
    amounts = [line_amount(price, quantity) for price, quantity in lines]
    assert fee_total({"amount": a} for a in amounts) == sum(amounts, D("0.00"))
    assert all(a == a.quantize(D("0.01")) for a in amounts)
