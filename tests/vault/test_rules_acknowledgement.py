"""Who must acknowledge the plan, as tables: the standing of a person or a service, the
message a refused request gets, and who may see the list."""

from __future__ import annotations

import pytest

from steward.vault.rules.acknowledgement import (
    Standing,
    acknowledgement_refusal,
    listing_refusal,
    standing,
)

NOW, BEFORE, OTHER = "b" * 64, "a" * 64, "c" * 64


@pytest.mark.parametrize(
    ("required", "person", "acknowledged", "expected"),
    [
        # the plan asks, a person: the text in force decides
        (True, True, set(), Standing.NEVER),
        (True, True, {NOW}, Standing.ACKNOWLEDGED),
        (True, True, {BEFORE}, Standing.CHANGED),
        (True, True, {BEFORE, OTHER}, Standing.CHANGED),
        (True, True, {BEFORE, NOW}, Standing.ACKNOWLEDGED),  # changed, then confirmed again
        (True, True, {NOW, BEFORE}, Standing.ACKNOWLEDGED),  # put back to a text they confirmed
        # a service token is not a person: never asked
        (True, False, set(), Standing.NOT_A_PERSON),
        (True, False, {BEFORE}, Standing.NOT_A_PERSON),
        # a plan that does not ask: nobody is asked
        (False, True, set(), Standing.NOT_ASKED),
        (False, True, {BEFORE}, Standing.NOT_ASKED),
        (False, False, set(), Standing.NOT_ASKED),
    ],
)
def test_standing(required: bool, person: bool, acknowledged: set[str], expected: Standing) -> None:
    found = standing(required=required, person=person, current=NOW, acknowledged=acknowledged)
    assert found is expected
    assert found.must_acknowledge is (expected in (Standing.NEVER, Standing.CHANGED))


@pytest.mark.parametrize(
    ("found", "says"),
    [
        (Standing.NEVER, "before your first access"),
        (Standing.CHANGED, "has changed since you acknowledged it"),
        (Standing.ACKNOWLEDGED, ""),
        (Standing.NOT_A_PERSON, ""),
        (Standing.NOT_ASKED, ""),
    ],
)
def test_the_refusal_says_what_to_do(found: Standing, says: str) -> None:
    message = acknowledgement_refusal(found)
    assert bool(message) is found.must_acknowledge
    assert says in message
    if message:
        assert "/staff/" in message


@pytest.mark.parametrize(
    ("reads_audit", "expired", "needs_mfa", "mfa_verified", "refused_because"),
    [
        (True, False, True, True, ""),
        (True, False, False, False, ""),
        (False, False, True, True, "may not see who acknowledged"),
        (True, True, True, True, "temporary access has ended"),
        (True, False, True, False, "second factor"),
        (False, True, True, False, "may not see who acknowledged"),
    ],
)
def test_who_may_see_the_list(
    reads_audit: bool, expired: bool, needs_mfa: bool, mfa_verified: bool, refused_because: str
) -> None:
    reason = listing_refusal(
        role="r",
        reads_audit=reads_audit,
        expired=expired,
        needs_mfa=needs_mfa,
        mfa_verified=mfa_verified,
    )
    assert (reason == "") is (refused_because == "")
    assert refused_because in reason
