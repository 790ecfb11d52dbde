"""The knowledge base (问题及解决方法数据库, TKT-10): problems and their solutions, written as
versions by staff and published when a manager who did not write them approves; searched in
Chinese and English; suggested on a ticket by its category, kind and words."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.web import ProblemSchema, current_principal
from servicekit.webapp import read, unit_of_work
from tickets.access import SCOPE
from tickets.knowledge import schemas, use_cases, views
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("knowledge", __name__, scope=SCOPE, url_prefix="/api/v1",
                      description="The knowledge base: problems and their solutions (知识库)")


@blp.route("/knowledge/search", methods=["GET"])
@blp.arguments(schemas.ArticleSearchArgs, location="query")
@blp.response(200, schemas.FoundArticleSchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def search_articles(args: dict[str, Any]) -> Any:
    """Published articles with every word asked (Chinese or English), best first"""
    return read(views.search, current_principal(), args)


@blp.route("/knowledge/articles", methods=["GET"])
@blp.arguments(schemas.ArticleListArgs, location="query")
@blp.response(200, schemas.ArticleSchema(many=True))
@blp.allow(STAFF, estates=("estate_id",))
def list_articles(args: dict[str, Any]) -> Any:
    """The articles of the caller's estates and the operator's, newest first"""
    return read(views.article_list, current_principal(), args)


@blp.route("/knowledge/articles", methods=["POST"])
@blp.arguments(schemas.NewArticleSchema)
@blp.response(201, schemas.ArticleWithVersionsSchema)
@blp.allow(STAFF, estates=("estate_id",), operator_wide="estate_id")
def write_article(data: dict[str, Any]) -> Any:
    """Write a new article (its first version waits for a manager's review)"""
    return use_cases.write_article(unit_of_work(), Actor.of(current_principal()), data)


@blp.route("/knowledge/articles/<uuid:article_id>", methods=["GET"])
@blp.response(200, schemas.ArticleWithVersionsSchema)
@blp.allow(STAFF)
def get_article(article_id: UUID) -> Any:
    """One article: its published text and every version"""
    return read(views.article, article_id)


@blp.route("/knowledge/articles/<uuid:article_id>/versions", methods=["POST"])
@blp.arguments(schemas.ArticleTextSchema)
@blp.response(201, schemas.ArticleWithVersionsSchema)
@blp.allow(STAFF)
def rewrite_article(data: dict[str, Any], article_id: UUID) -> Any:
    """Write a new version (the published one stays until this one is approved)"""
    return use_cases.rewrite_article(unit_of_work(), article_id, Actor.of(current_principal()), data)


@blp.route("/knowledge/articles/<uuid:article_id>/versions/<int:version>/review", methods=["POST"])
@blp.arguments(schemas.ReviewVersionSchema)
@blp.response(200, schemas.ArticleWithVersionsSchema)
@blp.alt_response(409, schema=ProblemSchema, description="Reviewed already, or the caller wrote it")
@blp.allow(MANAGERS)
def review_version(data: dict[str, Any], article_id: UUID, version: int) -> Any:
    """Approve a version (it is published) or reject it, with a note"""
    return use_cases.review_version(unit_of_work(), article_id, version, Actor.of(current_principal()), **data)


@blp.route("/tickets/<uuid:ticket_id>/knowledge", methods=["GET"])
@blp.response(200, schemas.FoundArticleSchema(many=True))
@blp.allow(STAFF)
def suggest_for_ticket(ticket_id: UUID) -> Any:
    """Articles that may answer the ticket: its category's, its kind's, those sharing its words"""
    return read(views.suggestions, ticket_id)
