"""The service catalogue's rules (TKT-11): what a service may cost the owner, what a ticket's fee
comes to, and what the staff who did the work earn of it.

* A **paid special service** (特约服务) is priced on its cost with a small margin (保本微利): its
  price covers its cost and never exceeds the government's standard (不高于政府规定的收费标准),
  the ``ceiling``, when one is set. A **free convenience service** (便民服务) costs the owner
  nothing: its price is 0 (its cost is the company's). A **bundle** (服务套餐) is priced as one
  item, and lists what it holds.
* A ticket's **fee** is the sum of its lines, each a catalogue item's price at the time it was
  added times the quantity; amounts are exact (``Decimal``), rounded half up to the fen.
* A **commission** is earned on a line by the rule that fits it best: a rule for its item, else for
  its category, else a rule for every item; the estate's own rule before the operator's at each
  step. A rule pays a percentage of the line's amount, a fixed sum per unit, or both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from servicekit.errors import Invalid

KINDS = ("paid", "free")
MAX_FEE = Decimal("10000000.00")  # no repair's fee comes near ten million yuan: a typing error
FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int | str) -> Decimal:
    """``value`` in yuan to the fen, rounded half up."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def check_price(kind: str, price: Decimal, cost: Decimal, ceiling: Decimal | None) -> None:
    """Refuse a price the catalogue may not carry, with every field error at once."""
    errors: dict[str, list[str]] = {}
    if kind == "free" and price != 0:
        errors["price"] = ["a free convenience service costs the owner nothing: 0"]
    if ceiling is not None and price > ceiling:
        errors["price"] = [f"{price} is above the government's standard of {ceiling}"]
        raise Invalid(f"the price {price} is above the government's standard ({ceiling})",
                      f"价格 {price} 元高于政府规定的收费标准（{ceiling} 元）", errors=errors)
    if kind == "paid" and price < cost:
        errors["price"] = [f"{price} does not cover the cost of {cost} (保本微利)"]
    if errors:
        raise Invalid("the price does not fit the service", "价格不符合收费规定", errors=errors)


def margin(price: Decimal, cost: Decimal) -> dict[str, Decimal | None]:
    """What the company keeps of a sale: the sum, and its share of the cost (None for no cost)."""
    kept = money(price - cost)
    return {"margin": kept, "margin_rate": None if cost == 0 else (kept / cost).quantize(Decimal("0.0001"))}


def line_amount(unit_price: Decimal, quantity: Decimal) -> Decimal:
    return money(unit_price * quantity)


def fee_total(lines: Iterable[Mapping[str, Any]]) -> Decimal:
    """The sum of the lines; refused above :data:`MAX_FEE`."""
    total = money(sum((Decimal(line["amount"]) for line in lines), ZERO))
    if total > MAX_FEE:
        raise Invalid(f"a fee of more than {MAX_FEE} yuan is a typing error", f"费用超过 {MAX_FEE} 元，请检查数量",
                      errors={"quantity": [f"the fee would come to {total}"]})
    return total


def best_rule(rules: Iterable[Mapping[str, Any]], estate_id: Any, item_code: str,
              category: str | None) -> Mapping[str, Any] | None:
    """The commission rule for a line: the most specific (item, category, every item), the estate's
    before the operator's at each step; None when no rule fits."""
    def rank(rule: Mapping[str, Any]) -> tuple[int, int] | None:
        if rule["item_code"] is not None:
            scope = 0 if rule["item_code"] == item_code else None
        elif rule["category"] is not None:
            scope = 1 if category is not None and rule["category"] == category else None
        else:
            scope = 2
        if scope is None or rule["estate_id"] not in (None, estate_id):
            return None
        return scope, 0 if rule["estate_id"] is not None else 1

    ranked = [(r, rule) for rule in rules if (r := rank(rule)) is not None]
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def commission(rule: Mapping[str, Any], amount: Decimal, quantity: Decimal) -> Decimal:
    """What ``rule`` pays on a line of ``amount`` and ``quantity``: percent of the amount plus a
    sum per unit, to the fen."""
    percent = Decimal(rule["percent"] or 0)
    per_unit = Decimal(rule["per_unit"] or 0)
    return money(amount * percent / 100 + per_unit * quantity)
