#!/usr/bin/env bash
# Make sure what `make run`, `make test` and `make bench` need is on this machine and answering:
# the servers (RabbitMQ, PostgreSQL, Redis) and a few tools. What answers already is left alone, so
# on a machine that has it all (CI, a developer's) this takes a few milliseconds and installs nothing.
#
#   ensure-servers.sh [NEED...] [--optional NEED...]
#
# NEEDs:
#   rabbitmq        the broker of AMQP_URL answers (default localhost:5672); on this machine it is
#                   installed (rabbitmq-server) and started when it does not
#   rabbitmqctl     the local `rabbitmqctl` command (the tests make their own vhosts with it)
#   postgres        the PostgreSQL of DATABASE_URL answers (default 127.0.0.1:5432); on this machine
#                   it is installed (postgresql) and started when it does not. When this script
#                   installs it, it also lets user postgres in without a password on 127.0.0.1 and
#                   ::1 (trust), the credentials the tests use by default; a PostgreSQL that was
#                   already there is never reconfigured (point TEST_DATABASE_URL at a role you have)
#   redis           the Redis of REDIS_URL answers (default 127.0.0.1:6379)
#   python3-venv    `python3 -m venv` works (Debian splits venv/ensurepip into python3-venv)
#   nginx           the front door's proxy (`make run`, the front door's tests): the command is there
#   nginx-lua       nginx's Lua module and its Redis client (libnginx-mod-http-lua, lua-nginx-redis):
#                   the front door counts each caller's rate in Redis, shared by every replica
#   docker-compose, wrk   the command is there (the Debian package of the same name)
#   chromium        the browser and a Chinese font (fonts-noto-cjk): the owners' pages' browser tests
#                   read and photograph pages in Chinese
# NEEDs after --optional are installed when that is possible; otherwise a warning says how, and
# the tests that use them skip. A missing required NEED that cannot be had stops with exit 1.
#
# Installing and starting need root: as root it is done, with passwordless sudo through sudo, and
# otherwise the script stops at once, before doing anything, with the exact command to run.
# Installing uses apt-get (Debian, Ubuntu). Servers are started through systemd when it runs the
# machine, and directly otherwise (containers, chroots): pg_ctlcluster, rabbitmq-server -detached,
# redis-server --daemonize yes.
#
# Environment: AMQP_URL, DATABASE_URL, REDIS_URL (which servers), SERVER_WAIT (seconds to wait for a
# started server, default 120). For its own tests only: ENSURE_SERVERS_SEARCH_PATH replaces the
# folders searched for installed commands (to play a machine where nothing is installed).
set -euo pipefail

wait_s="${SERVER_WAIT:-120}"
search_path="${ENSURE_SERVERS_SEARCH_PATH:-$PATH:/usr/local/sbin:/usr/sbin:/sbin}"
self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

log() { printf 'ensure-servers: %s\n' "$*"; }
err() { printf 'ensure-servers: %s\n' "$*" >&2; }

required=() optional=()
mode=required
for arg in "$@"; do
  case "$arg" in
    --optional) mode=optional ;;
    rabbitmq|rabbitmqctl|postgres|redis|python3-venv|nginx|nginx-lua|docker-compose|wrk|chromium)
      if [ "$mode" = required ]; then required+=("$arg"); else optional+=("$arg"); fi ;;
    -h|--help) sed -n '2,/^set -euo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) err "unknown need '$arg' (see --help)"; exit 2 ;;
  esac
done

# --- looking (fast, changes nothing) -----------------------------------------------------------------

find_cmd() {  # find_cmd NAME: the path of an installed command, searched in $search_path
  local dir IFS=:
  for dir in $search_path; do
    [ -n "$dir" ] && [ -x "$dir/$1" ] && [ ! -d "$dir/$1" ] && { printf '%s\n' "$dir/$1"; return 0; }
  done
  return 1
}

host_port() {  # host_port URL DEFAULT_PORT: prints "host port" of a URL such as scheme://user:pw@host:port/x
  local rest="${1#*://}" hostport host port
  hostport="${rest%%/*}"; hostport="${hostport%%\?*}"; hostport="${hostport##*@}"
  if [[ "$hostport" == \[* ]]; then               # [::1]:5672
    host="${hostport#[}"; host="${host%%]*}"; port="${hostport#*]}"; port="${port#:}"
  else
    host="${hostport%%:*}"
    if [[ "$hostport" == *:* ]]; then port="${hostport##*:}"; else port=""; fi
  fi
  printf '%s %s\n' "${host:-localhost}" "${port:-$2}"
}

answers() { timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }  # answers HOST PORT
# speaks_amqp HOST PORT: the broker answers AMQP's protocol header with a frame (type 1: connection.start).
# A node can accept connections and never answer them (seen once: a broker wedged after its quorum
# queues' files broke); the tests would then hang in their first declare for many minutes.
speaks_amqp() {
  timeout 10 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "AMQP\000\000\011\001" >&3 &&
    [ "$(head -c 1 <&3 | od -An -tx1 | tr -d " ")" = 01 ]' "$1" "$2" 2>/dev/null
}

is_local() {
  case "$1" in
    localhost|127.*|::1|0.0.0.0|"$(hostname 2>/dev/null || echo localhost)") return 0 ;;
    *) return 1 ;;
  esac
}

amqp_url="${AMQP_URL:-amqp://guest:guest@localhost:5672/%2F}"
case "$amqp_url" in
  amqps://*) amqp_default_port=5671 ;;
  amqp://*) amqp_default_port=5672 ;;
  *) amqp_default_port=5672 ;;
esac
db_url="${DATABASE_URL:-}"
[[ "$db_url" == postgresql* ]] || db_url="postgresql://postgres@127.0.0.1:5432/postgres"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379/0}"

read -r amqp_host amqp_port < <(host_port "$amqp_url" "$amqp_default_port")
read -r pg_host pg_port < <(host_port "$db_url" 5432)
read -r redis_host redis_port < <(host_port "$redis_url" 6379)

# Per need: where it should answer, which package brings it, whether it is installed.
server_of() {  # server_of NEED: "host port" for a server need
  case "$1" in
    rabbitmq) echo "$amqp_host $amqp_port" ;;
    postgres) echo "$pg_host $pg_port" ;;
    redis) echo "$redis_host $redis_port" ;;
  esac
}
package_of() {
  case "$1" in
    rabbitmq|rabbitmqctl) echo rabbitmq-server ;;
    postgres) echo postgresql ;;
    redis) echo redis-server ;;
    nginx-lua) echo "libnginx-mod-http-lua lua-nginx-redis" ;;
    chromium) echo "chromium fonts-noto-cjk" ;;
    *) echo "$1" ;;
  esac
}
installed() {
  case "$1" in
    rabbitmq) find_cmd rabbitmq-server >/dev/null ;;
    rabbitmqctl) find_cmd rabbitmqctl >/dev/null ;;
    postgres) find_cmd pg_ctlcluster >/dev/null && compgen -G '/etc/postgresql/*/main' >/dev/null ;;
    redis) find_cmd redis-server >/dev/null ;;
    python3-venv) python3 -c 'import ensurepip, venv' >/dev/null 2>&1 ;;
    nginx-lua) [ -f /usr/share/nginx/modules/ngx_http_lua_module.so ] && [ -f /usr/share/lua/5.1/nginx/redis.lua ] ;;
    chromium) find_cmd chromium >/dev/null && compgen -G '/usr/share/fonts/opentype/noto/NotoSansCJK*' >/dev/null ;;
    *) find_cmd "$1" >/dev/null ;;
  esac
}
is_server() { case "$1" in rabbitmq|postgres|redis) return 0 ;; *) return 1 ;; esac; }

to_install=() to_start=() missing_required=() missing_optional=()
add_unique() {  # add_unique ARRAY VALUE
  local -n list="$1"; local v
  for v in "${list[@]}"; do [ "$v" = "$2" ] && return 0; done
  list+=("$2")
}

examine() {  # examine NEED KIND(required|optional)
  local need="$1" kind="$2" host port
  if is_server "$need"; then
    read -r host port < <(server_of "$need")
    if answers "$host" "$port"; then
      if [ "$need" = rabbitmq ] && ! speaks_amqp "$host" "$port"; then
        err "error: the RabbitMQ of AMQP_URL accepts connections at $host:$port but does not answer AMQP."
        err "       A node that stopped answering: restart it (sudo systemctl restart rabbitmq-server, or"
        err "       rabbitmqctl stop and rabbitmq-server -detached); its log is in /var/log/rabbitmq/."
        exit 1
      fi
      log "$need answers at $host:$port"; return 0
    fi
    if ! is_local "$host"; then
      err "error: no $need server answers at $host:$port, and it is not on this machine, so it cannot be started here."
      err "       Start it there, or point the URL at one that answers."
      exit 1
    fi
    if installed "$need"; then add_unique to_start "$need"; return 0; fi
  elif installed "$need"; then
    return 0
  fi
  local package; for package in $(package_of "$need"); do add_unique to_install "$package"; done
  is_server "$need" && add_unique to_start "$need"
  if [ "$kind" = required ]; then add_unique missing_required "$need"; else add_unique missing_optional "$need"; fi
}

for need in "${required[@]}"; do examine "$need" required; done
for need in "${optional[@]}"; do examine "$need" optional; done
[ ${#to_install[@]} -eq 0 ] && [ ${#to_start[@]} -eq 0 ] && exit 0

# --- deciding who may act -------------------------------------------------------------------------

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  as_root=(none)
fi
if [ "${as_root[0]:-}" = none ] || { [ ${#to_install[@]} -gt 0 ] && ! command -v apt-get >/dev/null 2>&1; }; then
  rerun=()
  for var in AMQP_URL DATABASE_URL REDIS_URL; do
    if [ -n "${!var:-}" ]; then rerun+=("$var=$(printf '%q' "${!var}")"); fi
  done
  rerun+=("$(printf '%q' "$self")" "${required[@]}")
  if [ ${#optional[@]} -gt 0 ]; then rerun+=(--optional "${optional[@]}"); fi
  if command -v sudo >/dev/null 2>&1; then
    rerun=(sudo "${rerun[@]}")
  else  # a minimal Debian has no sudo
    rerun=(su root -c "'${rerun[*]}'")
  fi
  what=""
  [ ${#to_install[@]} -gt 0 ] && what="install ${to_install[*]}"
  [ ${#to_start[@]} -gt 0 ] && what="${what:+$what and }start ${to_start[*]}"
  if [ ${#missing_required[@]} -eq 0 ] && [ ${#to_start[@]} -eq 0 ]; then
    err "warning: ${missing_optional[*]} missing; the tests that use it will be skipped. To $what, run:"
    err "    ${rerun[*]}"
    exit 0
  fi
  if ! command -v apt-get >/dev/null 2>&1 && [ ${#to_install[@]} -gt 0 ]; then
    err "error: this machine lacks ${to_install[*]} and has no apt-get to install them; install them with its package manager."
    exit 1
  fi
  err "error: this needs root to $what. Run this once, then your command (make run, make test, ...) again:"
  err "    ${rerun[*]}"
  if [ ${#to_install[@]} -gt 0 ]; then
    err "(it runs: apt-get update && apt-get install -y --no-install-recommends ${to_install[*]}, then starts the servers;"
    err " see the top of deploy/scripts/ensure-servers.sh)"
  fi
  exit 1
fi

# --- installing --------------------------------------------------------------------------------------

installed_here=()
if [ ${#to_install[@]} -gt 0 ]; then
  log "installing ${to_install[*]} (Debian packages)"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${to_install[@]}" >/dev/null
  installed_here=("${to_install[@]}")
fi

was_installed_here() { local p; for p in "${installed_here[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }

# --- starting ----------------------------------------------------------------------------------------

systemd_runs() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; }

wait_until_answers() {  # wait_until_answers NEED HOST PORT
  local deadline=$((SECONDS + wait_s))
  until answers "$2" "$3"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      err "error: $1 was started but $2:$3 does not answer after ${wait_s}s; look at its logs under /var/log/."
      exit 1
    fi
    sleep 1
  done
  log "$1 answers at $2:$3"
}

start_postgres() {
  local version
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  if was_installed_here postgresql; then
    local conf="/etc/postgresql/$version/main"
    # The tests connect as postgres without a password over TCP (servicekit.testing's default).
    # Only on a PostgreSQL this script has just installed: never weaken one someone configured.
    "${as_root[@]}" sed -i "1i host all postgres 127.0.0.1/32 trust  # estatedesk ensure-servers.sh: tests\\
host all postgres ::1/128 trust  # estatedesk ensure-servers.sh: tests" "$conf/pg_hba.conf"
    if [ "$pg_port" != 5432 ]; then
      "${as_root[@]}" sed -i "s/^port = .*/port = $pg_port/" "$conf/postgresql.conf"
    fi
    log "PostgreSQL $version: trust for user postgres on 127.0.0.1 and ::1 (pg_hba.conf), port $pg_port"
    # The package may have started the cluster already: reload it to take the new rules, or restart for the port.
    if systemd_runs; then
      "${as_root[@]}" systemctl restart "postgresql@$version-main" || true
    else
      "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main restart >/dev/null 2>&1 || true
    fi
  fi
  answers "$pg_host" "$pg_port" && return 0
  log "starting PostgreSQL $version"
  if systemd_runs; then
    "${as_root[@]}" systemctl start "postgresql@$version-main"
  else
    "${as_root[@]}" pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
}

start_rabbitmq() {
  local server ctl
  server="$(find_cmd rabbitmq-server)"; ctl="$(find_cmd rabbitmqctl || echo rabbitmqctl)"
  # A node that runs is booting, restarting its application, or listening elsewhere: wait for it
  # rather than start a second one, and say where to look if it never answers.
  if ! was_installed_here rabbitmq-server && "${as_root[@]}" timeout 20 "$ctl" -q status >/dev/null 2>&1; then
    log "a local RabbitMQ node runs; waiting up to ${wait_s}s for it to answer at $amqp_host:$amqp_port"
    local deadline=$((SECONDS + wait_s))
    until answers "$amqp_host" "$amqp_port"; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        err "error: a local RabbitMQ node runs but does not answer at $amqp_host:$amqp_port (from AMQP_URL)."
        err "Its listeners:  sudo rabbitmq-diagnostics listeners   - set AMQP_URL to one of them."
        exit 1
      fi
      sleep 1
    done
    return 0
  fi
  answers "$amqp_host" "$amqp_port" && return 0
  log "starting RabbitMQ"
  if systemd_runs && [ "$amqp_port" = 5672 ]; then
    "${as_root[@]}" systemctl start rabbitmq-server
  else
    "${as_root[@]}" env RABBITMQ_NODE_PORT="$amqp_port" "$server" -detached
  fi
  # Returns once the node has booted (its listeners are then open); the port is checked after.
  "${as_root[@]}" timeout "$wait_s" "$ctl" await_startup >/dev/null 2>&1 || true
}

start_redis() {
  answers "$redis_host" "$redis_port" && return 0
  log "starting Redis"
  if systemd_runs && [ "$redis_port" = 6379 ]; then
    "${as_root[@]}" systemctl start redis-server
  else
    "${as_root[@]}" mkdir -p /var/lib/redis /var/log/redis
    "${as_root[@]}" "$(find_cmd redis-server)" --daemonize yes --bind 127.0.0.1 -::1 --port "$redis_port" \
      --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/estatedesk.log
  fi
}

for need in "${to_start[@]}"; do
  read -r host port < <(server_of "$need")
  case "$need" in
    postgres) start_postgres ;;
    rabbitmq) start_rabbitmq ;;
    redis) start_redis ;;
  esac
  wait_until_answers "$need" "$host" "$port"
done
