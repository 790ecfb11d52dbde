"""gunicorn settings of the tickets web process (`gunicorn -c python:tickets.gunicorn_conf APP`)."""

from servicekit.gunicorn_hooks import bind_and_workers, child_exit, on_starting  # noqa: F401  (gunicorn reads them)
from tickets.service import SERVICE

bind, workers = bind_and_workers(SERVICE.name, SERVICE.port)
