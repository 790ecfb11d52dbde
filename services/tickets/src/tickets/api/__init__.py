"""The tickets HTTP API: one module per resource."""

BLUEPRINTS: list = []
