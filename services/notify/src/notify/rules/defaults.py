"""The built-in rules and templates: what notify sends when an estate and the operator configured nothing.

**Which rules.** For an event type, an estate's own active rules if it has any; else the
operator-wide ones (estate null); else these (see :mod:`notify.rules.matching`).

==================================  ========================  ======================  =========  ======
event                               audience                  template                channels   urgent
==================================  ========================  ======================  =========  ======
ticket acknowledged                 reporter                  ticket_acknowledged     S E A      no
ticket dispatched                   reporter                  ticket_dispatched       S E A      no
ticket dispatched                   assignee                  ticket_assigned         S          no
ticket put in a department's queue  reporter                  ticket_queued           S E A      no
ticket put in a department's queue  named_staff_or_assignee   ticket_queued_staff     S          no
ticket reassigned                   assignee                  ticket_assigned         S          no
ticket arrived                      reporter                  ticket_arrived          S E A      no
ticket resolved                     reporter                  ticket_resolved         S E A      no
ticket escalated                    escalated_staff           ticket_escalated        S          yes
sla warned                          assignee                  sla_warned              S          no
sla breached                        named_staff_or_assignee   sla_breached            S          yes
promise slipped                     assignee                  promise_slipped_staff   S          no
promise slipped                     reporter                  promise_slipped_owner   S E A      no
callback warned                     named_staff_or_assignee   callback_warned         S          no
callback missed                     named_staff_or_assignee   callback_missed         S E        yes
handover unsigned                   escalated_staff           handover_unsigned       S E        yes
diary booked                        reporter                  visit_booked_owner      S E A      no
diary booked                        assignee                  diary_booked_staff      S          no
survey invitation sent              invitee                   survey_invitation       S E A      no
survey invitation reminded          invitee                   survey_reminder         S E A      no
forum invitation                    invitee                   forum_invitation        S E A      no
survey follow-up opened             assignee                  follow_up_assigned      S          no
rectification action overdue        named_staff_or_assignee   action_overdue          S          no
application decided                 reporter (the applicant)  application_decided     S E A      no
application step overdue            named_staff_or_assignee   application_overdue     S E        no
application withdrawn               reporter (the applicant)  application_withdrawn   S E A      no
==================================  ========================  ======================  =========  ======

(S sms, E email, A in_app; a person's preferred channel goes first, see
:mod:`notify.rules.audiences`.) A ticket put in a department's queue is a dispatched event with
``queued`` true and nobody assigned: the dispatched rules leave it alone (``when``) and the queue's
tell the reporter which department has it and its supervisor (the event's ``staff``) that a ticket
waits in its queue. An unsigned handover's events name each person told (the
supervisors, the incoming and the outgoing staff member) in ``staff``; past the top of the estate's
chain, the operator's duty contacts. Opened, explained: nothing — an opened complaint is escalated to
the supervisor by tickets itself, which arrives as ``escalated``. The survey templates' purpose (the
forum invitation's too) is ``survey``: a person who opted out of survey messages gets none (:mod:`notify.rules.answer`).

A built-in rule or template has no row: its id is the uuid5 of its name (``rule:<name>``,
``template:<code>``), stable across processes and releases, so the messages' unique key
(``source_event_id``, ``rule_id``, ...) dedupes them as it does a configured rule's. An estate's
(or the operator's) template of the same code stands in for a built-in one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from notify.domain.channels import EMAIL, IN_APP, SMS
from notify.domain.purposes import SERVICE, SURVEY

NAMESPACE = uuid.UUID("5b0f3c1e-8a52-4e8f-9d0c-6e1f2a3b4c5d")  # notify's built-ins; never change it

PERSON_CHANNELS = (SMS, EMAIL, IN_APP)
STAFF_CHANNELS = (SMS,)  # routine work to the assignee
# An escalation or a breach must reach the manager: by e-mail when the SMS fails.
ESCALATION_CHANNELS = (SMS, EMAIL)


def built_in_id(kind: str, name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{name}")


@dataclass(frozen=True)
class Template:
    """A template as rules and messages use it: a row of ``templates`` or a built-in one."""

    id: uuid.UUID
    code: str
    purpose: str
    texts: dict[str, dict[str, str]]
    variables: tuple[str, ...]
    sms_template_code: str | None = None
    estate_id: uuid.UUID | None = None
    built_in: bool = False

    def text(self, language: str) -> tuple[str, dict[str, str]]:
        """The language used and its texts: ``language``'s, else zh-CN, else en, else the first."""
        for candidate in (language, "zh-CN", "en", *self.texts):
            if candidate in self.texts:
                return candidate, self.texts[candidate]
        return language, {"subject": "", "body": ""}


@dataclass(frozen=True)
class Rule:
    """A rule as matching returns it: a row of ``rules`` or a built-in one (``template_code`` set)."""

    id: uuid.UUID
    event_type: str
    audience: str
    channels: tuple[str, ...]
    urgent: bool = False
    estate_id: uuid.UUID | None = None
    template_id: uuid.UUID | None = None
    template_code: str | None = None
    active: bool = True
    name: str | None = None
    built_in: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # How old an event this rule still answers (notify.domain.freshness); None: the default window.
    fresh_for_minutes: int | None = None
    # A built-in rule's condition on the event's flags: each named field must be the given boolean (a
    # missing one counts as false); empty: every event of its type.
    when: dict[str, bool] = field(default_factory=dict)

    def answers(self, data: Any) -> bool:
        """Whether this rule answers an event of its type whose ``data`` this is."""
        return all(bool(data.get(name, False)) is value for name, value in self.when.items())


def _template(code: str, zh: tuple[str, str], en: tuple[str, str], variables: tuple[str, ...],
              sms_code: str, purpose: str = SERVICE) -> Template:
    return Template(id=built_in_id("template", code), code=code, purpose=purpose, variables=variables,
                    texts={"zh-CN": {"subject": zh[0], "body": zh[1]}, "en": {"subject": en[0], "body": en[1]}},
                    sms_template_code=sms_code, built_in=True)


_T = ("name", "ticket_number", "ticket_title")
_SURVEY = ("name", "period", "link", "expires_on")

BUILT_IN_TEMPLATES: dict[str, Template] = {t.code: t for t in (
    _template("ticket_acknowledged",
              ("工单已受理", "${name}您好，您的工单${ticket_number}（${ticket_title}）已受理，我们会尽快处理。"),
              ("Request received", "Dear ${name}, your request ${ticket_number} (${ticket_title}) has been "
                                   "received; we will handle it shortly."), _T, "SMS_ED_TICKET_ACK"),
    _template("ticket_dispatched",
              ("工单已派工", "${name}您好，您的工单${ticket_number}（${ticket_title}）"
                         "已派给工作人员，请保持电话畅通。"),
              ("Request assigned", "Dear ${name}, your request ${ticket_number} (${ticket_title}) has been "
                                   "given to our staff; they will contact you."), _T, "SMS_ED_TICKET_DISPATCHED"),
    _template("ticket_queued",
              ("工单已转交部门", "${name}您好，您的工单${ticket_number}（${ticket_title}）已转交${department}处理，"
                             "我们会尽快安排人员与您联系。"),
              ("Request passed on", "Dear ${name}, your request ${ticket_number} (${ticket_title}) has been passed "
                                    "to the ${department} department; someone will contact you soon."),
              (*_T, "department"), "SMS_ED_TICKET_QUEUED"),
    _template("ticket_queued_staff",
              ("部门待领工单", "${name}，工单${ticket_number}（${ticket_title}）已进入${department}队列，"
                            "尚无人领取，请安排部门成员跟进。"),
              ("Ticket in your queue", "${name}, ticket ${ticket_number} (${ticket_title}) is waiting in the "
                                       "${department} queue and nobody has taken it; please have a member see to it."),
              (*_T, "department"), "SMS_ED_TICKET_QUEUED_STAFF"),
    _template("ticket_arrived",
              ("工作人员已到场", "${name}您好，工作人员已到达现场处理您的工单${ticket_number}（${ticket_title}）。"),
              ("Staff on site", "Dear ${name}, our staff are on site for your request ${ticket_number} "
                                "(${ticket_title})."), _T, "SMS_ED_TICKET_ARRIVED"),
    _template("ticket_resolved",
              ("工单已处理", "${name}您好，您的工单${ticket_number}（${ticket_title}）已处理完毕。${resolution}"),
              ("Request resolved", "Dear ${name}, your request ${ticket_number} (${ticket_title}) has been "
                                   "resolved. ${resolution}"), (*_T, "resolution"), "SMS_ED_TICKET_RESOLVED"),
    _template("ticket_assigned",
              ("新工单", "${name}，工单${ticket_number}（${ticket_title}）已派给您，请及时处理。"),
              ("New ticket", "${name}, ticket ${ticket_number} (${ticket_title}) has been assigned to you; "
                             "please handle it promptly."), _T, "SMS_ED_TICKET_ASSIGNED"),
    _template("ticket_escalated",
              ("工单升级", "${name}，工单${ticket_number}（${ticket_title}）已升级至您（${trigger}），请立即跟进。"),
              ("Ticket escalated", "${name}, ticket ${ticket_number} (${ticket_title}) has been escalated to "
                                   "you (${trigger}); please follow up now."), (*_T, "trigger"), "SMS_ED_ESCALATED"),
    _template("sla_warned",
              ("工单即将超时", "${name}，工单${ticket_number}（${ticket_title}）"
                            "的${target}时限${due_at}即将到期，请抓紧处理。"),
              ("Ticket due soon", "${name}, the ${target} target of ticket ${ticket_number} (${ticket_title}) "
                                  "is due at ${due_at}; please hurry."), (*_T, "target", "due_at"),
              "SMS_ED_SLA_WARNED"),
    _template("sla_breached",
              ("工单已超时", "${name}，工单${ticket_number}（${ticket_title}）"
                         "的${target}时限${due_at}已超时，请立即处理。"),
              ("Ticket overdue", "${name}, the ${target} target of ticket ${ticket_number} (${ticket_title}) "
                                 "was due at ${due_at} and is missed; act now."), (*_T, "target", "due_at"),
              "SMS_ED_SLA_BREACHED"),
    _template("promise_slipped_staff",
              ("承诺时间已过", "${name}，工单${ticket_number}（${ticket_title}）承诺的${promised_by}"
                            "已过仍未解决，请尽快处理并再次联系业主。"),
              ("Promise missed", "${name}, the date promised for ticket ${ticket_number} (${ticket_title}), "
                                 "${promised_by}, has passed unresolved; please act and contact the owner again."),
              (*_T, "promised_by"), "SMS_ED_PROMISE_STAFF"),
    _template("promise_slipped_owner",
              ("处理进度说明", "${name}您好，很抱歉，您的工单${ticket_number}（${ticket_title}）"
                            "未能在承诺的${promised_by}前解决，我们会尽快与您联系说明新的时间。"),
              ("About your request", "Dear ${name}, we are sorry: your request ${ticket_number} (${ticket_title}) "
                                     "was not resolved by ${promised_by} as promised; we will contact you with a "
                                     "new date soon."), (*_T, "promised_by"), "SMS_ED_PROMISE_OWNER"),
    _template("callback_warned",
              ("回电提醒", "${name}，您有一个回电任务（来电尾号${caller_last4}）将于${due_at}到期，请及时回电。"),
              ("Callback due", "${name}, your callback to the caller ending ${caller_last4} is due at ${due_at}; "
                               "please call back."), ("name", "caller_last4", "due_at"), "SMS_ED_CALLBACK_WARNED"),
    _template("callback_missed",
              ("回电超时", "${name}，回电任务（来电尾号${caller_last4}）已于${due_at}到期仍未回电，请立即跟进。"),
              ("Callback missed", "${name}, the callback to the caller ending ${caller_last4} was due at ${due_at} "
                                  "and has not been made; follow up now."), ("name", "caller_last4", "due_at"),
              "SMS_ED_CALLBACK_MISSED"),
    _template("handover_unsigned",
              ("交接班未签收", "${name}，${desk}交接班记录（${outgoing_name}交${incoming_name}，"
                           "未结事项${open_items}项）应于${sign_by}前签收，至今未签收，请立即跟进。"),
              ("Handover not signed", "${name}, the handover at ${desk} from ${outgoing_name} to ${incoming_name} "
                                      "(${open_items} open items) was to be signed by ${sign_by} and is not; "
                                      "follow up now."),
              ("name", "desk", "outgoing_name", "incoming_name", "open_items", "sign_by"), "SMS_ED_HANDOVER_UNSIGNED"),
    _template("visit_booked_owner",
              ("上门时间", "${name}您好，工作人员将于${window_start}至${window_end}上门（${entry_title}），"
                        "请留人在家。"),
              ("Visit booked", "Dear ${name}, our staff will visit between ${window_start} and ${window_end} "
                               "(${entry_title}); please make sure someone is home."),
              ("name", "entry_title", "window_start", "window_end"), "SMS_ED_VISIT_BOOKED"),
    _template("diary_booked_staff",
              ("新日程", "${name}，您有新的日程：${entry_title}，${window_start}至${window_end}。"),
              ("New booking", "${name}, you have a new booking: ${entry_title}, ${window_start} to ${window_end}."),
              ("name", "entry_title", "window_start", "window_end"), "SMS_ED_DIARY_BOOKED"),
    _template("survey_invitation",
              ("满意度调查邀请", "${name}您好，诚邀您参加${period}业户满意度调查：${link} ，${expires_on}前有效。"),
              ("Satisfaction survey", "Dear ${name}, please tell us how we did (${period}): ${link} "
                                      "(open until ${expires_on})."), _SURVEY, "SMS_ED_SURVEY_INVITATION", SURVEY),
    _template("survey_reminder",
              ("满意度调查提醒", "${name}您好，您的满意度调查尚未完成：${link} ，${expires_on}前有效，感谢参与。"),
              ("Survey reminder", "Dear ${name}, your satisfaction survey is still open: ${link} "
                                  "(until ${expires_on}). Thank you."), _SURVEY, "SMS_ED_SURVEY_REMINDER", SURVEY),
    _template("forum_invitation",
              ("业户座谈会邀请", "${name}您好，诚邀您参加${held_on}举行的业户座谈会「${title}」，地点：${place}。"
                              "欢迎届时提出您的意见和建议。"),
              ("Owners' forum", "Dear ${name}, you are invited to the owners' forum \"${title}\" on ${held_on}; "
                                "place: ${place}. We look forward to hearing your views."),
              ("name", "title", "held_on", "place"), "SMS_ED_FORUM_INVITATION", SURVEY),
    _template("follow_up_assigned",
              ("回访任务", "${name}，满意度调查有业户不满意（${unit_number}），已安排您回访，请尽快联系业户。"),
              ("Follow-up visit", "${name}, a household (${unit_number}) was unhappy in the satisfaction survey; "
                                  "please visit them soon."), ("name", "unit_number"), "SMS_ED_FOLLOW_UP"),
    _template("action_overdue",
              ("整改逾期", "${name}，您负责的整改措施「${action}」已于${due_on}到期仍未完成，请尽快整改。"),
              ("Rectification overdue", "${name}, the rectification you are responsible for, \"${action}\", was due "
                                        "on ${due_on} and is not done; please act now."),
              ("name", "action", "due_on"), "SMS_ED_ACTION_OVERDUE"),
    _template("application_decided",
              ("申请进度", "${name}您好，您的${procedure}申请${application_number}：${step}${decision}。${reason}"),
              ("Your application", "Dear ${name}, your ${procedure} application ${application_number}: "
                                   "${step} ${decision}. ${reason}"),
              ("name", "application_number", "procedure", "step", "decision", "reason"), "SMS_ED_APPLICATION"),
    _template("application_overdue",
              ("申请步骤超时", "${name}，${procedure}申请${application_number}的“${step}”"
                             "已于${due_at}到期，请尽快处理。"),
              ("Application step overdue", "${name}, the step \"${step}\" of ${procedure} application "
                                           "${application_number} was due at ${due_at}; please see to it."),
              ("name", "application_number", "procedure", "step", "due_at"), "SMS_ED_APPLICATION_OVERDUE"),
    _template("application_withdrawn",
              ("申请已撤回", "${name}您好，您的${procedure}申请${application_number}已由${withdrawn_by}撤回，"
                          "原因：${reason}。如需继续办理，请重新提交申请。"),
              ("Application withdrawn", "Dear ${name}, your ${procedure} application ${application_number} was "
                                        "withdrawn by ${withdrawn_by}. Reason: ${reason}. To go ahead, please "
                                        "apply again."),
              ("name", "application_number", "procedure", "withdrawn_by", "reason"), "SMS_ED_APPLICATION_WITHDRAWN"),
    _template("login_code",
              ("验证码", "您的验证码为${code}，请勿告诉他人。"),
              ("Verification code", "Your verification code is ${code}. Do not share it with anyone."),
              ("code",), "SMS_ED_LOGIN_CODE"),
)}
BUILT_IN_TEMPLATES_BY_ID = {t.id: t for t in BUILT_IN_TEMPLATES.values()}

_TICKET, _SLA = "tickets.ticket.", "tickets.sla."
_CALLBACK = "tickets.callback."


def _rule(name: str, event: str, audience: str, template: str, channels: tuple[str, ...],
          urgent: bool = False, when: dict[str, bool] | None = None) -> Rule:
    return Rule(id=built_in_id("rule", name), event_type=event, audience=audience, channels=channels,
                urgent=urgent, template_code=template, template_id=BUILT_IN_TEMPLATES[template].id, name=name,
                built_in=True, when=when or {})


# A dispatched event with nobody assigned: the ticket waits in a department's queue (tickets' ``queued``).
_HANDED, _QUEUED = {"queued": False}, {"queued": True}


DEFAULT_RULES: tuple[Rule, ...] = (
    _rule("acknowledged_to_reporter", f"{_TICKET}acknowledged.v1", "reporter", "ticket_acknowledged", PERSON_CHANNELS),
    _rule("dispatched_to_reporter", f"{_TICKET}dispatched.v1", "reporter", "ticket_dispatched", PERSON_CHANNELS,
          when=_HANDED),
    _rule("dispatched_to_assignee", f"{_TICKET}dispatched.v1", "assignee", "ticket_assigned", STAFF_CHANNELS,
          when=_HANDED),
    # Put in a department's queue: the reporter learns which department has it, its supervisor (``staff``)
    # that a ticket waits for a member to take it
    _rule("queued_to_reporter", f"{_TICKET}dispatched.v1", "reporter", "ticket_queued", PERSON_CHANNELS,
          when=_QUEUED),
    _rule("queued_to_department_supervisor", f"{_TICKET}dispatched.v1", "named_staff_or_assignee",
          "ticket_queued_staff", STAFF_CHANNELS, when=_QUEUED),
    _rule("reassigned_to_assignee", f"{_TICKET}reassigned.v1", "assignee", "ticket_assigned", STAFF_CHANNELS),
    _rule("arrived_to_reporter", f"{_TICKET}arrived.v1", "reporter", "ticket_arrived", PERSON_CHANNELS),
    _rule("resolved_to_reporter", f"{_TICKET}resolved.v1", "reporter", "ticket_resolved", PERSON_CHANNELS),
    _rule("escalated_to_staff", f"{_TICKET}escalated.v1", "escalated_staff", "ticket_escalated", ESCALATION_CHANNELS,
          urgent=True),
    _rule("sla_warned_to_assignee", f"{_SLA}warned.v1", "assignee", "sla_warned", STAFF_CHANNELS),
    _rule("sla_breached_to_staff", f"{_SLA}breached.v1", "named_staff_or_assignee", "sla_breached", ESCALATION_CHANNELS,
          urgent=True),
    _rule("promise_slipped_to_assignee", f"{_TICKET}promise_slipped.v1", "assignee", "promise_slipped_staff",
          STAFF_CHANNELS),
    _rule("promise_slipped_to_owner", f"{_TICKET}promise_slipped.v1", "reporter", "promise_slipped_owner",
          PERSON_CHANNELS),
    # Callbacks (tickets' timer names whom it tells in ``staff``: the assignee, or the supervisors)
    _rule("callback_warned_to_staff", f"{_CALLBACK}warned.v1", "named_staff_or_assignee", "callback_warned",
          STAFF_CHANNELS),
    _rule("callback_missed_to_staff", f"{_CALLBACK}missed.v1", "named_staff_or_assignee", "callback_missed",
          ESCALATION_CHANNELS, urgent=True),
    # A handover left unsigned: the supervisors, the incoming and the outgoing staff member (one
    # event each, ``staff``), the operator's duty contacts past the top of the chain
    _rule("handover_unsigned_to_staff", "tickets.handover.unsigned.v1", "escalated_staff", "handover_unsigned",
          ESCALATION_CHANNELS, urgent=True),
    # The diary: the owner gets an appointment's visit window, the staff member the booking
    _rule("visit_booked_to_owner", "tickets.diary.booked.v1", "reporter", "visit_booked_owner", PERSON_CHANNELS),
    _rule("diary_booked_to_staff", "tickets.diary.booked.v1", "assignee", "diary_booked_staff", STAFF_CHANNELS),
    _rule("survey_invitation_to_invitee", "surveys.invitation.sent.v1", "invitee", "survey_invitation",
          PERSON_CHANNELS),
    _rule("survey_reminder_to_invitee", "surveys.invitation.reminded.v1", "invitee", "survey_reminder",
          PERSON_CHANNELS),
    _rule("forum_invitation_to_invitee", "surveys.forum.invited.v1", "invitee", "forum_invitation",
          PERSON_CHANNELS),
    # surveys' follow-ups (SRV-4): the visit to the staff member assigned, an overdue action to its
    # responsible person (surveys' timer names them in ``staff``)
    _rule("follow_up_to_assignee", "surveys.follow_up.opened.v1", "assignee", "follow_up_assigned", STAFF_CHANNELS),
    _rule("action_overdue_to_responsible", "surveys.action.overdue.v1", "named_staff_or_assignee", "action_overdue",
          STAFF_CHANNELS),
    _rule("application_decided_to_applicant", "tickets.application.decided.v1", "reporter", "application_decided",
          PERSON_CHANNELS),
    # An application's step past its due time: tickets' timer names each holder of the step's role in ``staff``
    # (past the top of the chain nobody: the operator's duty contacts, who may have only an e-mail address)
    _rule("application_step_overdue_to_staff", "tickets.application.step_overdue.v1", "named_staff_or_assignee",
          "application_overdue", ESCALATION_CHANNELS),
    # An application withdrawn, by the applicant or the desk: the applicant is told, with the reason
    _rule("application_withdrawn_to_applicant", "tickets.application.withdrawn.v1", "reporter",
          "application_withdrawn", PERSON_CHANNELS),
)
DEFAULT_RULES_BY_ID = {r.id: r for r in DEFAULT_RULES}


def default_rules(event_type: str) -> list[Rule]:
    return [r for r in DEFAULT_RULES if r.event_type == event_type]
