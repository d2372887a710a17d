"""One safeguard entry, and the small predicates the catalogue's entries share.

Plain Python: no web framework, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from steward.policy.model import LegalBasis, Plan


@dataclass(frozen=True)
class Safeguard:
    """One protective behaviour a document can state or a risk rating can count.

    Attributes:
        id: stable identifier documents refer to.
        name: what it does, as a noun phrase for lists ("encryption at rest ...").
        enforced: whether Steward carries it out today.
        applies: whether a plan uses (or asks for) it.
        proven_by: pytest node ids of tests that show it working (enforced entries).
        issue: the issue that tracks the work (entries not enforced yet).
        claims: phrases documents use when they state it; a document may use them for a
            safeguard not enforced only in a sentence marked :data:`PLANNED`.
    """

    id: str
    name: str
    enforced: bool
    applies: Callable[[Plan], bool]
    proven_by: tuple[str, ...] = ()
    issue: int | None = None
    claims: tuple[str, ...] = ()


def always(plan: Plan) -> bool:
    del plan
    return True


def collected_fields(plan: Plan) -> list:  # type: ignore[type-arg]
    return [spec for _, _, _, spec in plan.fields() if spec.collected]


def uses_consent(plan: Plan) -> bool:
    return any(p.legal_basis is LegalBasis.CONSENT for p in plan.purposes)


def with_disclosure(test: Callable[[Plan], bool]) -> Callable[[Plan], bool]:
    return lambda plan: plan.disclosure is not None and test(plan)


def node_id(path: str, test: str) -> str:
    """The pytest node id of ``test`` in ``tests/<path>``."""
    return f"tests/{path}::{test}"
