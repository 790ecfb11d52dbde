"""Request and response schemas of the knowledge base."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tickets.catalogue.schemas import CODE
from tickets.domain.stages import KINDS
from tickets.tickets.schemas import JsonBoolean


class AttachmentLinkSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    url = fields.Url(required=True, validate=validate.Length(max=1000), metadata={
        "description": "Where the photo, drawing or manual is (an attachment's or the document store's address)"})


class ArticleTextSchema(Schema):
    """One version of an article: what the problem looks like and how it is solved."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    symptoms = fields.String(required=True, validate=validate.Length(min=1, max=5000),
                             metadata={"description": "What the owner or the desk sees (现象)"})
    steps = fields.List(fields.String(validate=validate.Length(min=1, max=1000)), required=True,
                        validate=validate.Length(min=1, max=50), metadata={"description": "The solution, in order"})
    kinds = fields.List(fields.String(validate=validate.OneOf(KINDS)), load_default=list,
                        validate=validate.Length(max=5), metadata={"description": "The ticket kinds it applies to"})
    categories = fields.List(fields.String(validate=CODE), load_default=list, validate=validate.Length(max=20),
                             metadata={"description": "The category codes it applies to, e.g. plumbing"})
    attachments = fields.List(fields.Nested(AttachmentLinkSchema), load_default=list,
                              validate=validate.Length(max=20))


class NewArticleSchema(ArticleTextSchema):
    estate_id = fields.UUID(load_default=None, metadata={"description": "Empty: the operator's, every estate"})


class ArticleVersionSchema(ArticleTextSchema):
    version = fields.Integer()
    author = fields.String()
    written_at = fields.DateTime()
    review_state = fields.String(metadata={"description": "pending, approved or rejected"})
    reviewed_by = fields.String(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    review_note = fields.String()


class ArticleSchema(Schema):
    """An article as found: its published text (none until a version is approved) and its versions."""

    id = fields.UUID()
    estate_id = fields.UUID(allow_none=True)
    latest_version = fields.Integer()
    published_version = fields.Integer(allow_none=True)
    title = fields.String(allow_none=True)
    symptoms = fields.String(allow_none=True)
    steps = fields.List(fields.String(), allow_none=True)
    kinds = fields.List(fields.String(), allow_none=True)
    categories = fields.List(fields.String(), allow_none=True)
    attachments = fields.List(fields.Nested(AttachmentLinkSchema), allow_none=True)
    active = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ArticleWithVersionsSchema(ArticleSchema):
    versions = fields.List(fields.Nested(ArticleVersionSchema), metadata={"description": "Every version"})


class FoundArticleSchema(ArticleSchema):
    score = fields.Integer(metadata={"description": "How well it matches: a word in the title counts three times"})


class ArticleSearchArgs(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=200), metadata={
        "description": "Words in Chinese or English: every one must be found (漏水, leak, 电梯 困人)"})
    estate_id = fields.UUID(metadata={"description": "One estate's articles and the operator's"})
    kind = fields.String(validate=validate.OneOf(KINDS))
    category = fields.String(validate=CODE)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class ArticleListArgs(Schema):
    estate_id = fields.UUID()
    unpublished = fields.Boolean(load_default=False, metadata={"description": "true: those with a version waiting"})


class ReviewVersionSchema(Schema):
    approve = JsonBoolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=1000))
