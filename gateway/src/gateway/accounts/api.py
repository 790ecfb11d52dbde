"""The accounts HTTP API: an operator admin's."""

from __future__ import annotations

from flask.views import MethodView
from tenancy.roles import OPERATORS

from gateway.access import SCOPE
from gateway.accounts import use_cases, views
from gateway.accounts.schemas import (
    AccountArgs,
    AccountDetailSchema,
    AccountSchema,
    AccountWithPasswordSchema,
    NewAccountSchema,
)
from servicekit.access import ScopedBlueprint
from servicekit.paging import page_schema
from servicekit.web import current_principal
from servicekit.webapp import read, unit_of_work

blp = ScopedBlueprint("accounts", __name__, url_prefix="/api/v1/accounts", description="Staff accounts",
                      scope=SCOPE)


@blp.route("")
class Accounts(MethodView):
    @blp.arguments(AccountArgs, location="query")
    @blp.response(200, page_schema(AccountSchema))
    @blp.allow(OPERATORS)
    def get(self, args):
        """Every staff account, by login"""
        return read(views.account_list, args)

    @blp.arguments(NewAccountSchema)
    @blp.response(201, AccountWithPasswordSchema)
    @blp.allow(OPERATORS)
    def post(self, data):
        """Make a staff account; its one-time password is in this answer only"""
        return use_cases.create(unit_of_work(), current_principal(), **data)


@blp.route("/<uuid:account_id>")
class Account(MethodView):
    @blp.response(200, AccountDetailSchema)
    @blp.allow(OPERATORS)
    def get(self, account_id):
        """One account, with the estates its token carries now"""
        return read(views.account, account_id)


@blp.route("/<uuid:account_id>/disable")
class Disable(MethodView):
    @blp.response(200, AccountSchema)
    @blp.allow(OPERATORS)
    def post(self, account_id):
        """Disable an account: no sign-in, no refresh (its refresh tokens are revoked)"""
        return use_cases.set_disabled(unit_of_work(), current_principal(), account_id, True)


@blp.route("/<uuid:account_id>/enable")
class Enable(MethodView):
    @blp.response(200, AccountSchema)
    @blp.allow(OPERATORS)
    def post(self, account_id):
        """Enable an account again (its lock and failure count cleared)"""
        return use_cases.set_disabled(unit_of_work(), current_principal(), account_id, False)


@blp.route("/<uuid:account_id>/password-reset")
class PasswordReset(MethodView):
    @blp.response(200, AccountWithPasswordSchema)
    @blp.allow(OPERATORS)
    def post(self, account_id):
        """A new one-time password, in this answer only; the account's refresh tokens are revoked"""
        return use_cases.reset_password(unit_of_work(), current_principal(), account_id)


@blp.route("/<uuid:account_id>/estates/<uuid:estate_id>")
class Grant(MethodView):
    @blp.response(204)
    @blp.allow(OPERATORS)
    def put(self, account_id, estate_id):
        """Grant an estate beside those of the account's territories (from its next token on)"""
        use_cases.grant_estate(unit_of_work(), current_principal(), account_id, estate_id)

    @blp.response(204)
    @blp.allow(OPERATORS)
    def delete(self, account_id, estate_id):
        """Withdraw a granted estate (from the account's next token on)"""
        use_cases.withdraw_estate(unit_of_work(), current_principal(), account_id, estate_id)


@blp.route("/<uuid:account_id>/permissions/<string:permission>")
class Permission(MethodView):
    @blp.response(204)
    @blp.allow(OPERATORS)
    def put(self, account_id, permission):
        """Grant a permission (``pii:reveal``); the account's tokens carry it from its next sign-in or refresh on"""
        use_cases.grant_permission(unit_of_work(), current_principal(), account_id, permission)

    @blp.response(204)
    @blp.allow(OPERATORS)
    def delete(self, account_id, permission):
        """Withdraw a permission (from the account's next token on)"""
        use_cases.withdraw_permission(unit_of_work(), current_principal(), account_id, permission)
