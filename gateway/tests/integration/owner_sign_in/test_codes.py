"""Owners' one-time codes (the gateway's side; the whole path through notify is
tests/sign_in/test_owner_code_through_notify.py): a code per known number, none for an unknown one
(the same answer), stored as an HMAC, single use, a few tries, five minutes, limits per number and per
client address with Retry-After, and a token naming the person and their units' estates."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gateway.keys.signing import Signer
from gateway.keys.use_cases import ensure_key
from gateway.keys.verifying import own_verifier
from gateway.owner_sign_in import use_cases
from gateway.owner_sign_in.notify import NotSent
from gateway.service import SERVICE
from gateway.tables import login_codes, sign_in_audit
from servicekit.envelope import CloudEvent
from servicekit.errors import Conflict, Invalid, TooMany, Unauthenticated
from servicekit.rows import now

MOBILE = "13912345678"


class Phone:
    """Where the codes go (the gateway's sending seam: notify in the suite)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.down = False

    def __call__(self, mobile: str, code: str, key: str) -> None:
        if self.down:
            raise NotSent("notify is down")
        self.sent.append((mobile, code, key))

    @property
    def last_code(self) -> str:
        return self.sent[-1][1]


@pytest.fixture
def sessions(db):
    return sessionmaker(db, expire_on_commit=False)


@pytest.fixture
def sign(sessions, settings):
    ensure_key(SERVICE.unit_of_work(sessions), settings)
    return Signer(sessions, settings).sign


@pytest.fixture
def policy(settings):
    return use_cases.CodePolicy(key="test-key", lifetime=timedelta(minutes=5), tries=3, per_mobile=3,
                                per_address=5, window=timedelta(hours=1))


@pytest.fixture
def owner(db):
    """A person of the copy with MOBILE, living in one unit of an estate (and moved out of another)."""
    person, estate, old_estate = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    handlers = SERVICE.event_handlers()
    events = [
        ("owners.person.registered.v1", {"person_id": str(person), "estate_id": str(estate), "name": "王芳",
                                         "contact_points": [{"kind": "mobile", "value": MOBILE}], "version": 1}),
        ("owners.occupant.moved_in.v1", {"occupancy_id": str(uuid.uuid4()), "estate_id": str(estate),
                                         "unit_id": str(uuid.uuid4()), "person_id": str(person), "role": "owner",
                                         "moved_in_on": "2024-03-01", "moved_out_on": None, "version": 1}),
        ("owners.occupant.moved_out.v1", {"occupancy_id": str(uuid.uuid4()), "estate_id": str(old_estate),
                                          "unit_id": str(uuid.uuid4()), "person_id": str(person), "role": "tenant",
                                          "moved_in_on": "2020-01-01", "moved_out_on": "2023-12-31", "version": 2}),
    ]
    with Session(db) as session:
        for type_, data in events:
            handlers[type_](session, CloudEvent(type=type_, source="/estatedesk/owners", data=data))
        session.commit()
    return {"person_id": person, "estate": estate}


def _uow(sessions):
    return SERVICE.unit_of_work(sessions)


def test_a_code_signs_the_owner_in_once_with_their_person_id_and_their_units_estates(
        sessions, sign, policy, owner, settings, db):
    phone = Phone()
    assert use_cases.request_code(_uow(sessions), phone, policy, mobile="+86 139-1234-5678",
                                  client_address="10.0.0.1")["expires_in"] == 300
    (mobile, code, _key), = phone.sent
    assert mobile == MOBILE and len(code) == 6
    with db.connect() as conn:
        assert code not in conn.execute(select(login_codes.c.code_hash)).scalar()
    token = use_cases.sign_in(_uow(sessions), sign, policy, mobile=MOBILE, code=code)
    principal = own_verifier(settings).verify(token["access_token"])
    assert principal.role == "owner" and principal.subject == str(owner["person_id"])
    assert principal.estates == {str(owner["estate"])}  # not the estate they moved out of
    with pytest.raises(Unauthenticated):  # single use
        use_cases.sign_in(_uow(sessions), sign, policy, mobile=MOBILE, code=code)


def test_an_unknown_number_gets_the_same_answer_and_no_sms(sessions, sign, policy, owner):
    phone = Phone()
    answer = use_cases.request_code(_uow(sessions), phone, policy, mobile="13700000000", client_address="10.0.0.1")
    assert answer == {"expires_in": 300} and phone.sent == []


def test_guessing_is_counted_and_the_code_dies_after_its_tries(sessions, sign, policy, owner, db):
    phone = Phone()
    use_cases.request_code(_uow(sessions), phone, policy, mobile=MOBILE, client_address="10.0.0.1")
    right = phone.last_code
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(policy.tries):
        with pytest.raises(Unauthenticated):
            use_cases.sign_in(_uow(sessions), sign, policy, mobile=MOBILE, code=wrong)
    with pytest.raises(Unauthenticated):  # the right code, too late: the tries are spent
        use_cases.sign_in(_uow(sessions), sign, policy, mobile=MOBILE, code=right)
    with db.connect() as conn:
        outcomes = conn.execute(select(sign_in_audit.c.outcome).where(sign_in_audit.c.login == MOBILE)).scalars().all()
    assert outcomes.count("code_wrong") == policy.tries + 1


def test_a_code_expires(sessions, sign, policy, owner):
    phone = Phone()
    t = now()
    use_cases.request_code(_uow(sessions), phone, policy, mobile=MOBILE, client_address=None, now=t)
    with pytest.raises(Unauthenticated):
        use_cases.sign_in(_uow(sessions), sign, policy, mobile=MOBILE, code=phone.last_code,
                          now=t + timedelta(minutes=5, seconds=1))


def test_codes_are_limited_per_number_and_per_client_address(sessions, sign, policy, owner):
    phone = Phone()
    t = now()
    for n in range(policy.per_mobile):
        use_cases.request_code(_uow(sessions), phone, policy, mobile=MOBILE, client_address="10.0.0.1",
                               now=t + timedelta(seconds=n))
    with pytest.raises(TooMany) as limited:
        use_cases.request_code(_uow(sessions), phone, policy, mobile=MOBILE, client_address="10.0.0.2",
                               now=t + timedelta(seconds=10))
    assert 3500 < limited.value.retry_after <= 3600
    # Another number from the same address: two more, then the address's limit.
    for n in range(policy.per_address - policy.per_mobile):
        use_cases.request_code(_uow(sessions), phone, policy, mobile=f"1370000000{n}", client_address="10.0.0.1",
                               now=t + timedelta(seconds=20 + n))
    with pytest.raises(TooMany):
        use_cases.request_code(_uow(sessions), phone, policy, mobile="13600000000", client_address="10.0.0.1",
                               now=t + timedelta(seconds=30))
    # An hour later the number may ask again.
    use_cases.request_code(_uow(sessions), phone, policy, mobile=MOBILE, client_address="10.0.0.3",
                           now=t + timedelta(hours=1, seconds=1))


def test_a_code_notify_did_not_take_is_void(sessions, sign, policy, owner):
    phone = Phone()
    phone.down = True
    with pytest.raises(use_cases.CodeNotSent):
        use_cases.request_code(_uow(sessions), phone, policy, mobile=MOBILE, client_address=None)


def test_a_shared_number_asks_which_person(sessions, sign, policy, owner, db):
    other = uuid.uuid4()
    handler = SERVICE.event_handlers()["owners.person.registered.v1"]
    with Session(db) as session:
        handler(session, CloudEvent(type="owners.person.registered.v1", source="/estatedesk/owners", data={
            "person_id": str(other), "estate_id": str(uuid.uuid4()), "name": "王芳的家人",
            "contact_points": [{"kind": "mobile", "value": MOBILE}], "version": 1}))
        session.commit()
    phone = Phone()
    use_cases.request_code(_uow(sessions), phone, policy, mobile=MOBILE, client_address=None)
    with pytest.raises(Conflict) as which:
        use_cases.sign_in(_uow(sessions), sign, policy, mobile=MOBILE, code=phone.last_code)
    assert str(other) in str(which.value.errors)
    with pytest.raises(Invalid):
        use_cases.sign_in(_uow(sessions), sign, policy, mobile=MOBILE, code=phone.last_code, person_id=uuid.uuid4())
    token = use_cases.sign_in(_uow(sessions), sign, policy, mobile=MOBILE, code=phone.last_code, person_id=other)
    assert token["person_id"] == str(other) and token["estates"] == []


def test_not_a_mobile_is_a_422_problem(client, key_for_routes):
    answer = client.post("/api/v1/owner-sign-in/codes", json={"mobile": "12345"})
    assert answer.status_code == 422 and answer.json["errors"] == {"mobile": ["not a mobile"]}


@pytest.fixture
def key_for_routes(sessions, settings):
    return ensure_key(SERVICE.unit_of_work(sessions), settings)


def _audited(db, mobile: str) -> list[str]:
    with db.connect() as conn:
        return list(conn.execute(select(sign_in_audit.c.outcome).where(sign_in_audit.c.login == mobile)
                                 .order_by(sign_in_audit.c.at)).scalars())


def test_an_owners_refresh_token_rotates_and_a_reused_one_revokes_the_family(sessions, sign, policy, owner,
                                                                              settings, db):
    from gateway.sign_in import use_cases as staff

    phone = Phone()
    use_cases.request_code(_uow(sessions), phone, policy, mobile=MOBILE, client_address="10.0.0.1")
    first = use_cases.sign_in(_uow(sessions), sign, policy, mobile=MOBILE, code=phone.last_code)
    assert first["refresh_expires_in"] == int(policy.refresh_lifetime.total_seconds())
    second = use_cases.refresh(_uow(sessions), sign, policy, refresh_token=first["refresh_token"])
    principal = own_verifier(settings).verify(second["access_token"])
    assert principal.role == "owner" and principal.subject == str(owner["person_id"])
    assert principal.estates == {str(owner["estate"])} and second["refresh_token"] != first["refresh_token"]
    # A staff member's refresh does not take an owner's token.
    with pytest.raises(Unauthenticated):
        staff.refresh(_uow(sessions), sign, staff.Policy(lockout=settings.lockout, refresh_lifetime=timedelta(days=1)),
                      refresh_token=second["refresh_token"])
    # The first token again: copied; the whole family (the second's too) is revoked.
    with pytest.raises(Unauthenticated):
        use_cases.refresh(_uow(sessions), sign, policy, refresh_token=first["refresh_token"])
    with pytest.raises(Unauthenticated):
        use_cases.refresh(_uow(sessions), sign, policy, refresh_token=second["refresh_token"])
    assert _audited(db, MOBILE)[-4:] == ["owner_signed_in", "owner_refreshed", "owner_refresh_reused",
                                         "owner_refresh_refused"]


def test_an_owner_signs_out_and_the_session_refreshes_no_more(client, key_for_routes, sessions, policy, owner, db,
                                                              settings):
    phone = Phone()
    use_cases.request_code(_uow(sessions), phone, policy, mobile=MOBILE, client_address="10.0.0.1")
    signed = use_cases.sign_in(_uow(sessions), Signer(sessions, settings).sign, policy, mobile=MOBILE,
                               code=phone.last_code)
    again = client.post("/api/v1/owner-sign-in/refresh", json={"refresh_token": signed["refresh_token"]})
    assert again.status_code == 200, again.json
    assert set(again.json) >= {"access_token", "refresh_token", "person_id", "estates"}
    assert client.post("/api/v1/sign-out", json={"refresh_token": again.json["refresh_token"]}).status_code == 204
    gone = client.post("/api/v1/owner-sign-in/refresh", json={"refresh_token": again.json["refresh_token"]})
    assert gone.status_code == 401 and gone.headers["Content-Type"].startswith("application/problem+json")
    assert "signed_out" in _audited(db, MOBILE)
