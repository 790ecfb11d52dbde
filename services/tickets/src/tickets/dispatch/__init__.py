"""Dispatch: who takes a ticket, chosen by territory, skill and current load."""
