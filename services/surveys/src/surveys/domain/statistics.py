"""Statistics of a wave's scores (SRV-3), from sums the database adds up: the count of scores, the
mean and the spread (the population standard deviation), each an exact decimal to two places; the
weakest elements; the buildings most below the estate's mean."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any
from uuid import UUID

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Figures:
    """What one group of scores adds up to: how many, their sum and the sum of their squares."""

    count: int
    total: int
    squares: int

    @property
    def mean(self) -> Decimal | None:
        return None if not self.count else (Decimal(self.total) / self.count).quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def spread(self) -> Decimal | None:
        if not self.count:
            return None
        with localcontext() as exact:
            exact.prec = 40
            variance = (Decimal(self.squares) * self.count - Decimal(self.total) ** 2) / (Decimal(self.count) ** 2)
            return max(variance, Decimal(0)).sqrt().quantize(TWO_PLACES, ROUND_HALF_UP)

    def __add__(self, other: Figures) -> Figures:
        return Figures(self.count + other.count, self.total + other.total, self.squares + other.squares)

    def shown(self) -> dict[str, Any]:
        return {"answers": self.count, "mean": self.mean, "spread": self.spread}


NONE = Figures(0, 0, 0)


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as an exact share to four places (0.2500), None of nothing."""
    return None if not whole else (Decimal(part) / whole).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def weakest(by_element: Mapping[str, Figures], count: int = 3) -> list[str]:
    """The elements with the lowest mean, lowest first (ties by name)."""
    scored = [(f.mean, element) for element, f in by_element.items() if f.count]
    return [element for _mean, element in sorted(scored)[:count]]


def below_mean(estate: Figures, by_building: Mapping[Any, Figures]) -> list[tuple[Any, Decimal]]:
    """The buildings whose mean of every element lies below the estate's, most below first, each with
    how far below (a positive difference)."""
    if not estate.count:
        return []
    found = [(estate.mean - f.mean, building) for building, f in by_building.items()
             if f.count and f.mean < estate.mean]
    return [(building, gap) for gap, building in sorted(found, key=lambda g: (-g[0], str(g[1])))]


def summed(groups: Iterable[Figures]) -> Figures:
    total = NONE
    for figures in groups:
        total = total + figures
    return total


def by_element(per_building: Mapping[Any, Mapping[str, Figures]]) -> dict[str, Figures]:
    """Each element's figures in the estate: the sums of its figures in every building (and of no building)."""
    found: dict[str, Figures] = {}
    for elements_of in per_building.values():
        for element, figures in elements_of.items():
            found[element] = found.get(element, NONE) + figures
    return found


def as_rows(per_building: Mapping[Any, Mapping[str, Figures]]) -> list[list[Any]]:
    """Figures by building and element as rows to keep as JSON: [building_id or null, element, count,
    sum, sum of squares] (:func:`from_rows` reads them back)."""
    return [[None if building is None else str(building), element, f.count, f.total, f.squares]
            for building, elements_of in per_building.items() for element, f in elements_of.items()]


def from_rows(rows: Iterable[Sequence[Any]]) -> dict[UUID | None, dict[str, Figures]]:
    """The figures by building and element of rows :func:`as_rows` wrote."""
    found: dict[UUID | None, dict[str, Figures]] = {}
    for building, element, count, total, squares in rows:
        found.setdefault(None if building is None else UUID(building), {})[element] = Figures(count, total, squares)
    return found


def in_order(elements: Sequence[str], by_element: Mapping[str, Figures]) -> list[tuple[str, Figures]]:
    """Each element in the questionnaire's order (the nine first), with its figures (none: no answer)."""
    return [(element, by_element.get(element, NONE)) for element in elements]
