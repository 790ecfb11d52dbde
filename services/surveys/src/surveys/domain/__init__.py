"""The surveys' rules, with no I/O: a module per subject (questionnaires, sampling)."""
