"""The front door's nginx configuration, rendered from the route table (nothing runs here; the real
nginx in front of real services is tests/edge/test_front_door.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.edge import nginx, rate_limit
from gateway.edge.route_table import ROOT_PATHS, ROOT_PREFIXES, ROUTES

VAR = Path("/srv/edge")


def test_every_route_and_root_path_is_proxied_to_its_service_with_every_header_passed_on():
    text = nginx.render(nginx.Edge(upstreams={"owners": "10.0.0.5:8001"}), VAR)
    for route in ROUTES:
        block = text.split(f"location {route.prefix} {{", 1)[1].split("}", 2)
        body = block[0] + block[1]
        assert f"proxy_pass http://svc_{route.service}/;" in body
        assert all(line in body for line in nginx.proxy_headers(route.prefix.rstrip("/")))
        assert f"location = {route.prefix}metrics" in text
    for path in ROOT_PATHS:
        assert f"location = {path} {{" in text
    for prefix, (service, _max_body) in ROOT_PREFIXES.items():  # passed on whole: no URI after the upstream
        block = text.split(f"location {prefix} {{", 1)[1].split("}", 2)
        assert f"proxy_pass http://svc_{service};" in block[0] + block[1]
    assert "server 10.0.0.5:8001 max_fails=0;" in text  # a named upstream
    assert "server 127.0.0.1:8002 max_fails=0;" in text  # the default: the service's own port


def test_body_limits_and_rates_come_from_the_table_and_the_settings():
    text = nginx.render(nginx.Edge(rate="7r/s", burst=9), VAR)
    assert "client_max_body_size 11m;" in text and "client_max_body_size 32m;" in text
    assert "rate=7r/s;" in text and "burst=9 nodelay;" in text


@pytest.mark.parametrize(("rate", "retry_after"), [("50r/s", 1), ("7r/m", 9), ("1r/m", 60)])
def test_a_door_counting_alone_tells_a_refused_caller_to_wait_one_interval(rate, retry_after):
    text = nginx.render(nginx.Edge(rate=rate), VAR)
    assert f"add_header Retry-After {retry_after} always;" in text


def test_an_origin_is_written_as_one_quoted_string_whatever_it_holds():
    text = nginx.render(nginx.Edge(cors_origins=("https://a.example.com", "https://b'; evil")), VAR)
    assert "'https://a.example.com' $http_origin;" in text
    assert "'https://b\\'; evil' $http_origin;" in text


def test_every_problem_the_door_answers_is_json_in_both_languages():
    text = nginx.render(nginx.Edge(), VAR)
    for kind, (status, _texts) in nginx.PROBLEMS.items():
        assert f"return {status} $edge_problem_{kind};" in text
    assert len(re.findall(r"default_type application/problem\+json;", text)) == len(nginx.PROBLEMS)
    assert "服务不可用" in text and "Service Unavailable" in text


def test_with_a_rate_store_every_proxying_location_counts_in_it_and_nginx_counts_nothing_alone(tmp_path):
    edge = nginx.Edge(rate="30r/m", burst=4, rate_store="redis://:s3cret@10.0.0.9:6380/2", port=8123)
    text = nginx.render(edge, VAR)
    assert "limit_req" not in text
    assert f"load_module {rate_limit.DEBIAN_MODULES}/ngx_http_lua_module.so;" in text
    proxying = text.count("proxy_pass ")
    assert text.count(f"access_by_lua_file {VAR / rate_limit.SCRIPT};") == proxying == (
        len(ROUTES) + len(ROOT_PATHS) + len(ROOT_PREFIXES))
    assert "add_header Retry-After $edge_retry_after always;" in text
    nginx.write(edge, tmp_path)
    script = (tmp_path / rate_limit.SCRIPT).read_text()
    assert "HOST, PORT = [=[10.0.0.9]=], 6380" in script and "DATABASE, PASSWORD = 2, [=[s3cret]=]" in script
    assert "INTERVAL, TOLERANCE = 2000000, 8000000" in script  # 30 a minute: one each 2 s, a burst of 4
    assert "[=[edge:8123:rate:]=]" in script


def test_a_rate_store_on_a_unix_socket_is_reached_there_with_its_database_and_password(tmp_path):
    edge = nginx.Edge(rate_store="unix:///run/redis/redis.sock?db=3&password=s3cret", port=8123)
    assert rate_limit.store_address(edge.rate_store) == ("unix:/run/redis/redis.sock", None, 3, "s3cret")
    nginx.write(edge, tmp_path)
    script = (tmp_path / rate_limit.SCRIPT).read_text()
    assert "HOST, PORT = [=[unix:/run/redis/redis.sock]=], nil" in script
    assert "DATABASE, PASSWORD = 3, [=[s3cret]=]" in script
    assert "r:connect(HOST)" in script  # a socket: no port
    assert "s3cret" not in script.split("local STORE = ", 1)[1].split("\n", 1)[0]  # the log names no password


@pytest.mark.parametrize("store", ["http://10.0.0.9:6379", "redis://", "redis://host/zero", "unix://relative.sock",
                                   "unix:///run/redis.sock?db=zero"])
def test_a_rate_store_that_is_not_a_redis_url_is_refused(store):
    with pytest.raises(ValueError, match="redis"):
        rate_limit.script(nginx.Edge(rate_store=store))


@pytest.mark.parametrize(("rate", "per_second"), [("50r/s", 50), ("30r/m", 0.5)])
def test_rates_are_read_as_nginx_writes_them(rate, per_second):
    assert rate_limit.per_second(rate) == per_second


@pytest.mark.parametrize(("burst", "lease_seconds", "most"), [(100, 0.1, 10), (18, 0.1, 1), (19, 0.1, 2),
                                                              (100_000, 0.1, 100), (100, 0, 1)])
def test_a_lease_takes_a_tenth_of_the_burst_at_most_and_none_when_leases_are_off(tmp_path, burst, lease_seconds,
                                                                                  most):
    """A busy caller's lease is at most a tenth of 1 + burst (and 100): a small burst is counted exactly,
    request by request, as is every caller when leases are off; leased slots are kept 10 lease windows."""
    edge = nginx.Edge(rate="50r/s", burst=burst, rate_store="redis://127.0.0.1:6379/0",
                      rate_lease_seconds=lease_seconds)
    assert rate_limit.lease_most(edge) == most
    nginx.write(edge, tmp_path)
    script = (tmp_path / rate_limit.SCRIPT).read_text()
    assert (f"LEASE_SECONDS, LEASE_MOST, LEASE_TTL, RATE_MEMORY = {lease_seconds:g}, {most}, "
            f"{10 * lease_seconds:g}, 10") in script
    assert "r:evalsha(SHA, 1, key, INTERVAL, TOLERANCE, asked)" in script
