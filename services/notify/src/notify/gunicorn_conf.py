"""gunicorn settings of the notify web process (`gunicorn -c python:notify.gunicorn_conf APP`)."""

from notify.service import SERVICE
from servicekit.gunicorn_hooks import (  # noqa: F401  (gunicorn reads them)
    bind_and_workers,
    child_exit,
    control_socket_disable,
    on_starting,
)

bind, workers = bind_and_workers(SERVICE.name, SERVICE.port)
