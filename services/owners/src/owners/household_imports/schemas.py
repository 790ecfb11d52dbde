"""Schemas of the household import: its one query parameter and its report."""

from marshmallow import Schema, fields


class HouseholdImportArgs(Schema):
    skip_bad_rows = fields.Boolean(load_default=False, metadata={
        "description": "Import the good rows and report the bad ones, instead of importing nothing"})


class BadRowSchema(Schema):
    line = fields.Integer(metadata={"description": "Line of the file, the header being line 1"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "Messages by column"})


class HouseholdImportReportSchema(Schema):
    estate_id = fields.UUID()
    rows = fields.Integer(metadata={"description": "Data rows in the file"})
    imported_rows = fields.Integer(metadata={"description": "Rows that moved somebody into a unit"})
    unchanged_rows = fields.Integer(metadata={"description": "Rows already recorded (that person lives there)"})
    buildings_added = fields.Integer()
    units_added = fields.Integer()
    people_registered = fields.Integer()
    moved_in = fields.Integer()
    contact_lists_changed = fields.Integer()
    companies_added = fields.Integer(metadata={"description": "Companies the rows named (OWN-11) the estate lacked"})
    companies_changed = fields.Integer(metadata={
        "description": "Companies the estate had that the rows gave further units or contacts"})
    events = fields.Integer(metadata={"description": "Events written to the outbox"})
    bad_rows = fields.List(fields.Nested(BadRowSchema), metadata={"description": "Skipped rows (skip_bad_rows)"})
