"""Questionnaires (问卷, SRV-2): the built-in default on the nine elements, the operator's and each
estate's own; copy, edit the draft, publish (a published version never changes)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF

from servicekit.idempotency import IdempotencyHeaders, KeyedRequest
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work
from surveys.access import blueprint
from surveys.questionnaires import use_cases, views
from surveys.questionnaires.schemas import (
    CopySchema,
    EditSchema,
    NewQuestionnaireSchema,
    QuestionnaireArgs,
    QuestionnaireSchema,
    QuestionnaireSummarySchema,
)

blp = blueprint("questionnaires", __name__, url_prefix="/api/v1/questionnaires",
                description="Questionnaires (问卷): the nine-element default, copies, versions")


@blp.route("", methods=["GET"])
@blp.arguments(QuestionnaireArgs(), location="query")
@blp.response(200, page_schema(QuestionnaireSummarySchema))
@blp.allow(STAFF, estates=("estate_id",))
def list_questionnaires(args: dict[str, Any]) -> Any:
    """The operator's questionnaires and the caller's estates' own, newest first"""
    return read(views.visible, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(IdempotencyHeaders, location="headers")
@blp.arguments(NewQuestionnaireSchema())
@blp.response(201, QuestionnaireSchema())
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def create_questionnaire(headers: dict[str, Any], data: dict[str, Any]) -> Any:
    """A new questionnaire for one estate, or (operator admins) for every estate; its first version is a draft"""
    principal = current_principal()
    key = KeyedRequest.of(principal, "POST /questionnaires", headers["idempotency_key"], data)
    return use_cases.create(unit_of_work(), key, principal.subject, **data)


@blp.route("/default", methods=["GET"])
@blp.response(200, QuestionnaireSchema())
@blp.allow(STAFF)
def default_questionnaire() -> Any:
    """The built-in questionnaire on the nine elements of high-standard service (zh-CN and English)"""
    return views.built_in()


@blp.route("/default/copies", methods=["POST"])
@blp.arguments(IdempotencyHeaders, location="headers")
@blp.arguments(CopySchema())
@blp.response(201, QuestionnaireSchema())
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def copy_default(headers: dict[str, Any], data: dict[str, Any]) -> Any:
    """Copy the built-in default into an editable questionnaire (a draft)"""
    principal = current_principal()
    key = KeyedRequest.of(principal, "POST /questionnaires/default/copies", headers["idempotency_key"], data)
    return use_cases.copy(unit_of_work(), key, None, principal.subject, **data)


@blp.route("/<uuid:questionnaire_id>", methods=["GET"])
@blp.response(200, QuestionnaireSchema())
@blp.allow(STAFF)
def get_questionnaire(questionnaire_id: UUID) -> Any:
    """One questionnaire with all its versions"""
    return read(views.one, questionnaire_id)


@blp.route("/<uuid:questionnaire_id>", methods=["PUT"])
@blp.arguments(EditSchema())
@blp.response(200, QuestionnaireSchema())
@blp.allow(MANAGERS)
def edit_questionnaire(data: dict[str, Any], questionnaire_id: UUID) -> Any:
    """Change the draft's questions (a published version stays as it is: a new draft follows it)"""
    return use_cases.edit(unit_of_work(), questionnaire_id, **data)


@blp.route("/<uuid:questionnaire_id>/copies", methods=["POST"])
@blp.arguments(IdempotencyHeaders, location="headers")
@blp.arguments(CopySchema())
@blp.response(201, QuestionnaireSchema())
@blp.allow(MANAGERS, estates=("estate_id",), operator_wide="estate_id")
def copy_questionnaire(headers: dict[str, Any], data: dict[str, Any], questionnaire_id: UUID) -> Any:
    """Copy a questionnaire's latest version into a new questionnaire (a draft)"""
    principal = current_principal()
    operation = f"POST /questionnaires/{questionnaire_id}/copies"
    key = KeyedRequest.of(principal, operation, headers["idempotency_key"], data)
    return use_cases.copy(unit_of_work(), key, questionnaire_id, principal.subject, **data)


@blp.route("/<uuid:questionnaire_id>/publication", methods=["POST"])
@blp.response(200, QuestionnaireSchema())
@blp.allow(MANAGERS)
def publish_questionnaire(questionnaire_id: UUID) -> Any:
    """Publish the draft: its questions never change again, and waves may ask them"""
    return use_cases.publish(unit_of_work(), questionnaire_id, current_principal().subject)
