"""The sign-in lock decision, as a table: account failures x address failures x time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.vault.rules.sign_in import (
    Failures,
    LockoutPolicy,
    SignInLock,
    lock_end,
    sign_in_lock,
    window_start,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = LockoutPolicy(account_failures=5, address_failures=50, cool_off=timedelta(minutes=30))


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


def groups(*pairs: tuple[int, float]) -> list[Failures]:
    """Failure groups from ``(count, minutes ago)`` pairs."""
    return [Failures(count, ago(minutes)) for count, minutes in pairs]


# (case, account failures, address failures, account locked until, address locked until)
TABLE: list[tuple[str, list[Failures], list[Failures], datetime | None, datetime | None]] = [
    ("nothing failed", [], [], None, None),
    ("four wrong passwords", groups((4, 1)), groups((4, 1)), None, None),
    ("the fifth locks the name", groups((5, 1)), groups((5, 1)), ago(1 - 30), None),
    (
        "five from two browsers lock until the newest five age out",
        groups((3, 20), (2, 5)),
        groups((2, 5)),
        ago(20 - 30),
        None,
    ),
    (
        "older failures beyond the limit do not lengthen the lock",
        groups((2, 25), (5, 10)),
        [],
        ago(10 - 30),
        None,
    ),
    ("failures older than the cool-off no longer lock", groups((5, 30)), [], None, None),
    ("49 from one address over many names", groups((4, 1)), groups((49, 1)), None, None),
    ("the 50th throttles the address", groups((1, 1)), groups((49, 2), (1, 1)), None, ago(2 - 30)),
    ("both at once", groups((5, 3)), groups((50, 3)), ago(3 - 30), ago(3 - 30)),
    (
        "an office: six people, four typos each, one address",
        groups((4, 1)),
        groups(*((4, i) for i in range(6))),
        None,
        None,
    ),
    (
        "a time from a clock set back counts as now",
        groups((5, -60)),
        [],
        NOW + POLICY.cool_off,
        None,
    ),
    ("empty groups count nothing", groups((0, 1), (4, 1)), [], None, None),
]


@pytest.mark.parametrize(
    ("case", "account", "address", "account_until", "address_until"),
    TABLE,
    ids=[row[0] for row in TABLE],
)
def test_the_lock_table(
    case: str,
    account: list[Failures],
    address: list[Failures],
    account_until: datetime | None,
    address_until: datetime | None,
) -> None:
    lock = sign_in_lock(POLICY, account, address, NOW)
    assert lock == SignInLock(account_until, address_until), case
    assert lock.locked == (account_until is not None or address_until is not None)


def test_until_is_the_later_lock() -> None:
    lock = SignInLock(account_until=ago(-5), address_until=ago(-20))
    assert lock.until == ago(-20)
    assert SignInLock().until is None
    assert not SignInLock().locked


def test_the_window_starts_one_cool_off_ago() -> None:
    assert window_start(POLICY, NOW) == ago(30)


@pytest.mark.parametrize(
    "policy",
    [
        {"account_failures": 0},
        {"address_failures": 0},
        {"cool_off": timedelta(0)},
        {"cool_off": timedelta(minutes=-1)},
    ],
)
def test_a_policy_refuses_nonsense(policy: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"limit|cool-off"):
        LockoutPolicy(**policy)  # type: ignore[arg-type]


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(-10, 90)).map(lambda p: Failures(p[0], ago(p[1]))),
        max_size=12,
    ),
    st.integers(1, 12),
)
def test_a_lock_holds_exactly_while_the_limit_is_reached_in_the_window(
    failures: list[Failures], limit: int
) -> None:
    """At any moment up to the end, the failures younger than the cool-off reach the limit;
    from the end on, they do not (so the time the page promises is exact)."""
    cool_off = POLICY.cool_off

    def counted(at: datetime) -> int:
        return sum(f.count for f in failures if min(f.latest, NOW) + cool_off > at)

    end = lock_end(failures, limit, cool_off, NOW)
    if end is None:
        assert counted(NOW) < limit
        return
    assert end > NOW
    assert counted(NOW) >= limit
    assert counted(end - timedelta(microseconds=1)) >= limit
    assert counted(end) < limit
