"""The sharing inventory: every way data leaves, formal or not, and what actually left.

Each of the plan's recipients (its agreement, the categories and purposes it may
receive, and whether it receives counts only or de-identified extracts only), followed
by what the egress register shows was shared with it in the period; then every party
the register shows data went to, or was asked for by, that the plan does not list (an
outside party under a legal order, the public for published counts, a recipient since
removed from the plan), flagged ``in_plan=False``.

In the public report an outside party is named by its kind only (``court``,
``law_enforcement``): the organization's own recipients are public already (the
sharing policy lists them), but who asked about whom is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from steward.policy.documents import purpose_labels
from steward.policy.model import Plan, Recipient
from steward.vault.rules.transparency import Outcome
from steward.vault.services.egress_register import EntryKind, RegisterEntry

__all__ = ["InventoryRow", "sharing_inventory"]

COMPLIED: Final = frozenset({Outcome.FULL.value, Outcome.PARTIAL.value})


@dataclass
class InventoryRow:
    """One party data goes to, what the plan allows it, and what the register shows."""

    party: str
    recipient: str
    kind: str
    in_plan: bool
    agreement: str = ""
    categories: list[str] = field(default_factory=list)
    purposes: list[str] = field(default_factory=list)
    form: str = "identifiable data"
    min_group_size: int | None = None
    disclosure_requests: int = 0
    disclosures_complied: int = 0
    extracts_released: int = 0
    extracts_withheld: int = 0
    aggregate_releases: int = 0

    @property
    def shared(self) -> bool:
        """Something reached this party in the period."""
        return bool(self.disclosures_complied or self.extracts_released or self.aggregate_releases)

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def _form(recipient: Recipient) -> str:
    if recipient.aggregates_only:
        return "counts only, small groups suppressed"
    if recipient.deidentified_only:
        return "de-identified extracts only"
    return "identifiable data"


def _planned(plan: Plan, recipient: Recipient) -> InventoryRow:
    contract = recipient.contract
    agreement = contract.kind.value.replace("_", " ")
    if contract.reference:
        agreement += f" ({contract.reference})"
    return InventoryRow(
        party=recipient.name,
        recipient=recipient.id,
        kind=recipient.kind.value,
        in_plan=True,
        agreement=agreement,
        categories=[
            plan.taxonomy[c].label if c in plan.taxonomy else c for c in recipient.categories
        ],
        purposes=purpose_labels(plan, recipient.purposes),
        form=_form(recipient),
        min_group_size=recipient.min_group_size,
    )


def _key(entry: RegisterEntry, public: bool) -> tuple[str, str]:
    """The row an entry belongs to: its plan recipient, else the outside party (by
    kind only in public)."""
    if entry.recipient:
        return ("recipient", entry.recipient)
    if entry.party_kind == "public":
        return ("public", "public")
    if public:
        return ("kind", entry.party_kind or "not stated")
    return ("party", entry.party or entry.party_kind or "not stated")


def _outside(key: tuple[str, str], entry: RegisterEntry) -> InventoryRow:
    sort, name = key
    if sort == "public":
        return InventoryRow(party="The public", recipient="", kind="public", in_plan=False,
                            form="counts only, small groups suppressed")  # fmt: skip
    if sort == "recipient":
        return InventoryRow(party=name, recipient=name, kind=entry.party_kind, in_plan=False)
    if sort == "kind":
        label = f"Outside party: {name.replace('_', ' ')}"
        return InventoryRow(party=label, recipient="", kind=name, in_plan=False)
    return InventoryRow(party=name, recipient="", kind=entry.party_kind, in_plan=False)


def sharing_inventory(
    plan: Plan, entries: Sequence[RegisterEntry], *, public: bool
) -> list[InventoryRow]:
    """The plan's recipients in plan order, then the parties only the register shows
    (sorted by name), each with the period's counts from ``entries``."""
    rows: dict[tuple[str, str], InventoryRow] = {
        ("recipient", r.id): _planned(plan, r) for r in plan.recipients
    }
    extra: dict[tuple[str, str], InventoryRow] = {}
    for entry in entries:
        key = _key(entry, public)
        row = rows.get(key) or extra.get(key)
        if row is None:
            row = extra[key] = _outside(key, entry)
        if entry.kind is EntryKind.DISCLOSURE:
            row.disclosure_requests += 1
            row.disclosures_complied += entry.outcome in COMPLIED
        elif entry.kind is EntryKind.EXTRACT:
            row.extracts_released += entry.outcome == "released"
            row.extracts_withheld += entry.outcome == "withheld"
        else:
            row.aggregate_releases += 1
    return [*rows.values(), *sorted(extra.values(), key=lambda r: r.party)]
