"""Releasing counts to a donor or to the public, with small cells suppressed.

The decisions are pure rules: who may release and see
(:mod:`steward.vault.rules.aggregate_release`) and what is suppressed
(:mod:`steward.vault.rules.small_cells`). This service counts
(:mod:`.aggregate_counts`), suppresses with the audience's smallest group, stores the
table exactly as shown (:class:`~steward.vault.models_egress.AggregateRelease`) and
audits ``aggregate.release`` in the same transaction; refusals are audited too. A
request for a table its audience already has gives that release again, unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NoReturn
from uuid import UUID

from django.db import transaction
from django.db.models import Sum

from steward import clock
from steward.audit import Outcome
from steward.vault.audit_actions import AuditAction
from steward.vault.models_egress import AggregateRelease
from steward.vault.rules.aggregate_release import (
    MAX_FIELDS,
    Earlier,
    audience_of,
    month_period,
    release_conflict,
    release_refusal,
    visible_audiences,
)
from steward.vault.rules.small_cells import suppress_1d, suppress_2d
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal
from steward.vault.runtime import Vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.aggregate_counts import choices_of, count_records, labels_of, noisy
from steward.vault.services.aggregates import countable_fields
from steward.vault.services.auditing import AuditUnavailable, audit

__all__ = ["AggregateReleaseService", "ReleaseView"]


@dataclass(frozen=True)
class ReleaseView:
    """A release as shown: the table exactly as it left, and what it was made of."""

    id: UUID
    dataset: str
    audience: str
    by_fields: list[str]
    period_start: date | None
    period_end: date | None
    min_group_size: int
    table: dict[str, Any]
    cells: int
    suppressed: int
    epsilon: float | None
    released_at: datetime
    again: bool = False
    """True when this request was answered with a release already made."""


def _view(row: AggregateRelease, again: bool = False) -> ReleaseView:
    return ReleaseView(
        row.id,
        row.dataset,
        row.audience,
        list(row.by_fields),
        row.period_start,
        row.period_end,
        row.min_group_size,
        dict(row.table),
        row.cells,
        row.suppressed,
        row.epsilon,
        row.released_at,
        again,
    )


def _earlier(row: AggregateRelease) -> Earlier:
    return Earlier(
        str(row.id),
        row.dataset,
        row.audience,
        tuple(row.by_fields),
        row.period_start or date.min,
        row.period_end or date.max,
        row.min_group_size,
        row.epsilon is not None,
    )


def last_whole_month(today: date) -> tuple[date, date]:
    """The month before ``today``'s: the default period of a release."""
    end = date(today.year, today.month, 1) - timedelta(days=1)
    return date(end.year, end.month, 1), end


class AggregateReleaseService:
    """Makes, lists and shows aggregate releases, as the plan and the rules say."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def may_release(self, actor: Actor) -> bool:
        """Whether ``actor`` may release counts at all (decides only)."""
        return release_refusal(_standing(actor)) is None

    def release(
        self,
        actor: Actor,
        dataset_id: str,
        audience: str,
        by: Sequence[str],
        start: date | None = None,
        end: date | None = None,
        epsilon: float | None = None,
    ) -> ReleaseView:
        """Count ``dataset_id`` by ``by`` (one or two fields) for ``audience`` (a recipient
        id or ``public``) over whole months, suppress small cells, store and audit.

        Without a period, the last whole month. With ``epsilon``, the counts get
        differentially private noise first (OpenDP), and ``epsilon`` is recorded.

        Raises:
            AccessDenied: the actor may not release counts (audited).
            NotFound: no such dataset.
            InvalidValue: an unknown or unreleasable audience, a field the audience may
                not count by, a bad period or epsilon, or a table that could be
                subtracted from one the audience already has (the reason says which).
            AuditUnavailable: nothing was released.
        """
        refusal = release_refusal(_standing(actor))
        if refusal:
            self._deny(actor, f"aggregate/{dataset_id}", refusal)
        plan = self.vault.plan
        try:
            dataset = plan.dataset(dataset_id)
        except KeyError:
            raise NotFound(f"no dataset '{dataset_id}'") from None
        fields = tuple(dict.fromkeys(name.strip() for name in by if name.strip()))
        if not 1 <= len(fields) <= MAX_FIELDS:
            raise InvalidValue("count by one field, or cross-tabulate two")
        try:
            who = audience_of(plan, dataset, countable_fields(dataset), audience)
            today = clock.now().date()
            first, last = last_whole_month(today)
            period = month_period(start or first, end or start or last, today)
        except ValueError as error:
            raise InvalidValue(str(error)) from None
        for name in fields:
            if name not in who.fields:
                allowed = ", ".join(who.fields) or "none"
                raise InvalidValue(
                    f"'{audience}' may not be given counts by '{name}' (allowed: {allowed})"
                )
        new = Earlier("", dataset_id, who.id, fields, *period, who.min_group_size, bool(epsilon))
        rows = AggregateRelease.objects.filter(dataset=dataset_id)
        same, reason = release_conflict(new, [_earlier(r) for r in rows])
        if same is not None:
            return _view(AggregateRelease.objects.get(pk=same.id), again=True)
        if reason:
            raise InvalidValue(reason)
        counts = count_records(dataset_id, fields, *period, {n: who.fields[n] for n in fields})
        labels = [
            labels_of(choices_of(dataset, name), {key[i] for key in counts.cells})
            for i, name in enumerate(fields)
        ]
        keys: list[tuple[str, ...]] = [(a,) for a in labels[0]]
        if len(fields) == MAX_FIELDS:
            keys = [(a, b) for a in labels[0] for b in labels[1]]
        cells = counts.cells
        notes = list(counts.notes)
        if epsilon is not None:
            try:
                cells = noisy(cells, keys, epsilon)
            except ValueError as error:
                raise InvalidValue(str(error)) from None
            notes.append(f"counts carry random noise (differential privacy, epsilon {epsilon:g})")
        if len(fields) == 1:
            shown: Any = suppress_1d(
                {key[0]: cells.get(key, 0) for key in keys}, who.min_group_size
            )
        else:
            shown = suppress_2d(
                labels[0],
                labels[1],
                {(key[0], key[1]): cells.get(key, 0) for key in keys},
                who.min_group_size,
            )
        notes.append(
            f"counts from 1 to {who.min_group_size - 1} are suppressed, with other counts "
            "so that none can be worked out from the totals"
        )
        table = {"by": list(fields), **shown.shown(), "notes": notes}
        size = len(keys) + (1 if len(fields) == 1 else len(labels[0]) + len(labels[1]) + 1)
        now = clock.now()
        with transaction.atomic():
            made = AggregateRelease.objects.create(
                dataset=dataset_id,
                audience=who.id,
                by_fields=list(fields),
                period_start=period[0],
                period_end=period[1],
                min_group_size=who.min_group_size,
                table=table,
                cells=size,
                suppressed=shown.suppressed,
                epsilon=epsilon,
                released_by_id=actor.user_id,
                released_at=now,
            )
            audit(
                self.vault,
                actor=actor.ref,
                action=AuditAction.AGGREGATE_RELEASE,
                obj=f"aggregate/{made.id}",
                fields=fields,
            )
        return _view(made)

    def visible(self, actor: Actor | None) -> list[ReleaseView]:
        """The releases ``actor`` may see (``None``: the public), newest first."""
        audiences = self._audiences(actor)
        rows = AggregateRelease.objects.filter(audience__in=sorted(audiences))
        return [_view(row) for row in rows]

    def get(self, actor: Actor | None, release_id: UUID | str) -> ReleaseView:
        """One release ``actor`` may see.

        Raises:
            NotFound: no such release, or one the actor may not see (the same answer).
        """
        try:
            row = AggregateRelease.objects.get(pk=UUID(str(release_id)))
        except (AggregateRelease.DoesNotExist, ValueError):
            raise NotFound("no such release") from None
        if row.audience not in self._audiences(actor):
            raise NotFound("no such release")
        return _view(row)

    def budgets(self, actor: Actor | None) -> dict[str, float]:
        """The privacy budget spent so far per audience the actor sees (sum of epsilon)."""
        audiences = sorted(self._audiences(actor))
        rows = (
            AggregateRelease.objects.filter(audience__in=audiences, epsilon__isnull=False)
            .values("audience")
            .annotate(spent=Sum("epsilon"))
            .order_by("audience")
        )
        return {row["audience"]: float(row["spent"]) for row in rows}

    def _audiences(self, actor: Actor | None) -> frozenset[str]:
        recipients = [r.id for r in self.vault.plan.recipients if r.aggregates_only]
        if actor is None:
            return visible_audiences(None, recipients)
        if standing_refusal(_standing(actor), "releases are seen") is not None:
            return frozenset()
        return visible_audiences(actor.role, recipients)

    def _deny(self, actor: Actor, target: str, reason: str) -> NoReturn:
        """Audit a refused release (best effort: the refusal stands regardless)."""
        with suppress(AuditUnavailable), transaction.atomic():
            audit(
                self.vault,
                actor=actor.ref,
                action=AuditAction.AGGREGATE_RELEASE,
                obj=target,
                outcome=Outcome.DENIED,
            )
        raise AccessDenied(reason)


def _standing(actor: Actor) -> StaffStanding:
    return StaffStanding(actor.role, actor.user_id, actor.expired(), actor.mfa_verified)
