"""The notify web process: ``create_app()`` is what gunicorn serves."""

from __future__ import annotations

from flask import Flask

from notify.service import SERVICE
from servicekit.auth import TokenVerifier
from servicekit.settings import ServiceSettings
from servicekit.webapp import create_service_app


def create_app(settings: ServiceSettings | None = None, verifier: TokenVerifier | None = None) -> Flask:
    return create_service_app(SERVICE, settings, verifier)
