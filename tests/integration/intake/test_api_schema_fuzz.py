"""schemathesis over the whole OpenAPI document, signed in as each role: generated
requests (valid and invalid) never get a server error, and every answer matches the
document (status codes, content types, bodies). Records created live in the test
database like any other; no coordinators are added."""

from __future__ import annotations

import re

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
            nonlocal sent
            for headers in ROLES.values():
                case.call_and_validate(headers=headers, checks=CHECKS)
                sent += 1

        try:
            each_role_calls()
        except Exception as exc:  # one operation's failure must not hide the others'
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    print(f"schemathesis: {sent} requests over {operations} operations")
    assert failures == [], "\n\n".join(failures)
    assert operations >= 20
    assert sent >= 1000
