"""The service catalogue (TKT-11): paid and free services and bundles, per operator and estate."""
