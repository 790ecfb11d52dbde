"""Issue 23's proof, a cross-estate and cross-owner matrix over every view: every view is asked by
every caller about every household (or its estate). An owner sees their own household only and never
another household's ticket, notice or answer (another person is a 404, as one that does not exist); a
desk agent or manager of one estate sees nothing of another (404); a dashboard is staff's (an owner's
token is a 403). An answer let through carries the subject's own rows and no id of any household it
is not about.

The world is tests/views/conftest.py's: 张伟 and his neighbour 李娜 in 阳光花园, 王芳 in 月亮湾, each
with an open ticket, a notice that reached them and an answer.

To add a view (the owners' pages, say), append a :class:`View` to ``VIEWS``: its name, what it is
about (``"person"``: one household's; ``"estate"``: the household's estate's), whether owners may
ask it at all, and ``ask(world, caller, household) -> (status, text)``, which asks it as that caller
(a bearer token from ``token``, or a signed-in page session) about that household. The matrix then
asks it as every caller in ``CALLERS`` about every household and holds it to the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Caller:
    name: str
    role: str
    household: str  # the key of their household in the world: their estate, and an owner's own person


CALLERS = [
    Caller("owner 张伟", "owner", "zhang"),
    Caller("owner 王芳", "owner", "wang"),
    Caller("desk of 阳光花园", "service_desk_agent", "zhang"),
    Caller("desk of 月亮湾", "service_desk_agent", "wang"),
    Caller("manager of 阳光花园", "estate_manager", "zhang"),
]


@dataclass(frozen=True)
class View:
    name: str
    about: str  # "person" | "estate"
    ask: Callable[[dict, Caller, str], tuple[int, str]]
    owners_may: bool = True  # False: staff's only (an owner's token is a 403)


def token(world: dict, caller: Caller) -> dict[str, str]:
    """The caller's bearer token: an owner's names their own person (``sub``)."""
    home = world["households"][caller.household]
    subject = home["person"] if caller.role == "owner" else None
    return world["auth"](caller.role, [home["estate"]], subject=subject)


def _gateway_get(path: Callable[[dict], str]) -> Callable[[dict, Caller, str], tuple[int, str]]:
    def ask(world: dict, caller: Caller, household: str) -> tuple[int, str]:
        answer = world["client"].get(path(world["households"][household]), headers=token(world, caller))
        return answer.status_code, answer.get_data(as_text=True)

    return ask


VIEWS = [
    View("a person's whole picture", "person", _gateway_get(lambda h: f"/api/v1/overview/people/{h['person']}")),
    View("an estate's dashboard", "estate", _gateway_get(lambda h: f"/api/v1/overview/estates/{h['estate']}"),
         owners_may=False),
]

ROWS = ("person", "ticket", "notice", "answer")


def expected(view: View, caller: Caller, world: dict, household: str) -> int:
    theirs, mine = world["households"][household], world["households"][caller.household]
    if caller.role == "owner":
        if not view.owners_may:
            return 403
        same = household == caller.household if view.about == "person" else theirs["estate"] == mine["estate"]
        return 200 if same else 404
    return 200 if theirs["estate"] == mine["estate"] else 404


@pytest.fixture(scope="module")
def world(suite) -> dict:
    return {**suite, "client": suite["gateway"](keep=0)}


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c.name)
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
def test_every_caller_sees_only_what_is_theirs_in_every_view(world, view: View, caller: Caller) -> None:
    households = world["households"]
    for household, theirs in households.items():
        status, text = view.ask(world, caller, household)
        assert status == expected(view, caller, world, household), (household, status, text[:300])
        if status != 200:
            assert not any(theirs[row] in text for row in ROWS if row != "person"), (household, text[:300])
            continue
        # What the answer is about: one household (a person's view) or every household of its estate.
        shown = {household} if view.about == "person" else {
            key for key, other in households.items() if other["estate"] == theirs["estate"]}
        if view.about == "person":
            assert all(theirs[row] in text for row in ROWS), (household, text[:300])
        leaked = [(key, row) for key, other in households.items() if key not in shown
                  for row in ROWS if other[row] in text]
        assert leaked == [], (household, leaked)


def test_the_matrix_covers_every_view_of_the_gateway(world) -> None:
    """A new overview route fails here until it is in VIEWS (and so in the matrix)."""
    app = world["client"].application
    routes = {str(rule) for rule in app.url_map.iter_rules() if str(rule).startswith("/api/v1/overview/")}
    assert routes == {"/api/v1/overview/people/<uuid:person_id>", "/api/v1/overview/estates/<uuid:estate_id>"}
    assert len(VIEWS) == len(routes)
