"""The surveys HTTP API: every area's blueprint."""

from surveys.actions.api import blp as actions
from surveys.answers.api import blp as answers
from surveys.at_a_glance.api import blp as at_a_glance
from surveys.bulletins.api import blp as bulletins
from surveys.follow_ups.api import blp as follow_ups
from surveys.forums.api import blp as forums
from surveys.households.api import blp as households
from surveys.invitations.api import blp as invitations
from surveys.questionnaires.api import blp as questionnaires
from surveys.statistics.api import blp as statistics
from surveys.waves.api import blp as waves
from surveys.waves.api import schedule_blp as wave_schedule

BLUEPRINTS = [households, questionnaires, waves, invitations, answers, statistics, follow_ups, actions, wave_schedule,
              bulletins, forums, at_a_glance]
