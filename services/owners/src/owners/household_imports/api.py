"""The household imports API (住户导入): an estate's households from CSV, as docs/household-import.md says."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import request
from flask.views import MethodView
from tenancy.roles import DESK

from owners.access import SCOPE
from owners.household_imports.schemas import HouseholdImportArgs, HouseholdImportReportSchema
from owners.household_imports.use_cases import ImportReport, import_households
from servicekit.access import ScopedBlueprint
from servicekit.web import refuse
from servicekit.webapp import current_settings, unit_of_work

blp = ScopedBlueprint("household_imports", __name__, url_prefix="/api/v1/estates", scope=SCOPE,
                      description="Import households from CSV (住户导入)")
CSV_TYPES = ("text/csv", "application/csv")
_CSV_BODY = {"required": True, "description": "The household CSV, UTF-8 with or without BOM (docs/household-import.md)",
             "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}
_PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}


@blp.route("/<uuid:estate_id>/household-imports")
class HouseholdImports(MethodView):
    @blp.arguments(HouseholdImportArgs, location="query")
    @blp.response(201, HouseholdImportReportSchema)
    @blp.doc(requestBody=_CSV_BODY, responses={
        "413": {"description": "The file is larger than OWNERS_MAX_IMPORT_BYTES", **_PROBLEM},
        "415": {"description": "The body is not text/csv", **_PROBLEM},
        "422": {"description": "Bad rows (every one, with its line) or an unreadable file; nothing imported",
                **_PROBLEM}})
    @blp.allow(DESK)
    def post(self, args: dict[str, Any], estate_id: UUID) -> ImportReport:
        """Import an estate's households (all or nothing, unless skip_bad_rows)"""
        return import_households(unit_of_work(), estate_id, _csv_body(), skip_bad_rows=args["skip_bad_rows"])


def _csv_body() -> bytes:
    """The request's CSV; only this route may send more than the app-wide body limit."""
    if request.mimetype not in CSV_TYPES:
        sent = request.mimetype or "nothing"
        refuse(415, f"send the file as text/csv, not {sent}", f"请以 text/csv 格式发送文件，而不是 {sent}")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        refuse(415, f"the file must be UTF-8, not {charset}", f"文件须为 UTF-8 编码，而不是 {charset}")
    request.max_content_length = current_settings().max_import_bytes
    return request.get_data(cache=False)
