"""Audiences (NTF-1): who a notice goes to, resolved against the copy of owners' data."""
