#!/usr/bin/env bash
# The body of `make run`: make sure a broker answers, make the development keys, migrate, declare the
# RabbitMQ topology, load the demo estate, say where to look, then run every process of deploy/Procfile
# under honcho (Ctrl-C stops them all). Expects the venv to be installed (`make install`); run it through `make run`.
set -euo pipefail

root="${ESTATEDESK_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
cd "$root"
export PATH="$root/.venv/bin:$PATH"
# Absolute, so every process finds the same SQLite files and keys whatever its working directory.
export ESTATEDESK_VAR="${ESTATEDESK_VAR:-$root/var}"
export AMQP_URL="${AMQP_URL:-amqp://guest:guest@localhost:5672/%2F}"
export OWNERS_PORT="${OWNERS_PORT:-8001}"
# Where gunicorn's workers share their Prometheus counters (emptied by gunicorn at every start).
export PROMETHEUS_MULTIPROC_DIR="$ESTATEDESK_VAR/metrics"

for tool in honcho owners servicekit-token gunicorn; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' is not installed in .venv; run 'make run' from the repository root" >&2; exit 1; }
done

# Installs and starts a missing local broker (and PostgreSQL when DATABASE_URL names one) as root,
# otherwise stops with the command to run.
"$root/deploy/scripts/ensure-servers.sh" rabbitmq $([[ "${DATABASE_URL:-}" == postgresql* ]] && echo postgres)

servicekit-token keygen

if [ -n "${DATABASE_URL:-}" ]; then
  echo "database: DATABASE_URL is set, using it"
else
  echo "database: embedded SQLite under $ESTATEDESK_VAR/ (set DATABASE_URL to use PostgreSQL)"
fi
owners migrate
# Every exchange, queue and binding before any process publishes (like migrations: once, here).
owners topology

echo "loading the demo estate (once; later runs find it)..."
demo_out="$(owners load-demo)"
printf '%s\n' "$demo_out"
estate_id="$(printf '%s\n' "$demo_out" | awk 'NF {last=$NF} END {print last}')"

token="$(servicekit-token issue --role service_desk_agent --estate '*' --sub desk)"
admin_token="$(servicekit-token issue --role operator_admin --estate '*' --sub admin)"
base="http://localhost:${OWNERS_PORT}"
broker_shown="$(printf '%s' "$AMQP_URL" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')"

cat <<EOF

================================================================================
 estatedesk is starting (Ctrl-C stops every process)

 owners API docs   ${base}/docs
 OpenAPI document  ${base}/openapi.json
 health            ${base}/healthz   ${base}/readyz   ${base}/metrics
 demo estate id    ${estate_id}
 broker            ${broker_shown}

 A service-desk token for every estate, valid 8 hours:
   export TOKEN='${token}'
 An operator-admin token, for administration such as creating an estate:
   export ADMIN_TOKEN='${admin_token}'

 Search the demo estate's people:
   curl -s -G -H "Authorization: Bearer \$TOKEN" --data-urlencode 'q=张' ${base}/api/v1/people

 New tokens: .venv/bin/servicekit-token issue --role service_desk_agent --estate '*' --sub desk
================================================================================

EOF

exec honcho -f deploy/Procfile start
