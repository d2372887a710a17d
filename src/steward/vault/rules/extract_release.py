"""Who may have a de-identified extract of what, to which target, and until when.

Pure rules of the plan (no database, no clock: time is passed in).

* **Who receives.** An outside recipient marked ``deidentified_only`` (the city's civic
  data lab, the food bank's volunteer team), or a staff role that may only ever see
  de-identified data: :func:`deidentified_only_role`, a staff role with a read grant
  and no reveal, write or export grant, that neither approves disclosures nor reads the
  audit log (the city's ``analyst``, the food bank's ``volunteer_analyst``). The plan
  marks such a role by what it withholds, so no new plan setting is needed.
* **Which fields** (:func:`extract_fields`): stored fields (never a ``never`` field)
  that serve the extract's purpose, that the receiver may have (the recipient's
  categories, or the role's read grant), and that the maker's export grant covers.
  Never a direct identifier, never free text (a ``free_text`` category or a text
  area), and a special or status category (health, immigration status, ...) only when
  the purpose rests on explicit consent.
* **Who makes one** (:func:`decide_maker`): a signed-in staff person in good standing
  whose role's export grant covers at least one of those fields.
* **The k target** (:func:`k_target`): the largest of :data:`K_FLOOR`, the plan's own k
  when it states one, the recipient's ``min_group_size`` and the k asked for; a k asked
  for below the floor or the recipient's minimum is refused.
* **Release** (:func:`decide_release`): the measured k of the output meets the target,
  no small cell is left, l-diversity meets its target where one is stated, the records
  suppressed fit the limit, and some record is left.
* **Expiry** (:func:`extract_expires`): the plan's ``disclosure.delivery.expires_after``
  (else :data:`DEFAULT_LIFETIME`) after it is made, and never after a temporary role's
  own end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from steward.policy import Decision, decide
from steward.policy.model import (
    Action,
    Dataset,
    FieldSpec,
    IdentifierRole,
    InputKind,
    Plan,
    Recipient,
    Role,
)
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal

__all__ = [
    "DEFAULT_LIFETIME",
    "K_FLOOR",
    "MAX_SUPPRESSION",
    "ExtractTarget",
    "Measured",
    "TargetError",
    "decide_maker",
    "decide_release",
    "deidentified_only_role",
    "extract_expires",
    "extract_fields",
    "field_refusal",
    "k_target",
    "resolve_target",
]

K_FLOOR: Final = 5
"""No extract is made to a k below this, whatever the plan, recipient or request say."""
MAX_SUPPRESSION: Final = 0.05
"""The largest share of records the anonymization may suppress (drop) to meet k."""
DEFAULT_LIFETIME: Final = timedelta(days=14)
"""How long an extract lasts when the plan states no delivery expiry."""
FREE_TEXT: Final = "free_text"


class TargetError(ValueError):
    """The receiver or purpose asked for does not fit the plan (the message says why)."""


@dataclass(frozen=True)
class ExtractTarget:
    """Who an extract is for: exactly one of a recipient or a staff role, and why."""

    purpose: str
    recipient: Recipient | None = None
    role: Role | None = None

    @property
    def name(self) -> str:
        """``recipient/<id>`` or ``role/<id>``."""
        if self.recipient is not None:
            return f"recipient/{self.recipient.id}"
        assert self.role is not None
        return f"role/{self.role.id}"


@dataclass(frozen=True)
class Measured:
    """The risk measured on an extract's output (records kept, after suppression)."""

    records: int
    k: int
    small_cells: int
    suppressed: int
    source_records: int
    l_diversity: int | None = None


def deidentified_only_role(role: Role) -> bool:
    """Whether ``role`` is a staff role that may only ever receive de-identified data:
    it reads, but may not reveal, write or export, and does not approve disclosures or
    read the audit log."""
    return (
        role.staff
        and not role.read.empty
        and role.reveal.empty
        and role.write.empty
        and role.export.empty
        and not role.approves_disclosures
        and not role.reads_audit
    )


def resolve_target(
    plan: Plan, *, recipient: str | None, role: str | None, purpose: str | None
) -> ExtractTarget:
    """The receiver and purpose of an extract, checked against the plan.

    Without ``purpose``, the receiver's only purpose is used.

    Raises:
        TargetError: not exactly one of ``recipient`` and ``role``; no such recipient or
            role; the recipient is not ``deidentified_only`` or the role not
            :func:`deidentified_only_role`; the purpose is not one of the receiver's, or
            the receiver has several and none was named.
    """
    if (recipient is None) == (role is None):
        raise TargetError("name either a recipient or a role the extract is for")
    if recipient is not None:
        found = next((r for r in plan.recipients if r.id == recipient), None)
        if found is None:
            raise TargetError(f"the plan has no recipient '{recipient}'")
        if not found.deidentified_only:
            raise TargetError(
                f"the recipient '{recipient}' is not marked deidentified_only in the plan, "
                "so it gets no extract"
            )
        return ExtractTarget(_purpose(found.purposes, purpose, recipient), recipient=found)
    assert role is not None
    try:
        staff_role = plan.role(role)
    except KeyError:
        raise TargetError(f"the plan has no role '{role}'") from None
    if not deidentified_only_role(staff_role):
        raise TargetError(
            f"the role '{role}' may see identified data (it reveals, writes or exports), "
            "so extracts are not made for it"
        )
    return ExtractTarget(_purpose(staff_role.read.purposes, purpose, role), role=staff_role)


def _purpose(allowed: Sequence[str], asked: str | None, who: str) -> str:
    if asked is not None:
        if asked not in allowed:
            raise TargetError(f"'{asked}' is not a purpose of '{who}'")
        return asked
    if len(allowed) != 1:
        raise TargetError(f"'{who}' has several purposes or none; name one")
    return allowed[0]


def _receives(target: ExtractTarget, spec: FieldSpec, today: date) -> bool:
    if target.recipient is not None:
        return spec.category in target.recipient.categories
    assert target.role is not None
    return decide(target.role, Action.READ, spec, today=today).allowed


def field_refusal(plan: Plan, target: ExtractTarget, spec: FieldSpec, today: date) -> str | None:
    """Why ``spec`` stays out of an extract for ``target``, or ``None`` when it may go."""
    if spec.never:
        return "never recorded"
    if spec.identifier is IdentifierRole.DIRECT:
        return "a direct identifier"
    if spec.category == FREE_TEXT or spec.input is InputKind.TEXTAREA:
        return "free text"
    if target.purpose not in spec.purposes:
        return f"does not serve '{target.purpose}'"
    if not _receives(target, spec, today):
        return f"'{target.name}' may not receive it"
    category = plan.taxonomy.get(spec.category)
    if category is not None and (category.special or category.status):
        purpose = next((p for p in plan.purposes if p.id == target.purpose), None)
        if purpose is None or not purpose.explicit_consent:
            return "a special category the purpose does not cover by explicit consent"
    return None


def extract_fields(
    plan: Plan, dataset: Dataset, target: ExtractTarget, maker: Role, today: date
) -> list[FieldSpec]:
    """The fields of ``dataset`` an extract for ``target`` made by ``maker`` holds, in
    plan order: those :func:`field_refusal` lets go that ``maker``'s export grant
    covers."""
    return [
        spec
        for spec in dataset.fields
        if field_refusal(plan, target, spec, today) is None
        and decide(maker, Action.EXPORT, spec, today=today).allowed
    ]


def decide_maker(
    who: StaffStanding, fields: Sequence[FieldSpec], eligible: Sequence[FieldSpec]
) -> Decision:
    """Whether ``who`` may make the extract: a staff person in good standing whose
    export grant covers ``fields`` (the eligible fields it covers) and some field is left
    (``eligible``: those the receiver could have at all)."""
    refusal = standing_refusal(who, "extracts are made")
    if refusal is not None:
        return Decision(False, refusal)
    if who.role.export.empty:
        return Decision(False, f"the role '{who.role.id}' has no export grant")
    if not eligible:
        return Decision(False, "no field of this dataset may go to this receiver")
    if not fields:
        return Decision(
            False, f"the role '{who.role.id}' may export none of the fields this receiver may have"
        )
    return Decision(True, "the role's export grant covers the fields")


def k_target(plan_k: int | None, recipient: Recipient | None, asked: int | None) -> int:
    """The k the extract must meet: the largest of :data:`K_FLOOR`, ``plan_k``, the
    recipient's ``min_group_size`` and ``asked``.

    Raises:
        TargetError: ``asked`` is below the floor or below the recipient's minimum.
    """
    least = max(K_FLOOR, plan_k or 0, (recipient.min_group_size or 0) if recipient else 0)
    if asked is not None and asked < least:
        raise TargetError(f"k {asked} is below the least this extract may use ({least})")
    return max(least, asked or 0)


def decide_release(
    measured: Measured,
    k: int,
    *,
    l_target: int | None = None,
    max_suppression: float = MAX_SUPPRESSION,
) -> Decision:
    """Whether an extract whose output measured ``measured`` may leave at target ``k``."""
    if measured.records == 0:
        return Decision(False, "no record is left to release")
    if measured.k < k:
        return Decision(False, f"the smallest group holds {measured.k} records; the target is {k}")
    if measured.small_cells:
        return Decision(False, f"{measured.small_cells} groups are smaller than {k}")
    if l_target is not None and (measured.l_diversity or 0) < l_target:
        return Decision(
            False, f"l-diversity is {measured.l_diversity or 0}; the target is {l_target}"
        )
    limit = int(max_suppression * measured.source_records + 1e-9)
    if measured.suppressed > limit:
        return Decision(
            False, f"{measured.suppressed} records were suppressed; at most {limit} may be"
        )
    return Decision(True, f"every group holds at least {k} records")


def extract_expires(plan: Plan, target: ExtractTarget, made_at: datetime) -> datetime:
    """When access to an extract made at ``made_at`` ends."""
    delivery = plan.disclosure.delivery if plan.disclosure is not None else None
    after = delivery.expires_after if delivery is not None else None
    end = made_at + (timedelta(days=after.days) if after is not None else DEFAULT_LIFETIME)
    role = target.role
    if role is not None and role.expires is not None:
        role_end = datetime.combine(role.expires + timedelta(days=1), time(), tzinfo=UTC)
        end = min(end, role_end)
    return end
