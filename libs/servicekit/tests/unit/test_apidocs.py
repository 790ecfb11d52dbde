"""``/docs`` is served by the service itself: the page and everything it loads name no outside address."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint

from servicekit.web import ProblemDetailsApi, install_problem_details

CDN = "https://cdn.jsdelivr.net/npm/swagger-ui-dist/"
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


class _References(HTMLParser):
    """Every address an HTML page makes the browser fetch: src, href and url(...) in inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value:
                self.addresses.append(value)
            if name == "style" and value:
                self.addresses += CSS_URL.findall(value)
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        self.addresses += CSS_URL.findall(data) if "url(" in data else []


def _app(**config: object) -> Flask:
    app = Flask("docs")
    # As a service configures it today, CDN included: servicekit must replace it.
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/",
                      OPENAPI_JSON_PATH="openapi.json", OPENAPI_SWAGGER_UI_PATH="docs",
                      OPENAPI_SWAGGER_UI_URL=CDN, **config)
    blp = Blueprint("things", __name__, url_prefix="/api/v1/things")

    @blp.route("")
    class Things(MethodView):
        def get(self):
            return {}

    install_problem_details(app)
    ProblemDetailsApi(app).register_blueprint(blp)
    return app


def _is_outside(address: str) -> bool:
    parts = urlsplit(address)
    return bool(parts.scheme not in {"", "data"} or parts.netloc)


def test_docs_page_and_its_assets_name_no_outside_address():
    client = _app().test_client()
    page = client.get("/docs")
    assert page.status_code == 200
    refs = _References()
    refs.feed(page.get_data(as_text=True))

    assert refs.addresses, "the page loads no script or style at all"
    assert [a for a in refs.addresses if _is_outside(a)] == []
    # The spec the inline script loads is local too, and the online validator is off.
    inline = "\n".join(refs.scripts)
    spec_urls = re.findall(r'url:\s*"([^"]+)"', inline)
    assert spec_urls == ["/openapi.json"]
    override = json.loads(re.search(r"override_config = (\{.*?\});", inline).group(1))
    assert override["validatorUrl"] is None

    for address in refs.addresses:
        asset = client.get(urljoin("http://localhost/docs", address))
        assert asset.status_code == 200, address
        body = asset.get_data(as_text=True)
        assert len(body) > 10_000, f"{address} is not Swagger UI ({len(body)} bytes)"
        if address.endswith(".css"):
            assert [u for u in CSS_URL.findall(body) if _is_outside(u)] == [], address


def test_the_bundle_is_swagger_ui_and_cached():
    response = _app().test_client().get("/docs/assets/swagger-ui-bundle.js")
    assert response.status_code == 200
    assert b"SwaggerUIBundle" in response.data
    assert response.cache_control.max_age and response.cache_control.max_age >= 3600


def test_only_the_page_assets_are_served():
    client = _app().test_client()
    for name in ("swagger-editor-bundle.js", "LICENSE", "..%2F__init__.py", "../core.py"):
        response = client.get(f"/docs/assets/{name}")
        assert response.status_code == 404, name
    assert client.get("/docs/assets/nothing.js").mimetype == "application/problem+json"


def test_a_service_without_docs_settings_gets_docs_at_the_usual_place():
    app = Flask("bare")
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    ProblemDetailsApi(app)
    client = app.test_client()
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_a_service_own_swagger_ui_settings_are_kept_beside_the_local_assets():
    app = _app(OPENAPI_SWAGGER_UI_CONFIG={"deepLinking": True})
    html = app.test_client().get("/docs").get_data(as_text=True)
    override = json.loads(re.search(r"override_config = (\{.*?\});", html).group(1))
    assert override == {"validatorUrl": None, "deepLinking": True}
    assert CDN not in html
