"""The gateway's rules with no I/O, a module per subject."""
