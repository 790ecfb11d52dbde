"""Accounts: the staff who sign in (operator admins, estate managers, the service desk, technicians),
made, disabled, re-enabled and given estates by an operator admin."""
