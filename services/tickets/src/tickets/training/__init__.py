"""Training cases (TKT-10): closed complaints made into anonymised cases for staff training."""
