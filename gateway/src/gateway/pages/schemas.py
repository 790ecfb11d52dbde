"""The pages' forms: what each takes, checked before any service is called. A field that does not
fit is named by its key in ``texts.REFUSALS`` (said in the owner's language beside the field)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

# The repair categories owners choose from (the operator's categories every estate starts with:
# tickets.demo.CATEGORIES); an estate without one refuses it in its own words.
REPAIR_CATEGORIES = (("plumbing", "水管漏水", "Plumbing, leaks"), ("electrical", "电路故障", "Electrical"),
                     ("gas", "燃气", "Gas"), ("hvac", "空调暖通", "Heating and air conditioning"),
                     ("access_control", "门禁对讲", "Door entry"))
# A management-service complaint names one of seven quality aspects, which the desk judges better than a
# form: owners choose among the other classes, and the desk may reclassify.
COMPLAINT_CLASSES = ("facilities", "fees", "emergency")
KINDS = ("repair", "complaint")
MOBILE = validate.Regexp(r"^\s*(\+?86)?\s*1[3-9]\d{9}\s*$")


class Form(Schema):
    class Meta:
        unknown = EXCLUDE  # the CSRF token and the buttons


class CodeRequestForm(Form):
    mobile = fields.String(required=True, validate=MOBILE)


class SignInForm(CodeRequestForm):
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))


class ReportForm(Form):
    unit = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    category = fields.String(load_default=None, validate=validate.OneOf([c for c, _, _ in REPAIR_CATEGORIES]))
    complaint_class = fields.String(load_default=None, validate=validate.OneOf(COMPLAINT_CLASSES))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    key = fields.String(load_default=None, validate=validate.Length(max=80))


class EvaluationForm(Form):
    score = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=5))
    comment = fields.String(load_default="", validate=validate.Length(max=1000))


def cleaned(form: dict) -> dict:
    """A form's values without the empty ones (an empty select is no choice)."""
    return {name: value.strip() if name != "description" else value for name, value in form.items()
            if isinstance(value, str) and value.strip()}
