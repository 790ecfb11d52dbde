"""surveys: the quarterly satisfaction survey on the nine elements, the per-ticket question, follow-up
visits and rectification (SRV-1 to SRV-7)."""
