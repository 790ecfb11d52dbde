"""Request and response schemas of a complaint's outcome."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tickets.domain.outcomes import ROOT_CAUSES, SUBTYPE_NAMES, SUBTYPES
from tickets.tickets.schemas import JsonBoolean

_SUBTYPES = sorted({s for values in SUBTYPES.values() for s in values})
_NOTE = validate.Length(max=2000)


class OutcomeSchema(Schema):
    ticket_id = fields.UUID()
    estate_id = fields.UUID()
    recorded = fields.Boolean(metadata={"description": "false: nobody has recorded an outcome yet (defaults shown)"})
    complaint_class = fields.String()
    subtype = fields.String(allow_none=True, metadata={"description": "Within the class; a management "
                                                       "complaint's is its quality aspect"})
    subtype_name = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    root_cause = fields.String(allow_none=True)
    root_cause_name = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    root_cause_note = fields.String()
    responsible_department_id = fields.UUID(allow_none=True, metadata={
        "description": "A department of the estate (owners' register); null when none or not registered"})
    responsible_department = fields.String(allow_none=True, metadata={
        "description": "Free text for a department the register does not have (null when the id is set)"})
    responsible_department_name = fields.String(allow_none=True, metadata={
        "description": "The registered department's name, else the free text"})
    commitment = fields.String(metadata={"description": "What was promised to the owner (对业主的承诺)"})
    justified = fields.Boolean(allow_none=True, metadata={"description": "null until a manager reviews it"})
    review_note = fields.String()
    reviewed_by = fields.String(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    media_involved = fields.Boolean(metadata={"description": "The press is involved: escalated to the first "
                                              "responsible person, only managers reply to the owner"})
    legal_referral = fields.Boolean()
    updated_by = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)
    version = fields.Integer(metadata={"description": "0 before anything is recorded"})


class OutcomeChangeSchema(Schema):
    """What the desk records of a complaint's outcome; only the fields sent change."""

    subtype = fields.String(allow_none=True, validate=validate.OneOf(_SUBTYPES), metadata={
        "description": "facilities: " + ", ".join(SUBTYPES["facilities"]) + "; fees: " + ", ".join(SUBTYPES["fees"])
        + "; emergency: " + ", ".join(SUBTYPES["emergency"]) + "; management: its quality aspect. Names: "
        + ", ".join(f"{k} {v[0]}" for k, v in SUBTYPE_NAMES.items())})
    root_cause = fields.String(allow_none=True, validate=validate.OneOf(list(ROOT_CAUSES)), metadata={
        "description": ", ".join(f"{k} {v[0]}" for k, v in ROOT_CAUSES.items())})
    root_cause_note = fields.String(validate=_NOTE)
    responsible_department_id = fields.UUID(allow_none=True, metadata={
        "description": "A department of the complaint's estate (else 422); clears the free text"})
    responsible_department = fields.String(allow_none=True, validate=validate.Length(min=1, max=100), metadata={
        "description": "Free text, only for a department the register does not have; clears the id"})
    commitment = fields.String(validate=_NOTE)
    media_involved = JsonBoolean(metadata={"description": "true escalates to the first responsible person once"})
    legal_referral = JsonBoolean()


class OutcomeReviewSchema(Schema):
    """A manager's judgement of a resolved complaint (for the statistics)."""

    justified = JsonBoolean(required=True)
    note = fields.String(load_default="", validate=_NOTE)
