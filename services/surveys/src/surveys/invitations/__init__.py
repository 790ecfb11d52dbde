"""Invitations: one per person asked, with a personal link that needs no login; notify sends them."""
