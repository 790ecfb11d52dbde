"""The interactive API docs (``/docs``, Swagger UI) served entirely by the service itself.

flask-smorest renders the page, but loads Swagger UI's script and style from
``OPENAPI_SWAGGER_UI_URL``, which is usually a public CDN. On a machine without internet access,
and on networks where that CDN is unreachable, the page then stays blank. Here the same files come
from the ``swagger-ui-py`` package (a packaged copy of swagger-ui-dist, pinned in servicekit's
dependencies) and are served under ``<docs path>/assets/``, so the page needs no outside address.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, send_from_directory

# Only what flask-smorest's swagger_ui.html asks for; the package holds the editor too, not served.
ASSET_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"})
ASSET_CACHE_SECONDS = 24 * 3600


def swagger_ui_dir() -> Path:
    """The folder of Swagger UI's distributed files inside the installed ``swagger-ui-py`` package.

    Found without importing the package, whose import pulls in its own framework handlers.
    """
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed; it is a dependency of estatedesk-servicekit")
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    missing = sorted(name for name in ASSET_FILES if not (folder / name).is_file())
    if missing:
        raise RuntimeError(f"swagger-ui-py at {folder} lacks {', '.join(missing)}")
    return folder


def serve_docs_locally(app: Flask) -> None:
    """Make ``/docs`` (or the app's ``OPENAPI_SWAGGER_UI_PATH``) self-contained.

    Call before flask-smorest's ``Api`` reads the config (``ProblemDetailsApi`` does). Defaults the
    docs to ``/openapi.json`` and ``/docs``, points ``OPENAPI_SWAGGER_UI_URL`` at the local copy
    (replacing any CDN a service configured) and turns off Swagger UI's online validator, which
    would otherwise send the document to an outside address.
    """
    config = app.config
    config.setdefault("OPENAPI_URL_PREFIX", "/")
    config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    docs_path = "/" + "/".join(
        part.strip("/") for part in (config["OPENAPI_URL_PREFIX"], config["OPENAPI_SWAGGER_UI_PATH"])
        if part and part.strip("/"))
    assets_path = docs_path.rstrip("/") + "/assets"
    config["OPENAPI_SWAGGER_UI_URL"] = assets_path + "/"
    config["OPENAPI_SWAGGER_UI_CONFIG"] = {"validatorUrl": None, **config.get("OPENAPI_SWAGGER_UI_CONFIG", {})}

    if "servicekit_apidocs" in app.blueprints:
        return
    folder = swagger_ui_dir()
    assets = Blueprint("servicekit_apidocs", __name__, url_prefix=assets_path)

    @assets.get("/<name>")
    def asset(name: str) -> Response:
        if name not in ASSET_FILES:
            abort(404)  # answered as problem details by the app's error handler
        return send_from_directory(folder, name, max_age=ASSET_CACHE_SECONDS)

    app.register_blueprint(assets)
