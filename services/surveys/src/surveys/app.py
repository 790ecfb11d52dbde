"""The surveys web process: gunicorn serves ``surveys.app:create_app()``."""

from servicekit.webapp import create_service_app
from surveys.service import SERVICE


def create_app(settings=None, verifier=None):
    return create_service_app(SERVICE, settings, verifier)
