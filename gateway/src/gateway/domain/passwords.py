"""What a staff password must be: long enough to resist guessing at the rate a lockout allows, and
not the login itself. (How it is stored is gateway.accounts.passwords: argon2id.)"""

from __future__ import annotations

from servicekit.errors import Invalid

MIN_LENGTH = 10
MAX_LENGTH = 128  # hashing is deliberately slow; a megabyte of password would be a cheap attack


def check_new_password(password: str, login: str, field: str = "new_password") -> None:
    if len(password) < MIN_LENGTH:
        raise Invalid(f"a password has at least {MIN_LENGTH} characters", f"密码至少需要 {MIN_LENGTH} 个字符",
                      errors={field: [f"at least {MIN_LENGTH} characters"]})
    if len(password) > MAX_LENGTH:
        raise Invalid(f"a password has at most {MAX_LENGTH} characters", f"密码最多 {MAX_LENGTH} 个字符",
                      errors={field: [f"at most {MAX_LENGTH} characters"]})
    if password.strip().lower() == login.strip().lower():
        raise Invalid("a password is not the login", "密码不能与登录名相同", errors={field: ["is the login"]})
