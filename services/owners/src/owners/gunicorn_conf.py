"""gunicorn settings of the owners web process (`gunicorn -c python:owners.gunicorn_conf APP`)."""

import os

from servicekit.gunicorn_hooks import child_exit, on_starting  # noqa: F401  (gunicorn reads them here)

bind = f"0.0.0.0:{os.environ.get('OWNERS_PORT', '8001')}"
workers = int(os.environ.get("OWNERS_WEB_WORKERS", "2"))
