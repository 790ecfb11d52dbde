"""The questionnaires API's schemas. A question is a mapping (see surveys.domain.questionnaires for
its fields); the use cases check the questions as a whole and name each wrong one."""

from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from servicekit.paging import PageArgs

PURPOSES = ("wave", "ticket")
QUESTIONS = ("the questions, in order: each {code, kind: scale|choice|text, text: {zh-CN, en}, required; "
             "scale: min, max, comment, element (one of the nine elements); choice: options [{code, text}]}")


class TextSchema(Schema):
    zh_cn = fields.String(data_key="zh-CN", required=True, validate=validate.Length(min=1, max=500))
    en = fields.String(required=True, validate=validate.Length(min=1, max=500))

    @post_load
    def by_language(self, data, **_kwargs):  # noqa: ANN001, ANN201  (as the domain and the answers name them)
        return {"zh-CN": data["zh_cn"], "en": data["en"]}


class OptionSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    text = fields.Nested(TextSchema, required=True)


class QuestionSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    kind = fields.String(required=True, validate=validate.OneOf(("scale", "choice", "text")))
    text = fields.Nested(TextSchema, required=True)
    required = fields.Boolean(load_default=True)
    min = fields.Integer(validate=validate.Range(min=0, max=10))
    max = fields.Integer(validate=validate.Range(min=0, max=10))
    comment = fields.Boolean(metadata={"description": "a scale question takes an optional comment"})
    element = fields.String(metadata={"description": "the element of the nine a scale question scores"})
    options = fields.List(fields.Nested(OptionSchema), validate=validate.Length(max=30))


class NewQuestionnaireSchema(Schema):
    estate_id = fields.UUID(load_default=None, metadata={"description": "the estate's own; empty: every estate"})
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES),
                            metadata={"description": "wave: a quarterly survey; ticket: the question after a ticket"})
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=100))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=100))
    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1, max=60),
                            metadata={"description": QUESTIONS})


class CopySchema(Schema):
    estate_id = fields.UUID(load_default=None, metadata={"description": "the copy's estate; empty: every estate"})
    name_zh = fields.String(validate=validate.Length(min=1, max=100))
    name_en = fields.String(validate=validate.Length(min=1, max=100))


class EditSchema(Schema):
    name_zh = fields.String(validate=validate.Length(min=1, max=100))
    name_en = fields.String(validate=validate.Length(min=1, max=100))
    questions = fields.List(fields.Nested(QuestionSchema), required=True, validate=validate.Length(min=1, max=60),
                            metadata={"description": QUESTIONS})


class VersionSchema(Schema):
    id = fields.UUID()
    number = fields.Integer()
    questions = fields.List(fields.Dict(), metadata={"description": QUESTIONS})
    published_at = fields.DateTime(allow_none=True, metadata={"description": "null: the draft, still editable"})
    published_by = fields.String(allow_none=True)


class QuestionnaireSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID(allow_none=True)
    purpose = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    built_in = fields.Boolean(metadata={"description": "the built-in default: copy it to change it"})
    copied_from = fields.UUID(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime(allow_none=True)
    version = fields.Integer()
    versions = fields.List(fields.Nested(VersionSchema))


class QuestionnaireSummarySchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID(allow_none=True)
    purpose = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    copied_from = fields.UUID(allow_none=True)
    created_at = fields.DateTime()
    version = fields.Integer()


class QuestionnaireArgs(PageArgs):
    estate_id = fields.UUID(metadata={"description": "this estate's and the operator's"})
    purpose = fields.String(validate=validate.OneOf(PURPOSES))
