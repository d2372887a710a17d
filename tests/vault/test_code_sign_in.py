"""Signing a person in with their access code: the throttle per code and per address,
bursts audited once, erased people refused, pruning; time moved by a ManualClock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.test import override_settings

from steward.audit import Outcome
from steward.clock import ManualClock, use_clock
from steward.vault.models import CodeAttempt, PersonSession, Subject
from steward.vault.rules.code_throttle import BurstKind
from steward.vault.rules.intake import Submission
from steward.vault.runtime import Vault
from steward.vault.services.code_sign_in import (
    CODE_ATTEMPT_PRUNING,
    REFUSED,
    CodeRefused,
    CodeThrottled,
    code_bursts,
    prune_code_attempts,
    sign_in,
    wait_words,
)
from steward.vault.services.collect import submit
from steward.vault.services.jobs import JobContext
from steward.vault.services.jobs_catalogue import standard_jobs
from steward.vault.services.person_sessions import session_subject
from tests.vault.test_staff_support import DISTINCT

T0 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
WRONG = "AAAA-BBBB-CCCC-DDDD-EEEE"


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    manual = ManualClock(T0)
    with use_clock(manual):
        yield manual


def new_code(vault: Vault) -> tuple[str, str]:
    """A stored service request; returns its record id and the person's access code."""
    receipt = submit(vault, Submission("service_request", DISTINCT))
    return receipt.reference, receipt.access_code


def _actions(vault: Vault) -> list[tuple[str, Outcome, str]]:
    return [(e.action, e.outcome, e.purpose) for e in vault.audit.entries()]


def test_the_code_opens_the_persons_session(city_vault: Vault, clock: ManualClock) -> None:
    record, code = new_code(city_vault)
    token, expires, subject = sign_in(city_vault, code.lower().replace("-", " "), HOME)
    assert str(Subject.objects.get(records__pk=record).pk) == str(subject)
    assert expires == T0 + timedelta(minutes=15)
    assert session_subject(city_vault, token, clock.now()) == subject
    assert _actions(city_vault)[-1] == ("person.sign_in", Outcome.ALLOWED, "")
    keys = list(CodeAttempt.objects.values_list("key", "succeeded"))
    assert sorted(k.split(":")[0] for k, _ in keys) == ["addr", "code"]
    assert all(ok for _, ok in keys)
    stored = " ".join(k for k, _ in keys)
    assert code.replace("-", "") not in stored.upper()
    assert HOME not in stored


def test_a_wrong_code_is_refused_without_saying_why(city_vault: Vault, clock: ManualClock) -> None:
    new_code(city_vault)
    for tried in (WRONG, "not a code at all", "ÄÖÜ" * 3, "x" * 500):
        with pytest.raises(CodeRefused) as refused:
            sign_in(city_vault, tried, HOME)
        assert str(refused.value) == REFUSED
    with pytest.raises(CodeRefused, match="enter the access code"):
        sign_in(city_vault, "   ", HOME)
    failed = [a for a in _actions(city_vault) if a[0] == "person.sign_in_failed"]
    assert failed == [("person.sign_in_failed", Outcome.DENIED, "wrong code")] * 4
    assert not PersonSession.objects.exists()


def test_five_wrong_tries_lock_the_code_until_the_window_passes(
    city_vault: Vault, clock: ManualClock
) -> None:
    _, code = new_code(city_vault)
    # someone guesses the person's code from many addresses, and gets it wrong five times
    # by one character: each wrong try counts against the *tried* code, not the person.
    for n in range(5):
        with pytest.raises(CodeRefused):
            sign_in(city_vault, WRONG, f"192.0.2.{n}")
        clock.advance(minutes=1)
    with pytest.raises(CodeThrottled) as throttled:
        sign_in(city_vault, WRONG, ELSEWHERE)
    assert throttled.value.retry_after == 10 * 60  # the first try was 5 minutes ago
    assert "try again in 10 minutes" in str(throttled.value)
    assert _actions(city_vault)[-1] == ("person.sign_in_failed", Outcome.DENIED, "throttled")
    # the person's own code is a different code: not locked
    assert sign_in(city_vault, code, ELSEWHERE).subject_id
    clock.advance(minutes=15)
    with pytest.raises(CodeRefused):
        sign_in(city_vault, WRONG, ELSEWHERE)


def test_twenty_wrong_codes_throttle_the_address_even_for_the_right_code(
    city_vault: Vault, clock: ManualClock
) -> None:
    _, code = new_code(city_vault)
    for n in range(20):
        with pytest.raises(CodeRefused):
            sign_in(city_vault, f"AAAA-BBBB-CCCC-DDDD-{n:04d}", HOME)
        clock.advance(seconds=10)
    with pytest.raises(CodeThrottled):
        sign_in(city_vault, code, HOME)  # not even checked
    assert not PersonSession.objects.exists()
    assert sign_in(city_vault, code, ELSEWHERE).subject_id  # another address is not throttled
    clock.advance(minutes=16)
    assert sign_in(city_vault, code, HOME).subject_id


def test_the_settings_change_the_limits(city_vault: Vault, clock: ManualClock) -> None:
    with override_settings(STEWARD_CODE_FAILURE_LIMIT=2, STEWARD_CODE_ADDRESS_FAILURE_LIMIT=3):
        for _ in range(2):
            with pytest.raises(CodeRefused):
                sign_in(city_vault, WRONG, HOME)
        with pytest.raises(CodeThrottled):
            sign_in(city_vault, WRONG, ELSEWHERE)
        with pytest.raises(CodeRefused):
            sign_in(city_vault, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", HOME)  # the address's third
        with pytest.raises(CodeThrottled):
            sign_in(city_vault, "YYYY-ZZZZ-ZZZZ-ZZZZ-ZZZZ", HOME)


def test_a_burst_is_audited_once_and_listed_for_the_privacy_officer(
    city_vault: Vault, clock: ManualClock
) -> None:
    for _ in range(25):
        with pytest.raises((CodeRefused, CodeThrottled)):
            sign_in(city_vault, WRONG, HOME)
        clock.advance(seconds=20)
    bursts = [a for a in _actions(city_vault) if a[0] == "person.code_burst"]
    assert [b[2] for b in bursts] == [
        "10 or more wrong access codes within 15 minutes for one code",
        "10 or more wrong access codes within 15 minutes for one address",
    ]
    listed = code_bursts(city_vault, T0)
    assert {(b.kind, b.count) for b in listed} == {(BurstKind.CODE, 25), (BurstKind.ADDRESS, 25)}
    assert all(b.at == T0 + timedelta(seconds=20 * 9) for b in listed)
    assert code_bursts(city_vault, clock.now()) == []
    clock.advance(minutes=20)  # a new window: a new burst is reported again
    for _ in range(10):
        with pytest.raises((CodeRefused, CodeThrottled)):
            sign_in(city_vault, WRONG, HOME)
    assert len(code_bursts(city_vault, T0)) == 4


def test_an_erased_persons_code_opens_nothing(city_vault: Vault, clock: ManualClock) -> None:
    record, code = new_code(city_vault)
    Subject.objects.filter(records__pk=record).update(erased=T0)
    with pytest.raises(CodeRefused):
        sign_in(city_vault, code, HOME)
    assert not PersonSession.objects.exists()


def test_pruning_keeps_a_day_of_tries_and_live_sessions(
    city_vault: Vault, clock: ManualClock, tmp_path: Path
) -> None:
    _, code = new_code(city_vault)
    sign_in(city_vault, code, HOME)
    with pytest.raises(CodeRefused):
        sign_in(city_vault, WRONG, HOME)
    clock.advance(hours=1)
    assert prune_code_attempts() == (0, 1)  # the session ended after 15 minutes
    clock.advance(hours=20)
    sign_in(city_vault, code, HOME)
    clock.advance(hours=4)
    assert prune_code_attempts() == (4, 1)
    assert CodeAttempt.objects.count() == 2
    job = standard_jobs().get("code-attempt-pruning")
    assert job is CODE_ATTEMPT_PRUNING
    assert job.schedule(city_vault.plan).interval == timedelta(days=1)
    clock.advance(days=2)
    context = JobContext(city_vault, tmp_path / "keys", tmp_path / "backups")
    assert job.run(context) == (
        "deleted 2 access-code tries older than a day and 0 ended sign-ins of people"
    )


def test_wait_words() -> None:
    assert [wait_words(s) for s in (1, 40, 60, 61, 900)] == [
        "1 second",
        "40 seconds",
        "1 minute",
        "2 minutes",
        "15 minutes",
    ]
