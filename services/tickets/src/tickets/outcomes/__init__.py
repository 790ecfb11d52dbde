"""The complaint's outcome (TKT-14): sub-type, root cause, responsibility, commitment, review, media and legal flags."""
