"""Statistics of a wave's scores (SRV-3), from sums the database adds up: the count of scores, the
mean and the spread (the population standard deviation), each an exact decimal to two places; the
weakest elements; the buildings most below the estate's mean."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

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


def in_order(elements: Sequence[str], by_element: Mapping[str, Figures]) -> list[tuple[str, Figures]]:
    """Each element in the questionnaire's order (the nine first), with its figures (none: no answer)."""
    return [(element, by_element.get(element, NONE)) for element in elements]
