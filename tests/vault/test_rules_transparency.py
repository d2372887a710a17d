"""The transparency report's arithmetic, as tables: outcomes, bands, periods, tallies,
and who may read the register."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from steward.policy import load_plan
from steward.policy.model import Role
from steward.vault.rules.egress_register import may_read_register, sees_legal_reference
from steward.vault.rules.staff_standing import StaffStanding
from steward.vault.rules.transparency import (
    AggregateFacts,
    DisclosureFacts,
    ExtractFacts,
    Figure,
    NoticeFacts,
    Outcome,
    PeriodError,
    banded,
    latest_periods,
    outcome_of,
    parse_period,
    period_between,
    smallest_group,
    tally,
)
from tests.vault.conftest import CITY

PLAN = load_plan(CITY).plan


@pytest.mark.parametrize(
    ("state", "compliance", "decided", "narrowed", "expected"),
    [
        ("requested", "none", False, False, Outcome.PENDING),
        ("refused", "none", False, False, Outcome.REFUSED_AT_OPENING),
        ("refused", "none", True, False, Outcome.REFUSED),
        ("withdrawn", "none", True, False, Outcome.WITHDRAWN),
        ("withdrawn", "none", False, False, Outcome.WITHDRAWN),
        ("approved", "full", True, False, Outcome.FULL),
        ("approved", "partial", True, False, Outcome.PARTIAL),
        ("delivered", "full", True, True, Outcome.FULL),
        ("expired", "partial", True, False, Outcome.PARTIAL),
        ("approved", "none", True, False, Outcome.FULL),
        ("approved", "none", True, True, Outcome.PARTIAL),
        ("something_new", "full", True, False, Outcome.PENDING),
    ],
)
def test_the_outcome_of_a_request(
    state: str, compliance: str, decided: bool, narrowed: bool, expected: Outcome
) -> None:
    released = 1 if narrowed else 2
    assert (
        outcome_of(state, compliance, decided, records_asked=2, records_released=released)
        is expected
    )


def test_fewer_fields_released_is_partial() -> None:
    got = outcome_of("approved", "none", True, fields_asked=["a", "b"], fields_released=["a"])
    assert got is Outcome.PARTIAL


@pytest.mark.parametrize(
    ("count", "smallest", "text", "exact"),
    [
        (0, 10, "0", True),
        (1, 10, "1-9", False),
        (9, 10, "1-9", False),
        (10, 10, "10", True),
        (250, 10, "250", True),
        (4, 5, "1-4", False),
        (5, 5, "5", True),
        (1, 2, "1", True),
        (1, 1, "1", True),
        (-3, 10, "0", True),
    ],
)
def test_small_counts_are_banded(count: int, smallest: int, text: str, exact: bool) -> None:
    figure = banded(count, smallest)
    assert figure.exact is exact
    assert figure.text == text


def test_the_smallest_group_is_the_plans_smallest_min_group_size() -> None:
    assert smallest_group([None, 12, 10, None]) == 10
    assert smallest_group([None]) == 10
    assert smallest_group([], default=5) == 5
    assert smallest_group(r.min_group_size for r in PLAN.recipients) == 10


@pytest.mark.parametrize(
    ("slug", "start", "end"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2024-q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2026-h1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-h2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026-02-01--2026-02-28", date(2026, 2, 1), date(2026, 2, 28)),
        (" 2026-02-01--2026-02-01 ", date(2026, 2, 1), date(2026, 2, 1)),
    ],
)
def test_periods_are_read_from_their_slug(slug: str, start: date, end: date) -> None:
    period = parse_period(slug)
    assert (period.start, period.end) == (start, end)
    assert parse_period(period.slug) == period


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "26",
        "2026-q5",
        "2026-q0",
        "2026-h3",
        "2026-13-01--2026-12-31",
        "2026-02-30--2026-03-01",
        "2026-03-01--2026-02-01",
        "2000-01-01--2026-01-01",
        "last year",
        "../etc",
        "2026-01-01",
        "9999-12-31--9999-12-31",
        "0001-01-01--0001-01-02",
    ],
)
def test_bad_periods_are_refused_with_a_message(slug: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(slug)
    assert str(caught.value)


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(PeriodError, match="ends"):
        period_between(date(2026, 3, 1), date(2026, 2, 1))


def test_bounds_cover_whole_days_in_utc() -> None:
    start, end = parse_period("2026-q1").bounds
    assert start == datetime(2026, 1, 1, tzinfo=UTC)
    assert end == datetime(2026, 4, 1, tzinfo=UTC)


def test_only_periods_that_have_ended_are_listed() -> None:
    listed = latest_periods(date(2026, 5, 10))
    assert [p.slug for p in listed] == ["2026-q1", "2025-q4", "2025-q3", "2025-q2", "2025"]
    assert all(p.ended(date(2026, 5, 10)) for p in listed)
    assert not parse_period("2026-q2").ended(date(2026, 6, 30))
    assert parse_period("2026-q2").ended(date(2026, 7, 1))


def _disclosure(
    ground: str,
    kind: str,
    outcome: Outcome,
    records: str,
    people: str,
    released: str = "",
    notices: tuple[NoticeFacts, ...] = (),
) -> DisclosureFacts:
    return DisclosureFacts(
        ground=ground,
        requester_kind=kind,
        outcome=outcome,
        records_asked=frozenset(records.split()),
        records_released=frozenset(released.split()),
        people_asked=frozenset(people.split()),
        people_released=frozenset(p for p in people.split() if released),
        notices=notices,
    )


def test_the_tally_counts_each_request_once_and_each_person_once() -> None:
    sent = NoticeFacts("p1", sent=True, delayed=False, running=False)
    held = NoticeFacts("p2", sent=False, delayed=True, running=True)
    later = NoticeFacts("p3", sent=True, delayed=True, running=False)
    facts = [
        _disclosure(
            "court_order",
            "court",
            Outcome.FULL,
            "r1 r2 r3",
            "p1 p2 p3",
            "r1 r2 r3",
            (sent, held, later),
        ),
        _disclosure("court_order", "court", Outcome.WITHDRAWN, "r1", "p1"),
        _disclosure("warrant", "law_enforcement", Outcome.REFUSED, "r4", "p4"),
        _disclosure("subpoena", "law_enforcement", Outcome.REFUSED_AT_OPENING, "r5", "p5"),
        _disclosure("consent", "", Outcome.PARTIAL, "r6 r7", "p6", "r6"),
        _disclosure("court_order", "court", Outcome.PENDING, "", ""),
    ]
    t = tally(
        facts,
        [ExtractFacts("lab", True, 40), ExtractFacts("lab", False), ExtractFacts("", True)],
        [
            AggregateFacts("public", 12, 3),
            AggregateFacts("council", 8, 2),
            AggregateFacts("public", 4, 0),
        ],
        smallest=3,
    )
    r = t.requests
    assert (r.total, r.full, r.partial, r.refused, r.refused_at_opening) == (6, 1, 1, 1, 1)
    assert (r.withdrawn, r.pending) == (1, 1)
    grounds = {row.key: (row.total, row.full, row.withdrawn, row.pending) for row in t.by_ground}
    assert grounds == {
        "consent": (1, 0, 0, 0),
        "court_order": (3, 1, 1, 1),
        "subpoena": (1, 0, 0, 0),
        "warrant": (1, 0, 0, 0),
    }
    requesters = {row.key: row.total for row in t.by_requester}
    assert requesters == {"court": 3, "law_enforcement": 2, "not stated": 1}
    assert t.records_asked == Figure(7, 7)
    assert t.records_disclosed == Figure(4, 4)  # r1 r2 r3 r6
    assert t.people_asked == Figure(6, 6)
    assert t.people_disclosed == Figure(4, 4)  # p1 p2 p3 p6
    assert t.people_notified == banded(2, 3)  # p1, p3
    assert t.notices_delayed == banded(2, 3)  # p2, p3
    assert t.requests_under_prohibition == 1
    assert (t.extracts_released, t.extracts_withheld) == (2, 1)
    assert {(e.key, e.released, e.withheld) for e in t.extracts} == {
        ("lab", 1, 1),
        ("not stated", 1, 0),
    }
    assert t.aggregate_releases == 3
    assert {(a.key, a.released, a.cells, a.suppressed) for a in t.aggregates} == {
        ("council", 1, 8, 2),
        ("public", 2, 16, 3),
    }


def test_an_empty_period_tallies_to_zero() -> None:
    t = tally([])
    assert t.requests.total == 0
    assert t.by_ground == []
    assert t.by_requester == []
    assert t.people_asked == Figure(0, 0)
    assert t.requests_under_prohibition == 0


def _role(**flags: object) -> Role:
    return Role.model_validate({"id": "r", "label": "R", "mfa": True, **flags})


@pytest.mark.parametrize(
    ("flags", "user", "expired", "mfa", "reads", "references"),
    [
        ({"approves_disclosures": True}, 1, False, True, True, True),
        ({"reads_audit": True}, 1, False, True, True, False),
        ({"oversees": True}, 1, False, True, True, False),
        ({"oversees": True}, 1, False, False, False, False),  # no second factor
        ({"approves_disclosures": True, "reads_audit": True}, 1, False, True, True, True),
        ({}, 1, False, True, False, False),
        ({"approves_disclosures": True}, None, False, True, False, False),  # a token
        ({"approves_disclosures": True}, 1, True, True, False, False),  # access ended
        ({"approves_disclosures": True}, 1, False, False, False, False),  # no second factor
        ({"reads_audit": True, "staff": False}, 1, False, True, False, False),
    ],
)
def test_who_reads_the_register_and_its_legal_references(
    flags: dict[str, object], user: int | None, expired: bool, mfa: bool, reads: bool,
    references: bool,
) -> None:  # fmt: skip
    reader = StaffStanding(_role(**flags), user, expired=expired, mfa_verified=mfa)
    assert bool(may_read_register(PLAN, reader)) is reads
    assert sees_legal_reference(PLAN, reader) is references


def test_every_role_of_every_example_plan_is_decided() -> None:
    for role in PLAN.roles:
        reader = StaffStanding(role, 1, mfa_verified=True)
        expected = role.staff and (role.approves_disclosures or role.reads_audit or role.oversees)
        assert bool(may_read_register(PLAN, reader)) is expected, role.id
