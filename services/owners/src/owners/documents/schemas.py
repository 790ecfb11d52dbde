"""The schemas of the documents API: a template and its versions, a generation, a generated document."""

from marshmallow import Schema, fields, validate

from owners.domain.documents import FIELDS, Kind
from servicekit.paging import PageArgs

_CODE = validate.Regexp(r"^[a-z][a-z0-9_]{1,39}$", error="lower-case letters, digits and _, 2 to 40 long")
# What XML 1.0 (and so a DOCX) cannot hold: control characters other than tab and line breaks.
_XML_TEXT = validate.Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*$",
                            error="holds a control character a document cannot hold")
_FIELDS = ", ".join(f"{{{{ {name} }}}}" for name in FIELDS)


class TemplateSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "null: the operator's, for every estate (an estate's own of the same code comes first)"})
    code = fields.String(required=True, validate=_CODE, metadata={"example": "service_contract"})
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in Kind]))
    name = fields.String(required=True, validate=[validate.Length(min=1, max=100), _XML_TEXT],
                         metadata={"example": "物业服务合同"})
    paragraphs = fields.List(fields.String(validate=[validate.Length(max=5000), _XML_TEXT]), required=True,
                             validate=validate.Length(min=1, max=200), metadata={
                                 "description": f"The text, a paragraph each, with the fields {_FIELDS}",
                                 "example": ["甲方：{{ estate_name }}", "乙方：{{ person_name }}（{{ unit }}）"]})
    version = fields.Integer(dump_only=True, metadata={"description": "1, then one more for each new text"})
    created_by = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class TemplateListArgs(PageArgs):
    estate_id = fields.UUID()
    code = fields.String(validate=_CODE)
    kind = fields.String(validate=validate.OneOf([k.value for k in Kind]))


class GenerationSchema(Schema):
    template_code = fields.String(required=True, validate=_CODE, metadata={
        "description": "The newest version of the estate's template of this code, else the operator's"})
    unit_id = fields.UUID(load_default=None, allow_none=True, metadata={"description": "The unit it concerns"})


class DocumentSchema(Schema):
    id = fields.UUID(dump_only=True)
    estate_id = fields.UUID()
    person_id = fields.UUID()
    unit_id = fields.UUID(allow_none=True)
    template_id = fields.UUID(metadata={"description": "The template version it came from"})
    kind = fields.String()
    filename = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    generated_by = fields.String(metadata={"description": "Who generated it"})
    generated_at = fields.DateTime()
