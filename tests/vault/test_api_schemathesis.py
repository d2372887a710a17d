"""schemathesis over the API's own OpenAPI schema: no input makes it fail (5xx), and every
answer conforms to the schema (documented status, content type and body).

The Django app runs in process (WSGI), on the test database, with a service token of
the privacy officer, the role that reaches the most; the public intake route is
exercised without it. Positive (schema-valid) and negative (schema-breaking) inputs are
both generated; the example count stays modest so the suite stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from steward.vault.api.router import api
from steward.vault.runtime import Vault
from tests.vault.test_api_support import bearer, make_case, token_for

OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in api.get_openapi_schema()["paths"].items()
    for method in item
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def app() -> Iterator[WSGIHandler]:
    """The Django app as a WSGI callable, keeping the test's database connection open
    between requests (as Django's own test client does), so the test's transaction and
    its data survive on every database."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_is_fuzzed() -> None:
    assert len(OPERATIONS) >= 10


@pytest.mark.parametrize(
    "mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_no_input_makes_the_api_fail_or_break_its_schema(
    city_vault: Vault,
    app: WSGIHandler,
    method: str,
    path: str,
    mode: schemathesis.GenerationMode,
) -> None:
    record = make_case(city_vault)
    headers = bearer(token_for(city_vault, "privacy_officer", team=""))
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = schema[path][method]
    known = {"record_id": str(record.id)} if "{record_id}" in path else None
    strategy = operation.as_strategy(mode) | operation.as_strategy(
        mode, path_parameters={"dataset": "service_request"} if "{dataset}" in path else known
    )

    @EXAMPLES
    @given(case=strategy)
    def call(case: schemathesis.Case[Any]) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)

    call()
