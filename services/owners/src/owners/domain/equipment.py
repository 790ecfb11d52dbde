"""Common areas and equipment (公共区域与设备, OWN-10): the lifts, pumps, gates, lighting, car parks and
fire systems of an estate or one of its buildings, each with the identifier the site knows it by
(电梯 1 号梯, a lift's registration number), where it is, who installed it and who maintains it.

A repair or complaint names a registered item instead of a unit, so tickets can count the repeated
failures of one lift; what is not registered stays free text on the ticket.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    LIFT = "lift"
    PUMP = "pump"
    GATE = "gate"
    ACCESS_CONTROL = "access_control"
    LIGHTING = "lighting"
    CAR_PARK = "car_park"
    FIRE_SYSTEM = "fire_system"
    CCTV = "cctv"
    WATER_TANK = "water_tank"
    GENERATOR = "generator"
    HVAC = "hvac"
    GARDEN = "garden"
    PLAYGROUND = "playground"
    OTHER = "other"


KIND_NAMES = {
    Kind.LIFT: "电梯", Kind.PUMP: "水泵", Kind.GATE: "大门/道闸", Kind.ACCESS_CONTROL: "门禁",
    Kind.LIGHTING: "照明", Kind.CAR_PARK: "停车场", Kind.FIRE_SYSTEM: "消防系统", Kind.CCTV: "监控",
    Kind.WATER_TANK: "水箱", Kind.GENERATOR: "发电机", Kind.HVAC: "空调", Kind.GARDEN: "绿化",
    Kind.PLAYGROUND: "儿童游乐场", Kind.OTHER: "其他",
}
"""Each kind in Chinese, as the desk says it."""

IDENTIFIER = r"^[^\s\x00-\x1f].{0,59}$"
"""An identifier is a line of text (say 1栋-1号梯, or the lift's registration number), at most 60."""
