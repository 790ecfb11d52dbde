"""Passwords stored as argon2id hashes (argon2-cffi, its RFC 9106 low-memory profile), never as
themselves; a hash made with weaker parameters than today's is replaced at the next sign-in."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@functools.cache
def _nobodys_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def verify_nobody(password: str) -> None:
    """Spend the time a real check would for a login no account has, so that the answer's timing
    does not tell which logins exist."""
    verify(_nobodys_hash(), password)


def one_time_password() -> str:
    """A password an admin hands over once (the person chooses their own at the next sign-in)."""
    return secrets.token_urlsafe(12)
