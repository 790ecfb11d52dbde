"""What an idempotency key is keyed by: the caller (role, subject, estates) and the body's hash."""

from servicekit.auth import Principal
from servicekit.idempotency import KeyedRequest, body_hash, caller_of


def _principal(subject="billing", estates=("a",), role="integration_client") -> Principal:
    return Principal(subject=subject, role=role, estates=None if estates is None else frozenset(estates))


def test_a_body_hashes_alike_whatever_the_order_of_its_fields():
    assert body_hash({"a": 1, "b": [1, 2], "c": {"x": "y", "z": None}}) == \
        body_hash({"c": {"z": None, "x": "y"}, "b": [1, 2], "a": 1})
    assert body_hash({"a": 1}) != body_hash({"a": 2})
    assert body_hash({"items": [1, 2]}) != body_hash({"items": [2, 1]})


def test_one_subject_scoped_to_other_estates_is_another_caller():
    assert caller_of(_principal(estates=("a",))) != caller_of(_principal(estates=("b",)))
    assert caller_of(_principal(estates=("a", "b"))) == caller_of(_principal(estates=("b", "a")))
    assert caller_of(_principal(estates=None)) != caller_of(_principal(estates=("a",)))
    assert caller_of(_principal(role="operator_admin")) != caller_of(_principal())


def test_a_call_without_a_key_is_not_keyed():
    assert KeyedRequest.of(_principal(), "POST /things", None, {"a": 1}) is None
    keyed = KeyedRequest.of(_principal(), "POST /things", "k-1", {"a": 1})
    assert keyed is not None and keyed.key == "k-1" and keyed.body_hash == body_hash({"a": 1})
