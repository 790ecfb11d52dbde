"""People (业主 and 非业主使用人) and their contact points: the rules for writing them down."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from owners.domain.contacts import Channel, ContactKind, InvalidContact, last4, normalize
from owners.domain.errors import Invalid

MAX_CONTACT_POINTS = 10

# Which kinds of contact point can carry each channel; "app" needs none (the owner app knows its user).
_CHANNEL_NEEDS: dict[Channel, frozenset[ContactKind]] = {
    Channel.SMS: frozenset({ContactKind.MOBILE}),
    Channel.PHONE: frozenset({ContactKind.MOBILE, ContactKind.OTHER}),
    Channel.EMAIL: frozenset({ContactKind.EMAIL}),
    Channel.APP: frozenset(),
}
_CHANNEL_OF_KIND = {ContactKind.MOBILE: Channel.SMS, ContactKind.EMAIL: Channel.EMAIL, ContactKind.OTHER: Channel.PHONE}
_KIND_ZH = {ContactKind.MOBILE: "手机号码", ContactKind.EMAIL: "电子邮箱", ContactKind.OTHER: "其他电话"}


class OccupantRole(StrEnum):
    """How a person holds a unit: its owner (业主) or a non-owner occupant (非业主使用人)."""

    OWNER = "owner"
    TENANT = "tenant"
    FAMILY = "family"
    OTHER = "other"


def contact_points_of(points: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A person's contact points written down the one way: normalised values, no duplicates, and
    exactly one preferred (the first, when the caller marked none). Raises :class:`Invalid`."""
    if len(points) > MAX_CONTACT_POINTS:
        raise Invalid(f"at most {MAX_CONTACT_POINTS} contact points", f"联系方式最多 {MAX_CONTACT_POINTS} 个")
    normalised = [_contact_point(i, p) for i, p in enumerate(points)]
    errors = {str(i): e for i, (_, e) in enumerate(normalised) if e}
    if errors:
        raise Invalid("some contact points are not valid", "部分联系方式无效", errors={"contact_points": errors})
    result = [cp for cp, _ in normalised if cp is not None]
    _check_unique(result)
    return _with_one_preferred(result)


def _contact_point(index: int, point: Mapping[str, Any]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    kind = ContactKind(point["kind"])
    try:
        value = normalize(kind, point["value"])
    except InvalidContact as exc:
        return None, {"value": [str(exc)]}
    return {"kind": kind.value, "value": value, "last4": last4(kind, value), "label": point.get("label", ""),
            "preferred": bool(point.get("preferred", False))}, {}


def _check_unique(points: list[dict[str, Any]]) -> None:
    seen: set[tuple[str, str]] = set()
    for i, cp in enumerate(points):
        key = (cp["kind"], cp["value"])
        if key in seen:
            raise Invalid("a contact point is listed twice", "同一联系方式填写了两次",
                          errors={"contact_points": {str(i): {"value": ["listed twice"]}}})
        seen.add(key)


def _with_one_preferred(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    preferred = [cp for cp in points if cp["preferred"]]
    if len(preferred) > 1:
        raise Invalid("only one contact point can be preferred", "只能有一个首选联系方式",
                      errors={"contact_points": ["only one contact point can be preferred"]})
    if points and not preferred:
        points[0]["preferred"] = True
    return points


def unreachable_without(channel: Channel, kinds: Iterable[ContactKind]) -> frozenset[ContactKind]:
    """The one rule of a reachable channel (the API and the household import both ask it): the kinds
    of contact point of which ``channel`` needs one, when ``kinds`` has none of them; empty when
    the channel can be used. A phone call reaches a mobile or a landline ("other")."""
    needs = _CHANNEL_NEEDS[channel]
    return needs if needs and not needs & set(kinds) else frozenset()


def preferred_channel(requested: Channel | str | None, points: Sequence[Mapping[str, Any]]) -> Channel:
    """The channel notices use: the one requested if the person can be reached on it, otherwise
    (when none was requested) the channel of their preferred contact point, or the app."""
    kinds = {ContactKind(cp["kind"]) for cp in points}
    if requested is None:
        preferred = next((cp for cp in points if cp["preferred"]), None)
        return _CHANNEL_OF_KIND[ContactKind(preferred["kind"])] if preferred else Channel.APP
    channel = Channel(requested)
    missing = unreachable_without(channel, kinds)
    if missing:
        wanted = " or ".join(sorted(missing))
        wanted_zh = "或".join(_KIND_ZH[kind] for kind in sorted(missing))
        raise Invalid(f"preferred channel {channel} needs a {wanted} contact point",
                      f"首选渠道 {channel} 需要留有{wanted_zh}",
                      errors={"preferred_channel": [f"{channel} needs a {wanted} contact point"]})
    return channel
