"""Prospects (潜在客户, OWN-7): a buyer or tenant interested in a unit, or a company looking for an office,
assigned to a member of staff, moved along a pipeline of stages with activities logged and a follow-up
date, and at last converted into an owner or occupant — the prospect and its history stay, linked to
the person it became."""

from __future__ import annotations

from enum import StrEnum

from owners.domain.errors import Conflict, Invalid


class Stage(StrEnum):
    NEW = "new"  # 新线索
    CONTACTED = "contacted"  # 已联系
    VIEWING = "viewing"  # 看房
    NEGOTIATING = "negotiating"  # 洽谈
    WON = "won"  # 成交 (converted)
    LOST = "lost"  # 流失


class Interest(StrEnum):
    BUYER = "buyer"
    TENANT = "tenant"
    COMPANY = "company"


class ActivityKind(StrEnum):
    CALL = "call"
    VISIT = "visit"
    VIEWING = "viewing"
    MESSAGE = "message"
    NOTE = "note"
    STAGE = "stage"  # written by a stage change, not by callers


OPEN = (Stage.NEW, Stage.CONTACTED, Stage.VIEWING, Stage.NEGOTIATING)
CALLER_KINDS = [k.value for k in ActivityKind if k is not ActivityKind.STAGE]


def check_move(current: str, to: str, reason: str | None) -> None:
    """An open prospect moves to any open stage or is lost (with a reason); won is by conversion only,
    and a closed one (won or lost) moves no more."""
    if current not in OPEN:
        raise Conflict(f"the prospect is {current}: it moves no more", "该潜在客户已结束跟进，不能再变更阶段")
    if to == Stage.WON:
        raise Invalid("a prospect is won by converting it", "潜在客户需通过转化为业主或住户完成成交",
                      errors={"stage": ["convert the prospect instead"]})
    if to == Stage.LOST and not reason:
        raise Invalid("say why the prospect was lost", "请填写流失原因", errors={"reason": ["is required when lost"]})


def check_convertible(current: str) -> None:
    if current not in OPEN:
        raise Conflict(f"the prospect is {current}: it cannot be converted", "该潜在客户已结束跟进，不能转化")


def check_conversion(interest: str, company_name: str, data: dict) -> None:
    """A buyer or tenant moves in (a role and a day); a company prospect becomes a company occupying the
    unit (its name known, no role: the company occupies, its contact does not move in)."""
    if interest == Interest.COMPANY:
        if not company_name.strip():
            raise Invalid("a company prospect needs its company's name to convert",
                          "公司类潜在客户需先填写公司名称才能转化", errors={"company_name": ["is required"]})
        if data.get("role") is not None or data.get("moved_in_on") is not None:
            raise Invalid("a company occupies the unit: give no role or move-in day",
                          "公司入驻房屋：无需填写身份或入住日期",
                          errors={"role": ["only for a buyer or tenant"]})
        return
    missing = {name: ["is required"] for name in ("role", "moved_in_on") if data.get(name) is None}
    if missing:
        raise Invalid("say as what and from when the person moves in", "请填写入住身份和入住日期", errors=missing)
