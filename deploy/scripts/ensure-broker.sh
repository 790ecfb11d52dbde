#!/usr/bin/env bash
# Make sure the AMQP broker of AMQP_URL answers. If it does not and it should run on this machine,
# start the local rabbitmq-server (detached) and wait for it; otherwise stop with a message on how to
# get one. Used by `make run`.
#
#   AMQP_URL        default amqp://guest:guest@localhost:5672/%2F
#   BROKER_WAIT     seconds to wait for a started broker (default 120)
set -euo pipefail

url="${AMQP_URL:-amqp://guest:guest@localhost:5672/%2F}"
wait_s="${BROKER_WAIT:-120}"

scheme="${url%%://*}"
case "$scheme" in
  amqp) default_port=5672 ;;
  amqps) default_port=5671 ;;
  *) echo "error: AMQP_URL must start with amqp:// or amqps://, got '$scheme://...'" >&2; exit 2 ;;
esac
rest="${url#*://}"
hostport="${rest%%/*}"
hostport="${hostport%%\?*}"
hostport="${hostport##*@}"
if [[ "$hostport" == \[* ]]; then            # [::1]:5672
  host="${hostport#[}"; host="${host%%]*}"
  after="${hostport#*]}"; port="${after#:}"
else
  host="${hostport%%:*}"
  if [[ "$hostport" == *:* ]]; then port="${hostport##*:}"; else port=""; fi
fi
host="${host:-localhost}"
port="${port:-$default_port}"

answers() {
  timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
}

if answers; then
  echo "broker: $host:$port answers"
  exit 0
fi

how_to_get_one() {
  cat >&2 <<EOF

Get a broker in one of these ways, then run the command again:
  - install RabbitMQ on this machine (Debian/Ubuntu):  sudo apt-get install -y rabbitmq-server
    (it starts as a system service; 'sudo rabbitmq-server -detached' starts it by hand)
  - run one in a container:  docker run -d --name rabbitmq -p 5672:5672 -p 15672:15672 rabbitmq:3.13-management
  - point AMQP_URL at a broker you have:  export AMQP_URL='amqp://user:password@host:5672/%2F'
EOF
}

case "$host" in
  localhost|127.*|::1|0.0.0.0|"$(hostname 2>/dev/null || echo localhost)") ;;
  *)
    echo "error: no AMQP broker answers at $host:$port (from AMQP_URL), and it is not on this machine, so it cannot be started here." >&2
    how_to_get_one
    exit 1 ;;
esac

server="$(command -v rabbitmq-server 2>/dev/null || true)"
[ -z "$server" ] && [ -x /usr/sbin/rabbitmq-server ] && server=/usr/sbin/rabbitmq-server
if [ -z "$server" ]; then
  echo "error: no AMQP broker answers at $host:$port (from AMQP_URL), and rabbitmq-server is not installed." >&2
  how_to_get_one
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "error: no AMQP broker answers at $host:$port; rabbitmq-server is installed but starting it needs root." >&2
  echo "Start it with:  sudo rabbitmq-server -detached   (or: sudo systemctl start rabbitmq-server)" >&2
  exit 1
fi

diag="$(command -v rabbitmq-diagnostics 2>/dev/null || echo /usr/sbin/rabbitmq-diagnostics)"
if [ -x "$diag" ] && "${as_root[@]}" timeout 20 "$diag" -q ping >/dev/null 2>&1; then
  echo "error: a local RabbitMQ node is running but does not answer at $host:$port (from AMQP_URL)." >&2
  echo "Its listeners:  sudo rabbitmq-diagnostics listeners   - set AMQP_URL to one of them." >&2
  exit 1
fi

echo "broker: nothing answers at $host:$port; starting the local rabbitmq-server..."
"${as_root[@]}" env RABBITMQ_NODE_PORT="$port" "$server" -detached

ctl="$(command -v rabbitmqctl 2>/dev/null || echo /usr/sbin/rabbitmqctl)"
deadline=$((SECONDS + wait_s))
until answers; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "error: rabbitmq-server was started but $host:$port does not answer after ${wait_s}s." >&2
    echo "Look at its logs in /var/log/rabbitmq/ and at: sudo rabbitmqctl status" >&2
    exit 1
  fi
  sleep 1
done
if [ -x "$ctl" ]; then
  "${as_root[@]}" timeout "$wait_s" "$ctl" await_startup >/dev/null 2>&1 || true
fi
echo "broker: rabbitmq-server answers at $host:$port"
