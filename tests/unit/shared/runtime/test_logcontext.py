from __future__ import annotations

import json
import logging
import sys

from shared.config import Settings
from shared.runtime import logcontext


def record(message: str = "case %s received", *args: object) -> logging.LogRecord:
    entry = logging.LogRecord("sekber.test", logging.INFO, __file__, 1, message, args, None)
    logcontext.CorrelationFilter().filter(entry)
    return entry


def test_a_line_logged_inside_a_correlated_block_carries_its_id() -> None:
    with logcontext.correlated("abc123"):
        inside = record()
    outside = record()

    assert inside.correlation_id == "abc123"  # type: ignore[attr-defined]
    assert outside.correlation_id == logcontext.NO_CORRELATION  # type: ignore[attr-defined]
    assert logcontext.current() is None


def test_a_json_line_holds_the_message_service_and_correlation_id() -> None:
    with logcontext.correlated("abc123"):
        line = logcontext.JsonFormatter(service="routing").format(record("case %s", 7))

    entry = json.loads(line)
    assert entry["message"] == "case 7"
    assert (entry["service"], entry["level"], entry["correlation_id"]) == (
        "routing",
        "INFO",
        "abc123",
    )


def test_a_json_line_without_a_correlation_leaves_the_field_out() -> None:
    entry = json.loads(logcontext.JsonFormatter(service="relay").format(record("idle")))

    assert "correlation_id" not in entry


def test_logs_are_json_in_production_and_text_elsewhere_unless_chosen() -> None:
    production = Settings(environment="production", secret_key="s" * 32)

    assert production.effective_log_format == "json"
    assert Settings(environment="development").effective_log_format == "text"
    assert Settings(environment="development", log_format="json").effective_log_format == "json"


NIK, PHONE = "3508014203480001", "+6281299887766"


def test_a_logged_traceback_carries_no_local_values() -> None:
    def store(nik: str) -> None:
        phone = PHONE
        raise RuntimeError(f"could not store the case ({len(nik + phone)} characters)")

    try:
        store(NIK)
    except RuntimeError:
        entry = logging.LogRecord(
            "sekber.test", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    logcontext.CorrelationFilter().filter(entry)

    for formatter in (
        logcontext.JsonFormatter(service="intake"),
        logging.Formatter(logcontext.text_format("intake")),
    ):
        line = formatter.format(entry)
        assert "Traceback" in line and "in store" in line
        assert NIK not in line and PHONE not in line


def test_the_command_line_prints_plain_tracebacks_without_locals() -> None:
    from sekber_cli.main import app

    assert app.pretty_exceptions_enable is False
    assert app.pretty_exceptions_show_locals is False
