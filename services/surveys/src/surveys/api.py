"""The surveys HTTP API: every area's blueprint."""

from surveys.households.api import blp as households
from surveys.questionnaires.api import blp as questionnaires
from surveys.waves.api import blp as waves

BLUEPRINTS = [households, questionnaires, waves]
