"""How the gateway verifies the tokens it signed: the same verifier every service has, its keys read
from the gateway's own database as the JWKS it publishes (cached, read again on an unknown kid)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import sessionmaker
from tenancy.roles import ROLES

from gateway.keys import views
from gateway.settings import Settings
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.keys import JwksKeys


def own_verifier(settings: Settings) -> TokenVerifier:
    sessions = sessionmaker(make_engine(settings.database_url), expire_on_commit=False)
    lifetime = timedelta(seconds=settings.access_token_seconds)

    def fetch() -> dict:
        with sessions() as session:
            return views.jwks(session, lifetime)

    keys = JwksKeys(fetch, max_age_seconds=30.0, min_refresh_seconds=1.0, source="the gateway's database")
    return TokenVerifier(keys, issuer=settings.issuer, audience=settings.audience, roles=ROLES)
