"""A rule's ``company_contacts`` audience (OWN-11): a ticket about a unit a company occupies reaches
the company's first contact who can be reached by SMS or e-mail, in the company's order, through
notify's copy of owners' companies (applied by its handlers as the consumer applies them)."""

from __future__ import annotations

import uuid

from notify.domain.channels import EMAIL, SMS
from servicekit.envelope import CloudEvent

from .conftest import cloud_event, example
from .test_default_rules import ESTATE, _populate

ACK = "tickets.ticket.acknowledged.v1"
OFFICE = example(ACK)["ticket"]["unit_id"]  # the unit the example's ticket is about


def _company(world, contacts, *, unit_ids=(OFFICE,), version=1, company_id=None) -> str:  # noqa: ANN001
    company_id = company_id or str(uuid.uuid4())
    world.handle(CloudEvent(type="owners.company.added.v1" if version == 1 else "owners.company.updated.v1",
                            source="/estatedesk/owners", subject=company_id, data={
                                "estate_id": ESTATE, "company_id": company_id, "name": "深圳示例科技有限公司",
                                "credit_code": "", "unit_ids": list(unit_ids), "version": version,
                                "contacts": [{"position": i, "person_id": p, "title": ""}
                                             for i, p in enumerate(contacts, start=1)]}))
    return company_id


def _rule(client, auth, db):  # noqa: ANN001, ANN202
    from .test_rules_api import _template

    answer = client.post("/api/v1/rules", headers=auth("estate_manager", [ESTATE]), json={
        "estate_id": ESTATE, "event_type": ACK, "audience": "company_contacts", "channels": ["sms", "email"],
        "template_id": _template(db, ESTATE, body="${name}：贵公司的工单${ticket_number}已受理")})
    assert answer.status_code == 201, answer.json
    return answer.json


def test_a_ticket_about_a_companys_unit_reaches_its_first_reachable_contact(client, auth, world, db) -> None:
    _populate(world, "zh-CN")
    unreachable, manager, front = (str(uuid.uuid4()) for _ in range(3))
    world.person(unreachable, ESTATE, name="老板", mobile=None, email=None)
    world.person(manager, ESTATE, name="陈经理", mobile=None, email="chen@example.com")
    world.person(front, ESTATE, name="前台小周", mobile="13733334444")
    company_id = _company(world, [unreachable, manager, front])
    _rule(client, auth, db)
    [message] = world.apply(cloud_event(ACK, example(ACK)))
    assert (str(message["person_id"]), message["channel"], message["address"]) == (manager, EMAIL, "chen@example.com")
    assert message["body"] == "陈经理：贵公司的工单T261201042170已受理"
    # The company puts its front desk first: the copy takes the newer order, the next ticket follows it.
    _company(world, [front, manager], version=2, company_id=company_id)
    [again] = world.apply(cloud_event(ACK, example(ACK)))
    assert (str(again["person_id"]), again["channel"], again["address"]) == (front, SMS, "13733334444")


def test_a_unit_no_company_occupies_is_nobody_and_a_company_without_contacts_is_a_warning(
        client, auth, world, db, caplog) -> None:
    _populate(world, "zh-CN")
    _rule(client, auth, db)
    _company(world, [str(uuid.uuid4())], unit_ids=(str(uuid.uuid4()),))  # another unit's company
    assert world.apply(cloud_event(ACK, example(ACK))) == []
    _company(world, [str(uuid.uuid4())])  # its contact is not in the copy
    with caplog.at_level("WARNING", logger="notify.rules.audiences"):
        assert world.apply(cloud_event(ACK, example(ACK))) == []
    assert "has no contact" in caplog.text
