"""Inputs that used to end in a 500 or the wrong error get a clear 4xx, as documented."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client

from steward.vault.api.parser import surrogate_at
from steward.vault.models import Record
from steward.vault.runtime import Vault
from tests.vault.test_api_support import URLS, VALUES, bearer, make_case, token_for

pytestmark = pytest.mark.urls(URLS)
INTAKE = "/api/intake/service_request"
RECORDS = "/api/datasets/service_request/records"


def _post(client: Client, url: str, body: str | bytes, **headers: str):
    return client.post(url, body, content_type="application/json", headers=headers)


def test_a_body_over_the_size_limit_is_413_with_a_message(
    client: Client, city_vault: Vault
) -> None:
    big = json.dumps({"answers": {**VALUES, "details": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}})
    response = _post(client, INTAKE, big)
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["detail"]
    assert Record.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"answers": {"full_name": "\\ud800", "district": "North"}}', "answers.full_name"),
        ('{"answers": {"details": "ok \\udfff ok"}}', "answers.details"),
        ('{"answers": {"\\ud800": "x"}}', "answers"),
        ('{"consents": ["service_updates", "\\udc00"]}', "consents[1]"),
    ],
)
def test_a_lone_surrogate_is_422_pointing_at_it(
    client: Client, city_vault: Vault, body: str, where: str
) -> None:
    response = _post(client, INTAKE, body)
    assert response.status_code == 422, response.content
    assert response.json() == {
        "detail": "the request is not valid",
        "problems": {where: "not valid text: it holds a lone surrogate"},
    }
    assert Record.objects.count() == 0


def test_a_lone_surrogate_in_a_change_or_a_reveal_is_422_too(
    client: Client, city_vault: Vault
) -> None:
    record = make_case(city_vault)
    headers = bearer(token_for(city_vault, "privacy_officer", team=""))
    change = client.patch(
        f"/api/records/{record.id}",
        '{"field": "phone", "value": "555 \\ud83d"}',
        content_type="application/json",
        headers=headers,
    )
    assert change.status_code == 422
    assert set(change.json()["problems"]) == {"value"}
    reveal = _post(
        client,
        f"/api/records/{record.id}/reveal",
        '{"field": "phone", "purpose": "follow_up", "reason": "call \\ud800 back"}',
        **headers,
    )
    assert reveal.status_code == 422


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"answers": ', b"\xff\xfe{}", b'{"answers": {}} trailing', b"[1, 2"],
)
def test_malformed_json_is_422_with_problems(
    client: Client, city_vault: Vault, body: bytes
) -> None:
    response = _post(client, INTAKE, body)
    assert response.status_code == 422
    answer = response.json()
    assert answer["detail"] == "the request is not valid"
    assert set(answer["problems"]) == {"body"}
    assert "not json" not in json.dumps(answer)


@pytest.mark.parametrize(
    ("offset", "status"),
    [("9223372036854775808", 422), ("9223372036854775807", 422), ("2147483648", 422),
     ("2147483647", 200), ("0", 200)],
)  # fmt: skip
def test_huge_offsets_are_422_not_500(
    client: Client, city_vault: Vault, offset: str, status: int
) -> None:
    headers = bearer(token_for(city_vault, "privacy_officer", team=""))
    for url in (RECORDS, "/api/datasets/service_request/queue"):
        response = client.get(f"{url}?offset={offset}", headers=headers)
        assert response.status_code == status, response.content
        if status == 422:
            assert set(response.json()["problems"]) == {"offset"}


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"a": ["ok", {"b": "\ud800"}]}, "a[1].b"),
        ("\udfff", "body"),
        ({"fine": "text \u00e9\U0001f600"}, None),
        ([1, None, True, 2.5], None),
    ],
)
def test_surrogate_at(data: object, where: str | None) -> None:
    assert surrogate_at(data) == where
