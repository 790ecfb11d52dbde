"""The notify web process: ``create_app()`` is what gunicorn serves."""

from __future__ import annotations

from flask import Flask

from notify.service import SERVICE
from servicekit.auth import TokenVerifier
from servicekit.settings import ServiceSettings
from servicekit.webapp import create_service_app


def create_app(settings: ServiceSettings | None = None, verifier: TokenVerifier | None = None) -> Flask:
    """The web app; settings read from the environment (a deployment, gunicorn's call) must carry the
    deployment's own receipts secret outside development, or the web does not start."""
    if settings is None:
        settings = SERVICE.load_settings()
        settings.require_own_secrets()  # type: ignore[attr-defined]  (notify's Settings)
    return create_service_app(SERVICE, settings, verifier)
