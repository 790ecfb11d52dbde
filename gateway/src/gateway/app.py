"""The gateway web process: ``create_app()`` is what gunicorn serves."""

from __future__ import annotations

from flask import Flask

from gateway import console
from gateway.keys.verifying import own_verifier
from gateway.pages import api as pages
from gateway.service import SERVICE
from gateway.settings import Settings
from servicekit.auth import TokenVerifier
from servicekit.webapp import create_service_app


def create_app(settings: Settings | None = None, verifier: TokenVerifier | None = None) -> Flask:
    """The web app; settings read from the environment (a deployment, gunicorn's call) must carry the
    deployment's own keys passphrase outside development, or the web does not start. The gateway
    verifies the tokens it signed with the keys it publishes, read from its own database (asking its
    own JWKS over HTTP from inside a request could wait on itself)."""
    if settings is None:
        settings = SERVICE.load_settings()
        settings.require_own_secrets()
    app = create_service_app(SERVICE, settings, verifier or own_verifier(settings))
    # The owners' pages and the staff console (HTML for people, not the API: not in BLUEPRINTS nor
    # the OpenAPI document).
    pages.install(app, settings.web_threads)
    console.install(app)
    return app
