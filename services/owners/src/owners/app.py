"""The owners web process: ``create_app()`` is what gunicorn serves."""

from __future__ import annotations

from flask import Flask

from owners.service import SERVICE
from owners.settings import Settings
from servicekit.auth import TokenVerifier
from servicekit.webapp import create_service_app


def create_app(settings: Settings | None = None, verifier: TokenVerifier | None = None) -> Flask:
    return create_service_app(SERVICE, settings, verifier)
