from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared.casework import action_links as actionlinks

SECRET = "a-test-secret-of-reasonable-length"
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
REFERRAL = uuid.UUID("6f1c2d4e-0000-4000-8000-000000000001")
COORDINATOR = uuid.UUID("6f1c2d4e-0000-4000-8000-000000000002")


def token(action: str = "accept", *, expires_at: datetime = NOW + timedelta(hours=72)) -> str:
    return actionlinks.issue(
        SECRET,
        referral_id=REFERRAL,
        coordinator_id=COORDINATOR,
        action=action,
        version=3,
        expires_at=expires_at,
    )


def test_a_link_says_what_it_was_issued_for() -> None:
    link = actionlinks.verify(SECRET, token("reject"), now=NOW)
    assert link == actionlinks.ActionLink(
        REFERRAL, COORDINATOR, "reject", 3, NOW + timedelta(hours=72)
    )


def test_a_link_is_url_safe_and_short() -> None:
    issued = token()
    assert len(issued) < 100
    assert set(issued) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_link_is_refused_from_its_expiry_on() -> None:
    issued = token(expires_at=NOW)
    actionlinks.verify(SECRET, issued, now=NOW - timedelta(seconds=1))
    with pytest.raises(actionlinks.ExpiredLink):
        actionlinks.verify(SECRET, issued, now=NOW)


def test_a_link_signed_with_another_secret_is_forged() -> None:
    with pytest.raises(actionlinks.ForgedLink):
        actionlinks.verify("another-secret", token(), now=NOW)


@pytest.mark.parametrize("position", [0, 10, 40, -1])
def test_any_changed_byte_makes_a_link_forged(position: int) -> None:
    raw = bytearray(base64.urlsafe_b64decode(token() + "=="))
    raw[position] ^= 0x01
    tampered = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(actionlinks.ForgedLink):
        actionlinks.verify(SECRET, tampered, now=NOW)


def test_an_accept_link_cannot_be_turned_into_a_decline() -> None:
    accept, reject = token("accept"), token("reject")
    assert accept != reject
    raw = bytearray(base64.urlsafe_b64decode(accept + "=="))
    raw[33] = 1  # the action byte
    with pytest.raises(actionlinks.ForgedLink):
        actionlinks.verify(
            SECRET, base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode(), now=NOW
        )


@pytest.mark.parametrize("junk", ["", "abc", "!!!!", "A" * 300, "tökén"])
def test_junk_is_forged(junk: str) -> None:
    with pytest.raises(actionlinks.ForgedLink):
        actionlinks.verify(SECRET, junk, now=NOW)


def test_another_spelling_of_the_same_bytes_is_refused() -> None:
    # The last character carries unused bits: flipping one spells the same bytes, which
    # would otherwise be a second, unspent token.
    issued = token()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(issued[-1])
    respelled = issued[:-1] + alphabet[last ^ 0x01]
    assert base64.urlsafe_b64decode(respelled + "==") == base64.urlsafe_b64decode(issued + "==")
    with pytest.raises(actionlinks.ForgedLink):
        actionlinks.verify(SECRET, respelled, now=NOW)


def test_only_accept_and_reject_can_be_issued() -> None:
    with pytest.raises(ValueError):
        token("complete")
