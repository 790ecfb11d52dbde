"""Schemas of the people search: the query parameters as criteria, and one hit per person."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from owners.domain.search import InvalidQuery, read_name, read_phone, read_query, read_unit
from servicekit.paging import PageArgs


class PeopleSearchArgs(PageArgs):
    q = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "Free text: an 11-digit mobile; 4 digits (the last four of a mobile; a unit number only "
                       "when no mobile matches, or ask with unit=); "
                       "a name prefix (surname first: 张); a unit such as 1202, 2-1202 or 3栋1202. "
                       "Several words must all match."})
    name = fields.String(validate=validate.Length(min=1, max=100), metadata={"description": "Name prefix"})
    phone = fields.String(validate=validate.Length(min=4, max=20),
                          metadata={"description": "A full mobile number or its last four digits"})
    unit = fields.String(validate=validate.Length(min=1, max=40),
                         metadata={"description": "Unit number (prefix), e.g. 1202, 2-1202 or 3栋1202"})
    estate_id = fields.UUID(metadata={"description": "Only this estate (one of the caller's)"})

    @post_load
    def criteria(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """The parameters as search criteria, every one of which a person must meet."""
        readers = (("q", read_query), ("name", lambda v: [read_name(v)]), ("phone", lambda v: [read_phone(v)]),
                   ("unit", lambda v: [read_unit(v)]))
        criteria, errors = [], {}
        for field, read in readers:
            if field in data:
                try:
                    criteria.extend(read(data.pop(field)))
                except InvalidQuery as exc:
                    errors[exc.field] = [str(exc)]
        if errors:
            raise ValidationError(errors)
        if not criteria:
            raise ValidationError({"q": ["give q, name, phone or unit to search for"]})
        return {**data, "criteria": criteria}


class EstateRefSchema(Schema):
    id = fields.UUID()
    code = fields.String()
    name = fields.String()


class CurrentUnitSchema(Schema):
    unit_id = fields.UUID()
    unit_number = fields.String()
    building_id = fields.UUID()
    building_code = fields.String()
    role = fields.String(metadata={"description": "owner, tenant, family or other"})


class PersonHitSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    estate = fields.Nested(EstateRefSchema)
    mobiles = fields.List(fields.String(), metadata={"description": "Masked, e.g. 138****5678"})
    units = fields.List(fields.Nested(CurrentUnitSchema), metadata={"description": "Current units only"})
