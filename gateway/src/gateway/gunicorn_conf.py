"""gunicorn settings of the gateway web process (`gunicorn -c python:gateway.gunicorn_conf APP`)."""

from gateway.service import SERVICE
from servicekit.gunicorn_hooks import (  # noqa: F401  (gunicorn reads them)
    bind_and_workers,
    child_exit,
    control_socket_disable,
    on_starting,
)

bind, workers = bind_and_workers(SERVICE.name, SERVICE.port)
