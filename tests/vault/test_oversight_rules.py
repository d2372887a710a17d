"""The oversight body's arithmetic as tables: unusual access (small teams included),
deadlines kept or missed, response times and when a review is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from steward.vault.rules.oversight import (
    DeadlineFacts,
    deadline_status,
    next_review_period,
    response_times,
    unusual_access,
)

CW = "caseworker"


@pytest.mark.parametrize(
    ("reveals", "roles", "flagged"),
    [
        pytest.param({}, {}, [], id="nobody"),
        pytest.param({"ana": 500}, {"ana": CW}, [], id="alone-in-role-never-flagged"),
        pytest.param({"ana": 40, "bo": 10}, {"ana": CW, "bo": CW}, ["ana"], id="team-of-two"),
        pytest.param({"ana": 30, "bo": 10}, {"ana": CW, "bo": CW}, [], id="exactly-3x-not-above"),
        pytest.param({"ana": 9, "bo": 0}, {"ana": CW, "bo": CW}, [], id="below-minimum-count"),
        pytest.param({"ana": 10, "bo": 0}, {"ana": CW, "bo": CW}, [], id="margin-not-passed"),
        pytest.param({"ana": 11, "bo": 0}, {"ana": CW, "bo": CW}, ["ana"], id="margin-passed"),
        pytest.param({"ana": 11, "bo": 1}, {"ana": CW, "bo": CW}, [], id="small-median-margin"),
        pytest.param(
            {"ana": 100, "bo": 20, "cy": 25, "di": 30},
            {"ana": CW, "bo": CW, "cy": CW, "di": CW},
            ["ana"],
            id="one-of-four",
        ),
        pytest.param(
            {"ana": 100, "bo": 100, "cy": 10},
            {"ana": CW, "bo": CW, "cy": CW},
            [],
            id="two-heavy-users-are-each-others-peers",
        ),
        pytest.param(
            {"ana": 100},
            {"ana": CW, "bo": CW, "cy": CW},
            ["ana"],
            id="peers-with-no-reveals-count-as-zero",
        ),
        pytest.param(
            {"ana": 100, "sup": 5},
            {"ana": CW, "sup": "supervisor"},
            [],
            id="different-roles-are-not-peers",
        ),
        pytest.param(
            {"ghost": 100, "bo": 0}, {"bo": CW}, [], id="unknown-role-compared-with-nobody"
        ),
    ],
)
def test_unusual_access(reveals: dict[str, int], roles: dict[str, str], flagged: list[str]) -> None:
    assert [f.staff for f in unusual_access(reveals, roles)] == flagged


def test_a_flag_says_why() -> None:
    [flag] = unusual_access({"ana": 40, "bo": 10, "cy": 12}, {"ana": CW, "bo": CW, "cy": CW})
    assert flag.as_json() == {
        "staff": "ana",
        "role": CW,
        "reveals": 40,
        "peers": 2,
        "peer_median": 11.0,
        "threshold": 33.0,
    }


T = datetime(2026, 3, 1, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("due", "done", "now", "status"),
    [
        (None, None, T, "not_required"),
        (None, T, T, "not_required"),
        (T, T - H, T + H, "kept"),
        (T, T, T + H, "kept"),
        (T, T + H, T + H, "missed"),
        (T, None, T + H, "missed"),
        (T, None, T - H, "running"),
        (T, None, T, "running"),
    ],
)
def test_deadline_status(
    due: datetime | None, done: datetime | None, now: datetime, status: str
) -> None:
    assert deadline_status(DeadlineFacts(due, done), now) == status


D = timedelta(days=1)


@pytest.mark.parametrize(
    ("spans", "answered", "median_days", "max_days"),
    [
        ([], 0, None, None),
        ([(T, T + H)], 1, 0.0, 0),
        ([(T, T + 3 * D), (T, T + 10 * D)], 2, 6.5, 10),
        ([(T, T + 1 * D), (T, T + 2 * D), (T, T + 40 * D)], 3, 2.0, 40),
        ([(T, T - D)], 1, 0.0, 0),
    ],
)
def test_response_times(
    spans: list[tuple[datetime, datetime]],
    answered: int,
    median_days: float | None,
    max_days: int | None,
) -> None:
    times = response_times(spans)
    assert (times.answered, times.median_days, times.max_days) == (answered, median_days, max_days)


J1 = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("reviewed", "every", "today", "expected"),
    [
        ([], 365, date(2026, 6, 1), None),
        ([], 365, date(2027, 1, 1), (J1, date(2026, 12, 31))),
        ([], 365, date(2026, 12, 31), None),
        ([(J1, date(2026, 12, 31))], 365, date(2027, 6, 1), None),
        ([(J1, date(2026, 3, 31))], 91, date(2026, 7, 1), (date(2026, 4, 1), date(2026, 6, 30))),
        ([], 0, date(2026, 1, 2), (J1, J1)),
    ],
)
def test_next_review_period(
    reviewed: list[tuple[date, date]],
    every: int,
    today: date,
    expected: tuple[date, date] | None,
) -> None:
    assert next_review_period(reviewed, every, J1, today) == expected
