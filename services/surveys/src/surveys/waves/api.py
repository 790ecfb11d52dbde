"""Waves (季度满意度调查, SRV-1): open an estate's wave of a period, which samples its occupied
households; list, read, and see the sample with each household's reason."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tenancy.roles import MANAGERS, OPERATORS, STAFF

from servicekit.access import require_every_estate
from servicekit.idempotency import IdempotencyHeaders, KeyedRequest
from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import current_principal
from servicekit.webapp import current_settings, read, unit_of_work
from surveys.access import blueprint
from surveys.waves import use_cases, views
from surveys.waves.schemas import NewWaveSchema, SampleArgs, SampledSchema, ScheduleSchema, WaveArgs, WaveSchema

blp = blueprint("waves", __name__, url_prefix="/api/v1/waves",
                description="Waves (季度满意度调查): a quarterly survey of an estate and its sample")
schedule_blp = blueprint("wave_schedule", __name__, url_prefix="/api/v1/wave-schedule",
                         description="The operator's schedule: a wave every quarter for every estate")


@schedule_blp.route("", methods=["GET"])
@schedule_blp.response(200, ScheduleSchema())
@schedule_blp.allow(STAFF)
def get_schedule() -> Any:
    """The operator's wave schedule (inactive until set)"""
    return read(views.schedule)


@schedule_blp.route("", methods=["PUT"])
@schedule_blp.arguments(ScheduleSchema())
@schedule_blp.response(200, ScheduleSchema())
@schedule_blp.allow(OPERATORS)
def set_schedule(data: dict[str, Any]) -> Any:
    """Set the operator's schedule: every estate's wave opens on the quarter's open_day, once (operator admins
    who see every estate)"""
    principal = current_principal()
    require_every_estate(principal)
    return use_cases.set_schedule(unit_of_work(), principal.subject, now(), **data)


@blp.route("", methods=["GET"])
@blp.arguments(WaveArgs(), location="query")
@blp.response(200, page_schema(WaveSchema))
@blp.allow(STAFF, estates=("estate_id",))
def list_waves(args: dict[str, Any]) -> Any:
    """The waves of the caller's estates, the latest first"""
    return read(views.estate_waves, current_principal(), args)


@blp.route("", methods=["POST"])
@blp.arguments(IdempotencyHeaders, location="headers")
@blp.arguments(NewWaveSchema())
@blp.response(201, WaveSchema())
@blp.allow(MANAGERS, estates=("estate_id",))
def open_wave(headers: dict[str, Any], data: dict[str, Any]) -> Any:
    """Open an estate's wave of a period: its sample is drawn and stored at once"""
    principal, settings = current_principal(), current_settings()
    key = KeyedRequest.of(principal, "POST /waves", headers["idempotency_key"], data)
    options = {"percent": settings.sample_percent, "lookback": settings.lookback_waves, **data,
               "answer_url": settings.answer_url, "timezone": settings.timezone}
    return use_cases.open_wave(unit_of_work(), key, principal.subject, **options)


@blp.route("/<uuid:wave_id>", methods=["GET"])
@blp.response(200, WaveSchema())
@blp.allow(STAFF)
def get_wave(wave_id: UUID) -> Any:
    """One wave"""
    return read(views.one, wave_id)


@blp.route("/<uuid:wave_id>/sample", methods=["GET"])
@blp.arguments(SampleArgs(), location="query")
@blp.response(200, page_schema(SampledSchema))
@blp.allow(STAFF)
def wave_sample(args: dict[str, Any], wave_id: UUID) -> Any:
    """The households a wave asks, by building and unit, each with why it was picked"""
    return read(views.sample, wave_id, args)
