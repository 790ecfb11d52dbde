"""Permissions a token can carry beside its role."""

from __future__ import annotations

# Permission to see full phone and ID numbers; every reveal is audited by the service that shows them.
REVEAL_PERSONAL_DATA = "pii:reveal"
