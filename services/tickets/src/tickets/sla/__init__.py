"""Service levels: business calendars, SLA policies, deadlines, the timer and escalation."""
