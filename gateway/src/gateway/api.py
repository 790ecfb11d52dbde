"""The gateway HTTP API: every area's blueprint."""

from gateway.keys.api import blp as keys

BLUEPRINTS = [keys]
