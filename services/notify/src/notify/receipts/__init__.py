"""Delivery receipts (回执) SMS providers push: stored once each, applied to the messages they report."""
