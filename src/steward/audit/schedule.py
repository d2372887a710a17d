"""When a new checkpoint is due: a pure decision from the log's size, the last checkpoint
and the time (read from :mod:`steward.clock` by the caller)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_EVERY_ENTRIES = 1000
DEFAULT_EVERY_MINUTES = 60


@dataclass(frozen=True)
class CheckpointSchedule:
    """Sign a checkpoint every ``every_entries`` new entries, or every ``every_minutes``
    minutes when there is anything new. 0 turns either rule off."""

    every_entries: int = DEFAULT_EVERY_ENTRIES
    every_minutes: int = DEFAULT_EVERY_MINUTES


@dataclass(frozen=True)
class LastCheckpoint:
    """The newest stored checkpoint: how many entries it covers and when it was stored."""

    size: int
    time: datetime | None


def checkpoint_due(
    schedule: CheckpointSchedule, size: int, last: LastCheckpoint | None, now: datetime
) -> bool:
    """Whether a log of ``size`` entries needs a new checkpoint at ``now``.

    Never for an empty log or one with nothing new since ``last`` (a log shorter than
    its last checkpoint is for the verifier to report, not for a new checkpoint to
    cover). A log without a checkpoint gets its first one at once; after that, when
    ``every_entries`` entries were added, or ``every_minutes`` passed since ``last``
    was stored (a checkpoint with no known time counts as old).
    """
    if size == 0 or (last is not None and size <= last.size):
        return False
    if last is None:
        return True
    if schedule.every_entries and size - last.size >= schedule.every_entries:
        return True
    if not schedule.every_minutes:
        return False
    return last.time is None or now - last.time >= timedelta(minutes=schedule.every_minutes)
