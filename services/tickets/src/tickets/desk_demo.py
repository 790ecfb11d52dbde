"""The demo estate's desk work, part 2 (TKT-10, TKT-11, TKT-14, TKT-15), loaded by ``tickets
load-demo`` after the demo tickets: the operator's service catalogue with prices and commission
rules, a few paid repairs with their commissions, knowledge-base articles, the outcome of the
resolved complaints (and a manager's review), a training case, and a renovation approval in
progress. Everything goes through the use cases, as the desk would do it.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from servicekit.errors import Conflict
from tickets.catalogue.use_cases import add_item
from tickets.commissions.use_cases import add_rule
from tickets.domain.outcomes import ROOT_CAUSES
from tickets.fees.use_cases import add_line, record_consent, record_payment
from tickets.knowledge.use_cases import review_version, write_article
from tickets.outcomes.use_cases import record, review
from tickets.procedures.use_cases import decide, open_application
from tickets.tables import departments, tickets
from tickets.tickets.timeline import Actor
from tickets.tickets.use_cases import entry, procedure
from tickets.training.use_cases import make_case

DESK, MANAGER = Actor("demo-desk", "service_desk_agent"), Actor("demo-manager", "estate_manager")
BILLING = Actor("demo-billing", "integration_client")
D = Decimal

# (code, kind, category, zh, en, unit, price, cost, ceiling)
ITEMS = (
    ("tap_replace", "paid", "plumbing", "更换水龙头", "Replace a tap", "个", "60.00", "45.00", "80.00"),
    ("pipe_clear", "paid", "plumbing", "疏通下水管", "Clear a drain", "次", "150.00", "100.00", "180.00"),
    ("aircon_clean", "paid", "hvac", "空调清洗", "Air conditioner cleaning", "台", "80.00", "55.00", "100.00"),
    ("lock_change", "paid", "access_control", "更换门锁锁芯", "Replace a lock cylinder", "个", "120.00", "90.00", None),
    ("door_open", "free", None, "代开门（忘带钥匙）", "Door opening (keys forgotten)", "次", "0", "5.00", None),
    ("parcel_keep", "free", None, "代收快递", "Parcels kept at the desk", "件", "0", "0.50", None),
)
# The paid repairs: their lines (code, quantity); every one but the last is paid.
ORDERS = ((("tap_replace", "2"),), (("pipe_clear", "1"),), (("aircon_clean", "3"),),
          (("tap_replace", "1"), ("pipe_clear", "1")), (("lock_change", "1"),))
PAID_REPAIRS = len(ORDERS)  # tickets the desk demo opens beside the demo's others
ARTICLES = (  # (title, symptoms, steps, kinds, categories)
    ("厨房水管漏水 Kitchen pipe leak", "水槽下方软管接头滴水，柜内积水",
     ["关闭厨房进水阀", "更换软管或密封圈", "开阀试水十分钟"], ["repair"], ["plumbing"]),
    ("电梯困人应急处置 People trapped in a lift", "电梯停在两层之间，轿厢内有人呼救",
     ["安抚被困人员，告知救援已在路上", "通知电梯维保单位，30分钟内到场", "断电后按规程盘车放人", "记录并上报"],
     ["complaint", "repair"], []),
    ("单元门禁刷卡失灵 Access card not working", "刷卡无反应或提示无效卡",
     ["核对业主身份", "在门禁系统重新授权", "仍不行则更换卡片"], ["repair"], ["access_control"]),
    ("物业费怎么交 How to pay the service charge", "业主询问缴费方式和账单",
     ["说明线上缴费（微信、支付宝）", "告知前台可刷卡缴费", "提供账单明细"], ["inquiry"], ["fees"]),
    ("空调不制冷 Air conditioner not cooling", "中央空调出风不冷",
     ["检查温控面板设置", "清洗过滤网", "仍不制冷报工程部检修"], ["repair"], ["hvac"]),
)


def load_desk_demo(uow: Callable[[], Any], estate_id: uuid.UUID, place: dict[str, Any], rng: random.Random,
                   end: datetime) -> str:
    """Load the catalogue, paid repairs, articles, outcomes, a training case and a renovation approval."""
    for code, kind, category, zh, en, unit, price, cost, ceiling in ITEMS:
        add_item(uow(), {"estate_id": None, "code": code, "kind": kind, "category": category, "name_zh": zh,
                         "name_en": en, "description": "", "unit": unit, "price": D(price), "cost": D(cost),
                         "ceiling": None if ceiling is None else D(ceiling), "materials": [], "contents": []})
    add_item(uow(), {"estate_id": None, "code": "kitchen_care", "kind": "paid", "category": "plumbing",
                     "name_zh": "厨房保养套餐", "name_en": "Kitchen care bundle", "description": "", "unit": "套",
                     "price": D("180.00"), "cost": D("140.00"), "ceiling": None, "materials": [],
                     "contents": [{"code": "tap_replace", "quantity": D(1)}, {"code": "pipe_clear", "quantity": D(1)}]})
    for rule in ({"item_code": None, "category": None, "percent": D(5), "per_unit": None},
                 {"item_code": None, "category": "plumbing", "percent": D(10), "per_unit": None},
                 {"item_code": "tap_replace", "category": None, "percent": None, "per_unit": D(8)}):
        add_rule(uow(), {"estate_id": None, **rule})
    paid = _paid_repairs(uow, estate_id, place, rng, end)
    for title, symptoms, steps, kinds, categories in ARTICLES:
        article = write_article(uow(), DESK, {"estate_id": None, "title": title, "symptoms": symptoms, "steps": steps,
                                              "kinds": kinds, "categories": categories, "attachments": []},
                                at=end - timedelta(days=30))
        review_version(uow(), article["id"], 1, MANAGER, approve=True, note="已核对", at=end - timedelta(days=29))
    reviewed, case = _outcomes(uow, estate_id, rng, end)
    application = _renovation(uow, estate_id, place, end)
    return (f"catalogue {len(ITEMS) + 1} items, {paid} paid repairs, {len(ARTICLES)} articles, "
            f"{reviewed} complaint outcomes, training case {case}, renovation approval {application}")


def _step(uow: Callable[[], Any], step: Callable[..., dict[str, Any]], ticket_id: uuid.UUID,
          **options: Any) -> dict[str, Any]:
    """A step of the procedure; the running SLA timer may have changed the ticket meanwhile (its
    escalations raise the version): a step refused as "changed meanwhile" is taken again."""
    for attempt in range(3):
        try:
            return step(uow(), ticket_id, DESK, **options)
        except Conflict:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _paid_repairs(uow: Callable[[], Any], estate_id: uuid.UUID, place: dict[str, Any], rng: random.Random,
                  end: datetime) -> int:
    for n, lines in enumerate(ORDERS):
        at = end - timedelta(days=20 - 3 * n, hours=rng.randrange(8))
        unit_id = rng.choice(place["units"])
        person_id = (place["occupants"].get(unit_id) or [None])[0]
        category = "hvac" if lines[0][0] == "aircon_clean" else (
            "access_control" if lines[0][0] == "lock_change" else "plumbing")
        ticket = entry.open_ticket(uow(), DESK, {"estate_id": estate_id, "unit_id": unit_id, "person_id": person_id,
                                                 "kind": "repair", "channel": "phone", "category": category,
                                                 "title": "有偿维修 Paid repair"}, at=at)["ticket"]
        _step(uow, procedure.acknowledge, ticket["id"], at=at + timedelta(minutes=1))
        _step(uow, procedure.dispatch, ticket["id"], staff_id=place["technicians"][n % len(place["technicians"])],
              at=at + timedelta(minutes=3))
        for code, quantity in lines:
            fee = add_line(uow(), ticket["id"], DESK, code=code, quantity=D(quantity), at=at + timedelta(minutes=5))
        record_consent(uow(), ticket["id"], DESK, consent="given", how="phone", at=at + timedelta(minutes=6))
        _step(uow, procedure.arrive, ticket["id"], at=at + timedelta(minutes=30))
        _step(uow, procedure.resolve, ticket["id"], resolution="已更换并试用正常", at=at + timedelta(hours=1))
        if n < len(ORDERS) - 1:  # the last one is not paid yet
            record_payment(uow(), None, ticket["id"], BILLING, amount=fee["total"], reference=f"DEMO-PAY-{n + 1}",
                           method=rng.choice(("wechat", "alipay", "cash")), paid_at=at + timedelta(hours=2))
    return len(ORDERS) - 1


def _outcomes(uow: Callable[[], Any], estate_id: uuid.UUID, rng: random.Random, end: datetime) -> tuple[int, str]:
    """The root cause and commitment of the resolved complaints, a manager's review, one training case."""
    with uow() as unit:
        resolved = unit.execute(select(tickets.c.id, tickets.c.complaint_class).where(
            tickets.c.estate_id == estate_id, tickets.c.kind == "complaint", tickets.c.resolved_at.is_not(None))
            .order_by(tickets.c.created_at)).all()
        registered = unit.execute(select(departments.c.id).where(
            departments.c.estate_id == estate_id, departments.c.active.is_(True)).order_by(departments.c.code)
        ).scalars().all()
    causes = {"facilities": ("equipment_failure", "maintenance_lapse", "design_defect"),
              "management": ("staff_attitude", "service_delay", "procedure_gap"),
              "fees": ("fee_dispute", "communication"), "emergency": ("third_party", "equipment_failure")}
    subtypes = {"facilities": ("equipment_running", "building_quality"), "fees": ("shared_charges",),
                "emergency": ("lift_entrapment", "flooding", "water_cut")}
    case = "none"
    for n, (ticket_id, klass) in enumerate(resolved):
        cause = rng.choice(causes[klass])
        # a department of the estate's register when tickets' copy has them, else the desk's text
        department = ({"responsible_department_id": rng.choice(registered)} if registered else
                      {"responsible_department": rng.choice(("工程部", "客服部", "安保部", "财务部"))})
        changes: dict[str, Any] = {"root_cause": cause, "root_cause_note": ROOT_CAUSES[cause][0], **department,
                                   "commitment": "三日内整改并回访业主"}
        if klass in subtypes:
            changes["subtype"] = rng.choice(subtypes[klass])
        record(uow(), ticket_id, DESK, changes, at=end - timedelta(days=1))
        review(uow(), ticket_id, MANAGER, justified=rng.random() < 0.7, note="已核实", at=end - timedelta(hours=12))
        if n == 0:
            case = make_case(uow(), MANAGER, ticket_id=ticket_id, lesson="先致歉、再解释，处理结果当日回访。",
                             at=end - timedelta(hours=6))["title"]
    return len(resolved), case


def _renovation(uow: Callable[[], Any], estate_id: uuid.UUID, place: dict[str, Any], end: datetime) -> str:
    unit_id = place["units"][0]
    person_id = (place["occupants"].get(unit_id) or [None])[0]
    at = end - timedelta(days=2)
    application = open_application(uow(), DESK, {"estate_id": estate_id, "procedure": "renovation_approval",
                                                 "unit_id": unit_id, "person_id": person_id,
                                                 "title": "厨房卫生间翻新 Kitchen and bathroom renovation",
                                                 "note": "施工单位：安居装饰"}, at=at)
    decide(uow(), application["id"], 1, DESK, decision="approve", note="资料已收", at=at + timedelta(hours=1))
    decide(uow(), application["id"], 2, MANAGER, decision="approve", note="图纸与资质齐全",
           documents=[{"name": "装修图纸 Plans", "url": "https://files.example.com/demo/plans.pdf"},
                      {"name": "施工单位资质 Contractor's licence", "url": "https://files.example.com/demo/licence.pdf"}],
           at=at + timedelta(days=1))
    return application["number"]
