"""Messages without a notice: one sent now (a one-time code, a note to a person), and any message's history."""
