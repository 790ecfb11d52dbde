"""Service levels: targets and business calendars, the clocks of each ticket, the timer and escalation."""
