"""Households: the occupied households of surveys' copy of owners, which waves sample (SRV-1)."""
