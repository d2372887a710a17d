"""The injectable clock: it stands still, moves only forward, and can be swapped per process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from steward import clock
from steward.clock import ManualClock, SystemClock, use_clock

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def test_a_manual_clock_stands_still_until_moved() -> None:
    manual = ManualClock(START)
    assert manual.now() == START
    assert manual.advance(hours=25) == START + timedelta(hours=25)
    manual.set(START + timedelta(days=3))
    assert manual.now() == START + timedelta(days=3)


@pytest.mark.parametrize(
    "move",
    [
        lambda c: c.advance(timedelta(seconds=-1)),
        lambda c: c.set(START - timedelta(days=1)),
        lambda c: c.set(datetime(2027, 1, 1)),  # naive
    ],
)
def test_a_manual_clock_refuses_to_go_back_or_lose_its_zone(move) -> None:
    manual = ManualClock(START)
    with pytest.raises(ValueError):
        move(manual)
    assert manual.now() == START


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError):
        ManualClock(datetime(2026, 1, 1))


def test_use_clock_replaces_the_process_clock_and_restores_it() -> None:
    manual = ManualClock(START)
    with use_clock(manual):
        assert clock.now() == START
        manual.advance(minutes=5)
        assert clock.now() == START + timedelta(minutes=5)
    assert isinstance(clock.current_clock(), SystemClock)
    assert clock.now().tzinfo is not None
