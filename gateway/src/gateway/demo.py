"""The gateway's demo: one staff account per role on the demo estate's staff (from the gateway's copy
of owners), with passwords printed, and a demo owner whose code arrives at the SMS stand-in.

``gateway load-demo`` (run by ``make run`` once the gateway's copy holds the demo estate) makes the
accounts once; a second run finds them. Either way it prints the logins, the passwords, the demo
owner's mobile and the curl lines that sign in through the front door. The passwords are written
here, in the repository: they are for a development machine (``make run``) only.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import insert, select

from gateway.accounts import passwords
from gateway.sign_in.audit import audit
from gateway.tables import accounts, occupancies, people, staff
from servicekit.demo import Demo, DemoRun

# (login, name of the account, role, owners staff role it belongs to; None: the operator's admin)
ACCOUNTS = (
    ("admin", "运营管理员", "operator_admin", None),
    ("manager", None, "estate_manager", "estate_manager"),
    ("desk", None, "service_desk_agent", "service_desk_agent"),
    ("technician", None, "technician", "technician"),
)
PASSWORD = "estatedesk-demo-{login}"  # development only: printed by make run


def _loaded(run: DemoRun) -> str | None:
    with run.sessions() as session:
        if session.execute(select(accounts.c.id).where(accounts.c.login == "admin")).first() is None:
            return None
    return "the gateway's demo accounts are there"


def _load(run: DemoRun) -> str:
    uow = run.unit_of_work()
    with run.sessions() as session:
        staff_of = {}
        for _login, _name, _role, staff_role in ACCOUNTS:
            if staff_role is not None:
                staff_of[staff_role] = session.execute(
                    select(staff.c.id, staff.c.name).where(staff.c.role == staff_role, staff.c.active.is_(True))
                    .order_by(staff.c.name).limit(1)).first()
                if staff_of[staff_role] is None:
                    run.from_copy(session, select(staff.c.id).where(staff.c.role == staff_role),
                                  what=f"{staff_role} of the demo estate")
    with uow:
        for login, name, role, staff_role in ACCOUNTS:
            member = staff_of.get(staff_role)
            row = {"id": uuid.uuid4(), "login": login, "name": name or member.name, "role": role,
                   "staff_id": member.id if member else None,
                   "password_hash": passwords.hash_password(PASSWORD.format(login=login)),
                   "must_change_password": False, "disabled": False, "failures": 0, "locked_until": None,
                   "created_at": run.at, "updated_at": run.at}
            uow.execute(insert(accounts).values(row))
            audit(uow, login, "created", account_id=row["id"], by="demo", at=run.at)
        uow.commit()
    return f"made {len(ACCOUNTS)} demo accounts"


def demo_owner_mobile(run: DemoRun) -> str | None:
    """The mobile of a person living in the demo estate today: the demo owner."""
    with run.sessions() as session:
        return session.execute(
            select(people.c.mobile).join(occupancies, occupancies.c.person_id == people.c.id)
            .where(people.c.mobile.is_not(None), occupancies.c.moved_out_on.is_(None)
                   | (occupancies.c.moved_out_on > date.today()))
            .order_by(people.c.mobile).limit(1)).scalar()


def _how_to_sign_in(run: DemoRun) -> str:
    door = run.door
    lines = ["", " Demo accounts (sign in at the front door; development passwords):"]
    lines += [f"   {role:<19} login {login:<11} password {PASSWORD.format(login=login)}"
              for login, _name, role, _staff in ACCOUNTS]
    lines += [f"   the staff console: open {door}/console/ and sign in with one of them"]
    lines += ["", " A token for the service desk, through the front door:",
              f"   export TOKEN=$(curl -s -X POST {door}/gateway/api/v1/sign-in -H 'Content-Type: application/json' "
              f"-d '{{\"login\": \"desk\", \"password\": \"{PASSWORD.format(login='desk')}\"}}' "
              "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')",
              f"   curl -s {door}/tickets/api/v1/tickets -H \"Authorization: Bearer $TOKEN\""]
    mobile = demo_owner_mobile(run)
    if mobile:
        lines += ["", f" The demo owner signs in with mobile {mobile} and the code the SMS stand-in shows:",
                  f"   curl -s -X POST {door}/gateway/api/v1/owner-sign-in/codes -H 'Content-Type: application/json' "
                  f"-d '{{\"mobile\": \"{mobile}\"}}'",
                  f"   curl -s -X POST {door}/gateway/api/v1/owner-sign-in -H 'Content-Type: application/json' "
                  f"-d '{{\"mobile\": \"{mobile}\", \"code\": \"<the 6 digits>\"}}'",
                  f"   or open {door}/my/ on a phone: the owners' pages sign in the same way"]
    return "\n".join(lines)


DEMO = Demo(loaded=_loaded, load=_load, then=_how_to_sign_in)
