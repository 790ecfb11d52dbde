"""Issue 16: webhook endpoints never reach into notify's own network (notify.webhooks.addresses):
private, loopback, link-local and credentialed URLs are refused unless the operator allows the host,
and at send time the address a name resolves to is checked before any connection is made."""

import socket

import pytest

from notify.providers.webhooks import CheckedBackend
from notify.webhooks.addresses import RefusedAddress, allowed_hosts, checked_addresses, refusal

REFUSED = [
    "http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:8080/in", "http://127.1/", "http://2130706433/",
    "http://0x7f.1/", "http://0177.0.0.1/", "http://[::1]/", "http://[::ffff:169.254.169.254]/", "http://0.0.0.0/",
    "http://10.0.0.5/hooks", "http://192.168.1.10/", "http://172.16.0.1/", "http://100.64.0.1/", "http://[fe80::1]/",
    "http://[fd00::1]/", "http://224.0.0.1/", "http://localhost:8093/", "http://api.localhost/", "http://LOCALHOST./",
    "https://user:secret@billing.example.com/hooks", "https://token@billing.example.com/hooks",
]


@pytest.mark.parametrize("url", REFUSED)
def test_internal_and_credentialed_urls_are_refused(url):
    assert refusal(url, frozenset()) is not None


@pytest.mark.parametrize("url", ["https://billing.example.com/hooks", "http://dw:8080/in", "https://8.8.8.8/x",
                                 "https://billing.local/hooks", "https://[2001:4860:4860::8888]/"])
def test_public_addresses_and_names_are_taken(url):
    assert refusal(url, frozenset()) is None


def test_an_operator_allows_an_internal_host_explicitly_but_never_credentials():
    allowed = allowed_hosts(" 10.0.0.5, Billing.Internal ,")
    assert allowed == {"10.0.0.5", "billing.internal"}
    assert refusal("http://10.0.0.5/hooks", allowed) is None
    assert refusal("http://billing.internal./hooks", allowed) is None
    assert refusal("http://10.0.0.6/hooks", allowed) is not None
    assert refusal("http://user:pw@10.0.0.5/hooks", allowed) is not None


def test_every_resolved_address_is_checked():
    assert checked_addresses("hooks.example.com", ["93.184.216.34"], frozenset()) == ["93.184.216.34"]
    with pytest.raises(RefusedAddress, match="127.0.0.1"):
        checked_addresses("rebound.example.com", ["93.184.216.34", "127.0.0.1"], frozenset())
    with pytest.raises(RefusedAddress):
        checked_addresses("v6.example.com", ["::ffff:10.0.0.1"], frozenset())
    assert checked_addresses("dw", ["10.0.0.7"], frozenset({"dw"})) == ["10.0.0.7"]


def test_the_sender_connects_to_no_address_it_did_not_check():
    """A name that resolves to the metadata address is refused before a socket is opened."""
    def resolve(host, port, type=0):  # noqa: A002  (getaddrinfo's own name)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]

    with pytest.raises(RefusedAddress, match="169.254.169.254"):
        CheckedBackend(frozenset(), resolve).connect_tcp("hooks.example.com", 80)
