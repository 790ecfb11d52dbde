"""The surveys HTTP API: every area's blueprint."""

from surveys.households.api import blp as households
from surveys.questionnaires.api import blp as questionnaires

BLUEPRINTS = [households, questionnaires]
