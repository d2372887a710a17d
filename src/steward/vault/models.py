"""Database models of the vault.

Personal field values are stored only as ciphertexts (:class:`FieldValue`), each bound
to its record and field and encrypted under its subject's own key, which lives outside
this database. Only the fields a plan stores in clear (non-identifying ones such as a
district or a request type) are kept readable, in :attr:`Record.clear_values`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class PlanVersion(models.Model):
    """A plan text the vault has run under; each record points to the one it was collected under.

    ``snapshot`` is the validated plan as JSON (a plan holds no personal value), so the
    oversight body can read what changed between versions; empty for versions first
    loaded before it was kept.
    """

    version = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    first_loaded = models.DateTimeField(auto_now_add=True)
    snapshot = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.version} ({self.digest[:12]})"


class Subject(models.Model):
    """A person the vault holds data about. Holds no personal data itself."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    erased = models.DateTimeField(null=True, blank=True)


class ImportProvenance(models.Model):
    """Where the rows of one ``steward import`` came from (no personal data).

    The operator states the source, the legal basis (one the plan's purposes allow for
    the dataset) and that the data was lawfully collected; the time, the file's SHA-256
    and the number of rows are recorded by Steward. Records created by the import point
    here (:attr:`Record.provenance`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(max_length=63, db_index=True)
    plan = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="imports")
    source = models.CharField(max_length=500)
    legal_basis = models.CharField(max_length=63)
    lawfully_collected = models.BooleanField()
    operator = models.CharField(max_length=100)
    imported = models.DateTimeField(db_index=True)
    sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=10)
    rows = models.PositiveIntegerField()
    columns = models.JSONField(default=list)

    class Meta:
        ordering = ("-imported",)


class Record(models.Model):
    """One submission or case of a plan dataset, or one row of a table."""

    class Status(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(max_length=63, db_index=True)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="records")
    plan = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="records")
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_records",
    )
    team = models.CharField(max_length=63, blank=True, default="")
    clear_values = models.JSONField(default=dict, blank=True)
    guardian_consent = models.BooleanField(default=False)
    last_contact = models.DateTimeField(null=True, blank=True)
    """The last contact with the person, for ``from: last_contact`` (else ``created``)."""
    purged = models.DateTimeField(null=True, blank=True, db_index=True)
    """When the whole record was purged (or anonymized); it is never filled again."""
    purged_fields = models.JSONField(default=list, blank=True)
    """The names of the fields purged so far: the marker that they never come back."""
    anonymized = models.BooleanField(default=False)
    """Purged by anonymization: only non-identifying clear values stay, unlinked."""
    provenance = models.ForeignKey(
        ImportProvenance,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    """The import the record came from; ``None`` for intake and rows added by staff."""

    class Meta:
        ordering = ("-created",)


class FieldValue(models.Model):
    """One encrypted field value of a record, with its blind index if the field is searchable."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="values")
    field = models.CharField(max_length=63)
    ciphertext = models.BinaryField()
    blind_index = models.BinaryField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("record", "field"), name="one_value_per_field"),
        )


class Consent(models.Model):
    """A person's answer to one consent-based purpose, and its withdrawal."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="consents")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=63)
    granted = models.BooleanField()
    given = models.DateTimeField(auto_now_add=True)
    withdrawn = models.DateTimeField(null=True, blank=True)
    by_guardian = models.BooleanField(default=False)


class AccessCode(models.Model):
    """A keyed hash of the personal code a person uses to come back to their own data.

    Codes are random (at least 100 bits), so a keyed hash is enough to store them.
    """

    subject = models.OneToOneField(Subject, on_delete=models.CASCADE, related_name="access_code")
    lookup = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)


class SealedSubmission(models.Model):
    """An intake submission sealed to the organization's key; the server cannot read it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(max_length=63, db_index=True)
    sealed = models.BinaryField()
    plan = models.ForeignKey(PlanVersion, on_delete=models.PROTECT)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="sealed")
    received = models.DateTimeField(auto_now_add=True)
    opened = models.DateTimeField(null=True, blank=True)
    record = models.OneToOneField(Record, null=True, blank=True, on_delete=models.SET_NULL)


class StaffMember(models.Model):
    """A person's own staff account: their plan role, team and any expiry of their access."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(max_length=63)
    team = models.CharField(max_length=63, blank=True, default="")
    access_until = models.DateTimeField(null=True, blank=True)
    must_change_password = models.BooleanField(default=False)


class PlanAcknowledgement(models.Model):
    """A staff member confirmed that they read one plan text (kept as evidence, never edited).

    ``role`` is the plan role they held when they confirmed; ``acknowledged`` is when.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_acknowledgements"
    )
    plan = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    role = models.CharField(max_length=63)
    acknowledged = models.DateTimeField(db_index=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("user", "plan"), name="one_acknowledgement_per_plan"),
        )


class ServiceToken(models.Model):
    """An API token scoped to one plan role. Only its SHA-256 is stored."""

    name = models.CharField(max_length=100, unique=True)
    role = models.CharField(max_length=63)
    team = models.CharField(max_length=63, blank=True, default="")
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)


class AggregateCount(models.Model):
    """Counts kept after records were purged with ``then: aggregate``; nothing identifying.

    One row per dataset, month of collection, clear field and value; the row with an
    empty ``field`` counts the records themselves. Statistics add these counts to the
    live records' own (:mod:`steward.vault.services.statistics`).
    """

    dataset = models.CharField(max_length=63)
    month = models.DateField()
    field = models.CharField(max_length=63, blank=True, default="")
    value = models.CharField(max_length=200, blank=True, default="")
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("dataset", "month", "field", "value"), name="one_count_per_cell"
            ),
        )


class ErasureRequest(models.Model):
    """A staff member's request to erase a person, and where it stands. No personal values.

    ``record`` is the case the person was found by (kept after the erasure: the row stays,
    purged). ``decided_by`` approved, refused or cancelled it, as ``state`` says; the rule
    is :mod:`steward.vault.rules.erasure`. ``reason`` is checked, when the request is
    made, against the person's own values, so it never repeats one of them.
    """

    class State(models.TextChoices):
        REQUESTED = "requested"
        APPROVED = "approved"
        DONE = "done"
        REFUSED = "refused"
        CANCELLED = "cancelled"

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="erasures")
    record = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasures"
    )
    dataset = models.CharField(max_length=63)
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="erasures_requested"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="erasures_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-requested_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=("subject",),
                condition=models.Q(state__in=("requested", "approved")),
                name="one_open_erasure_per_subject",
            ),
        )


class RightsRequest(models.Model):
    """One use of a person's own rights, in the register the privacy officer answers.

    Every use is registered: the ones done at once (a copy, a direct correction, a
    withdrawal, an erasure the plan allows at once) are ``done`` when they are made; the
    others (a correction staff must check, an erasure a legal obligation holds back,
    fields the person's page does not show) stay ``open`` until a staff member decides,
    with a reason, before ``due`` (``rights.respond_within`` after ``received``).

    No personal value is stored in clear: a proposed correction is encrypted under the
    person's own key, bound to this request and the field (``proposed``), so it is
    shredded with the person.
    """

    class Kind(models.TextChoices):
        ACCESS = "access"
        EXPORT = "export"
        CORRECTION = "correction"
        ERASURE = "erasure"
        WITHDRAWAL = "withdrawal"
        CONSENT = "consent"
        CODE_REISSUE = "code_reissue"
        OBJECTION = "objection"

    class Status(models.TextChoices):
        OPEN = "open"
        DONE = "done"
        REFUSED = "refused"

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="rights_requests")
    record = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.SET_NULL, related_name="rights_requests"
    )
    dataset = models.CharField(max_length=63, blank=True, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    field = models.CharField(max_length=63, blank=True, default="")
    purpose = models.CharField(max_length=63, blank=True, default="")
    proposed = models.BinaryField(null=True, blank=True)
    received = models.DateTimeField(db_index=True)
    due = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    by_person = models.BooleanField(default=True)
    """Made by the person with their code; ``False`` when staff acted for them."""
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rights_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(blank=True, default="")
    """Why it was decided so: shown to the person; never a personal value."""

    class Meta:
        ordering = ("-received", "-id")


class CodeAttempt(models.Model):
    """One try of an access code, for throttling; keyed hashes only, never a code or address.

    ``key`` is ``code:<keyed hash of the code tried>`` or ``addr:<keyed hash of the
    address it came from>``; each try writes one row of each.
    """

    key = models.CharField(max_length=80, db_index=True)
    at = models.DateTimeField(db_index=True)
    succeeded = models.BooleanField(default=False)


class PersonSession(models.Model):
    """A short sign-in of a person with their access code, apart from staff sessions.

    The browser holds a random token; only its keyed hash is stored here.
    """

    token_hash = models.CharField(max_length=64, unique=True)
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="sessions")
    created = models.DateTimeField()
    expires = models.DateTimeField(db_index=True)


class AuditEntryRow(models.Model):
    """One audit entry: canonical JSON, numbered; the number is unique so the chain cannot fork."""

    seq = models.BigIntegerField(unique=True)
    record = models.BinaryField()
    written = models.DateTimeField(auto_now_add=True)
    object_ref = models.CharField(max_length=128, blank=True, default="", db_index=True)
    """The entry's object reference (a keyed hash, as in the entry itself), so the
    entries about one record or person are found without reading the whole log
    (:func:`steward.vault.services.own_history.accesses_of`)."""
    at = models.DateTimeField(null=True, blank=True, db_index=True)
    """The entry's own time (as in the entry itself), so the entries of a period are
    found without reading the whole log (:meth:`DatabaseAuditStore.seq_span`); empty
    only for bytes that are not an entry."""

    class Meta:
        ordering = ("seq",)


class AuditCheckpointRow(models.Model):
    """A signed checkpoint note of the audit log."""

    note = models.TextField()
    written = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)


class JobRun(models.Model):
    """One run of a scheduled job (a backup, a restore drill, ...): when, and how it ended.

    Times come from :mod:`steward.clock`, so tests can move them. ``message`` says what
    happened in plain words and never holds personal data.
    """

    class Outcome(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    job = models.CharField(max_length=63)
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    message = models.TextField(blank=True, default="")
    runner = models.CharField(max_length=100, blank=True, default="")
    scheduled = models.BooleanField(default=False)
    """Started by a runner holding the runner lock (not by hand)."""

    class Meta:
        ordering = ("-started", "-id")
        indexes = (models.Index(fields=("job", "-started"), name="jobrun_job_started"),)


class JobLease(models.Model):
    """Who may run scheduled jobs now, and until when (the SQLite runner lock).

    A runner claims the row inside an ``IMMEDIATE`` transaction, so two processes cannot
    both see it free; PostgreSQL uses an advisory lock instead.
    """

    name = models.CharField(max_length=63, primary_key=True)
    holder = models.CharField(max_length=100)
    expires = models.DateTimeField()


# The egress models live in their own module; importing them here registers them.
from steward.vault.models_egress import (  # noqa: E402
    AggregateRelease,
    Delivery,
    DisclosureItem,
    DisclosureNotice,
    DisclosureRequest,
    Extract,
)
from steward.vault.models_response import (  # noqa: E402
    CommunityAlert,
    Incident,
    IncidentNote,
    IncidentRecord,
    IncidentStep,
    OversightReview,
    VulnerabilityClockChange,
    VulnerabilityReport,
)

__all__ = [
    "AccessCode",
    "AggregateCount",
    "AggregateRelease",
    "AuditCheckpointRow",
    "AuditEntryRow",
    "CodeAttempt",
    "CommunityAlert",
    "Consent",
    "Delivery",
    "DisclosureItem",
    "DisclosureNotice",
    "DisclosureRequest",
    "ErasureRequest",
    "Extract",
    "FieldValue",
    "ImportProvenance",
    "Incident",
    "IncidentNote",
    "IncidentRecord",
    "IncidentStep",
    "JobLease",
    "JobRun",
    "OversightReview",
    "PersonSession",
    "PlanAcknowledgement",
    "PlanVersion",
    "Record",
    "RightsRequest",
    "SealedSubmission",
    "ServiceToken",
    "StaffMember",
    "Subject",
    "VulnerabilityClockChange",
    "VulnerabilityReport",
]
