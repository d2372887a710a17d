"""The one registry of safeguards: what Steward enforces today, and for which plans.

Documents promise behaviour ("every disclosure is entered in a register", "data is
deleted when its time is up") and the impact assessment lowers risk for safeguards.
Each such sentence and each risk reduction comes from here:

* a safeguard Steward **enforces** (``enforced=True``) is stated as in place, for a plan
  that uses it (``applies``: sealed intake only where a dataset is sealed, multi-factor
  sign-in only for roles that require it, ...);
* a safeguard not enforced yet is stated as **planned, not in place**, and counts for
  nothing in risk ratings, even when the plan asks for it.

Each enforced entry names the tests that prove it (pytest node ids); a test checks
they exist and that the feature works. When a feature lands, its entry flips to
``enforced=True`` with its tests, and every document follows.

Plain Python: no web framework, no database.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from steward.policy.model import Plan
from steward.policy.safeguard_catalogue import ENTRIES, Safeguard

__all__ = [
    "PLANNED",
    "PLANNED_AFTER",
    "SAFEGUARDS",
    "Safeguard",
    "Status",
    "enforced",
    "promise",
    "safeguard",
    "status",
]

PLANNED: Final = "Planned, not yet in place:"
"""How a document opens a sentence about a safeguard Steward does not enforce yet."""
PLANNED_AFTER: Final = "(planned, not yet enforced by Steward)"
"""How a document marks a phrase inside a sentence about such a safeguard."""


class Status(StrEnum):
    """Where a safeguard stands for one plan."""

    IN_PLACE = "in place"
    """The plan uses it and Steward enforces it."""
    PLANNED = "planned"
    """The plan asks for it, but Steward does not enforce it yet."""
    NOT_USED = "not used"
    """The plan does not use it."""


SAFEGUARDS: Final[dict[str, Safeguard]] = {s.id: s for s in ENTRIES}
"""Every safeguard by id, in a stable order."""


def safeguard(safeguard_id: str) -> Safeguard:
    """The registry entry ``safeguard_id``.

    Raises:
        KeyError: no safeguard has that id (a bug in the caller, not in a plan).
    """
    return SAFEGUARDS[safeguard_id]


def status(plan: Plan, safeguard_id: str) -> Status:
    """Where ``safeguard_id`` stands for ``plan``: in place, planned or not used."""
    entry = safeguard(safeguard_id)
    if not entry.applies(plan):
        return Status.NOT_USED
    return Status.IN_PLACE if entry.enforced else Status.PLANNED


def enforced(safeguard_id: str) -> bool:
    """Whether Steward enforces ``safeguard_id`` today (for any plan that uses it)."""
    return safeguard(safeguard_id).enforced


def promise(safeguard_id: str, sentence: str, *, inline: bool = False) -> str:
    """``sentence`` as a document may state it: as it is when Steward enforces the
    safeguard, else opened with :data:`PLANNED` (or, for a phrase ``inline`` in a
    longer sentence, followed by :data:`PLANNED_AFTER`).

    Raises:
        KeyError: no safeguard has that id.
    """
    if enforced(safeguard_id):
        return sentence
    return f"{sentence} {PLANNED_AFTER}" if inline else f"{PLANNED} {sentence}"
