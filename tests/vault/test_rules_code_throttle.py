"""The access-code throttle, as tables: wrong tries per code and per address x time,
and when a burst is reported."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.vault.rules.code_throttle import (
    BurstKind,
    Failures,
    ThrottlePolicy,
    TryVerdict,
    bursts_after_failure,
    decide_try,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = ThrottlePolicy()
CODE, ADDRESS = BurstKind.CODE, BurstKind.ADDRESS


def ago(minutes: float) -> datetime:
    return NOW - timedelta(minutes=minutes)


# (case, code failures, address failures, verdict)
TRY_TABLE: list[tuple[str, Failures, Failures, TryVerdict]] = [
    ("nothing failed", Failures(), Failures(), TryVerdict(True)),
    ("four wrong tries of a code", Failures(4), Failures(4), TryVerdict(True)),
    (
        "the fifth wrong try locks the code for the rest of the window",
        Failures(5, ago(1)),
        Failures(5),
        TryVerdict(False, 14 * 60, CODE),
    ),
    (
        "a lock about to end asks for one second",
        Failures(5, ago(15) + timedelta(milliseconds=300)),
        Failures(5),
        TryVerdict(False, 1, CODE),
    ),
    (
        "nineteen from one address over many codes are still allowed",
        Failures(1),
        Failures(19),
        TryVerdict(True),
    ),
    (
        "the twentieth throttles the address",
        Failures(0),
        Failures(20, ago(10)),
        TryVerdict(False, 5 * 60, ADDRESS),
    ),
    (
        "both locked: the later end is promised",
        Failures(7, ago(12)),
        Failures(30, ago(2)),
        TryVerdict(False, 13 * 60, ADDRESS),
    ),
    (
        "an unknown oldest try counts as just now",
        Failures(5, None),
        Failures(0),
        TryVerdict(False, 15 * 60, CODE),
    ),
    (
        "an oldest try in the future is read as now",
        Failures(5, NOW + timedelta(minutes=3)),
        Failures(0),
        TryVerdict(False, 15 * 60, CODE),
    ),
]


@pytest.mark.parametrize(("case", "code", "address", "expected"), TRY_TABLE)
def test_decide_try(case: str, code: Failures, address: Failures, expected: TryVerdict) -> None:
    assert decide_try(POLICY, code, address, NOW) == expected, case


# (case, code failures before, address failures before, bursts)
BURST_TABLE: list[tuple[str, Failures, Failures, tuple[BurstKind, ...]]] = [
    ("a few wrong tries", Failures(3), Failures(3), ()),
    ("the tenth wrong try of a code", Failures(9), Failures(9), (CODE, ADDRESS)),
    ("the tenth from an address", Failures(2), Failures(9), (ADDRESS,)),
    ("reported already in the window", Failures(12, reported=True), Failures(3), ()),
    ("past ten, not yet reported", Failures(3), Failures(40), (ADDRESS,)),
    (
        "both reported",
        Failures(20, reported=True),
        Failures(40, reported=True),
        (),
    ),
]


@pytest.mark.parametrize(("case", "code", "address", "expected"), BURST_TABLE)
def test_bursts(
    case: str, code: Failures, address: Failures, expected: tuple[BurstKind, ...]
) -> None:
    assert bursts_after_failure(POLICY, code, address) == expected, case


def test_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ThrottlePolicy(code_failures=0)
    with pytest.raises(ValueError, match="longer than zero"):
        ThrottlePolicy(window=timedelta(0))
    assert ThrottlePolicy(code_failures=3).limit(CODE) == 3
    assert ThrottlePolicy(address_failures=7).limit(ADDRESS) == 7


minutes = st.floats(min_value=-5, max_value=30, allow_nan=False)
maybe_time = st.one_of(st.none(), minutes.map(ago))


@given(
    code=st.integers(0, 60),
    address=st.integers(0, 60),
    more=st.integers(1, 40),
    code_oldest=maybe_time,
    address_oldest=maybe_time,
    code_limit=st.integers(1, 30),
    address_limit=st.integers(1, 60),
)
def test_more_failures_never_unlock(
    code: int,
    address: int,
    more: int,
    code_oldest: datetime | None,
    address_oldest: datetime | None,
    code_limit: int,
    address_limit: int,
) -> None:
    policy = ThrottlePolicy(code_failures=code_limit, address_failures=address_limit)
    before = decide_try(policy, Failures(code, code_oldest), Failures(address, address_oldest), NOW)
    for after in (
        decide_try(
            policy, Failures(code + more, code_oldest), Failures(address, address_oldest), NOW
        ),
        decide_try(
            policy, Failures(code, code_oldest), Failures(address + more, address_oldest), NOW
        ),
    ):
        if not before:
            assert not after
            assert after.retry_after >= before.retry_after
    if not before:
        assert 1 <= before.retry_after <= policy.window.total_seconds()


@given(code=st.integers(0, 40), address=st.integers(0, 40))
def test_a_burst_is_reported_once_per_key(code: int, address: int) -> None:
    first = bursts_after_failure(POLICY, Failures(code), Failures(address))
    again = bursts_after_failure(
        POLICY,
        Failures(code + 1, reported=CODE in first),
        Failures(address + 1, reported=ADDRESS in first),
    )
    assert not set(first) & set(again)
