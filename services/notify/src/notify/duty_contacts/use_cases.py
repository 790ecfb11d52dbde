"""Adding and removing the operator's duty contacts (集团值班).

An escalation whose every level is vacant in the estate (tickets' ``fallback.reached`` is
``operator_admins``: a ticket's escalation, an unsigned handover, an application's overdue step)
names no staff member; notify tells these people instead (:mod:`notify.rules.audiences`). With
none, such an escalation reaches nobody: that is logged as an error, and
``notify_configuration_warnings{warning="no_duty_contacts"}`` says so beforehand.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert
from tenancy.phones import NotAMobile, normalize_mobile

from notify.tables import duty_contacts
from servicekit.errors import Invalid, NotFound
from servicekit.unit_of_work import UnitOfWork


def add_duty_contact(uow: UnitOfWork, data: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    mobile = data.get("mobile")
    if mobile:
        try:
            mobile = normalize_mobile(mobile)
        except NotAMobile as exc:
            raise Invalid(f"mobile: {exc}", f"手机号：{exc.zh}", errors={"mobile": [str(exc)]}) from None
    row = {"id": uuid.uuid4(), "name": data["name"].strip(), "mobile": mobile or None,
           "email": data.get("email") or None, "created_at": at}
    with uow:
        uow.execute(insert(duty_contacts).values(row))
        uow.commit()
    return row


def remove_duty_contact(uow: UnitOfWork, contact_id: UUID) -> None:
    with uow:
        if uow.execute(delete(duty_contacts).where(duty_contacts.c.id == contact_id)).rowcount == 0:
            raise NotFound("no such duty contact", "没有此值班联系人")
        uow.commit()
