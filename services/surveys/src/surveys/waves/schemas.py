"""The waves API's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from servicekit.paging import PageArgs


class NewWaveSchema(Schema):
    estate_id = fields.UUID(required=True)
    period = fields.String(required=True, validate=validate.Length(min=7, max=7),
                           metadata={"description": "the quarter, e.g. 2026-Q4: one wave per estate and period"})
    questionnaire_id = fields.UUID(load_default=None, metadata={
        "description": "a questionnaire for waves with a published version; empty: the built-in nine elements"})
    opens_on = fields.Date(metadata={"description": "default: today, or the period's first day if later"})
    closes_on = fields.Date(metadata={"description": "default: the period's last day"})
    percent = fields.Integer(validate=validate.Range(min=1, max=100), metadata={
        "description": "the share of each building's occupied households asked, rounded up (default: the "
                       "setting SURVEYS_SAMPLE_PERCENT, 20)"})
    lookback = fields.Integer(validate=validate.Range(min=0, max=20), metadata={
        "description": "households asked in the last this many waves come after the others (default: the "
                       "setting SURVEYS_LOOKBACK_WAVES, 4)"})
    seed = fields.Integer(validate=validate.Range(min=0, max=2**62 - 1), metadata={
        "description": "the seed to draw the sample with (default: a random one, recorded); the same seed, "
                       "households and earlier waves draw the same sample"})
    reminder_days = fields.List(fields.Integer(validate=validate.Range(min=1, max=92)),
                                validate=validate.Length(max=6), metadata={
        "description": "remind those not answered this many days after opens_on, once per step (default 7 and 21)"})


class WaveSchema(Schema):
    id = fields.UUID()
    estate_id = fields.UUID()
    period = fields.String()
    questionnaire_id = fields.UUID(allow_none=True, metadata={"description": "null: the built-in default"})
    questionnaire_version_id = fields.UUID(metadata={"description": "the published version the wave asks"})
    percent = fields.Integer()
    lookback = fields.Integer()
    seed = fields.Integer(metadata={"description": "what the sample was drawn with"})
    households = fields.Integer(metadata={"description": "the estate's occupied households when it opened"})
    sampled = fields.Integer(metadata={"description": "how many of them the wave asks"})
    opens_on = fields.Date()
    closes_on = fields.Date()
    opens_at = fields.DateTime(metadata={"description": "when opens_on begins (local time): the sample is invited"})
    closes_at = fields.DateTime(metadata={"description": "when closes_on ends: no answer is taken after it"})
    reminder_days = fields.List(fields.Integer(), metadata={"description": "the reminder steps, days after opens_on"})
    state = fields.String(metadata={"description": "scheduled (invited when opens_on begins) | open | closed"})
    opened_by = fields.String()
    opened_at = fields.DateTime()
    version = fields.Integer()


class WaveArgs(PageArgs):
    estate_id = fields.UUID(metadata={"description": "only this estate's"})


class SampleArgs(PageArgs):
    building_id = fields.UUID(metadata={"description": "only this building's"})


class SampledSchema(Schema):
    unit_id = fields.UUID()
    building_id = fields.UUID()
    building_name = fields.String()
    number = fields.String(metadata={"description": "the unit's number"})
    reason = fields.String(metadata={"description": "not_sampled_recently: none of the last waves asked it; "
                                                    "least_recently_sampled: its building needed more"})
    waves_ago = fields.Integer(allow_none=True, metadata={"description": "1: the last wave asked it too"})
    quota = fields.Integer(metadata={"description": "its building's quota ..."})
    building_households = fields.Integer(metadata={"description": "... of this many occupied households"})


class ScheduleSchema(Schema):
    active = fields.Boolean(required=True, metadata={"description": "false: no wave opens by itself"})
    open_day = fields.Integer(load_default=1, validate=validate.Range(min=1, max=60), metadata={
        "description": "the day of each quarter its waves open (1: the first)"})
    percent = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    lookback = fields.Integer(load_default=4, validate=validate.Range(min=0, max=20))
    reminder_days = fields.List(fields.Integer(validate=validate.Range(min=1, max=92)), load_default=[7, 21],
                                validate=validate.Length(max=6))
    questionnaire_id = fields.UUID(load_default=None, allow_none=True, metadata={
        "description": "an operator-wide questionnaire for waves; empty: the built-in nine elements"})
    set_by = fields.String(dump_only=True, allow_none=True, metadata={"description": "null: never set"})
    set_at = fields.DateTime(dump_only=True, allow_none=True)
    version = fields.Integer(dump_only=True)
