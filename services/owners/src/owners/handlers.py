"""Every event owners consumes, and how it applies each: the other services' news of people and
units, written into the activity timeline (owners.timeline.entries)."""

from owners.timeline.entries import HANDLERS

__all__ = ["HANDLERS"]
