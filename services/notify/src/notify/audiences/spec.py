"""An audience as a caller writes it, checked before anything is looked up.

Exactly one of ``{"estate": true}``, ``{"buildings": [ids]}``, ``{"units": [ids]}`` (each with an
optional ``"role"``: ``"owners"`` or ``"occupants"``, the default) or ``{"list": [entries]}``, a
list another system gives (billing's households in arrears): each entry with an optional
``person_id``, ``unit_id``, ``name``, ``mobile``, ``email``, ``language`` and its own ``variables``.
A mobile is a mainland mobile number by the suite's rule (:mod:`tenancy.phones`), stored as its 11
digits; an e-mail an address.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, validate
from tenancy.phones import NotAMobile, normalize_mobile
from tenancy.privacy import mask_email, mask_phone

from notify.templates.rendering import LANGUAGES
from servicekit.errors import Invalid

KINDS = ("estate", "buildings", "units", "list")
ROLES = ("owners", "occupants")
MAX_LIST = 100_000
_KIND_ZH = {"buildings": "楼栋", "units": "房屋"}
_ENTRY_FIELDS = {"person_id", "unit_id", "name", "mobile", "email", "language", "variables"}
# A list's numbers and addresses are checked as owners and one-off messages check theirs: what
# reaches a provider is a number or an address, never text posing as one.
_EMAIL = validate.Email()


def _refuse(reason: str, reason_zh: str, field: str = "audience") -> Invalid:
    where = "" if field == "audience" else f"（名单第{int(field.rsplit('.', 1)[1]) + 1}项）"
    return Invalid(f"the audience is not valid: {reason}", f"接收范围无效{where}：{reason_zh}",
                   errors={field: [reason]})


def _ids(values: Any, kind: str) -> list[uuid.UUID]:
    if not isinstance(values, list) or not values:
        raise _refuse(f"{kind} must be a non-empty list of ids", f"{_KIND_ZH[kind]}应为非空的编号列表")
    try:
        return list(dict.fromkeys(uuid.UUID(str(v)) for v in values))
    except ValueError as exc:
        raise _refuse(f"{kind} must hold ids", f"{_KIND_ZH[kind]}中应为编号") from exc


def check(audience: Any) -> dict[str, Any]:
    """The audience, checked and normalised (ids as UUIDs); anything else is :class:`Invalid`."""
    if not isinstance(audience, Mapping):
        raise _refuse("must be an object", "应为对象")
    kinds = [k for k in KINDS if k in audience]
    if len(kinds) != 1:
        raise _refuse(f"give exactly one of {', '.join(KINDS)}", f"{'、'.join(KINDS)}只能且必须指定其一")
    kind = kinds[0]
    extra = sorted(set(audience) - {kind, "role"})
    if extra or (kind == "list" and "role" in audience):
        raise _refuse(f"unknown field(s) {', '.join(extra or ['role'])}", f"未知的字段 {', '.join(extra or ['role'])}")
    if kind == "list":
        return {"list": [_entry(e, i) for i, e in enumerate(_list(audience["list"]))]}
    role = audience.get("role", "occupants")
    if role not in ROLES:
        raise _refuse(f"role must be one of {', '.join(ROLES)}", f"role 应为 {'、'.join(ROLES)} 之一")
    if kind == "estate":
        if audience["estate"] is not True:
            raise _refuse("estate must be true", "estate 应为 true")
        return {"estate": True, "role": role}
    return {kind: _ids(audience[kind], kind), "role": role}


def _list(entries: Any) -> list[Any]:
    if not isinstance(entries, list):
        raise _refuse("list must be a list of recipients", "list 应为收件人列表")
    if len(entries) > MAX_LIST:
        raise _refuse(f"list holds at most {MAX_LIST} recipients", f"名单最多{MAX_LIST}个收件人")
    return entries


def _entry(entry: Any, index: int) -> dict[str, Any]:
    field = f"audience.list.{index}"
    if not isinstance(entry, Mapping):
        raise _refuse("must be an object", "应为对象", field)
    extra = sorted(set(entry) - _ENTRY_FIELDS)
    if extra:
        raise _refuse(f"unknown field(s) {', '.join(extra)}", f"未知的字段 {', '.join(extra)}", field)
    out: dict[str, Any] = {}
    for key in ("person_id", "unit_id"):
        if entry.get(key) is not None:
            try:
                out[key] = uuid.UUID(str(entry[key]))
            except ValueError as exc:
                raise _refuse(f"{key} must be an id", f"{key} 应为编号", field) from exc
    for key, limit in (("name", 100), ("mobile", 32), ("email", 254)):
        value = entry.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip() or len(value) > limit):
            raise _refuse(f"{key} must be a text of 1 to {limit} characters", f"{key} 应为1到{limit}个字符的文本",
                          field)
        if value is not None:
            out[key] = value.strip()
    if "mobile" in out:
        try:
            out["mobile"] = normalize_mobile(out["mobile"])
        except NotAMobile as exc:
            raise _refuse(f"mobile: {exc}", f"手机号：{exc.zh}", field) from None
    if "email" in out:
        try:
            out["email"] = _EMAIL(out["email"])
        except ValidationError:
            raise _refuse("email is not an e-mail address", "邮箱地址无效", field) from None
    if entry.get("language") is not None:
        if entry["language"] not in LANGUAGES:
            raise _refuse(f"language must be one of {', '.join(LANGUAGES)}",
                          f"language 应为 {'、'.join(LANGUAGES)} 之一", field)
        out["language"] = entry["language"]
    variables = entry.get("variables", {})
    if not isinstance(variables, Mapping) or not all(isinstance(k, str) for k in variables):
        raise _refuse("variables must be an object", "variables 应为对象", field)
    out["variables"] = dict(variables)
    if "person_id" not in out and "name" not in out:
        raise _refuse("give a person_id or a name", "请指定 person_id 或姓名", field)
    if "person_id" not in out and not ("mobile" in out or "email" in out):
        raise _refuse("give a person_id, a mobile or an email", "请指定 person_id、手机号或邮箱", field)
    return out


def as_json(audience: Mapping[str, Any]) -> dict[str, Any]:
    """The checked audience as it is stored (ids as text)."""
    def plain(value: Any) -> Any:
        if isinstance(value, uuid.UUID):
            return str(value)
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items()}
        return value

    return plain(audience)


def masked(audience: Mapping[str, Any]) -> dict[str, Any]:
    """A stored audience as a caller without ``pii:reveal`` sees it: a list's mobiles and e-mail
    addresses masked, as the notice's recipients are (the list is the same people, as given)."""
    if not isinstance(audience.get("list"), list):
        return dict(audience)
    return {**audience, "list": [
        {**entry, **{key: mask(entry[key]) for key, mask in (("mobile", mask_phone), ("email", mask_email))
                     if entry.get(key) is not None}}
        for entry in audience["list"]]}
