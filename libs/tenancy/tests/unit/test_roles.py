"""The role groups the services authorise by stay inside the closed list of roles."""

from __future__ import annotations

from tenancy.roles import DESK, MANAGERS, OPERATORS, OWNER, ROLES, STAFF, TECHNICIAN


def test_every_group_is_made_of_known_roles_and_residents_are_not_staff():
    for group in (OPERATORS, MANAGERS, DESK, STAFF):
        assert group <= ROLES
    assert OWNER not in STAFF
    assert TECHNICIAN in STAFF and TECHNICIAN not in DESK
    assert OPERATORS < MANAGERS < DESK < STAFF
