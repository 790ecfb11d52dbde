"""The directory: units, their residents and staff, from tickets' copy of owners' data."""
