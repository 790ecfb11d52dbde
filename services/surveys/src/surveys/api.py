"""The surveys HTTP API: every area's blueprint."""

from surveys.answers.api import blp as answers
from surveys.households.api import blp as households
from surveys.invitations.api import blp as invitations
from surveys.questionnaires.api import blp as questionnaires
from surveys.statistics.api import blp as statistics
from surveys.waves.api import blp as waves

BLUEPRINTS = [households, questionnaires, waves, invitations, answers, statistics]
