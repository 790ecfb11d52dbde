"""Who may call a view and on which estate, declared once per view.

A service lists, once, how to find the estate of each kind of row a request can name
(:class:`InEstate`, keyed by the name of the URL parameter or body field). Its views are on a
:class:`ScopedBlueprint` and each says who may call it, with ``@blp.allow(roles)``. Before the
view runs, the decorator answers 403 to a caller of another role and 404 for every named row that
does not exist or lies in an estate the caller cannot see, exactly as for a row that does not
exist. The checks read in a session of their own; the view's use case then opens its own unit of
work (an estate id of a row never changes, so nothing checked can change in between).

A view that adds a row which may belong to no estate (an operator-wide category, template, rule,
SLA policy, escalation rule or webhook endpoint) names its estate field in ``operator_wide=``: an
empty field there means "for every estate", and only a caller whose token covers every estate may
ask for that. The check lives here, once, so that every such route answers the same 422: a caller
scoped to estate B once made operator-wide rows (201) that then reached estate A's residents.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from flask_smorest import Blueprint
from flask_smorest.utils import resolve_schema_instance
from sqlalchemy import Table, select

from servicekit.auth import Principal
from servicekit.dumping import use_quick_dump
from servicekit.guards import GuardedParser
from servicekit.web import current_principal, refuse
from servicekit.webapp import read_session


@dataclass(frozen=True)
class InEstate:
    """Rows of ``table``, called ``what`` (``what_zh`` in Chinese) in answers, belong to the estate in
    ``estate_column``."""

    table: Table
    what: str
    estate_column: str = "estate_id"
    what_zh: str = field(kw_only=True)  # ``what`` in Chinese: a 404 says "没有此<what_zh>"


class ScopedBlueprint(Blueprint):
    """flask-smorest's Blueprint whose views declare their caller checks with :meth:`allow`.

    ``scope`` maps a URL parameter or body field name (``"unit_id"``, ``"host_unit_id"``) to how
    the estate of the row it names is found. Its arguments read the JSON body the input guards
    parsed already (:class:`servicekit.guards.GuardedParser`). Its answers are dumped by
    :func:`servicekit.dumping.quick_dump` (the schema's result, quicker).
    """

    ARGUMENTS_PARSER = GuardedParser()

    def __init__(self, *args: Any, scope: Mapping[str, InEstate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = dict(scope)

    def response(self, status_code: Any, schema: Any = None, **kwargs: Any) -> Callable[..., Any]:
        schema = resolve_schema_instance(schema)
        use_quick_dump(schema)
        return super().response(status_code, schema, **kwargs)  # type: ignore[no-any-return]

    def allow(self, roles: Collection[str], *, rows: Iterable[str] = (), estates: Iterable[str] = (),
              operator_wide: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Let callers of ``roles`` through, for rows in their estates only.

        Every URL parameter with a :attr:`scope` entry is checked; so are the parsed body or
        query fields named in ``rows``. The fields named in ``estates`` are estate ids that must
        be among the caller's (checked on the token alone, no lookup; an empty field is skipped).
        ``operator_wide`` names the body field whose emptiness makes the new row the operator's,
        for every estate: then the caller must see every estate (:func:`require_every_estate`).
        """
        row_fields, estate_fields = tuple(rows), tuple(estates)
        unknown = [name for name in row_fields if name not in self.scope]
        if unknown:
            raise ValueError(f"no scope entry for {', '.join(unknown)}")

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(view)
            def checked(*args: Any, **kwargs: Any) -> Any:
                principal = current_principal()
                if principal.role not in roles:
                    refuse_role(principal.role, roles)
                parsed = [a for a in args if isinstance(a, Mapping)]
                if operator_wide is not None and _field(parsed, operator_wide) is None:
                    require_every_estate(principal, operator_wide)
                for name in estate_fields:
                    _check_estate(principal, _field(parsed, name))
                named = [(name, kwargs[name]) for name in kwargs if name in self.scope]
                named += [(name, _field(parsed, name)) for name in row_fields]
                self._check_rows(principal, [(name, value) for name, value in named if value is not None])
                return view(*args, **kwargs)

            return checked

        return decorator

    def _check_rows(self, principal: Principal, named: list[tuple[str, Any]]) -> None:
        if not named:
            return
        with read_session() as session:
            for name, id_ in named:
                rule = self.scope[name]
                statement = select(rule.table.c[rule.estate_column]).where(rule.table.c.id == id_)
                found = session.execute(statement).first()
                if found is None or not principal.can_see(found[0]):
                    refuse(404, f"no such {rule.what}", f"没有此{rule.what_zh}")


def only_their_own(person_id: object, personal_roles: Collection[str]) -> None:
    """A caller of one of ``personal_roles`` (a resident, whose token's ``sub`` is their own person)
    reaches their own person only: any other is a 404, as a person that does not exist (as another
    estate's), so a resident learns nothing of their neighbours. Staff pass."""
    principal = current_principal()
    if principal.role in personal_roles and principal.subject != str(person_id):
        refuse(404, "no such person", "没有此人")


def require_every_estate(principal: Principal, field_name: str = "estate_id") -> None:
    """Refuse (422) a caller whose token is scoped to some estates asking for a row of no estate.

    A row of no estate applies in every estate, so only a caller who sees every estate may write
    one; anyone else names the estate in ``field_name``. 422 rather than 403: the same caller may
    make the row for one of their estates, the request lacks the field that says which.
    """
    if principal.estates is not None:
        refuse(422, f"a row for every estate needs a caller who sees every estate; name the estate in {field_name!r}",
               f"只有可访问所有小区的调用方可以添加适用于所有小区的记录，请在 {field_name} 中指定小区",
               errors={"json": {field_name: ["is required"]}})


def refuse_role(role: str, allowed: Collection[str]) -> NoReturn:
    """403 for a caller whose role may not do this, naming the roles that may: a newcomer with the
    wrong token sees which token to ask for instead of a bare "you may not"."""
    names = ", ".join(sorted(allowed))
    refuse(403, f"role {role!r} may not do this; it needs one of the roles: {names}",
           f"角色 {role!r} 无权执行此操作；需要以下角色之一：{names}", errors={"role": [f"one of: {names}"]})


def require_permission(principal: Principal, permission: str, doing: str, doing_zh: str) -> None:
    """403 unless the caller's token carries ``permission``; the answer names the missing permission,
    and its ``errors`` how an account gets it (an operator admin grants it at the gateway; the
    account's next token carries it) and a development token (``servicekit-token issue ... --perm``)."""
    if not principal.has(permission):
        refuse(403, f"{doing} needs the {permission} permission", f"{doing_zh}需要 {permission} 权限",
               errors={"permission": [f"missing: {permission} (an operator admin grants it: PUT /gateway/api/v1/"
                                      f"accounts/<id>/permissions/{permission}, then sign in again; a development "
                                      f"token: servicekit-token issue ... --perm {permission})"]})


def _check_estate(principal: Principal, estate_id: Any) -> None:
    if estate_id is not None and not principal.can_see(estate_id):
        refuse(404, "no such estate", "没有此小区")


def _field(parsed: list[Mapping[str, Any]], name: str) -> Any:
    return next((arguments[name] for arguments in parsed if name in arguments), None)
