"""gunicorn settings of the gateway web process (`gunicorn -c python:gateway.gunicorn_conf APP`).

Threaded workers (``gthread``, ``GATEWAY_WEB_THREADS`` each, at least 2; read at start-up): an owner's page calls a
service with the owner's token, and that service may fetch the gateway's JWKS from this same server
while the page waits (its first request, or a key id it has not seen after a rotation). A sync
worker busy on the page could not answer the fetch: with one worker (``GATEWAY_WEB_WORKERS=1``), or
all of them on pages, the fetch waited until its timeout and the owner was sent back to sign in. A
thread of the same worker serves the JWKS (and sign-ins) while the page waits; the pages never
hold more than all threads but one in calls to services (gateway.pages.backends.CallSlots).
"""

from gateway.service import SERVICE
from servicekit.gunicorn_hooks import (  # noqa: F401  (gunicorn reads them)
    bind_and_workers,
    child_exit,
    control_socket_disable,
    on_starting,
)

bind, workers = bind_and_workers(SERVICE.name, SERVICE.port)
worker_class = "gthread"
threads = SERVICE.load_settings().web_threads
