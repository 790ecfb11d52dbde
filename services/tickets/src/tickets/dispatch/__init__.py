"""Dispatch: who takes a ticket, chosen by territory, skill and current load; and which skill each
kind of ticket (and each complaint class) calls for, set by the operator or an estate."""
