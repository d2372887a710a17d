"""Which backups the plan's ``backups.retention`` says must go: a pure decision.

A backup older than the retention period is deleted, so that data erased from the
vault does not live on in backups for longer than the plan promises. The newest
backup is kept even when it is older than that, because deleting it would leave no
backup at all; the job status shows the missed backups that make this happen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Pruning:
    """The outcome: backup names to delete, and the one kept past its time (if any)."""

    delete: tuple[str, ...]
    kept_past_retention: str | None


def backups_to_prune(
    backups: Sequence[tuple[str, datetime]], retention: timedelta | None, now: datetime
) -> Pruning:
    """Choose the backups (``(name, created)``) older than ``retention`` at ``now``.

    Without a retention period nothing is deleted. The newest backup is never deleted.
    """
    if retention is None or not backups:
        return Pruning((), None)
    ordered = sorted(backups, key=lambda item: (item[1], item[0]))
    newest = ordered[-1]
    expired = [name for name, created in ordered[:-1] if now - created > retention]
    kept = newest[0] if now - newest[1] > retention else None
    return Pruning(tuple(expired), kept)
