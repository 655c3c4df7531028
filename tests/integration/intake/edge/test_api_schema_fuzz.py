"""schemathesis over the whole OpenAPI document, signed in as each role: generated
requests (valid and invalid) never get a server error, and every answer matches the
document (status codes, content types, bodies). Each generated request is also sent once
with a control or direction character (NUL among them) put into every string of its path,
query and body: it must be refused with a documented 4xx, never a 5xx, on SQLite and
PostgreSQL alike. Records created live in the test database like any other; no
coordinators are added."""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, checks

from services.intake.app import create_app
from shared.config import Settings
from tests.support.auth import headers_for

ROLES = {
    "case_worker": headers_for("case_worker", "fuzz@puskesos.example"),
    "coordinator": headers_for("coordinator", "00000000-0000-4000-8000-000000000001"),
    "supervisor": headers_for("supervisor", "fuzz-supervisor"),
    "admin": headers_for("admin", "fuzz-admin"),
}
# An event stream does not end; the stream has tests of its own.
NOT_FUZZED = re.compile(r"/inbox/stream$")
EXAMPLES_PER_OPERATION = 12
# What the free-text rule refuses (shared/domain/text.py), put into every string.
POISON = ["\x00", "\x1b", "\x7f", "\x85", "\u202e", "\u2066", "\x01"]
# Every check but "a schema-valid request is accepted": a valid-looking village code that
# does not exist is rightly refused with 422.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


def test_generated_requests_get_documented_answers_and_never_a_server_error(
    database_url: str,
) -> None:
    app = create_app(Settings(environment="test", database_url=database_url))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    sent = 0
    poisoned = 0
    chars = itertools.cycle(POISON)
    operations = 0
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if NOT_FUZZED.search(operation.path):
            continue
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def each_role_calls(case: Case) -> None:
            nonlocal sent, poisoned
            for headers in ROLES.values():
                case.call_and_validate(headers=headers, checks=CHECKS)
                sent += 1
            hostile = with_poison(case, next(chars))
            if hostile is not None:
                response = hostile.call_and_validate(headers=ROLES["admin"], checks=CHECKS)
                assert 400 <= response.status_code < 500, (response.status_code, response.text)
                poisoned += 1

        try:
            each_role_calls()
        except Exception as exc:  # one operation's failure must not hide the others'
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(
        f"schemathesis on {database}: {sent} requests over {operations} operations, "
        f"{poisoned} more with a control character in every string"
    )
    assert failures == [], "\n\n".join(failures)
    assert operations >= 20
    assert sent >= 1000
    assert poisoned >= 100


def with_poison(case: Case, char: str) -> Case | None:
    """The case with `char` in the middle of every string of its path, query and body;
    None when it has no string to put it in."""
    found = False

    def poison(value: Any) -> Any:
        nonlocal found
        if isinstance(value, str):
            found = True
            middle = len(value) // 2
            return value[:middle] + char + value[middle:]
        if isinstance(value, list):
            return [poison(v) for v in value]
        if isinstance(value, dict):
            return {k: poison(v) for k, v in value.items()}
        return value

    body = case.body if isinstance(case.body, str | list | dict) else None
    hostile = case.operation.Case(
        path_parameters=poison(copy.deepcopy(case.path_parameters)),
        headers=dict(case.headers or {}),
        query=poison(copy.deepcopy(case.query)),
        body=poison(copy.deepcopy(body)) if body is not None else case.body,
        media_type=case.media_type,
    )
    return hostile if found else None
