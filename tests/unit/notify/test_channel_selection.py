"""Channels are on when configured; the webhook is a feed of every kind of message."""

from __future__ import annotations

import uuid

from services.notify.channels.base import Feed, OutgoingMessage
from services.notify.channels.gateway import SHORT_BODY, short_text
from services.notify.channels.registry import enabled_channels
from services.notify.recipients import Audience, Plan, Recipient, with_feeds
from shared.config import Settings

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_only_configured_channels_are_on() -> None:
    assert enabled_channels(Settings(environment="test")) == {}
    settings = Settings(
        environment="test",
        webhook_url="https://example.org/hook",
        webhook_secret=SECRET,
        gateway_url="https://gateway.example.org/send",
        gateway_token="t",
    )
    channels = enabled_channels(settings)
    assert sorted(channels) == ["gateway", "webhook"]
    assert channels["webhook"].feed == Feed("https://example.org/hook", "id")
    assert channels["gateway"].feed is None


def recipient(key: str, kind: str, audience: Audience = Audience.COORDINATOR) -> Recipient:
    return Recipient(key, key, kind, audience, "en", {"inapp": key})


def test_the_feed_hears_each_kind_of_message_once() -> None:
    plan = Plan(
        uuid.uuid4(),
        None,
        [
            recipient("a", "offer_withdrawn"),
            recipient("b", "offer_withdrawn"),
            recipient("reporter", "case_accepted", Audience.REPORTER),
        ],
    )
    fed = with_feeds(plan, {"webhook": Feed("https://example.org/hook", "id")})
    feed = fed.recipients[3:]
    assert fed.recipients[:3] == plan.recipients
    assert [(r.key, r.kind, r.audience, r.language, r.addresses) for r in feed] == [
        (
            "webhook:offer_withdrawn",
            "offer_withdrawn",
            Audience.FEED,
            "id",
            {"webhook": "https://example.org/hook"},
        ),
        (
            "webhook:case_accepted",
            "case_accepted",
            Audience.FEED,
            "id",
            {"webhook": "https://example.org/hook"},
        ),
    ]
    assert with_feeds(plan, {}) == plan


def message(body: str, link: str = "https://sekber.test/api/v1/cases/1") -> OutgoingMessage:
    return OutgoingMessage("n1", "+62812", "[Sekber] Subject", body, "id", link=link)


def test_a_short_message_carries_subject_body_and_link() -> None:
    assert short_text(message("Hello.")) == (
        "[Sekber] Subject\n\nHello.\n\nhttps://sekber.test/api/v1/cases/1"
    )


def test_a_long_body_is_cut_at_a_line_and_the_link_kept() -> None:
    body = "\n".join(f"line {i:03d} " + "x" * 40 for i in range(40))
    text = short_text(message(body))
    assert len(text) < SHORT_BODY + 100
    assert text.endswith("…\n\nhttps://sekber.test/api/v1/cases/1")


def test_a_link_already_in_the_body_is_not_repeated() -> None:
    text = short_text(message("Open: https://sekber.test/api/v1/cases/1"))
    assert text.count("https://sekber.test/api/v1/cases/1") == 1
