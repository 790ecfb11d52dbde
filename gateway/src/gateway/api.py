"""The gateway HTTP API: every area's blueprint."""

from gateway.accounts.api import blp as accounts
from gateway.clients.api import blp as clients
from gateway.keys.api import blp as keys
from gateway.overview.api import blp as overview
from gateway.owner_sign_in.api import blp as owner_sign_in
from gateway.sign_in.api import blp as sign_in
from gateway.suite_docs.api import blp as suite_docs

BLUEPRINTS = [keys, sign_in, accounts, clients, owner_sign_in, overview, suite_docs]
