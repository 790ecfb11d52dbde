"""The gateway's own settings, beside those every service has (servicekit.settings): each field is
read from ``GATEWAY_<FIELD NAME IN CAPITALS>`` (``GATEWAY_ACCESS_TOKEN_SECONDS``).

The issuer and audience of its tokens default to ``JWT_ISSUER`` and ``JWT_AUDIENCE``, the variables
every service's verifier reads, so the two sides cannot drift apart. The one default that would be
dangerous deployed, the passphrase its private keys are stored under, is refused outside
development (:meth:`Settings.require_own_secrets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from gateway.domain.lockout import Lockout
from servicekit.config import env_int, env_str
from servicekit.settings import ServiceSettings, env_prefix, require_own_secret, setting

# The passphrase of `make run` and the tests, written in this repository: anyone can read it, so it
# protects the private keys of a development machine only.
DEVELOPMENT_KEYS_PASSPHRASE = "estatedesk-local-keys"


@dataclass(frozen=True)
class Settings(ServiceSettings):
    # The claims every service checks (servicekit.auth.TokenVerifier.from_env reads the same variables).
    issuer: str = setting("estatedesk-gateway", default_from=lambda: env_str("JWT_ISSUER", "estatedesk-gateway"))
    audience: str = setting("estatedesk", default_from=lambda: env_str("JWT_AUDIENCE", "estatedesk"))
    # How long an access token lives: short, since a service cannot ask whether it was revoked.
    access_token_seconds: int = setting(900, minimum=60)
    # A new key is published this long before it signs anything, so that every service has fetched
    # it before the first token it signs arrives (longer than the services' JWT_JWKS_MAX_AGE_SECONDS
    # would mean no service ever needs its on-demand fetch; longer than their minimum refresh
    # interval is what no refused request needs).
    key_publish_seconds: float = setting(60.0, minimum=0)
    # How long a refresh token lives unused (each refresh issues the next one of its family).
    refresh_token_seconds: int = setting(14 * 24 * 3600, minimum=60)
    # Lockout (gateway.domain.lockout): this many failed sign-ins are free, then the account is locked
    # for lockout_first_seconds, doubled with each further failure, at most lockout_longest_seconds.
    lockout_after: int = setting(5, minimum=1)
    lockout_first_seconds: float = setting(30.0, minimum=1)
    lockout_longest_seconds: float = setting(3600.0, minimum=1)
    # Owners' sign-in by one-time code (gateway.owner_sign_in): sent through notify's POST messages
    # at notify_url; a code lives code_seconds and takes code_tries wrong tries; one mobile may ask for
    # codes_per_mobile, and one client address for codes_per_address, within code_window_seconds.
    notify_url: str = setting("http://127.0.0.1:8003",
                              default_from=lambda: f"http://127.0.0.1:{env_int('NOTIFY_PORT', 8003, minimum=1)}")
    notify_timeout_seconds: float = setting(5.0, minimum=0.1)
    code_seconds: int = setting(300, minimum=30)
    code_tries: int = setting(5, minimum=1)
    codes_per_mobile: int = setting(5, minimum=1)
    codes_per_address: int = setting(20, minimum=1)
    code_window_seconds: float = setting(3600.0, minimum=1)
    # The front door (gateway.edge): where nginx listens, the origins CORS allows (comma-separated),
    # each caller's rate (their token, else their address) and burst, and the upstreams' timeouts.
    edge_host: str = "127.0.0.1"
    edge_port: int = setting(8000, minimum=1)
    edge_cors_origins: str = ""
    edge_rate_per_second: int = setting(50, minimum=1)
    edge_burst: int = setting(100, minimum=0)
    edge_connect_timeout_seconds: float = setting(2.0, minimum=0.1)
    edge_read_timeout_seconds: float = setting(60.0, minimum=1)
    edge_workers: int = setting(1, minimum=1)
    # Where every replica of the front door counts each caller (redis://host:port/db, or a Unix socket
    # unix:///path/redis.sock?db=N; shared: one limit per caller however many replicas); empty: each
    # nginx counts alone (gateway.edge.rate_limit).
    edge_rate_store: str = ""
    # Where each service answers, "owners=10.0.0.5:8001,tickets=..."; a service not named here is
    # reached at 127.0.0.1:<SERVICE>_PORT (its default port without one).
    edge_upstreams: str = ""
    # The overview (gateway.overview) asks the services at once; one that has not answered within this
    # is named in the answer's `partial` instead.
    overview_timeout_seconds: float = setting(2.0, minimum=0.05)
    # An estate's dashboard is kept this long (a wall screen refreshing every few seconds).
    overview_keep_seconds: float = setting(5.0, minimum=0)
    # Threads of each gunicorn worker (gthread, gateway.gunicorn_conf). One is always kept free of
    # calls to services: the owners' pages take at most web_threads - 1 at once (gateway.pages.backends),
    # so the JWKS a called service fetches from this gateway is served while a page waits.
    web_threads: int = setting(8, minimum=2)
    # The passphrase the private keys are encrypted under in the gateway's database.
    keys_passphrase: str = DEVELOPMENT_KEYS_PASSPHRASE
    # "development" (`make run`, the tests) may keep the repository's passphrase; "production", the
    # default, is any deployment: its web does not start without one of its own.
    environment: str = "production"

    def upstreams(self, ports: dict[str, int]) -> dict[str, str]:
        """Where the front door finds each service of ``ports`` (service -> default port)."""
        named = dict(part.strip().split("=", 1) for part in self.edge_upstreams.split(",") if "=" in part)
        found = {s: f"127.0.0.1:{env_int(f'{env_prefix(s)}_PORT', port, minimum=1)}" for s, port in ports.items()}
        found["gateway"] = f"127.0.0.1:{self.port}" if "gateway" in ports else found.get("gateway", "")
        return {s: named.get(s, address).strip() for s, address in found.items() if address}

    @property
    def lockout(self) -> Lockout:
        return Lockout(free_failures=self.lockout_after, first_lock=timedelta(seconds=self.lockout_first_seconds),
                       longest_lock=timedelta(seconds=self.lockout_longest_seconds))

    def require_own_secrets(self) -> None:
        """Stop a deployment that would keep its signing keys under the repository's passphrase (or
        a short one): whoever read the database could then sign tokens for any role and estate."""
        require_own_secret("gateway", self.environment, "keys_passphrase", self.keys_passphrase,
                           DEVELOPMENT_KEYS_PASSPHRASE, what="passphrase")
