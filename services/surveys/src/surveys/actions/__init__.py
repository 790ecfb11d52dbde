"""Rectification actions (整改措施): a responsible person, a due date, a state until verified (SRV-4)."""
