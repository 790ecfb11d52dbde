"""A real browser shows the owners API docs with no network beyond this machine.

Headless Chromium (Debian's ``chromium``, which `make test` installs like docker-compose) loads
``/docs`` of the real owners app and runs Swagger UI's script; the DOM it ends with must list the
API's operations. With the docs' files on a CDN the page stayed blank here (no internet access).
Chromium's own ``--dump-dom`` is enough: no browser-driver package is needed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest

from servicekit.testing import served_app
from servicekit.tokens import generate_keypair

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No outside traffic of the browser's own: updates, sync, field trials, safe browsing.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-extensions",
                 "--no-first-run", "--virtual-time-budget=15000", "--dump-dom"]


@pytest.fixture
def owners_docs_url(tmp_path, monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'owners.sqlite3'}")
    monkeypatch.setenv("JWT_PUBLIC_KEY", generate_keypair()[1])
    from owners.app import create_app

    with served_app(create_app()) as url:
        yield f"{url}/docs"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it as root: "
                                             "apt-get install -y --no-install-recommends chromium)")
def test_swagger_ui_shows_the_owners_operations_offline(owners_docs_url, tmp_path):
    done = subprocess.run([CHROMIUM, *CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'profile'}", owners_docs_url],
                          capture_output=True, text=True, timeout=120)
    dom = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'class="swagger-ui"' in dom, f"Swagger UI did not render: {dom[:1000]}"
    assert dom.count("opblock-summary-path") >= 10, "the operations are not listed"
    assert "/api/v1/estates" in dom
