"""Reports: counts, durations and SLA compliance, and the monthly complaint analysis (TKT-12)."""
