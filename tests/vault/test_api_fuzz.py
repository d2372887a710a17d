"""Arbitrary request bodies never make the API fail with a 500 or echo what was sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.vault.runtime import Vault
from tests.vault.test_api_support import URLS, bearer, make_case, token_for

pytestmark = pytest.mark.urls(URLS)

MARK = "Qx7Marker"
json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=20).map(lambda t: MARK + t)
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)
FIELDS = ["full_name", "email", "district", "details", "immigration_status", "nickname"]
intake_body = st.fixed_dictionaries(
    {},
    optional={
        "answers": st.one_of(
            st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_value),
            json_value,
        ),
        "consents": st.one_of(st.lists(st.sampled_from(["service_updates", "x"])), json_value),
        "under_age": st.one_of(st.booleans(), json_value),
        "guardian_consent": st.booleans(),
    },
)
reveal_body = st.fixed_dictionaries(
    {},
    optional={
        # A field name the plan does not have is named in the 404 (it is the caller's own
        # text, not stored data), so names are drawn from the plan or are not text.
        "field": st.sampled_from(FIELDS) | st.none() | st.integers(),
        "purpose": json_value,
        "reason": json_value,
        "x": json_value,
    },
)
FUZZ = settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _echoed(body: bytes) -> bool:
    return MARK.encode() in body


@FUZZ
@given(body=intake_body)
def test_intake_answers_every_body_with_a_4xx_or_a_receipt(
    client: Client, city_vault: Vault, body: dict[str, Any]
) -> None:
    response = client.post(
        "/api/intake/service_request", json.dumps(body), content_type="application/json"
    )
    assert response.status_code in (201, 400, 403, 422), response.content
    assert not _echoed(response.content)
    if response.status_code != 201:
        assert "detail" in response.json()


def test_reveal_answers_every_body_without_a_500(client: Client, city_vault: Vault) -> None:
    record = make_case(city_vault)
    headers = bearer(token_for(city_vault, "privacy_officer", team=""))

    @FUZZ
    @given(body=reveal_body)
    def reveal(body: dict[str, Any]) -> None:
        response = client.post(
            f"/api/records/{record.id}/reveal",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code in (403, 404, 422), response.content
        assert not _echoed(response.content)

    reveal()
