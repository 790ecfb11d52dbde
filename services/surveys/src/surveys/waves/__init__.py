"""Waves (SRV-1): a quarterly survey of an estate, its sample of occupied households and why each."""
