"""A ticket's fee (TKT-11): catalogue items with quantities, the owner's consent, the payments billing posts."""
