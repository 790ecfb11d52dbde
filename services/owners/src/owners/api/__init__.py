"""The owners HTTP API: one folder per resource, routes and schemas side by side."""

from owners.api.estates.routes import blp as estates

BLUEPRINTS = [estates]
