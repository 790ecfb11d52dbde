"""gunicorn settings of the surveys web process (`gunicorn -c python:surveys.gunicorn_conf APP`)."""

from servicekit.gunicorn_hooks import (  # noqa: F401  (gunicorn reads them)
    bind_and_workers,
    child_exit,
    control_socket_disable,
    on_starting,
)
from surveys.service import SERVICE

bind, workers = bind_and_workers(SERVICE.name, SERVICE.port)
