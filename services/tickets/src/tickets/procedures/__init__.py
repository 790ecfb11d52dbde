"""Standard procedures as checklists (TKT-15): templates, and applications tracked step by step."""
