"""Standard procedures as checklists (TKT-15): a template's ordered steps, who decides each, how long
each may take; and the rules an application (a case run through a template) follows.

* A **template** lists its steps in order; each has a key, a name in Chinese and English, the role
  that decides it (``service_desk_agent``, ``technician``, ``estate_manager``) and the hours it may
  take once it is reached. The built-in ones (:data:`BUILT_IN`) are the textbook's: the renovation
  approval (装修审批程序), answering the phone (电话接听程序) and operating equipment (设备操作程序).
  An estate's template of the same code, else the operator's, stands in for a built-in one.
* An **application** reaches one step at a time: the step open now is decided (approved, or
  refused with a reason) by someone of its role or above (a manager may decide any step); an
  approval opens the next step, with its due time; the last approval completes the application; a
  refusal ends it. Each decision is told to the applicant (the owner) through notify. A step that
  **collects** the documents or the deposit (the renovation approval's ``documents`` and
  ``deposit``) is approved with them, recorded on the step. An open step past its due time is
  reminded once to the holders of its role. The applicant or the desk may **withdraw** a running
  application, saying why.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from servicekit.errors import Invalid

NAMESPACE = uuid.UUID("0b6d2f7e-5d0c-4c1e-9f1a-2a8e7c3d4b15")  # tickets' built-in templates; never change it
APPROVER_ROLES = ("service_desk_agent", "technician", "estate_manager")
# Who may decide a step of each role: that role and everyone above it.
DECIDERS: dict[str, frozenset[str]] = {
    "service_desk_agent": frozenset({"service_desk_agent", "estate_manager", "operator_admin"}),
    "technician": frozenset({"technician", "estate_manager", "operator_admin"}),
    "estate_manager": frozenset({"estate_manager", "operator_admin"}),
}
DECISIONS = ("approve", "refuse")
COLLECTED = ("documents", "deposit")
"""What a step may collect: the application's documents (drawings, a contractor's licence), a deposit."""


@dataclass(frozen=True)
class Step:
    key: str
    name_zh: str
    name_en: str
    approver_role: str
    due_hours: int
    collects: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name_zh": self.name_zh, "name_en": self.name_en,
                "approver_role": self.approver_role, "due_hours": self.due_hours, "collects": list(self.collects)}


def _template(code: str, zh: str, en: str, steps: Sequence[Step]) -> dict[str, Any]:
    return {"id": uuid.uuid5(NAMESPACE, code), "estate_id": None, "code": code, "name_zh": zh, "name_en": en,
            "steps": [s.as_dict() for s in steps], "active": True, "built_in": True, "version": 1}


BUILT_IN: dict[str, dict[str, Any]] = {t["code"]: t for t in (
    _template("renovation_approval", "装修审批", "Renovation approval", (
        Step("application", "装修申请登记", "Application registered", "service_desk_agent", 24),
        Step("documents", "资料审核（图纸、施工单位资质）", "Documents checked (drawings, contractor)",
             "estate_manager", 72, ("documents",)),
        Step("deposit", "缴纳装修押金", "Deposit paid", "service_desk_agent", 48, ("deposit",)),
        Step("inspection", "现场查验", "Site inspection", "technician", 72),
        Step("approval", "审批开工", "Approved to start", "estate_manager", 48),
        Step("completion", "竣工验收", "Completion check", "technician", 24 * 90),
    )),
    _template("phone_answering", "电话接听程序", "Answering the phone", (
        Step("answer", "三声铃响内接听", "Answered within three rings", "service_desk_agent", 1),
        Step("greet", "问候并报名号", "Greeted, name and desk given", "service_desk_agent", 1),
        Step("record", "记录来电内容", "The caller's matter recorded", "service_desk_agent", 1),
        Step("confirm", "复述确认并告知处理时限", "Read back, time to answer given", "service_desk_agent", 1),
        Step("close", "礼貌结束通话", "Call closed politely", "service_desk_agent", 1),
    )),
    _template("equipment_operation", "设备操作程序", "Operating equipment", (
        Step("precheck", "运行前检查", "Checked before starting", "technician", 2),
        Step("start", "按规程启动", "Started by the procedure", "technician", 1),
        Step("monitor", "运行参数记录", "Readings recorded", "technician", 8),
        Step("stop", "按规程停机", "Stopped by the procedure", "technician", 1),
        Step("log", "填写运行日志并交主管审阅", "Log written, reviewed by the supervisor", "estate_manager", 24),
    )),
)}


def check_steps(steps: Sequence[Mapping[str, Any]]) -> None:
    """A template has at least one step, each key once, each decided by a known role."""
    keys = [step["key"] for step in steps]
    errors = []
    if not steps:
        errors.append("a procedure has at least one step")
    if len(set(keys)) != len(keys):
        errors.append("each step's key once")
    errors += [f"{s['key']}: approver_role is one of {', '.join(APPROVER_ROLES)}" for s in steps
               if s["approver_role"] not in APPROVER_ROLES]
    errors += [f"{s['key']}: collects only {', '.join(COLLECTED)}" for s in steps
               if set(s.get("collects") or ()) - set(COLLECTED)]
    if errors:
        raise Invalid("the procedure's steps do not fit together", "程序步骤设置有误", errors={"steps": errors})


def check_collected(collects: Sequence[str], decision: str, documents: Sequence[Any] | None,
                    deposit: Any | None) -> None:
    """What a decision brings fits the step: approving a step that collects the documents or the
    deposit records them (refused, with every missing field, otherwise); a step that collects
    neither takes neither."""
    errors: dict[str, list[str]] = {}
    for name, given in (("documents", bool(documents)), ("deposit", deposit is not None)):
        if name in collects and decision == "approve" and not given:
            errors[name] = [f"this step collects the {name}: record them to approve it"]
        elif name not in collects and given:
            errors[name] = [f"this step does not collect the {name}"]
    if errors:
        raise Invalid("the decision does not record what the step collects", "审批须登记本步骤收取的资料或押金",
                      errors=errors)


def may_decide(role: str, approver_role: str) -> bool:
    return role in DECIDERS.get(approver_role, frozenset())
