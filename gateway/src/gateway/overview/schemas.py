"""The overview's schemas."""

from __future__ import annotations

from marshmallow import Schema, fields


class PersonOverviewSchema(Schema):
    person_id = fields.UUID()
    person = fields.Dict(allow_none=True, metadata={
        "description": "owners' person: profile, contact points (masked unless the caller may reveal), units"})
    timeline = fields.List(fields.Dict(), allow_none=True, metadata={
        "description": "The latest entries of owners' activity timeline (GET /owners/api/v1/people/{id}?timeline=N)"})
    open_tickets = fields.List(fields.Dict(), allow_none=True, metadata={
        "description": "Their open tickets (reported, or of their units) with stage and service levels (sla)"})
    notices = fields.List(fields.Dict(), allow_none=True, metadata={
        "description": "The latest notices sent to them, each with whether and how it reached them"})
    answers = fields.List(fields.Dict(), allow_none=True, metadata={"description": "Their latest survey answers"})
    partial = fields.List(fields.String(), metadata={
        "description": "The services that did not answer in time (their sections are null); empty when whole",
        "example": ["surveys"]})


class EstateOverviewSchema(Schema):
    estate_id = fields.UUID()
    tickets = fields.Dict(allow_none=True, metadata={
        "description": "tickets' /reports/at-a-glance: open by stage, warnings and breaches today and this month"})
    notices = fields.Dict(allow_none=True, metadata={
        "description": "notify's /notices/reach: the last 30 days' notices, recipients, reached, reach_rate"})
    satisfaction = fields.Dict(allow_none=True, metadata={
        "description": "The latest wave and its statistics by element, with the trend (wave: null before any)"})
    follow_ups = fields.Dict(allow_none=True, metadata={
        "description": "surveys' /follow-ups/at-a-glance: the open follow-up visits (open, unassigned, "
                       "oldest_opened_at)"})
    actions = fields.Dict(allow_none=True, metadata={
        "description": "surveys' /follow-ups/at-a-glance: the open rectification actions (open, overdue, "
                       "overdue_since)"})
    partial = fields.List(fields.String(), metadata={"example": ["notify"]})
