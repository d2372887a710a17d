"""How cases end: whether, and for how long, a closed case may be reopened."""

from __future__ import annotations

from pydantic import Field

from steward.policy.duration import DurationField
from steward.policy.model.common import PlanModel


class Cases(PlanModel):
    """The plan's rules for closing and reopening cases.

    Who may close or reopen a case is decided by the roles' grants (a write grant on
    the case's dataset, in the role's scope); this block only says how long a closed
    case stays reopenable.
    """

    reopen_within: DurationField | None = Field(
        default=None,
        description=(
            "How long after closing a case may be reopened (e.g. 30d); 0d: never. "
            "Absent: at any time while the case's details are still kept."
        ),
    )
