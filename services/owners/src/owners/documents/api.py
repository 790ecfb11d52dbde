"""The documents API (OWN-5): versioned contract and proposal templates, and the DOCX files generated
from them, listed on the person with who generated them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response
from flask.views import MethodView
from tenancy.roles import DESK, MANAGERS

from owners.access import SCOPE
from owners.documents import use_cases, views
from owners.documents.schemas import DocumentSchema, GenerationSchema, TemplateListArgs, TemplateSchema
from servicekit.access import ScopedBlueprint
from servicekit.paging import PageArgs, page_schema
from servicekit.web import current_principal, file_answer
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("documents", __name__, url_prefix="/api/v1", scope=SCOPE,
                      description="Documents (合同与方案): versioned templates and the DOCX generated for people")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@blp.route("/document-templates")
class Templates(MethodView):
    @blp.arguments(TemplateListArgs, location="query")
    @blp.response(200, page_schema(TemplateSchema))
    @blp.allow(DESK, estates=("estate_id",))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The operator's templates and the caller's estates' own, every version"""
        return read(views.template_page, current_principal(), args)

    @blp.arguments(TemplateSchema)
    @blp.response(201, TemplateSchema)
    @blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Add a template, or the next version of one (the same code)"""
        return use_cases.add_template(unit_of_work(), data, current_principal().subject)


@blp.route("/document-templates/<uuid:template_id>")
class Template(MethodView):
    @blp.response(200, TemplateSchema)
    @blp.allow(DESK)
    def get(self, template_id: UUID) -> dict[str, Any]:
        """One version of a template"""
        return read(views.template, template_id)


@blp.route("/people/<uuid:person_id>/documents")
class PersonDocuments(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(DocumentSchema))
    @blp.allow(DESK)
    def get(self, args: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """The documents generated for a person, latest first, with who generated them"""
        return read(views.person_documents, person_id, args)

    @blp.arguments(GenerationSchema)
    @blp.response(201, DocumentSchema)
    @blp.allow(DESK, rows=("unit_id",))
    def post(self, data: dict[str, Any], person_id: UUID) -> dict[str, Any]:
        """Generate a contract or proposal (DOCX) for the person from a template"""
        return use_cases.generate(unit_of_work(), person_id, data["template_code"], data["unit_id"],
                                  current_principal().subject)


@blp.route("/documents/<uuid:document_id>")
class DocumentFile(MethodView):
    @blp.doc(responses={"200": {"description": "The DOCX file", "content": {DOCX: {"schema": {
        "type": "string", "format": "binary"}}}}})
    @blp.allow(DESK)
    def get(self, document_id: UUID) -> Response:
        """The generated file (DOCX)"""
        found = read(views.document_file, document_id)
        return file_answer(found["content"], DOCX, found["filename"])
