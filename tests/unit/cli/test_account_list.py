"""The lines of `sekber users list` and `sekber keys list`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sekber_cli.account_list import NO_KEYS, NO_USERS, AccountRow, account_lines, key_lines
from shared.models import ApiKey, User

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_accounts_line_up_in_columns_with_their_state() -> None:
    lines = account_lines(
        [
            AccountRow("admin.demo", "admin", "", NOW, True),
            AccountRow("sri.wahyuni.panjang", "case_worker", "35.08", None, False),
        ]
    )

    assert lines == [
        "USERNAME             ROLE         JURISDICTION  LAST SIGN-IN (UTC)  STATE",
        "admin.demo           admin        national      2026-05-01 12:00    active",
        "sri.wahyuni.panjang  case_worker  35.08         never               disabled",
    ]


def test_no_account_and_no_key_are_said_in_both_languages() -> None:
    assert account_lines([]) == [NO_USERS] == ["Belum ada akun / No accounts"]
    assert key_lines([], now=NOW) == [NO_KEYS] == ["Belum ada kunci API / No API keys"]


def test_a_key_is_active_revoked_expired_or_disabled_with_its_account() -> None:
    active, disabled = User(username="siks", active=True), User(username="csr", active=False)

    def key(
        prefix: str, *, expires_at: datetime | None, revoked_at: datetime | None = None
    ) -> ApiKey:
        return ApiKey(
            prefix=prefix, name=f"key {prefix}", expires_at=expires_at, revoked_at=revoked_at
        )

    lines = key_lines(
        [
            (key("a1", expires_at=None), active),
            (key("b2", expires_at=NOW + timedelta(days=1)), active),
            (key("c3", expires_at=NOW - timedelta(days=1)), active),
            (key("d4", expires_at=None, revoked_at=NOW), active),
            (key("e5", expires_at=None), disabled),
        ],
        now=NOW,
    )

    assert [line.split()[:4] for line in lines] == [
        ["PREFIX", "ACCOUNT", "STATE", "EXPIRES"],
        ["a1", "siks", "active", "never"],
        ["b2", "siks", "active", "2026-05-02"],
        ["c3", "siks", "expired", "2026-04-30"],
        ["d4", "siks", "revoked", "never"],
        ["e5", "csr", "disabled", "never"],
    ]
