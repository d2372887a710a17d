"""Pure schedule decisions: frequencies, when a job is due, how it stands, what to prune."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.vault.rules.backup_pruning import backups_to_prune
from steward.vault.rules.schedule import (
    FrequencyError,
    Health,
    History,
    assess,
    default_grace,
    is_due,
    next_due,
    parse_frequency,
    retry_delay,
)

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "interval"),
    [
        ("daily", DAY),
        ("Daily", DAY),
        ("  nightly ", DAY),
        ("hourly", HOUR),
        ("weekly", timedelta(weeks=1)),
        ("twice a day", timedelta(hours=12)),
        ("monthly", timedelta(days=30)),
        ("every 6 hours", timedelta(hours=6)),
        ("every 2 days", 2 * DAY),
        ("every 1 week", timedelta(weeks=1)),
        ("12h", timedelta(hours=12)),
        ("1d", DAY),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_frequencies_the_plan_may_state(text: str, interval: timedelta) -> None:
    assert parse_frequency(text) == interval


@pytest.mark.parametrize("text", ["", "sometimes", "0h", "every 0 days", "daily-ish", "-1d"])
def test_frequencies_steward_cannot_follow(text: str) -> None:
    with pytest.raises(FrequencyError):
        parse_frequency(text)


@given(st.text(max_size=30))
def test_any_text_is_a_frequency_or_a_frequency_error(text: str) -> None:
    try:
        interval = parse_frequency(text)
    except FrequencyError as error:
        message = str(error)
    else:
        message = "frequency"
        assert interval > timedelta(0)
    assert "frequency" in message


@pytest.mark.parametrize(
    ("history", "now", "due"),
    [
        (History(), T0, True),  # never ran: due at once
        (History(last_success=T0, last_attempt=T0), T0 + 23 * HOUR, False),
        (History(last_success=T0, last_attempt=T0), T0 + DAY, True),
        # failed an hour after a success: retried an hour later, not sooner
        (History(T0, T0 + 30 * HOUR, True), T0 + 30 * HOUR + 59 * 60 * timedelta(seconds=1), False),
        (History(T0, T0 + 30 * HOUR, True), T0 + 31 * HOUR, True),
        # a run under way is not started twice ...
        (History(T0, T0, False, T0 + DAY), T0 + DAY + HOUR, False),
        # ... unless it has been running so long it must have died
        (History(T0, T0, False, T0 + DAY), T0 + DAY + 7 * HOUR, True),
        (History(None, T0, True), T0 + 30 * timedelta(minutes=1), False),
        (History(None, T0, True), T0 + HOUR, True),
    ],
)
def test_when_a_daily_job_is_due(history: History, now: datetime, due: bool) -> None:
    assert is_due(DAY, history, now) is due


def test_an_unscheduled_job_is_never_due() -> None:
    assert not is_due(None, History(), T0)


@pytest.mark.parametrize(
    ("history", "now", "health"),
    [
        (History(), T0, Health.NEVER_RUN),
        (History(None, T0, True), T0, Health.NEVER_RUN),
        (History(None, None, False, T0), T0 + HOUR, Health.RUNNING),
        (History(T0, T0), T0 + 20 * HOUR, Health.OK),
        (History(T0, T0), T0 + DAY + 6 * HOUR, Health.OK),  # within the grace
        (History(T0, T0), T0 + DAY + 6 * HOUR + timedelta(seconds=1), Health.OVERDUE),
        (History(T0, T0 + 25 * HOUR, True), T0 + 26 * HOUR, Health.FAILING),
        (History(T0, T0 + 29 * HOUR, True), T0 + 31 * HOUR, Health.OVERDUE),
        (History(T0, T0, False, T0 + DAY), T0 + DAY + timedelta(minutes=5), Health.RUNNING),
    ],
)
def test_how_a_daily_job_stands(history: History, now: datetime, health: Health) -> None:
    assessment = assess(DAY, default_grace(DAY), history, now)
    assert assessment.health is health
    assert assessment.needs_attention is (
        health in {Health.NEVER_RUN, Health.OVERDUE, Health.FAILING}
    )
    assert assessment.reason


def test_overdue_says_for_how_long() -> None:
    assessment = assess(DAY, default_grace(DAY), History(T0, T0), T0 + 3 * DAY)
    assert "3 days" in assessment.reason
    assert assessment.due_at == T0 + DAY


def test_not_scheduled() -> None:
    assert assess(None, timedelta(0), History(), T0).health is Health.NOT_SCHEDULED


@pytest.mark.parametrize(
    ("interval", "grace", "retry"),
    [
        (HOUR, timedelta(minutes=15), HOUR),
        (DAY, timedelta(hours=6), HOUR),
        (timedelta(days=91), timedelta(hours=6), HOUR),
        (timedelta(minutes=20), timedelta(minutes=5), timedelta(minutes=20)),
    ],
)
def test_grace_and_retry(interval: timedelta, grace: timedelta, retry: timedelta) -> None:
    assert default_grace(interval) == grace
    assert retry_delay(interval) == retry


@given(
    st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=400)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=800)),
    st.booleans(),
)
def test_due_exactly_from_next_due(interval: timedelta, elapsed: timedelta, failed: bool) -> None:
    history = History(T0, T0 + elapsed / 2 if failed else T0, failed)
    now = T0 + elapsed
    assert is_due(interval, history, now) is (next_due(interval, history, now) <= now)
    assert next_due(interval, history, now) >= T0 + interval


# -- pruning -------------------------------------------------------------------------


def _ago(days: float) -> datetime:
    return T0 - timedelta(days=days)


@pytest.mark.parametrize(
    ("ages", "retention", "deleted", "kept"),
    [
        ({"a": 40, "b": 36, "c": 10, "d": 0}, timedelta(days=35), ("a", "b"), None),
        ({"a": 35, "b": 1}, timedelta(days=35), (), None),  # exactly at the limit stays
        ({"a": 50, "b": 40}, timedelta(days=35), ("a",), "b"),  # never the newest
        ({"a": 50}, timedelta(days=35), (), "a"),
        ({"a": 500, "b": 1}, None, (), None),  # no retention: keep everything
        ({}, timedelta(days=1), (), None),
    ],
)
def test_pruning_by_retention(
    ages: dict[str, float], retention: timedelta | None, deleted: tuple[str, ...], kept: str | None
) -> None:
    decision = backups_to_prune([(name, _ago(days)) for name, days in ages.items()], retention, T0)
    assert decision.delete == deleted
    assert decision.kept_past_retention == kept


@given(
    st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=20),
    st.integers(min_value=1, max_value=100),
)
def test_pruning_keeps_the_newest_and_everything_young(ages: list[int], days: int) -> None:
    backups = [(f"b{i:02d}", _ago(age)) for i, age in enumerate(ages)]
    decision = backups_to_prune(backups, timedelta(days=days), T0)
    newest = max(backups, key=lambda b: (b[1], b[0]))[0]
    assert newest not in decision.delete
    for name, created in backups:
        if name != newest:
            assert (name in decision.delete) is (T0 - created > timedelta(days=days))
