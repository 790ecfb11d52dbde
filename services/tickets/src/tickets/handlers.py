"""How tickets applies owners' events to its copy (filled in by the copy work)."""

HANDLERS: dict = {}
