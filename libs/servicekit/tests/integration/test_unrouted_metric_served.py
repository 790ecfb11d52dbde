"""The web's /metrics serves servicekit_unrouted_events (the wiring of servicekit.unrouted)."""

from __future__ import annotations

import pika

from owners.service import SERVICE
from servicekit.auth import TokenVerifier
from servicekit.tokens import generate_keypair
from servicekit.topology import setup_topology
from servicekit.webapp import create_service_app


def test_metrics_show_how_many_events_went_unrouted(amqp_vhost_url, tmp_path, monkeypatch) -> None:
    setup_topology(amqp_vhost_url, SERVICE.topology)
    channel = pika.BlockingConnection(pika.URLParameters(amqp_vhost_url)).channel()
    channel.confirm_delivery()
    for _ in range(2):
        channel.basic_publish(SERVICE.topology.exchange, "owners.thing.nobody_binds.v1", b"{}", mandatory=True)
    monkeypatch.setenv("OWNERS_DATABASE_URL", f"sqlite:///{tmp_path / 'o.sqlite3'}")
    monkeypatch.setenv("AMQP_URL", amqp_vhost_url)
    _private, public = generate_keypair()
    app = create_service_app(SERVICE, verifier=TokenVerifier(public, issuer="x", audience="y", roles=SERVICE.roles))
    body = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'servicekit_unrouted_events{service="owners"} 2.0' in body
