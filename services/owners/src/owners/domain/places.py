"""Buildings and units (楼栋, 房号): the rules a place must keep."""

from __future__ import annotations

import re

from owners.domain.errors import Conflict, Invalid

# A unit number as residents say it inside their building: "1202", "2-1202" (entrance 2, room 1202), "B1-03".
UNIT_NUMBER = re.compile(r"^[0-9A-Za-z]{1,12}(-[0-9A-Za-z]{1,12}){0,3}$")
UNIT_NUMBER_LENGTH = 32  # the column's length: the pattern alone would let 51 characters through
BUILDING_CODE = re.compile(r"^[0-9A-Za-z_-]{1,32}$")
LOWEST_FLOOR = -10  # basements are negative floors; deeper than this is a typing error


def check_floor(floor: int | None, building_floors: int | None) -> None:
    """A unit cannot sit above the top floor of its building (when both are known)."""
    if floor is not None and building_floors is not None and floor > building_floors:
        raise Invalid(f"floor {floor} is above the building's top floor {building_floors}",
                      f"第 {floor} 层高于楼栋的最高层 {building_floors} 层",
                      errors={"floor": [f"must be at most {building_floors}"]})


def check_floors_cover_units(floors: int | None, highest_unit_floor: int | None) -> None:
    """Lowering a building's floor count must not leave units above its new top floor."""
    if floors is not None and highest_unit_floor is not None and highest_unit_floor > floors:
        raise Conflict(f"the building has units on floor {highest_unit_floor}, above {floors}",
                       f"该楼栋第 {highest_unit_floor} 层有房屋，高于 {floors} 层")
