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

Leases. Asking Redis on every request costs the door as much CPU as proxying the request (see
bench/front_door.py), so a replica takes a *busy* caller's slots in batches: one Redis call asks for
k of them at once, and Redis grants as many as the GCRA lets through now (moving the TAT by each one
granted: a slot is counted in the shared limit when it is leased, not when it is used); the replica
hands the rest out from its shared memory (``lua_shared_dict``), asking Redis again only when they
are spent (one lease at a time per caller and replica: a request that finds a lease being asked for
waits for it, up to ``LEASE_WAITS`` ms, then asks for its own slot only). k follows the caller's
rate at this replica (the slots of its last lease over the time they lasted, times
``Edge.rate_lease_seconds``, 0.1 s: a lease is about a tenth of a second of the caller's requests)
and the limit (at most a tenth of ``1 + burst``, at most 100): a caller making fewer than 2 /
``rate_lease_seconds`` requests a second at a replica (20 a second by default), or any caller of a
limit whose burst is under 19, gets k = 1 and is counted exactly as before. The precision given up,
for a busy caller only:

* never more than the limit over time, since every slot is counted in Redis when leased; but a slot
  leased and not yet used is spent later than counted, so at one moment a caller may get up to
  ``replicas × (k − 1)`` requests beyond ``1 + burst`` (what the replicas still hold), and
* refused early by as many: slots a replica holds are not another replica's, so a caller whose
  requests move to another replica is refused there while the first still holds some (for at most
  ``LEASE_KEPT`` lease windows, 1 s by default, after which unused slots are dropped, never given
  back).

A refusal is remembered by the replica until the wait Redis named has passed (the TAT only moves
on, so the wait can only grow): a refused caller's flood is answered without asking Redis again,
with the same ``Retry-After``.

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
LEASE_KEPT = 10  # a replica keeps slots it leased and has not handed out for this many lease windows
LEASE_MAX = 100  # slots in one lease at most (and at most a tenth of 1 + burst)
LEASE_WAITS = 5  # ms a request waits for a lease another request of its caller is asking for
RATE_MEMORY = 10  # seconds a replica remembers a caller's last lease (to size the next)

# KEYS[1]: the caller's key; ARGV: the interval and the tolerance (burst intervals), microseconds, and
# the slots asked for (k >= 1). Grants as many of them as the GCRA lets through now, moving the TAT one
# interval for each; answers how many (> 0), or minus the microseconds to wait for the next (< 0).
GCRA = """\
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval, tolerance, asked = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
if tat - now > tolerance then return now + tolerance - tat end
local granted = math.min(asked, math.floor((now + tolerance - tat) / interval) + 1)
local next_tat = tat + granted * interval
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return granted
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


def lease_most(edge: Edge) -> int:
    """The most slots one lease takes: a tenth of ``1 + burst`` (at most ``LEASE_MAX``); 1, every
    request asks Redis, when leases are off (``Edge.rate_lease_seconds`` 0) or the burst is small."""
    if edge.rate_lease_seconds <= 0:
        return 1
    return max(1, min(LEASE_MAX, (1 + edge.burst) // 10))


def script(edge: Edge) -> str:
    """The Lua that nginx runs in each proxying location's access phase."""
    host, port, database, password = store_address(edge.rate_store or "")
    shown = f"redis://{host}:{port}" if port else host
    interval = round(1_000_000 / per_second(edge.rate))
    tolerance = interval * edge.burst
    sha = hashlib.sha1(GCRA.encode()).hexdigest()
    return f"""-- Rendered by gateway.edge.rate_limit: every replica counts each caller in one Redis (GCRA),
-- a busy caller's slots leased in batches and handed out from this replica's shared memory.
local redis = require "nginx.redis"
local HOST, PORT = {_lua(host)}, {port or "nil"}  -- PORT nil: HOST is unix:/path of a socket
local DATABASE, PASSWORD = {database}, {_lua(password) if password else "nil"}
local STORE = {_lua(shown)}  -- as the error log names it (without a password)
local INTERVAL, TOLERANCE = {interval}, {tolerance}
local LEASE_SECONDS, LEASE_MOST, LEASE_TTL, RATE_MEMORY = {edge.rate_lease_seconds:g}, {lease_most(edge)}, \
{LEASE_KEPT * edge.rate_lease_seconds:g}, {RATE_MEMORY}
local LEASE_WAITS = {LEASE_WAITS}  -- times a request waits 1 ms for another's lease before asking alone
local PREFIX = {_lua(edge.rate_prefix or f"edge:{edge.port}:rate:")}
local GCRA, SHA = {_lua(GCRA)}, "{sha}"

local dict = ngx.shared.{FALLBACK_DICT}
local caller = ngx.var.http_authorization
if caller == nil or caller == "" then caller = ngx.var.binary_remote_addr end
local key = PREFIX .. ngx.md5(caller)
local held_key = "l:" .. key  -- slots leased from Redis, not handed out yet

local held = dict:incr(held_key, -1)  -- the common way: no function made, no Redis
if held then
  if held >= 0 then return end  -- a leased slot: counted in Redis already
  dict:incr(held_key, 1)  -- none left
end

local function take_held()  -- the same, while waiting for another request's lease
  held = dict:incr(held_key, -1)
  if not held then return false end
  if held >= 0 then return true end
  dict:incr(held_key, 1)
  return false
end
local refused_key = "w:" .. key  -- refused until (ngx.now()), as Redis said
local lease_key = "s:" .. key  -- when the last lease was taken; its slots in the flags

local function refuse(wait)  -- microseconds
  ngx.var.edge_retry_after = math.max(1, math.ceil(wait / 1000000))
  return ngx.exit(429)
end

local now = ngx.now()
local refused_until = dict:get(refused_key)
if refused_until and refused_until > now then return refuse((refused_until - now) * 1000000) end

local function lease_size()  -- the caller's slots over about LEASE_SECONDS, at this replica
  if LEASE_MOST <= 1 then return 1 end
  local last, slots = dict:get(lease_key)
  if not last then return 1 end
  local k = math.floor((slots or 1) / math.max(now - last, 0.001) * LEASE_SECONDS)
  if k < 1 then return 1 end
  if k > LEASE_MOST then return LEASE_MOST end
  return k
end

local function shared(asked)
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
  local answer
  answer, err = r:evalsha(SHA, 1, key, INTERVAL, TOLERANCE, asked)
  if not answer and err and err:find("NOSCRIPT", 1, true) then
    answer, err = r:eval(GCRA, 1, key, INTERVAL, TOLERANCE, asked)
  end
  if not answer then return nil, err end
  r:set_keepalive(60000, 64)
  return tonumber(answer)
end

local function alone()
  local tat = dict:get(key) or now * 1000000
  local at = now * 1000000
  if tat < at then tat = at end
  if tat - at > TOLERANCE then return at + TOLERANCE - tat end
  dict:set(key, tat + INTERVAL, math.ceil((tat + INTERVAL - at) / 1000000) + 1)
  return 1
end

local asked = lease_size()
local asking_key = "a:" .. key  -- one lease at a time per caller: the others wait for it a little
if asked > 1 then
  local waited = 0
  while not dict:add(asking_key, true, 1) do
    if waited >= LEASE_WAITS then asked = 1 break end  -- still asking: this request asks for its own slot
    ngx.sleep(0.001)
    waited = waited + 1
    if take_held() then return end
  end
end
local answer, err = shared(asked)
if asked > 1 then dict:delete(asking_key) end
if answer == nil then
  ngx.log(ngx.ERR, "the rate store ", STORE, " cannot be reached (", err,
          "): this front door counts its callers alone")
  answer = alone()
elseif answer > 0 then
  dict:set(lease_key, now, RATE_MEMORY, answer)
  if answer > 1 then
    dict:incr(held_key, answer - 1, 0)
    dict:expire(held_key, LEASE_TTL)
  end
else
  dict:set(refused_key, now - answer / 1000000, math.max(-answer / 1000000, 0.001))
end
if answer <= 0 then return refuse(-answer) end
"""
