"""A service's own settings are read from ``<SERVICE>_<FIELD>`` by the field's type, with the bounds
and computed defaults declared on the field."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from servicekit.config import ConfigError
from servicekit.settings import ServiceSettings, setting


@dataclass(frozen=True)
class Settings(ServiceSettings):
    storage: str = "local"
    timer_batch: int = setting(500, minimum=1)
    interval_seconds: float = setting(1.0, minimum=0)
    starttls: bool = False
    folder: str = setting("", default_from=lambda: "computed/folder")
    conflicts: str = setting("warn", choices=("warn", "refuse"))


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("STORAGE", "TIMER_BATCH", "INTERVAL_SECONDS", "STARTTLS", "FOLDER", "CONFLICTS", "PORT",
                 "MAX_BODY_BYTES", "TRUSTED_PROXIES"):
        monkeypatch.delenv(f"GUESTBOOK_{name}", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    return monkeypatch


def test_without_variables_each_field_has_its_default_and_a_computed_one_is_computed(clean) -> None:
    settings = Settings.from_env("guestbook", 8009)
    assert (settings.storage, settings.timer_batch, settings.interval_seconds, settings.starttls) == \
        ("local", 500, 1.0, False)
    assert settings.folder == "computed/folder"
    assert (settings.port, settings.database_url) == (8009, "sqlite://")


def test_each_field_is_read_from_the_prefix_and_its_name_in_capitals_by_its_type(clean) -> None:
    clean.setenv("GUESTBOOK_STORAGE", "s3")
    clean.setenv("GUESTBOOK_TIMER_BATCH", "20")
    clean.setenv("GUESTBOOK_INTERVAL_SECONDS", "0.25")
    clean.setenv("GUESTBOOK_STARTTLS", "yes")
    clean.setenv("GUESTBOOK_FOLDER", "/srv/files")
    settings = Settings.from_env("guestbook", 8009)
    assert (settings.storage, settings.timer_batch, settings.interval_seconds, settings.starttls, settings.folder) \
        == ("s3", 20, 0.25, True, "/srv/files")


@pytest.mark.parametrize(("name", "value", "says"), [
    ("GUESTBOOK_TIMER_BATCH", "0", "GUESTBOOK_TIMER_BATCH must be at least 1, got 0"),
    ("GUESTBOOK_TIMER_BATCH", "many", "GUESTBOOK_TIMER_BATCH must be an integer, got 'many'"),
    ("GUESTBOOK_INTERVAL_SECONDS", "-1", "GUESTBOOK_INTERVAL_SECONDS must be at least 0, got -1"),
    ("GUESTBOOK_INTERVAL_SECONDS", "soon", "GUESTBOOK_INTERVAL_SECONDS must be a number, got 'soon'"),
    ("GUESTBOOK_INTERVAL_SECONDS", "nan", "GUESTBOOK_INTERVAL_SECONDS must be a finite number, got 'nan'"),
    ("GUESTBOOK_STARTTLS", "perhaps", "GUESTBOOK_STARTTLS must be true or false, got 'perhaps'"),
    ("GUESTBOOK_CONFLICTS", "refused", "GUESTBOOK_CONFLICTS must be one of warn, refuse, got 'refused'"),
    ("GUESTBOOK_CONFLICTS", "Refuse", "GUESTBOOK_CONFLICTS must be one of warn, refuse, got 'Refuse'"),
])
def test_a_bad_value_stops_with_an_error_naming_the_variable(clean, name: str, value: str, says: str) -> None:
    clean.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        Settings.from_env("guestbook", 8009)
    assert str(error.value) == says


def test_a_field_that_cannot_be_read_from_the_environment_is_refused(clean) -> None:
    @dataclass(frozen=True)
    class Listed(ServiceSettings):
        hosts: tuple[str, ...] = ("a", "b")

    @dataclass(frozen=True)
    class Undefaulted(ServiceSettings):
        token: str

    with pytest.raises(TypeError, match=r"Listed.hosts: a setting is a str, int, float or bool"):
        Listed.from_env("guestbook", 8009)
    with pytest.raises(TypeError, match=r"Undefaulted.token: a setting needs a default"):
        Undefaulted.from_env("guestbook", 8009)


def test_settings_made_in_code_take_the_plain_default_of_a_computed_one() -> None:
    assert Settings.offline().folder == ""


def test_a_value_among_the_choices_is_taken_and_a_default_outside_them_is_a_mistake(clean) -> None:
    clean.setenv("GUESTBOOK_CONFLICTS", "refuse")
    assert Settings.from_env("guestbook", 8009).conflicts == "refuse"
    with pytest.raises(TypeError, match="not one of the choices"):
        setting("maybe", choices=("warn", "refuse"))


@pytest.mark.parametrize(("value", "trusted", "seen"), [(None, 0, "10.0.0.2"), ("1", 1, "198.51.100.7")])
def test_the_client_address_is_read_through_trusted_proxies_only(clean, value, trusted, seen) -> None:
    """``<SERVICE>_TRUSTED_PROXIES`` (default 0): with none trusted a forged X-Forwarded-For is ignored;
    with the door trusted, the address it appended is the client's."""
    from flask import Flask, request

    from servicekit.webapp import install_trusted_proxies

    if value is not None:
        clean.setenv("GUESTBOOK_TRUSTED_PROXIES", value)
    settings = Settings.from_env("guestbook", 8090)
    assert settings.trusted_proxies == trusted
    app = Flask("guestbook")
    app.add_url_rule("/", "who", lambda: request.remote_addr or "")
    install_trusted_proxies(app, settings.trusted_proxies)
    answer = app.test_client().get("/", headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.7"},
                                   environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert answer.get_data(as_text=True) == seen


def test_trusted_proxies_below_zero_stops_the_service(clean) -> None:
    clean.setenv("GUESTBOOK_TRUSTED_PROXIES", "-1")
    with pytest.raises(ConfigError, match="GUESTBOOK_TRUSTED_PROXIES"):
        Settings.from_env("guestbook", 8090)
