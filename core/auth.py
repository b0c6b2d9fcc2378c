"""Accounts, hashed bearer tokens, roles and unit scoping, and the `accounts` command.

Roles: the district office (`admin`) writes and reads everything; a unit's staff (`editor`)
write and read their unit's records; a partner app (`partner`) reads as the public and submits
on its channel; the third-party assessor of 社会评议 (`evaluator`) reads everything a unit's
staff read, of every unit, and writes nothing: every write it sends is refused here, before any
view runs (`check_credentials`), and `may_edit_unit` refuses it again in the services.

A token is 32 random bytes shown once; we keep only its SHA-256. Tokens carry their own
entropy, so a slow password hash would add nothing but latency to every request.
"""

import enum
import hashlib
import secrets
from functools import wraps

import click
import sqlalchemy as sa
from flask import Blueprint, g, request
from sqlalchemy.orm import Mapped, mapped_column

from core.errors import Forbidden, Invalid, ReadsOnly, ServiceError, Unauthorized
from core.extensions import Versioned, db, is_read
from core.http import documents
from core.units import unit_code

TOKEN_PREFIX = "jc_"


Role = enum.StrEnum("Role", ["admin", "editor", "partner", "evaluator"])


class Account(Versioned, db.Model):
    """Someone with a token: the district office (admin), a unit's staff (editor), an app
    (partner), the third-party assessor who only reads (evaluator)."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20))
    # An editor writes for exactly one unit; the other roles have none.
    unit: Mapped[str | None] = mapped_column(sa.ForeignKey("units.code"), index=True)
    # A partner app's submissions carry its channel (e.g. suishenban).
    channel: Mapped[str | None] = mapped_column(sa.String(40))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'editor', 'partner', 'evaluator')", name="role"),
        sa.CheckConstraint("(role = 'editor') = (unit IS NOT NULL)", name="editor_has_unit"),
    )

    # An account's audit entries would otherwise record its token hash.
    __audit_exclude__ = {"token_hash"}

    def may_edit_unit(self, unit_code: str | None) -> bool:
        """Whether this account may write records led by `unit_code`."""
        if self.role == Role.admin:
            return True
        return self.role == Role.editor and self.unit == unit_code

    def reads_as_staff_of(self, unit_code: str | None) -> bool:
        """Whether this account reads what the staff of `unit_code` read (unpublished records,
        undisposed comments, private deadlines): its editors, admins, and the evaluator."""
        return self.role == Role.evaluator or self.may_edit_unit(unit_code)


def new_token() -> tuple[str, str]:
    """A fresh token and its hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_account() -> Account | None:
    """The account whose bearer token came with this request, if any (cached per request)."""
    if "account" in g:
        return g.account
    account = None
    header = _authorization()
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            g.account = None
            raise Unauthorized("Send `Authorization: Bearer TOKEN`.")
        account = db.session.scalar(
            sa.select(Account).where(Account.token_hash == hash_token(token.strip()), Account.active.is_(True))
        )
        if account is None:
            g.account = None
            raise Unauthorized("This token is not valid, or its account is deactivated.")
    g.account = account
    return account


def check_credentials() -> None:
    """Before any API request: a token that is sent must be valid, wherever it is sent.

    Otherwise an app with a revoked token would read on as the public on some paths and be
    refused on others; now it learns at once, everywhere, that its token no longer works."""
    if request.path.startswith("/api/") and _authorization():
        account = current_account()
        # The one place the evaluator's writes are refused: before any view, its body unread,
        # so that a write route added later is refused to it too (tests/core/test_evaluator.py).
        if account.role == Role.evaluator and not is_read():
            raise ReadsOnly("An evaluator's account reads what every unit's staff read, and writes nothing.")


def _authorization() -> str:
    # The header straight from the WSGI environ, where `request.headers.get` reads it: for an
    # absent header (every public read) werkzeug raises and catches a KeyError, a few µs.
    return request.environ.get("HTTP_AUTHORIZATION", "")


def requires(*roles: str):
    """Let only accounts with one of `roles` call this view; document 401 and 403."""

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            account = current_account()
            if account is None:
                raise Unauthorized("This needs credentials: send `Authorization: Bearer TOKEN`.")
            if account.role not in roles and not _reads_as_editor(account, roles):
                raise Forbidden(f"Only {' or '.join(roles)} accounts may do this.")
            if account.role == Role.editor:
                _ensure_editor_owns(account, kwargs)
            return func(*args, **kwargs)

        wrapper = documents(401, 403)(wrapper)
        wrapper._apidoc = dict(wrapper._apidoc)
        manual = dict(wrapper._apidoc.get("manual_doc", {}))
        manual["security"] = [{"bearerAuth": []}]
        wrapper._apidoc["manual_doc"] = manual
        return wrapper

    return decorator


def _reads_as_editor(account: "Account", roles) -> bool:
    """The evaluator reads what editors read (of every unit); it never writes."""
    return account.role == Role.evaluator and Role.editor in roles and is_read()


# How to find the unit that leads what a path names, by the path's variable: registered by
# each domain (`owner_of("decision_id")`), read by `requires` before the body is validated.
_OWNERS: dict = {}


def owner_of(path_variable: str):
    """Register `resolve(id, viewer) -> the leading unit's code` for a path variable; it raises
    NotFound for what the viewer may not see, as the view would."""

    def register(resolve):
        _OWNERS[path_variable] = resolve
        return resolve

    return register


def _ensure_editor_owns(account: "Account", path_values: dict) -> None:
    """An editor acting on another unit's record is refused (403) before its body is read, so
    a validation error cannot tell it the shape of what it may not touch. The service applies
    the same rule again (ensure_may_edit) on what it loaded."""
    for name, value in path_values.items():
        resolve = _OWNERS.get(name)
        if resolve is not None:
            ensure_may_edit(account, resolve(value, account))
            return


def accepts_token(func):
    """Document a view that is open to everyone and reads a token when one is sent
    (current_account()): staff may see more; a token that is not valid is 401.

    Its security is documented as none (`[]`), as for a view that reads no token: the
    document's description says that any open operation honours one (ADR 0024). Declared as
    "none or a bearer token" (`[{}, {"bearerAuth": []}]`), client generators typed these
    operations as needing a token, so an anonymous client could not call them."""
    return documents(401)(func)


def ensure_may_edit(account: Account | None, unit_code: str | None) -> None:
    """Refuse unless `account` may write records led by `unit_code`."""
    if account is None:
        raise Unauthorized("This needs credentials: send `Authorization: Bearer TOKEN`.")
    if not account.may_edit_unit(unit_code):
        raise Forbidden(
            f"Your account may write only for unit {account.unit!r}, not {unit_code!r}."
            if account.role == Role.editor
            else "Your account may not write these records."
        )


def ensure_reads_as_staff(account: Account | None, unit_code: str | None) -> None:
    """Refuse unless `account` reads what the staff of `unit_code` read."""
    if account is None:
        raise Unauthorized("This needs credentials: send `Authorization: Bearer TOKEN`.")
    if not account.reads_as_staff_of(unit_code):
        raise Forbidden(
            f"Your account may read this only for unit {account.unit!r}, not {unit_code!r}."
            if account.role == Role.editor
            else "Your account may not read these records."
        )


def is_staff(account: Account | None) -> bool:
    """Whether `account` reads as staff of some unit: admins, editors, the evaluator."""
    return account is not None and account.role in (Role.admin, Role.editor, Role.evaluator)


def staff_of(account: Account | None, unit_code: str | None) -> bool:
    """Whether `account` reads as staff of `unit_code` (its editors; every admin; the evaluator)."""
    return account is not None and account.reads_as_staff_of(unit_code)


def entering_for(account: Account | None, unit_code: str | None, what: str) -> bool:
    """Whether `account` enters `what` (comments, questions) as staff of `unit_code`, who may
    give another channel and day; an editor of another unit may not enter them at all."""
    if account is not None and account.role == Role.evaluator:
        raise ReadsOnly(f"An evaluator's account does not enter {what}.")
    staff = account is not None and account.may_edit_unit(unit_code)
    if account is not None and account.role == Role.editor and not staff:
        raise Forbidden(f"Your account may enter {what} only for unit {account.unit!r}.")
    return staff


# --- Use cases -------------------------------------------------------------------------------


def _stored_unit_code(given: str) -> str:
    """The unit's code as stored, given in whatever case: an editor's scoping compares it exactly."""
    stored = unit_code(given)
    if stored is None:
        raise Invalid("unit", f"No unit has the code {given!r}.")
    return stored


def create_account(name: str, *, role: str, unit: str | None = None, channel=None):
    """Create an account; returns it with its token, which is never shown again."""
    if role not in Role.__members__:
        raise Invalid("role", f"Must be one of: {', '.join(Role)}.")
    if role == Role.editor and not unit:
        raise Invalid("unit", "An editor account needs the code of its unit.")
    if role != Role.editor and unit:
        raise Invalid("unit", "Only editor accounts belong to a unit.")
    unit = unit and _stored_unit_code(unit)
    token, token_hash = new_token()
    account = Account(name=name, role=role, unit=unit, channel=channel, token_hash=token_hash)
    db.session.add(account)
    db.session.commit()
    return account, token


def update_account(account: Account, **changes) -> Account:
    """Rename, rebind or (de)activate an account."""
    role = changes.get("role", account.role)
    unit = changes.get("unit", account.unit)
    if role == Role.editor and not unit:
        raise Invalid("unit", "An editor account needs the code of its unit.")
    if role != Role.editor:
        unit = None
    unit = unit and _stored_unit_code(unit)
    for key in ("name", "active", "channel"):
        if key in changes:
            setattr(account, key, changes[key])
    account.role, account.unit = role, unit
    db.session.commit()
    return account


def rotate_token(account: Account) -> str:
    """Give an account a new token; the old one stops working at once."""
    token, account.token_hash = new_token()
    db.session.commit()
    return token


# --- Command line ----------------------------------------------------------------------------

cli = Blueprint("accounts_cli", __name__, cli_group="accounts")


@cli.cli.command("create")
@click.option("--name", required=True, help="Who the account is for.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--unit", default=None, help="The unit's code (editors only).")
@click.option("--channel", default=None, help="A partner app's channel, e.g. suishenban.")
def create_command(name, role, unit, channel):
    """Create an account and print its token on the last line."""
    try:
        account, token = create_account(name, role=role, unit=unit, channel=channel)
    except ServiceError as error:
        raise click.ClickException(error.detail) from error
    click.echo(f"Created {account.role} account {account.id} ({account.name}). Its token:")
    click.echo(token)


@cli.cli.command("list")
def list_command():
    """List the accounts (never their tokens)."""
    for account in db.session.scalars(sa.select(Account).order_by(Account.id)):
        state = "active" if account.active else "inactive"
        click.echo(f"{account.id}\t{account.role}\t{account.unit or '-'}\t{state}\t{account.name}")
