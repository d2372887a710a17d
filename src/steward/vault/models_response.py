"""Database models of responding and overseeing: the incident register with its legal
clocks and checklist, vulnerability reports with their disclosure clock, community alerts
drafted from incidents, and the oversight body's reviews.

No personal value is stored in clear here. An incident's description and notes, and a
vulnerability report's text, are encrypted under the vault's key ring (subject
``incident:<id>`` or ``vulnerability:<id>``, associated data naming the row and field),
because what people write about an incident often names the people it touched. Counts,
kinds, dates and states are clear: they are what the register, the clocks and the review
report are computed from.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from steward.vault.models import Record


class Incident(models.Model):
    """A security or privacy incident, from detection to closing.

    ``authority_due`` and ``people_due`` are computed from the plan's
    ``operations.incidents`` the moment the incident is opened (detection time plus
    ``notify_authority_within`` / ``notify_people_within``) and never move; when each
    notice is made is recorded beside it, so a deadline kept or missed stays visible.
    ``description`` is encrypted (see the module); ``title`` is a short label the opener
    is told must name nobody.
    """

    class Kind(models.TextChoices):
        BREACH = "breach"
        LOSS = "loss"
        UNAUTHORIZED_ACCESS = "unauthorized_access"
        MISDIRECTED_DISCLOSURE = "misdirected_disclosure"
        MALWARE = "malware"
        KEY_EXPOSURE = "key_exposure"
        OTHER = "other"

    class State(models.TextChoices):
        OPEN = "open"
        CONTAINED = "contained"
        CLOSED = "closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.BinaryField(null=True, blank=True)
    detected_at = models.DateTimeField()
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    datasets = models.JSONField(default=list)
    records_affected = models.PositiveIntegerField(default=0)
    people_affected = models.PositiveIntegerField(default=0)
    personal_data = models.BooleanField(default=True)
    authority_due = models.DateTimeField(null=True, blank=True)
    authority_notified_at = models.DateTimeField(null=True, blank=True)
    people_due = models.DateTimeField(null=True, blank=True)
    people_notified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ("-detected_at",)
        indexes = (models.Index(fields=["state", "detected_at"]),)


class IncidentRecord(models.Model):
    """A record an incident may have touched (shown only to those who may see it)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="records")
    record = models.ForeignKey(Record, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["incident", "record"], name="one_incident_record"),
        )


class IncidentStep(models.Model):
    """One item of the incident's checklist, made from the plan's response plan (and the
    two notices when the plan sets their deadlines), ticked and audited."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = (
            "incident",
            "position",
        )
        constraints = (
            models.UniqueConstraint(fields=["incident", "position"], name="one_step_per_position"),
        )


class IncidentNote(models.Model):
    """An action taken or a finding, written by staff; ``text`` encrypted."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.BinaryField()

    class Meta:
        ordering = (
            "incident",
            "at",
        )


class VulnerabilityReport(models.Model):
    """A reported vulnerability and its disclosure clock.

    The report arrives sealed (``sealed``: the intake form's sealed box, opened only with
    the intake key) or is entered by staff (``text``: encrypted). ``disclose_by`` starts
    at receipt plus the plan's ``vulnerability_disclosure.disclose_within``; every change
    to it is a :class:`VulnerabilityClockChange` with its reason. ``disclosed_at`` is when
    the disclosure to stakeholders was made.
    """

    class State(models.TextChoices):
        RECEIVED = "received"
        CONFIRMED = "confirmed"
        FIXED = "fixed"
        DISCLOSED = "disclosed"
        REJECTED = "rejected"

    class Severity(models.TextChoices):
        UNKNOWN = "unknown"
        LOW = "low"
        MEDIUM = "medium"
        HIGH = "high"
        CRITICAL = "critical"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    received_at = models.DateTimeField()
    title = models.CharField(max_length=200, blank=True, default="")
    sealed = models.BinaryField(null=True, blank=True)
    text = models.BinaryField(null=True, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices, default=Severity.UNKNOWN)
    state = models.CharField(max_length=20, choices=State.choices, default=State.RECEIVED)
    disclose_by = models.DateTimeField(null=True, blank=True)
    disclosed_at = models.DateTimeField(null=True, blank=True)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disclosure_note = models.TextField(blank=True, default="")
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = (
            "disclose_by",
            "received_at",
        )


class VulnerabilityClockChange(models.Model):
    """A change to a report's disclosure date, with the reason recorded."""

    class Reason(models.TextChoices):
        ACTIVE_EXPLOITATION = "active_exploitation"
        PARTNER_NOT_RESPONDING = "partner_not_responding"
        FIX_NOT_READY = "fix_not_ready"
        FIX_RELEASED = "fix_released"
        REPORTER_REQUEST = "reporter_request"
        OTHER = "other"

    report = models.ForeignKey(
        VulnerabilityReport, on_delete=models.CASCADE, related_name="clock_changes"
    )
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    before = models.DateTimeField()
    after = models.DateTimeField()
    reason = models.CharField(max_length=40, choices=Reason.choices)
    explanation = models.CharField(max_length=500)

    class Meta:
        ordering = (
            "report",
            "at",
        )


class CommunityAlert(models.Model):
    """A public alert drafted from an incident's non-sensitive fields and its description
    with personal data redacted; published only after a person reviews it and, where the
    plan asks, the partner concerned approves it."""

    class State(models.TextChoices):
        DRAFT = "draft"
        REVIEWED = "reviewed"
        APPROVED = "approved"
        PUBLISHED = "published"
        WITHDRAWN = "withdrawn"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    drafted_at = models.DateTimeField()
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner = models.CharField(max_length=100, blank=True, default="")
    partner_approved_at = models.DateTimeField(null=True, blank=True)
    partner_approval_note = models.CharField(max_length=500, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-drafted_at",)


class OversightReview(models.Model):
    """A review of one period by the oversight body: the report Steward computed
    (``report``: figures and lists, no personal value) and the outcome members record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period_start = models.DateField()
    period_end = models.DateField()
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report = models.JSONField(default=dict)
    outcome = models.TextField(blank=True, default="")
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ("-period_end",)
        constraints = (
            models.UniqueConstraint(
                fields=["period_start", "period_end"], name="one_review_per_period"
            ),
        )
