"""Webhook, gateway and Telegram URLs: HTTPS to public addresses outside development and
test."""

from __future__ import annotations

import pytest

from services.notify.channels import urlguard
from services.notify.channels.registry import enabled_channels
from shared.config import Settings

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hook",  # clear text
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10:8443/hook",
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://0.0.0.0/hook",
        "ftp://93.184.216.34/hook",
    ],
)
def test_production_refuses_clear_text_and_internal_addresses(url: str) -> None:
    with pytest.raises(urlguard.UnsafeUrl):
        urlguard.check_send(url, environment="production")


def test_a_host_name_that_resolves_to_loopback_is_refused_before_sending() -> None:
    urlguard.check_config("https://localhost/hook", environment="production")
    with pytest.raises(urlguard.UnsafeUrl, match="internal address"):
        urlguard.check_send("https://localhost/hook", environment="production")


def test_a_public_https_address_is_allowed() -> None:
    urlguard.check_send("https://93.184.216.34/hook", environment="production")


def test_development_and_test_may_send_to_a_local_receiver() -> None:
    for environment in ("development", "test"):
        urlguard.check_send("http://127.0.0.1:8025/hook", environment=environment)


def test_an_error_never_shows_the_path_where_a_bot_token_lives() -> None:
    with pytest.raises(urlguard.UnsafeUrl) as refused:
        urlguard.check_send("http://10.0.0.1/bot123:SECRET/sendMessage", environment="production")
    assert "SECRET" not in str(refused.value)


def test_a_worker_configured_with_an_internal_webhook_does_not_start_in_production() -> None:
    settings = Settings(
        environment="production",
        secret_key="a-real-secret-for-this-test-of-32-chars-or-more",
        webhook_url="https://10.0.0.7/hook",
        webhook_secret=SECRET,
    )
    with pytest.raises(urlguard.UnsafeUrl):
        enabled_channels(settings)
    telegram = Settings(
        environment="production",
        secret_key="a-real-secret-for-this-test-of-32-chars-or-more",
        telegram_bot_token="123:abc",
        telegram_api_base="http://api.telegram.org",
    )
    with pytest.raises(urlguard.UnsafeUrl, match="https only"):
        enabled_channels(telegram)
