#!/usr/bin/env bash
# The body of `make run`: make sure a broker answers, make the development keys, migrate every service,
# declare every service's RabbitMQ topology (so tickets' queue is bound before owners publishes the demo
# estate), load the demo estate, say where to look, then run every process of deploy/Procfile under
# honcho (Ctrl-C stops them all). Once tickets' copy of owners holds the demo estate, tickets loads its
# demo tickets; once notify's does, notify loads its demo (sending settings, templates, past notices);
# once surveys' does, surveys loads its demo (the estate's questionnaire).
# Expects the venv to be installed (`make install`); run it through `make run`. Process names as
# arguments start only those of deploy/Procfile (`run-local.sh owners-web owners-relay`); none: all.
set -euo pipefail

root="${ESTATEDESK_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$root"
export PATH="$root/.venv/bin:$PATH"
# Absolute, so every process finds the same SQLite files and keys whatever its working directory.
export ESTATEDESK_VAR="${ESTATEDESK_VAR:-$root/var}"
export AMQP_URL="${AMQP_URL:-amqp://guest:guest@localhost:5672/%2F}"
export OWNERS_PORT="${OWNERS_PORT:-8001}"
export TICKETS_PORT="${TICKETS_PORT:-8002}"
export NOTIFY_PORT="${NOTIFY_PORT:-8003}"
export SURVEYS_PORT="${SURVEYS_PORT:-8004}"
# The gateway's own web (sign-in, tokens, its JWKS) and the front door every client uses: nginx on
# GATEWAY_EDGE_PORT, rendered from the gateway's route table (deploy/Procfile: gateway-edge).
export GATEWAY_PORT="${GATEWAY_PORT:-8010}"
export GATEWAY_EDGE_PORT="${GATEWAY_EDGE_PORT:-8000}"
# The survey link in an invitation's SMS: the owners' answer page at the front door (gateway.pages).
export SURVEYS_ANSWER_URL="${SURVEYS_ANSWER_URL:-http://localhost:$GATEWAY_EDGE_PORT/survey/}"
# Every replica of the front door counts each caller's rate in this Redis (gateway.edge.rate_limit).
export GATEWAY_EDGE_RATE_STORE="${GATEWAY_EDGE_RATE_STORE:-${REDIS_URL:-redis://127.0.0.1:6379/0}}"
export GATEWAY_TRUSTED_PROXIES="${GATEWAY_TRUSTED_PROXIES:-1}"
# Every service sits behind the front door (nginx appends the client's address to X-Forwarded-For), and
# the gateway's pages call them naming the owner's address: each believes that one proxy, so surveys'
# per-address guessing limit counts each visitor, not the door (servicekit.webapp.install_trusted_proxies).
export OWNERS_TRUSTED_PROXIES="${OWNERS_TRUSTED_PROXIES:-1}"
export TICKETS_TRUSTED_PROXIES="${TICKETS_TRUSTED_PROXIES:-1}"
export NOTIFY_TRUSTED_PROXIES="${NOTIFY_TRUSTED_PROXIES:-1}"
export SURVEYS_TRUSTED_PROXIES="${SURVEYS_TRUSTED_PROXIES:-1}"
# A development machine: the gateway may keep its private keys under the repository's passphrase.
export GATEWAY_ENVIRONMENT="${GATEWAY_ENVIRONMENT:-development}"
# Every service takes the gateway's keys from its JWKS (a rotation needs no restart), and the
# development key file for the tokens servicekit-token signs (they name no key id).
export JWT_JWKS_URL="${JWT_JWKS_URL:-http://127.0.0.1:$GATEWAY_PORT/.well-known/jwks.json}"
# notify sends to the local stand-ins of deploy/Procfile: the SMS provider stand-in (its page on the
# same port) and the SMTP stand-in (its page on SMTP_STANDIN_PAGE_PORT); the SMS stand-in pushes its
# receipts to notify's callback with NOTIFY_RECEIPTS_TOKEN.
export SMS_STANDIN_PORT="${SMS_STANDIN_PORT:-8093}"
export SMTP_STANDIN_PORT="${SMTP_STANDIN_PORT:-8025}"
export SMTP_STANDIN_PAGE_PORT="${SMTP_STANDIN_PAGE_PORT:-8094}"
export NOTIFY_SMS_ENDPOINT="${NOTIFY_SMS_ENDPOINT:-http://127.0.0.1:$SMS_STANDIN_PORT}"
export NOTIFY_SMTP_HOST="${NOTIFY_SMTP_HOST:-127.0.0.1}"
export NOTIFY_SMTP_PORT="${NOTIFY_SMTP_PORT:-$SMTP_STANDIN_PORT}"
export NOTIFY_RECEIPTS_TOKEN="${NOTIFY_RECEIPTS_TOKEN:-estatedesk-local-receipts}"
# `make run` is a development machine: the only place notify's web takes that well-known receipts
# secret (any deployment sets its own, or notify-web does not start).
export NOTIFY_ENVIRONMENT="${NOTIFY_ENVIRONMENT:-development}"
# Each web server shares its workers' Prometheus counters in a folder of its own, set per process in
# deploy/Procfile (var/metrics/<service>); none inherited from the caller's shell.
unset PROMETHEUS_MULTIPROC_DIR

for tool in honcho gateway owners tickets notify surveys servicekit-token gunicorn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' is not installed in .venv; run 'make run' from the repository root" >&2; exit 1; }
done

# Installs and starts a missing local broker (and PostgreSQL when DATABASE_URL names one) as root,
# otherwise stops with the command to run.
"$root/deploy/scripts/ensure-servers.sh" rabbitmq nginx nginx-lua redis $([[ "${DATABASE_URL:-}" == postgresql* ]] && echo postgres)

servicekit-token keygen

if [ -n "${DATABASE_URL:-}" ]; then
  # Services never share a database: owners takes DATABASE_URL, tickets, notify and surveys a database
  # of their own on the same server (./owners -> ./tickets, ./x -> ./x_tickets; made when missing)
  # unless TICKETS_DATABASE_URL / NOTIFY_DATABASE_URL / SURVEYS_DATABASE_URL is set.
  if [ -z "${TICKETS_DATABASE_URL:-}" ]; then
    TICKETS_DATABASE_URL="$(python "$root/deploy/scripts/own-database.py" tickets)"
    export TICKETS_DATABASE_URL
  fi
  if [ -z "${NOTIFY_DATABASE_URL:-}" ]; then
    NOTIFY_DATABASE_URL="$(python "$root/deploy/scripts/own-database.py" notify)"
    export NOTIFY_DATABASE_URL
  fi
  if [ -z "${GATEWAY_DATABASE_URL:-}" ]; then
    GATEWAY_DATABASE_URL="$(python "$root/deploy/scripts/own-database.py" gateway)"
    export GATEWAY_DATABASE_URL
  fi
  if [ -z "${SURVEYS_DATABASE_URL:-}" ]; then
    SURVEYS_DATABASE_URL="$(python "$root/deploy/scripts/own-database.py" surveys)"
    export SURVEYS_DATABASE_URL
  fi
  echo "database: DATABASE_URL is set, using it for owners, database ${TICKETS_DATABASE_URL##*/} (TICKETS_DATABASE_URL) for tickets, ${NOTIFY_DATABASE_URL##*/} (NOTIFY_DATABASE_URL) for notify and ${SURVEYS_DATABASE_URL##*/} (SURVEYS_DATABASE_URL) for surveys"
else
  echo "database: embedded SQLite under $ESTATEDESK_VAR/ (set DATABASE_URL to use PostgreSQL)"
fi
gateway migrate
owners migrate
tickets migrate
notify migrate
surveys migrate
# The gateway's first signing key (a later run finds it; `gateway keys rotate` rotates).
gateway keys ensure
# Every exchange, queue and binding before any process publishes (like migrations: once, here):
# tickets', notify's and surveys' queues are bound to owners' events before the demo estate's events are
# published, so their consumers receive them live.
gateway topology
owners topology
tickets topology
notify topology
surveys topology

# A tickets copy that is empty while owners holds data (owners ran before tickets joined, or tickets'
# database is new): owners' current state is sent to tickets' queue only (newer wins: harmless twice).
if [ "$(python "$root/deploy/scripts/copy-status.py" state tickets)" = "empty" ]; then
  echo "tickets' copy of owners is empty: replaying owners' current state to tickets..."
  owners replay --consumer tickets --state
fi
# The same for notify's copy (owners' people with their mobiles and e-mails: notify's audiences).
if [ "$(python "$root/deploy/scripts/copy-status.py" state notify)" = "empty" ]; then
  echo "notify's copy of owners is empty: replaying owners' current state to notify..."
  owners replay --consumer notify --state
fi
# The same for surveys' copy (owners' occupied households: what its waves sample).
if [ "$(python "$root/deploy/scripts/copy-status.py" state surveys)" = "empty" ]; then
  echo "surveys' copy of owners is empty: replaying owners' current state to surveys..."
  owners replay --consumer surveys --state
fi

# The same for the gateway's copy (owners' staff and territories: the estates of a staff token).
if [ "$(python "$root/deploy/scripts/copy-status.py" state gateway)" = "empty" ]; then
  echo "the gateway's copy of owners is empty: replaying owners' current state to the gateway..."
  owners replay --consumer gateway --state
fi

echo "loading the demo estate (once; later runs find it)..."
demo_out="$(owners load-demo)"
printf '%s\n' "$demo_out"
estate_id="$(printf '%s\n' "$demo_out" | awk 'NF {last=$NF} END {print last}')"

base="http://localhost:${OWNERS_PORT}"
broker_shown="$(printf '%s' "$AMQP_URL" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')"

door="http://localhost:${GATEWAY_EDGE_PORT}"

cat <<EOF

================================================================================
 estatedesk is starting (Ctrl-C stops every process)

 The one address to use: ${door}/   (the front door, nginx: every service under its prefix)
   ${door}/owners/api/v1/...   ${door}/tickets/api/v1/...   ${door}/notify/api/v1/...   ${door}/surveys/api/v1/...
   ${door}/gateway/api/v1/sign-in   ${door}/.well-known/jwks.json
 API docs          ${door}/docs   (every service in one document: ${door}/openapi.json)
 demo estate id    ${estate_id}
 broker            ${broker_shown}
 health            ${base}/healthz   ${base}/readyz   ${base}/metrics   (each service on its own port:
                   owners ${OWNERS_PORT}, tickets ${TICKETS_PORT}, notify ${NOTIFY_PORT}, surveys ${SURVEYS_PORT}, gateway ${GATEWAY_PORT})

 Sign in at the front door with a demo account: once the gateway's copy holds the demo estate (a few
 seconds after start) the accounts, their passwords and the line that signs in are printed below.

 What notify sent arrives at the local stand-ins (nothing leaves this machine):
   SMS received   http://localhost:${SMS_STANDIN_PORT}/   (the SMS provider stand-in; numbers ending in ${SMS_STANDIN_FAIL_SUFFIX:-397} fail)
   e-mail received http://localhost:${SMTP_STANDIN_PAGE_PORT}/   (the SMTP stand-in, SMTP on ${SMTP_STANDIN_PORT})
 Once notify's demo has loaded (a few seconds after start), it prints below the curl line that sends
 the fee notice (物业费缴纳通知) to the whole demo estate; \`.venv/bin/notify load-demo\` prints it again.

 The web servers listen on 127.0.0.1 only; OWNERS_WEB_HOST=0.0.0.0 (TICKETS_, NOTIFY_, SURVEYS_) opens one.
================================================================================

EOF

# tickets' demo tickets, notify's demo, surveys' demo and the gateway's demo accounts each need the
# service's copy of the demo estate, which its consumer applies once honcho has started the relays
# and the consumers: a background step per service waits for it (while honcho, which takes this
# process's id, runs), then loads the demo (notify's prints how to send a notice, the gateway's the
# logins, passwords and how to sign in through the front door).
load_demo_once_copied() {
  local service="$1" status=0
  shift
  python "$root/deploy/scripts/copy-status.py" wait "$service" --timeout 600 --while-pid $$ || status=$?
  case "$status" in
    0) "$service" load-demo "$@" || echo "$service load-demo did not finish; run it again: .venv/bin/$service load-demo" >&2 ;;
    1) echo "$service's copy of owners is still incomplete after 10 minutes; not loading its demo" >&2 ;;
  esac
}
for service in tickets notify surveys gateway; do
  load_demo_once_copied "$service" --door-port "$GATEWAY_EDGE_PORT" &
done

exec honcho -f deploy/Procfile start "$@"
