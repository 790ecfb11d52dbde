"""Per-caller rate limits shared by every replica of the front door: counted in one Redis, from nginx.

nginx's own ``limit_req`` counts in each nginx's memory, so N replicas let a caller through N times
the limit. Here each replica asks the one Redis instead, from Lua inside nginx (Debian's
``libnginx-mod-http-lua`` with its ``lua-nginx-redis`` client; routing and limiting stay the
proxy's work, no Python on the request path). The rule is the generic cell rate algorithm (GCRA),
the rule ``limit_req`` follows too: each caller has a "theoretical arrival time" (TAT); a request is
let through when the TAT is at most ``burst`` intervals ahead of now, and moves it one interval on.
So a caller gets ``1 + burst`` requests at once, then one per interval; a refused request is told to
wait until its turn (``Retry-After``, whole seconds, at least 1). The check-and-move is one Redis
script (atomic, whichever replica asks), timed by Redis's own clock (the replicas' clocks may
differ); the key expires once the TAT has passed.

When Redis cannot be reached, the replica counts in its own shared memory by the same rule (so a
caller is never unlimited, only limited per replica for the while) and logs an error naming the
store for each such request: it does not fail silently, and it does not refuse everyone.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:  # pragma: no cover
    from gateway.edge.nginx import Edge

DEBIAN_MODULES = "/usr/share/nginx/modules"
MODULES = ("ndk_http_module.so", "ngx_http_lua_module.so")  # Debian: libnginx-mod-http-ndk, -lua
LUA_PATH = "/usr/share/lua/5.1/?.lua;;"  # Debian's lua-nginx-redis: require "nginx.redis"
FALLBACK_DICT = "edge_rates"
SCRIPT = "rate_limit.lua"

# KEYS[1]: the caller's key; ARGV: the interval and the tolerance (burst intervals), microseconds.
# Answers 0 (let through; the TAT moved on) or the microseconds to wait.
GCRA = """\
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, tolerance = tonumber(ARGV[1]), tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
if tat - now > tolerance then return tat - now - tolerance end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return 0
"""


def per_second(rate: str) -> float:
    """nginx's rate ("50r/s", "30r/m") as requests per second."""
    found = re.fullmatch(r"(\d+)r/([sm])", rate.strip())
    if not found or int(found.group(1)) < 1:
        raise ValueError(f"a rate is like 50r/s or 30r/m, not {rate!r}")
    return int(found.group(1)) / (1 if found.group(2) == "s" else 60)


def store_address(url: str) -> tuple[str, int | None, int, str | None]:
    """Where the rate store answers, its database and password, from its URL: ``redis://[:password@]
    host[:port][/db]`` (TCP; the port 6379 unless named), or ``unix:///path/to/redis.sock[?db=N]
    [&password=...]`` (a Unix socket, redis-py's form: no TCP on a machine the door shares with its
    Redis). Returns (host, port, database, password); for a socket (``unix:/path``, None, ...), as
    nginx's cosockets connect to it."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = parse_qs(parts.query)
        if not parts.path.startswith("/") or parts.netloc:
            raise ValueError(f"a rate store's socket is unix:///absolute/path (a redis socket), not {url!r}")
        database = (query.get("db") or ["0"])[0]
        if not database.isdigit():
            raise ValueError(f"the rate store's redis database is a number, not {database!r}")
        password = (query.get("password") or [None])[0]
        return f"unix:{parts.path}", None, int(database), password
    if parts.scheme != "redis" or not parts.hostname:
        raise ValueError(f"the rate store is a redis:// or unix:// URL of a redis, not {url!r}")
    database = parts.path.strip("/") or "0"
    if not database.isdigit():
        raise ValueError(f"the rate store's redis database is a number, not {database!r}")
    return parts.hostname, parts.port or 6379, int(database), unquote(parts.password) if parts.password else None


def _lua(text: str) -> str:
    """A Lua long string holding ``text`` (no closing bracket of its level inside)."""
    level = "="
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def script(edge: Edge) -> str:
    """The Lua that nginx runs in each proxying location's access phase."""
    host, port, database, password = store_address(edge.rate_store or "")
    shown = f"redis://{host}:{port}" if port else host
    interval = round(1_000_000 / per_second(edge.rate))
    tolerance = interval * edge.burst
    sha = hashlib.sha1(GCRA.encode()).hexdigest()
    return f"""-- Rendered by gateway.edge.rate_limit: every replica counts each caller in one Redis (GCRA).
local redis = require "nginx.redis"
local HOST, PORT = {_lua(host)}, {port or "nil"}  -- PORT nil: HOST is unix:/path of a socket
local DATABASE, PASSWORD = {database}, {_lua(password) if password else "nil"}
local STORE = {_lua(shown)}  -- as the error log names it (without a password)
local INTERVAL, TOLERANCE = {interval}, {tolerance}
local PREFIX = {_lua(edge.rate_prefix or f"edge:{edge.port}:rate:")}
local GCRA, SHA = {_lua(GCRA)}, "{sha}"

local caller = ngx.var.http_authorization
if caller == nil or caller == "" then caller = ngx.var.binary_remote_addr end
local key = PREFIX .. ngx.md5(caller)

local function shared()
  local r = redis:new()
  r:set_timeout(200)  -- connect, send and read alike (this client has no set_timeouts)
  local ok, err
  if PORT then ok, err = r:connect(HOST, PORT) else ok, err = r:connect(HOST) end
  if not ok then return nil, err end
  if r:get_reused_times() == 0 then
    if PASSWORD then
      ok, err = r:auth(PASSWORD)
      if not ok then return nil, err end
    end
    if DATABASE ~= 0 then
      ok, err = r:select(DATABASE)
      if not ok then return nil, err end
    end
  end
  local wait
  wait, err = r:evalsha(SHA, 1, key, INTERVAL, TOLERANCE)
  if not wait and err and err:find("NOSCRIPT", 1, true) then
    wait, err = r:eval(GCRA, 1, key, INTERVAL, TOLERANCE)
  end
  if not wait then return nil, err end
  r:set_keepalive(60000, 64)
  return tonumber(wait)
end

local function alone()
  local dict = ngx.shared.{FALLBACK_DICT}
  local now = ngx.now() * 1000000
  local tat = dict:get(key) or now
  if tat < now then tat = now end
  if tat - now > TOLERANCE then return tat - now - TOLERANCE end
  dict:set(key, tat + INTERVAL, math.ceil((tat + INTERVAL - now) / 1000000) + 1)
  return 0
end

local wait, err = shared()
if wait == nil then
  ngx.log(ngx.ERR, "the rate store ", STORE, " cannot be reached (", err,
          "): this front door counts its callers alone")
  wait = alone()
end
if wait > 0 then
  ngx.var.edge_retry_after = math.max(1, math.ceil(wait / 1000000))
  return ngx.exit(429)
end
"""
