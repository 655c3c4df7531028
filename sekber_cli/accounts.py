"""Accounts from the command line: create and list users, reset passwords, issue and
revoke API keys. Passwords are asked for, never taken from the command line (shell
history). The database is imported by each command, not here (`sekber --help` stays fast)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from shared.domain.access import ROLES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from shared.db import UowFactory

user_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="User accounts.")
key_app = typer.Typer(
    no_args_is_help=True, rich_markup_mode=None, help="API keys for systems that integrate."
)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="users")
    app.add_typer(key_app, name="keys")


def _factory() -> UowFactory:
    from shared.config import get_settings
    from shared.db import uow_factory_for

    return uow_factory_for(get_settings().database_url)


def _refuse(exc: Exception) -> typer.Exit:
    field = getattr(exc, "field", None)
    typer.echo(f"refused: {field}: {exc}" if field else f"refused: {exc}", err=True)
    return typer.Exit(code=2)


def _ask_password(given: bool) -> str | None:
    if not given:
        return None
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("create")
def create_user(
    username: Annotated[str, typer.Argument(help="Lower-case login name, e.g. sri.wahyuni")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}")],
    name: Annotated[str, typer.Option(help="Full name, shown on the case timeline")],
    jurisdiction: Annotated[
        str, typer.Option(help="Region code the user sees (35, 35.08...); empty: national")
    ] = "",
    coordinator: Annotated[
        str | None, typer.Option(help="A coordinator's directory id or external reference")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="The directory unit it also acts for")] = None,
    password: Annotated[
        bool, typer.Option("--password/--no-password", help="Ask for a password")
    ] = True,
    phone: Annotated[
        str | None, typer.Option(help="The mobile number it reports cases from by SMS")
    ] = None,
) -> None:
    """Create an account.

    A coordinator's is tied to its directory entry. The password is asked for, twice."""
    from shared.accounts import users

    secret = _ask_password(password)
    with _factory()() as uow:
        try:
            user = users.create_user(
                uow.session,
                username=username,
                name=name,
                role=role,
                password=secret,
                jurisdiction=jurisdiction,
                coordinator_ref=coordinator,
                unit_ref=unit,
                phone=phone,
            )
        except users.AccountError as exc:
            raise _refuse(exc) from None
        _note(uow.session, user.username, "user_created")
        uow.commit()
        typer.echo(f"Created {user.username} ({user.role}, {user.jurisdiction or 'national'}).")


@user_app.command("list")
def list_users(
    role: Annotated[str | None, typer.Option(help=f"Only this role: {', '.join(ROLES)}")] = None,
) -> None:
    """List accounts: role, jurisdiction, last sign-in, state.

    The last sign-in comes from the audit trail; a disabled account cannot sign in."""
    from sekber_cli import account_list

    with _factory()() as uow:
        rows = account_list.accounts(uow.session, role=role)
    for line in account_list.account_lines(rows):
        typer.echo(line)


@user_app.command("set-password")
def set_password(username: Annotated[str, typer.Argument()]) -> None:
    """Set a new password; the account's sessions and tokens end."""
    from shared.accounts import users

    secret = str(typer.prompt("New password", hide_input=True, confirmation_prompt=True))
    with _factory()() as uow:
        try:
            users.set_password(uow.session, username=username, password=secret)
        except users.AccountError as exc:
            raise _refuse(exc) from None
        _note(uow.session, username, "password_set")
        uow.commit()
    typer.echo(f"Password of {username} set.")


@user_app.command("set-phone")
def set_phone(
    username: Annotated[str, typer.Argument()],
    phone: Annotated[str, typer.Argument(help='+62..., 62... or 08...; "" to remove it')],
) -> None:
    """Register the number a case worker reports cases from by SMS.

    Messages from it act as this account (docs/messaging.md); one account a number."""
    from shared.accounts import users

    with _factory()() as uow:
        try:
            user = users.set_phone(uow.session, username=username, phone=phone)
        except users.AccountError as exc:
            raise _refuse(exc) from None
        _note(uow.session, username, "phone_set")
        uow.commit()
        shown = user.phone or "none"
    typer.echo(f"Phone of {username}: {shown}.")


@user_app.command("disable")
def disable(username: Annotated[str, typer.Argument()]) -> None:
    """Disable an account: no sign-in, no session, no key.

    Its sessions, tokens and API keys stop working at once."""
    _set_active(username, active=False)


@user_app.command("enable")
def enable(username: Annotated[str, typer.Argument()]) -> None:
    """Let a disabled account sign in again."""
    _set_active(username, active=True)


@user_app.command("sign-out")
def sign_out(username: Annotated[str, typer.Argument()]) -> None:
    """End every session and token of an account.

    For a lost phone: the account may sign in again."""
    from shared.accounts import users

    with _factory()() as uow:
        try:
            users.end_sessions(uow.session, username=username)
        except users.AccountError as exc:
            raise _refuse(exc) from None
        _note(uow.session, username, "sessions_ended")
        uow.commit()
    typer.echo(f"Every session of {username} ended.")


def _set_active(username: str, *, active: bool) -> None:
    from shared.accounts import users

    with _factory()() as uow:
        try:
            users.set_active(uow.session, username=username, active=active)
        except users.AccountError as exc:
            raise _refuse(exc) from None
        _note(uow.session, username, "user_enabled" if active else "user_disabled")
        uow.commit()
    typer.echo(f"{username} {'enabled' if active else 'disabled'}.")


@key_app.command("issue")
def issue_key(
    username: Annotated[str, typer.Argument(help="The account the key acts as")],
    name: Annotated[str, typer.Option(help="What the key is for, e.g. 'SIKS desa'")],
    days: Annotated[int, typer.Option(min=0, help="Expires after this many days; 0: never")] = 365,
) -> None:
    """Issue an API key.

    It is printed once and cannot be shown again."""
    from datetime import timedelta

    from shared.accounts import apikeys, users
    from shared.models.base import utcnow

    now = utcnow()
    with _factory()() as uow:
        try:
            user = users.find(uow.session, username)
        except users.AccountError as exc:
            raise _refuse(exc) from None
        issued = apikeys.issue(
            uow.session,
            user=user,
            name=name,
            now=now,
            expires_at=now + timedelta(days=days) if days else None,
        )
        _note(uow.session, user.username, "key_issued", object_id=issued.prefix)
        uow.commit()
    typer.echo(f"API key {issued.prefix} for {username} (shown once, keep it safe):")
    typer.echo(issued.key)


@key_app.command("revoke")
def revoke_key(prefix: Annotated[str, typer.Argument(help="The key's prefix (its id)")]) -> None:
    """Revoke a key: it stops working at once."""
    from shared.accounts import apikeys
    from shared.models.base import utcnow

    with _factory()() as uow:
        try:
            apikeys.revoke(uow.session, prefix=prefix, now=utcnow())
        except apikeys.KeyNotFound as exc:
            raise _refuse(exc) from None
        _note(uow.session, prefix, "key_revoked", object_type="api_key")
        uow.commit()
    typer.echo(f"API key {prefix} revoked.")


@key_app.command("list")
def list_keys(
    username: Annotated[str | None, typer.Argument(help="Only the keys of this account")] = None,
) -> None:
    """Keys with their state (never the keys themselves)."""
    from sekber_cli import account_list
    from shared.accounts import apikeys
    from shared.models.base import utcnow

    with _factory()() as uow:
        keys = apikeys.list_keys(uow.session, username=username)
        lines = account_list.key_lines(keys, now=utcnow())
    for line in lines:
        typer.echo(line)


def _note(
    session: Session,
    subject: str,
    action: str,
    *,
    object_type: str = "account",
    object_id: str | None = None,
) -> None:
    from shared.accounts import audit
    from shared.models.base import utcnow

    audit.security_event(
        session,
        actor="cli",
        role="admin",
        action=action,
        object_type=object_type,
        object_id=object_id or subject,
        now=utcnow(),
    )


@key_app.command("new-data-key")
def new_data_key(
    key_id: Annotated[str, typer.Option("--id", help="The new key's id, e.g. k2")] = "",
) -> None:
    """Print a NIK key ring with a new key first.

    The current keys follow it. Put it in SEKBER_DATA_KEY on every process, then run
    `sekber keys rotate-data-key`."""
    import os

    from shared.identity import keyring

    existing = os.environ.get(keyring.VARIABLE, "").strip()
    ring = keyring.parse(existing) if existing else None
    taken = {k.id for k in ring.keys} if ring else set()
    number = len(taken) + 1
    while not key_id and f"k{number}" in taken:
        number += 1
    chosen = key_id or f"k{number}"
    if chosen in taken:
        typer.echo(f"refused: key id {chosen} is in SEKBER_DATA_KEY already", err=True)
        raise typer.Exit(2)
    typer.echo(",".join(filter(None, [keyring.new_entry(chosen), existing])))


@key_app.command("rotate-data-key")
def rotate_data_key() -> None:
    """Re-encrypt the stored NIKs under the first key.

    The first key of SEKBER_DATA_KEY; the other keys stay readable until it is done,
    then they may be removed."""
    from shared.identity import keyring, rotation

    try:
        result = rotation.rotate(_factory())
    except keyring.KeyRingError as exc:
        typer.echo(f"refused: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"{result.rotated} NIKs re-encrypted under key {result.key_id}; {result.left} left "
        "under other keys."
    )
