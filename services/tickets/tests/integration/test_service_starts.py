"""The tickets service migrates on both databases and answers its health checks."""


def test_healthz_and_openapi(client) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/openapi.json").json["info"]["title"]
