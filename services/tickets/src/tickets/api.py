"""The tickets HTTP API: every area's blueprint, in the order the OpenAPI document lists them."""

from __future__ import annotations

from flask_smorest import Blueprint

from tickets.attachments.api import blp as attachments
from tickets.callbacks.api import blp as callbacks
from tickets.calls.api import blp as calls
from tickets.catalogue.api import blp as catalogue
from tickets.categories.api import blp as categories
from tickets.commissions.api import blp as commissions
from tickets.commitments.api import blp as commitments
from tickets.diary.api import blp as diary
from tickets.directory.api import blp as directory
from tickets.dispatch.api import blp as dispatch
from tickets.fees.api import blp as fees
from tickets.knowledge.api import blp as knowledge
from tickets.outcomes.api import blp as outcomes
from tickets.procedures.api import blp as procedures
from tickets.reports.api import blp as reports
from tickets.scripts.api import blp as scripts
from tickets.shifts.api import blp as shifts
from tickets.sla.api import blp as sla
from tickets.tickets.api import blp as tickets
from tickets.training.api import blp as training

BLUEPRINTS: list[Blueprint] = [tickets, categories, attachments, directory, reports, sla, dispatch]
BLUEPRINTS += [calls, callbacks, scripts]  # the phone (TKT-9)
BLUEPRINTS += [diary]  # the diary (TKT-8)
BLUEPRINTS += [shifts]  # shift handovers and the duty logbook (TKT-13)
BLUEPRINTS += [outcomes, catalogue, fees, commissions, knowledge, training, procedures]  # TKT-10, 11, 14, 15
BLUEPRINTS += [commitments]  # the owners' pages (GW-3)
