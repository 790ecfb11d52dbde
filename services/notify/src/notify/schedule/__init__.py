"""Schedules (NTF-3): quiet hours and recurring notices, in each estate's own time zone."""
