"""Standard Webhooks signatures: one implementation for notify's feed and the gateway."""

from __future__ import annotations

import pytest

from shared.domain.webhook_signature import InvalidSignature, headers_for, sign, verify

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_the_signature_is_the_standard_webhooks_example() -> None:
    # The example of the Standard Webhooks specification (and of its libraries' tests).
    signature = sign(
        SECRET,
        msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp=1614265330,
        body=b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_signed_body_verifies_and_an_altered_or_late_one_does_not() -> None:
    body = b'{"id": "1"}'
    headers = headers_for(SECRET, msg_id="1", body=body, now=1000)
    verify(SECRET, headers, body, now=1000 + 299)
    with pytest.raises(InvalidSignature):
        verify(SECRET, headers, body + b" ", now=1000)
    with pytest.raises(InvalidSignature):
        verify(SECRET, headers, body, now=1000 + 301)
    with pytest.raises(InvalidSignature):
        verify(SECRET, {"webhook-id": "1"}, body, now=1000)


def test_one_matching_signature_among_several_is_enough() -> None:
    body = b"{}"
    headers = headers_for(SECRET, msg_id="x", body=body, now=5)
    headers["Webhook-Signature"] = "v1,bm90LXRoaXM= " + headers.pop("webhook-signature")
    verify(SECRET, headers, body, now=5)


def test_a_timestamp_too_large_for_a_float_is_refused_not_raised() -> None:
    body = b"{}"
    headers = headers_for(SECRET, msg_id="x", body=body, now=5)
    for timestamp in ("9" * 400, "-" + "9" * 400):
        with pytest.raises(InvalidSignature):
            verify(SECRET, {**headers, "webhook-timestamp": timestamp}, body, now=5)
