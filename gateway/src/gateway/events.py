"""Events the gateway records; it records none yet (sign-ins are kept in its own audit table)."""

EVENT_TYPES: tuple[str, ...] = ()
