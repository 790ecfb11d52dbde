"""Answers: by the personal link of an invitation (no login), or entered by staff (SRV-7)."""
