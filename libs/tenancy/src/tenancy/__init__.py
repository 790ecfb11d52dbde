"""Suite policy every estatedesk service shares: who a caller can be (roles), what they may be
granted (permissions) and how personal numbers are shown (masking).

This is business vocabulary, decided once for the whole suite, so it lives here and not in
``servicekit`` (plumbing only). Pure Python: a service's domain may import it.
"""
