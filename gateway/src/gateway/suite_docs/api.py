"""The suite's document and docs page; the front door serves them at /openapi.json and /docs."""

from __future__ import annotations

from flask import Response, current_app, jsonify

from gateway.access import SCOPE
from gateway.edge.route_table import ROUTES
from gateway.suite_docs import views
from gateway.suite_docs.schemas import DOCUMENT
from servicekit.access import ScopedBlueprint
from servicekit.webapp import current_settings

blp = ScopedBlueprint("suite_docs", __name__, url_prefix="/suite", scope=SCOPE,
                      description="The whole suite's API document and its docs page (/openapi.json, /docs)")

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>estatedesk API</title>
<link rel="stylesheet" href="/gateway/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/gateway/docs/assets/swagger-ui-bundle.js"></script>
<script src="/gateway/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});</script>
</body></html>
"""


@blp.route("/openapi.json", methods=["GET"])
@blp.doc(security=[], responses={"200": {"description": "The combined OpenAPI document",
                                         "content": {"application/json": {"schema": DOCUMENT}}}})
def suite_openapi() -> Response:
    """Every service's API as the front door serves it (each service's own document, combined)."""
    settings = current_settings()
    upstreams = settings.upstreams({r.service: r.port for r in ROUTES})
    own = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return jsonify(views.suite_document(upstreams, own))


@blp.route("/docs", methods=["GET"])
@blp.doc(security=[], responses={"200": {"description": "Swagger UI on the combined document",
                                         "content": {"text/html": {"schema": {"type": "string"}}}}})
def suite_docs_page() -> Response:
    """The docs page of the whole suite (Swagger UI's files served by the gateway, no CDN)."""
    return Response(PAGE, mimetype="text/html")
