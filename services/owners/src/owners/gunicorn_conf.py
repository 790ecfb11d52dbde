"""gunicorn settings of the owners web process (`gunicorn -c python:owners.gunicorn_conf APP`)."""

from owners.service import SERVICE
from servicekit.gunicorn_hooks import bind_and_workers, child_exit, on_starting  # noqa: F401  (gunicorn reads them)

bind, workers = bind_and_workers(SERVICE.name, SERVICE.port)
