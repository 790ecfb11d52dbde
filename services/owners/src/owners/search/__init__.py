"""Search: finding people (业主 and occupants) by name, phone or unit, the desk's first move on every call."""
