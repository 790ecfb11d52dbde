"""Where a webhook may be sent: not into the network notify runs in (issue 16: endpoints to
169.254.169.254, 127.0.0.1 and URLs with credentials were accepted, a server-side request forgery
the moment the sender posts to them).

* **Credentials** in a URL (``https://user:pass@host``) are refused always: a read shows the URL to
  every manager of the estate, and the signing secret (``whsec_``) is how a receiver knows notify.
* **Private, loopback, link-local, reserved and multicast addresses** (anything
  :attr:`ipaddress.IPv4Address.is_global` is not, IPv4-mapped IPv6 as its IPv4, and ``localhost``)
  are refused, unless the operator allows the host explicitly: ``NOTIFY_WEBHOOK_ALLOWED_HOSTS``, a
  comma-separated list of host names or addresses (a company system on the internal network).
* **When the endpoint is written** only what the URL itself says is checked (an address written as
  a number in any of the forms the C library takes: ``127.1``, ``2130706433``, ``0x7f.1``): a name is
  not resolved there, since the API and the sender may resolve it differently and DNS answers change.
* **When a webhook is sent** the name is resolved and every address it resolves to is checked, and
  the connection is made to the address that was checked (``providers.webhooks``), so a name that
  resolves to a public address when checked and to 127.0.0.1 a moment later cannot get through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

from servicekit.errors import Invalid

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def allowed_hosts(setting: str) -> frozenset[str]:
    """``webhook_allowed_hosts`` as the set of host names and addresses it names (lower case)."""
    return frozenset(_plain(h) for h in setting.split(",") if h.strip())


def public(address: Address) -> bool:
    """Whether ``address`` is on the public internet: not private, loopback, link-local, reserved,
    shared (100.64/10), unspecified or multicast."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def literal(host: str) -> Address | None:
    """The address a URL's host names by itself, in any form the C library reads; None for a name."""
    host = _plain(host)
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))  # 127.1, 2130706433, 0x7f.1, 0177.0.0.1
    except OSError:
        return None


def refusal(url: str, allowed: frozenset[str]) -> str | None:
    """Why a webhook may not go to ``url`` as written; None when it may."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "a webhook URL carries no credentials (the signing secret is how a receiver knows notify)"
    host = _plain(parts.hostname or "")
    if not host:
        return "a webhook URL names a host"
    if host in allowed:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return "a webhook URL names a public host, not localhost"
    address = literal(host)
    if address is not None and not public(address):
        return "a webhook URL names a public address, not a private, loopback or link-local one"
    return None


def check_url(url: str, allowed: frozenset[str]) -> None:
    """:class:`Invalid` (422) for a URL :func:`refusal` refuses, saying how an operator allows a host."""
    reason = refusal(url, allowed)
    if reason is not None:
        raise Invalid(f"{reason}; an operator may allow an internal host with NOTIFY_WEBHOOK_ALLOWED_HOSTS",
                      "Webhook 地址不能含账号密码，也不能指向内网、本机或链路本地地址；"
                      "运营方可通过 NOTIFY_WEBHOOK_ALLOWED_HOSTS 明确允许内部主机",
                      errors={"url": [reason]})


def checked_addresses(host: str, resolved: Iterable[str], allowed: frozenset[str]) -> list[str]:
    """The addresses ``host`` resolved to, when the sender may connect to them: every one public, or
    the host allowed. :class:`RefusedAddress` otherwise, naming the first refused address."""
    addresses = list(dict.fromkeys(resolved))
    if _plain(host) in allowed:
        return addresses
    for text in addresses:
        if not public(ipaddress.ip_address(text.split("%", 1)[0])):
            raise RefusedAddress(f"{host} resolves to {text}, which is not a public address; an operator may "
                                 "allow the host with NOTIFY_WEBHOOK_ALLOWED_HOSTS")
    if not addresses:
        raise RefusedAddress(f"{host} resolves to no address")
    return addresses


class RefusedAddress(Exception):
    """The endpoint's host resolved to an address a webhook may not go to: a permanent failure."""


def _plain(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()
