"""gunicorn server hooks every service's gunicorn configuration uses.

With several workers, each process counts its own requests; Prometheus's multiprocess mode shares
the counters through files so ``/metrics`` answers for the whole server, whichever worker serves
the scrape. The master makes (and empties) that folder before forking, unless
``PROMETHEUS_MULTIPROC_DIR`` names one already.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Any

from prometheus_client import multiprocess

ENV = "PROMETHEUS_MULTIPROC_DIR"


def on_starting(server: Any) -> None:
    folder = os.environ.get(ENV) or tempfile.mkdtemp(prefix="prometheus-")
    shutil.rmtree(folder, ignore_errors=True)  # counters of an earlier run would be added in
    os.makedirs(folder)
    os.environ[ENV] = folder


def child_exit(server: Any, worker: Any) -> None:
    multiprocess.mark_process_dead(worker.pid)


def bind_and_workers(service: str, default_port: int) -> tuple[str, int]:
    """gunicorn's ``bind`` and ``workers`` for ``service``: ``<SERVICE>_PORT``, ``<SERVICE>_WEB_WORKERS`` (2)."""
    prefix = service.upper()
    port = os.environ.get(f"{prefix}_PORT", str(default_port))
    return f"0.0.0.0:{port}", int(os.environ.get(f"{prefix}_WEB_WORKERS", "2"))
