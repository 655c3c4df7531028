"""Settings are checked when they load: a URL of the wrong shape, an unknown level or
environment, or a secret anyone knows is refused in one line per problem that names the
variable and never repeats the value."""

from __future__ import annotations

import pytest

from shared.config import PLACEHOLDER_SECRET, SettingsError, load_settings

VALID_WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def refusal(monkeypatch: pytest.MonkeyPatch, **env: str) -> list[str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    return refused.value.problems


@pytest.mark.parametrize("environment", ["development", "test", "production"])
@pytest.mark.parametrize("secret", [PLACEHOLDER_SECRET, "", "only-31-characters-long-secret!"])
def test_the_placeholder_a_missing_or_a_short_secret_is_refused_in_every_environment(
    monkeypatch: pytest.MonkeyPatch, environment: str, secret: str
) -> None:
    problems = refusal(monkeypatch, SEKBER_ENVIRONMENT=environment, SEKBER_SECRET_KEY=secret)

    assert len(problems) == 1
    assert problems[0].startswith("SEKBER_SECRET_KEY ")
    if secret and secret != PLACEHOLDER_SECRET:
        assert secret not in problems[0]


def test_a_settings_error_never_carries_the_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ"  # base64 of fewer than 24 bytes
    problems = refusal(
        monkeypatch,
        SEKBER_WEBHOOK_URL="https://hooks.example.org/sekber",
        SEKBER_WEBHOOK_SECRET=secret,
    )

    assert problems == ["SEKBER_WEBHOOK_SECRET must be whsec_ and the base64 of at least 24 bytes"]
    with pytest.raises(SettingsError) as refused:
        load_settings()
    # Raised "from None": a traceback shows no ValidationError with input_value=... either.
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    assert secret not in str(refused.value)


def test_every_problem_is_a_line_of_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = refusal(
        monkeypatch,
        SEKBER_REDIS_URL="notaurl",
        SEKBER_LOG_LEVEL="LOUD",
        SEKBER_HTTP_PORT="eighty",
    )

    assert [p.split(":")[0] for p in problems] == [
        "SEKBER_REDIS_URL",
        "SEKBER_HTTP_PORT",
        "SEKBER_LOG_LEVEL",
    ]
    assert all("\n" not in p and "notaurl" not in p and "LOUD" not in p for p in problems)


def test_a_list_that_is_not_json_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    problems = refusal(monkeypatch, SEKBER_NOTIFY_RETRY_SCHEDULE_SECONDS="[60, 300")

    assert problems == ["SEKBER_NOTIFY_RETRY_SCHEDULE_SECONDS: expected a JSON list, in [brackets]"]


def test_good_values_load_in_their_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEKBER_LOG_LEVEL", "debug")
    monkeypatch.setenv("SEKBER_CORS_ORIGINS", "https://app.example.org, http://127.0.0.1:3000/")
    monkeypatch.setenv("SEKBER_DATABASE_URL", "postgresql://sekber:pw@db:5432/sekber")
    monkeypatch.setenv("SEKBER_REDIS_URL", "rediss://:pw@cache.example.org:6380/2")
    monkeypatch.setenv("SEKBER_WEBHOOK_URL", "https://hooks.example.org/sekber")
    monkeypatch.setenv("SEKBER_WEBHOOK_SECRET", VALID_WEBHOOK_SECRET)

    settings = load_settings()

    assert settings.log_level == "DEBUG"
    assert settings.cors_origins == ["https://app.example.org", "http://127.0.0.1:3000"]
    # The bare scheme means the driver Sekber ships with, psycopg 3.
    assert settings.database_url == "postgresql+psycopg://sekber:pw@db:5432/sekber"
    monkeypatch.setenv("SEKBER_CORS_ORIGINS", '["https://app.example.org"]')
    assert load_settings().cors_origins == ["https://app.example.org"]


def test_the_secret_key_is_not_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "a-secret-that-must-never-be-printed-0123456789"
    monkeypatch.setenv("SEKBER_SECRET_KEY", key)

    assert key not in repr(load_settings())
