"""Each sentence a privacy notice says about keeping and deleting is kept by Steward.

For every example plan and every notice it generates, each line under "How long we keep
it" is read back from the rendered text: how long, from which event, and what happens
then. A real vault under that plan then receives a synthetic submission, the event
happens (collection, a case closed through the case service, consent withdrawn), and the
same sweep the scheduler runs is taken to just before and just after the stated end. A
field that serves only that purpose is still stored just before and gone just after;
when the record goes as a whole, "reduced to counts and types" leaves its counts in the
aggregate table and "deleted" leaves none.

The sentence "deleted automatically when its retention period ends" is tied the same
way: the sweep is the daily job of every vault (checked here against the job catalogue),
and nobody calls it by hand in these tests but the scheduler's own function.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.contrib.auth import get_user_model

from steward.clock import ManualClock, use_clock
from steward.policy import load_plan
from steward.policy.documents import render_documents
from steward.policy.model import DatasetKind, Plan
from steward.policy.safeguards import enforced
from steward.synthetic.persona import new_faker
from steward.synthetic.submissions import fake_submission
from steward.vault.models import AggregateCount, Consent, FieldValue, Record
from steward.vault.rules.case_status import Worker, may_change_cases
from steward.vault.rules.intake import Submission
from steward.vault.rules.retention import RetentionFacts, purpose_end
from steward.vault.rules.routing import route
from steward.vault.runtime import Vault, use_vault
from steward.vault.services import sweep_retention
from steward.vault.services.actors import Actor
from steward.vault.services.case_status import close_case
from steward.vault.services.collect import open_sealed, submit
from steward.vault.services.jobs_catalogue import standard_jobs
from steward.vault.services.retention_sweep import RETENTION_JOB_NAME
from steward.vault.services.tables import add_row, fields_to_fill
from tests.vault.conftest import EXAMPLES, actor_for, make_vault

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EVENT_AT = T0 + timedelta(days=3)
"""When the event a retention counts from happens (for collection: T0 itself)."""

DAYS_PER_UNIT: dict[str, tuple[float, float]] = {
    "day": (1, 1),
    "week": (7, 7),
    "month": (28, 31),
    "year": (365, 366),
}
"""The shortest and longest reading of each unit a reader could take the notice to mean."""

SENTENCE = re.compile(
    r"^- (?P<label>.+?): (?:(?P<amount>\d+) (?P<unit>day|week|month|year)s? after|until) "
    r"(?P<event>collection|case closure|last contact|consent withdrawal), "
    r"then (?P<then>deleted|reduced to counts and types|anonymized)\.$"
)


@dataclass(frozen=True)
class Promise:
    """One notice line about keeping: the purpose, the span (in days, shortest and
    longest reading), the event it counts from and what happens then."""

    plan: Path
    dataset: str
    purpose: str
    shortest: float
    longest: float
    event: str
    then: str

    @property
    def id(self) -> str:
        return f"{self.plan.stem}:{self.dataset}:{self.purpose}"


def _notice_lines(text: str) -> list[str]:
    """The bullet lines under "How long we keep it" in a rendered notice."""
    section = text.split("## How long we keep it", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def _promises() -> list[Promise]:
    promises = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        loaded = load_plan(path)
        labels = {p.label: p for p in loaded.plan.purposes}
        for name, text in render_documents(loaded).items():
            if not (name.startswith("privacy-notice-") and name.endswith(".md")):
                continue
            dataset = name.removeprefix("privacy-notice-").removesuffix(".md")
            for line in _notice_lines(text):
                found = SENTENCE.match(line)
                assert found, f"{path.name} {name}: a retention line no test reads: {line!r}"
                amount = int(found["amount"] or 0)
                low, high = DAYS_PER_UNIT[found["unit"] or "day"]
                promises.append(
                    Promise(
                        plan=path,
                        dataset=dataset,
                        purpose=labels[found["label"]].id,
                        shortest=amount * low,
                        longest=amount * high,
                        event=found["event"],
                        then=found["then"],
                    )
                )
    return promises


PROMISES = _promises()


def test_every_example_notice_states_retention_lines_these_tests_read() -> None:
    plans = {p.plan for p in PROMISES}
    assert plans == set(EXAMPLES.glob("*.yaml"))
    assert {p.event for p in PROMISES} >= {"collection", "case closure", "consent withdrawal"}


def test_the_automatic_deletion_sentence_is_stated_as_in_place_and_runs_daily() -> None:
    assert enforced("retention_sweep")
    for path in EXAMPLES.glob("*.yaml"):
        loaded = load_plan(path)
        notices = [
            text
            for name, text in render_documents(loaded).items()
            if name.startswith("privacy-notice-") and name.endswith(".md")
        ]
        assert notices
        for text in notices:
            assert "Your data is deleted automatically when its retention period ends." in text
            assert "Planned, not yet in place: Your data is deleted" not in text
    assert RETENTION_JOB_NAME in standard_jobs().names()


# -- a real vault keeps each promise -------------------------------------------------------


@pytest.fixture
def clock() -> Iterator[ManualClock]:
    moving = ManualClock(T0)
    with use_clock(moving):
        yield moving


def _only_field_of(plan: Plan, dataset: str, purpose: str, stored: set[str]) -> str | None:
    """A stored field of ``dataset`` that serves ``purpose`` and no other purpose."""
    for field in plan.dataset(dataset).fields:
        if field.name in stored and list(field.purposes) == [purpose]:
            return field.name
    return None


def _writer(vault: Vault, dataset: str, user: int) -> Actor:
    """A staff actor whose role may change ``dataset`` (the one closing its cases), the
    one that may write most of its fields."""
    spec = vault.plan.dataset(dataset)
    writers = [
        actor_for(vault, role.id, user_id=user, team="")
        for role in vault.plan.roles
        if may_change_cases(vault.plan, Worker(role), dataset, T0).allowed
    ]
    assert writers, f"no role of the plan may change {dataset}"
    return max(writers, key=lambda actor: len(fields_to_fill(vault, actor, spec)))


def _record(vault: Vault, intake: X25519PrivateKey, dataset: str, staff: Actor) -> Record:
    """One synthetic person's record of ``dataset``, with every opt-in given, collected at
    T0: through the intake form (opened, when sealed), or added by staff to a table."""
    plan = vault.plan
    spec = plan.dataset(dataset)
    answers = fake_submission(plan, dataset, new_faker(7), voluntary_rate=1.0)
    if spec.kind is DatasetKind.TABLE:
        writable = set(fields_to_fill(vault, staff, spec))
        row = {k: v for k, v in answers.items() if k in writable}
        team = route(plan, dataset, row).team
        record = add_row(vault, dataclasses.replace(staff, team=team), dataset, row)
    else:
        used = {p for f in spec.fields for p in f.purposes}
        consents = frozenset(
            p.id for p in plan.purposes if p.legal_basis == "consent" and p.id in used
        )
        receipt = submit(vault, Submission(dataset, answers, consents))
        if spec.sealed:
            open_sealed(vault, intake, actor="test/unseal")
            record = Record.objects.get(sealedsubmission__id=receipt.reference)
        else:
            record = Record.objects.get(pk=receipt.reference)
    Record.objects.filter(pk=record.pk).update(
        created=T0, last_contact=T0, assigned_to_id=staff.user_id
    )
    record.refresh_from_db()
    return record


def _happen(vault: Vault, record: Record, promise: Promise, staff: Actor) -> None:
    """Make the event the promise counts from happen at EVENT_AT."""
    if promise.event == "case closure":
        closer = dataclasses.replace(staff, team=record.team)
        close_case(vault, closer, record.pk, reason="the request was handled", now=EVENT_AT)
    elif promise.event == "consent withdrawal":
        Consent.objects.filter(record=record, purpose=promise.purpose).update(withdrawn=EVENT_AT)
    elif promise.event == "last contact":
        Record.objects.filter(pk=record.pk).update(last_contact=EVENT_AT)


def _start(promise: Promise) -> datetime:
    return T0 if promise.event == "collection" else EVENT_AT


@pytest.mark.parametrize("promise", PROMISES, ids=lambda p: p.id)
def test_a_vault_keeps_each_retention_sentence(
    promise: Promise, db: None, tmp_path: Path, clock: ManualClock
) -> None:
    vault, intake = make_vault(promise.plan, tmp_path / "keys")
    use_vault(vault)
    try:
        user = get_user_model().objects.create(username="closer")
        staff = _writer(vault, promise.dataset, user.pk)
        record = _record(vault, intake, promise.dataset, staff)
        stored = set(FieldValue.objects.filter(record=record).values_list("field", flat=True))
        stored |= set(record.clear_values)
        _happen(vault, record, promise, staff)
        start = _start(promise)
        just_before = start + timedelta(days=promise.shortest) - timedelta(hours=1)
        just_after = start + timedelta(days=promise.longest) + timedelta(hours=1)
        own = _only_field_of(vault.plan, promise.dataset, promise.purpose, stored)
        if own is None:
            _the_rule_ends_the_purpose_between(vault, record, promise, just_before, just_after)
            return

        if just_before > start:
            sweep_retention(vault, now=just_before)
            assert _has(record.pk, own), f"{own} went before {promise.shortest} days"
        sweep_retention(vault, now=just_after)
        assert not _has(record.pk, own), f"{own} is still kept after {promise.longest} days"
        record.refresh_from_db()
        if record.purged is not None:
            counted = AggregateCount.objects.filter(dataset=promise.dataset).exists()
            assert counted == (promise.then == "reduced to counts and types") or (
                counted and _another_purpose_aggregates(vault.plan, promise)
            )
    finally:
        use_vault(None)


def _the_rule_ends_the_purpose_between(
    vault: Vault, record: Record, promise: Promise, before: datetime, after: datetime
) -> None:
    """Every field of the purpose is shared with another purpose, so the sweep may keep
    it longer for that one; the purpose's own end, read from the stored record, is
    still where the sentence puts it."""
    record.refresh_from_db()
    withdrawn = {
        c.purpose: c.withdrawn
        for c in Consent.objects.filter(record=record)
        if c.withdrawn is not None
    }
    facts = RetentionFacts(
        dataset=record.dataset,
        created=record.created,
        closed=record.closed,
        last_contact=record.last_contact,
        withdrawn=withdrawn,
    )
    end = purpose_end(vault.plan.purpose(promise.purpose), facts)
    assert end is not None, f"{promise.purpose} never ends although the notice says it does"
    assert before < end < after or (promise.longest == 0 and end <= after)


def _has(record: UUID, field: str) -> bool:
    row = Record.objects.get(pk=record)
    return field in row.clear_values or FieldValue.objects.filter(record=row, field=field).exists()


def _another_purpose_aggregates(plan: Plan, promise: Promise) -> bool:
    """Whether another purpose of the dataset ends in counts (and may win the tie)."""
    used = {p for f in plan.dataset(promise.dataset).fields for p in f.purposes}
    return any(
        p.retention is not None and p.retention.then.value == "aggregate"
        for p in plan.purposes
        if p.id in used and p.id != promise.purpose
    )
