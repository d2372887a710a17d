"""How many vulnerability reports one network address may send through the public form
and API, and how long it waits when it has sent too many.

A report form is open to anyone and each report is stored (sealed) and audited, so one
address filling the register with reports would bury the real ones. The limit counts
reports *received* (refused ones store nothing and are not counted) from one address,
by keyed hash only, over a sliding ``window``. It is generous: a security researcher
sends one report, an office behind one address a few. Plain Python: no Django, no
database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

__all__ = ["DEFAULT_REPORTS", "DEFAULT_WINDOW", "ReportLimit", "wait_seconds"]

DEFAULT_REPORTS: Final = 10
DEFAULT_WINDOW: Final = timedelta(hours=1)


@dataclass(frozen=True)
class ReportLimit:
    """``reports`` received from one address within ``window``; the next waits."""

    reports: int = DEFAULT_REPORTS
    window: timedelta = DEFAULT_WINDOW

    def __post_init__(self) -> None:
        if self.reports < 1:
            raise ValueError("the report limit must be at least 1")
        if self.window <= timedelta(0):
            raise ValueError("the report window must be positive")


def wait_seconds(received: Sequence[datetime], limit: ReportLimit, now: datetime) -> int:
    """How many seconds an address that sent reports at the moments ``received`` must
    wait before its next report is taken at ``now``; ``0`` when it is taken now.

    Only reports within the window before ``now`` count. With ``limit.reports`` of them,
    the wait lasts until the oldest of the newest ``limit.reports`` leaves the window
    (at least one second). Never raises.
    """
    recent = sorted((at for at in received if now - limit.window < at <= now), reverse=True)
    if len(recent) < limit.reports:
        return 0
    frees_at = recent[limit.reports - 1] + limit.window
    return max(1, math.ceil((frees_at - now).total_seconds()))
