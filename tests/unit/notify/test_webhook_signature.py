"""Standard Webhooks signing and verification, as a receiver of our feed would check it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.notify.channels import webhook
from shared.config import Settings

# The example in the Standard Webhooks reference libraries.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
OTHER_SECRET = "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"


def headers(signature: str = SIGNATURE, timestamp: int = TIMESTAMP) -> dict[str, str]:
    return {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature,
    }


def test_the_signature_matches_the_standard_webhooks_example() -> None:
    assert webhook.sign(SECRET, msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY) == SIGNATURE


def test_a_fresh_signed_message_verifies() -> None:
    webhook.verify(SECRET, headers(), BODY, now=TIMESTAMP + 10)


def test_the_headers_it_sends_verify() -> None:
    sent = webhook.headers_for(SECRET, msg_id=MSG_ID, body=BODY, now=TIMESTAMP)
    assert sent == headers()
    webhook.verify(SECRET, {k.upper(): v for k, v in sent.items()}, BODY, now=TIMESTAMP)


def test_another_secret_is_rejected() -> None:
    with pytest.raises(webhook.InvalidSignature):
        webhook.verify(OTHER_SECRET, headers(), BODY, now=TIMESTAMP)


def test_a_tampered_body_is_rejected() -> None:
    with pytest.raises(webhook.InvalidSignature):
        webhook.verify(SECRET, headers(), b'{"test": 2432232315}', now=TIMESTAMP)


@pytest.mark.parametrize("skew", [-301, 301])
def test_a_timestamp_outside_the_tolerance_is_rejected(skew: int) -> None:
    with pytest.raises(webhook.InvalidSignature):
        webhook.verify(SECRET, headers(), BODY, now=TIMESTAMP + skew)


def test_the_tolerance_can_be_narrowed() -> None:
    with pytest.raises(webhook.InvalidSignature):
        webhook.verify(SECRET, headers(), BODY, tolerance=5, now=TIMESTAMP + 6)


def test_one_matching_signature_among_several_is_enough() -> None:
    rotated = webhook.sign(OTHER_SECRET, msg_id=MSG_ID, timestamp=TIMESTAMP, body=BODY)
    header = f"v1,bm90IGEgc2lnbmF0dXJl {rotated} {SIGNATURE}"
    webhook.verify(SECRET, headers(header), BODY, now=TIMESTAMP)
    webhook.verify(OTHER_SECRET, headers(header), BODY, now=TIMESTAMP)


def test_signatures_of_another_version_do_not_count() -> None:
    with pytest.raises(webhook.InvalidSignature):
        webhook.verify(SECRET, headers("v1a," + SIGNATURE[3:]), BODY, now=TIMESTAMP)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_a_missing_header_is_rejected(missing: str) -> None:
    incomplete = {k: v for k, v in headers().items() if k != missing}
    with pytest.raises(webhook.InvalidSignature):
        webhook.verify(SECRET, incomplete, BODY, now=TIMESTAMP)


def test_a_non_numeric_timestamp_is_rejected() -> None:
    broken = {**headers(), "webhook-timestamp": "yesterday"}
    with pytest.raises(webhook.InvalidSignature):
        webhook.verify(SECRET, broken, BODY, now=TIMESTAMP)


@pytest.mark.parametrize(
    "secret",
    ["", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2hvcnQ=", "whsec_not base64!"],
)
def test_a_webhook_url_needs_a_real_secret(secret: str) -> None:
    with pytest.raises(ValidationError):
        Settings(environment="test", webhook_url="https://example.org/hook", webhook_secret=secret)


def test_a_gateway_url_needs_a_token() -> None:
    with pytest.raises(ValidationError):
        Settings(environment="test", gateway_url="https://gateway.example.org/send")


def test_a_webhook_url_must_fit_a_notification_address() -> None:
    long_url = "https://example.org/" + "x" * 240
    with pytest.raises(ValidationError):
        Settings(environment="test", webhook_url=long_url, webhook_secret=SECRET)
