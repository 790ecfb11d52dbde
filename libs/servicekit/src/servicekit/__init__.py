"""Shared plumbing of the estatedesk services. No business code lives here."""
