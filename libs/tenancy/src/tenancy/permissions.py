"""Permissions a token can carry beside its role."""

from __future__ import annotations

# Permission to see full phone and ID numbers; every reveal is audited by the service that shows them.
REVEAL_PERSONAL_DATA = "pii:reveal"

# Every permission a token may carry, with what it allows (zh-CN, English): the closed list an admin
# grants from (the gateway refuses any other).
PERMISSIONS: dict[str, tuple[str, str]] = {
    REVEAL_PERSONAL_DATA: ("查看完整的手机号和证件号（每次查看均有审计记录）",
                           "see full phone and ID numbers (every reveal is audited)"),
}
