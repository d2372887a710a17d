"""Database models of what leaves the vault: disclosures, notices, deliveries, extracts
and aggregate releases. Together they are the egress register the transparency report
and the sharing inventory are computed from (:mod:`steward.vault.services.egress_register`).

No personal value is stored in clear here: a disclosure's document and every delivered
package are encrypted; extracts and aggregate releases hold only de-identified figures.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from steward.vault.models import Record, Subject


class DisclosureRequest(models.Model):
    """A request to hand identified records to someone outside, and where it stands.

    Opened by a staff member with a ground (one of the plan's ``allowed_grounds``), a
    recipient (a plan recipient id, or an outside party named in ``party`` for a legal
    order), the legal reference and the document itself (``document``: encrypted, never
    in clear in the database), the records (:class:`DisclosureItem`) and the fields asked
    for. The rule that decides every step is :mod:`steward.vault.rules.disclosure`.

    ``state`` moves ``requested`` -> ``approved`` (or ``refused``, ``withdrawn``) ->
    ``delivered`` -> ``expired``. A request the rule refuses when it is opened is kept,
    ``refused``, with the reason: refusals are part of the register too.
    """

    class State(models.TextChoices):
        REQUESTED = "requested"
        REFUSED = "refused"
        WITHDRAWN = "withdrawn"
        APPROVED = "approved"
        DELIVERED = "delivered"
        EXPIRED = "expired"

    class Compliance(models.TextChoices):
        NONE = "none"
        PARTIAL = "partial"
        FULL = "full"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(max_length=63, db_index=True)
    recipient = models.CharField(max_length=63, blank=True, default="")
    """A plan recipient's id; empty for an outside party (``party``)."""
    party = models.CharField(max_length=200, blank=True, default="")
    """Who asks, in words (an agency, a court); for the register and the report."""
    party_kind = models.CharField(max_length=40, blank=True, default="")
    """The kind of requester (``law_enforcement``, ``immigration``, ``court``, ...)."""
    ground = models.CharField(max_length=40)
    legal_reference = models.CharField(max_length=200, blank=True, default="")
    document = models.BinaryField(null=True, blank=True)
    """The order or consent form itself, encrypted; bound to this request."""
    document_name = models.CharField(max_length=200, blank=True, default="")
    fields_asked = models.JSONField(default=list)
    fields_released = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    compliance = models.CharField(
        max_length=10, choices=Compliance.choices, default=Compliance.NONE
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disclosures_requested"
    )
    requested_at = models.DateTimeField(db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.TextField(blank=True, default="")
    """Why it was approved, narrowed or refused (never a personal value)."""
    deliver_after = models.DateTimeField(null=True, blank=True)
    """The earliest delivery: after the people notified have had time to object."""
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-requested_at", "-id")


class DisclosureItem(models.Model):
    """One record a disclosure asks for; ``released`` when approval kept it in."""

    disclosure = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="items"
    )
    record = models.ForeignKey(
        Record, null=True, on_delete=models.SET_NULL, related_name="disclosure_items"
    )
    subject = models.ForeignKey(
        Subject, null=True, on_delete=models.SET_NULL, related_name="disclosure_items"
    )
    released = models.BooleanField(default=False)
    objected = models.DateTimeField(null=True, blank=True)
    """When the person objected through their own page (the approver then decides)."""

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("disclosure", "record"), name="one_item_per_record"),
        )


class DisclosureNotice(models.Model):
    """The notice a person is owed about a disclosure of their data.

    Shown on the person's own page once ``sent``; sent by email too where the plan holds
    a contact field and allows it (``emailed``). A prohibition (a gag order) holds it back
    until ``prohibited_until``, with its ``prohibition_reason``; the notice goes out
    when the prohibition ends.
    """

    disclosure = models.ForeignKey(
        DisclosureRequest, on_delete=models.CASCADE, related_name="notices"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="notices")
    created = models.DateTimeField()
    prohibited_until = models.DateTimeField(null=True, blank=True, db_index=True)
    prohibition_reason = models.TextField(blank=True, default="")
    sent = models.DateTimeField(null=True, blank=True, db_index=True)
    emailed = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created", "-id")
        constraints = (
            models.UniqueConstraint(fields=("disclosure", "subject"), name="one_notice_per_person"),
        )


class Delivery(models.Model):
    """An encrypted package waiting for its recipient: a disclosure or an extract.

    ``package`` is encrypted to the recipient (their public key, or a passphrase given
    out of band); nothing is delivered in clear. The recipient fetches it with a link
    whose token only the keyed hash of is stored, until ``expires`` and at most
    ``max_fetches`` times; every fetch is audited. After expiry the package is deleted.
    """

    class Method(models.TextChoices):
        PUBLIC_KEY = "public_key"
        PASSPHRASE = "passphrase"  # noqa: S105 (a method name, not a secret)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    disclosure = models.ForeignKey(
        DisclosureRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    extract = models.ForeignKey(
        "Extract", null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    method = models.CharField(max_length=12, choices=Method.choices)
    package = models.BinaryField(null=True, blank=True)
    """The encrypted package; emptied when the delivery expires."""
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    created = models.DateTimeField()
    expires = models.DateTimeField(db_index=True)
    max_fetches = models.PositiveIntegerField(default=3)
    fetches = models.PositiveIntegerField(default=0)
    last_fetch = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created", "-id")


class Extract(models.Model):
    """A de-identified extract of vault records for an analyst recipient or role.

    Made by the de-identification engine to ``k_target`` (the plan's k, at least the
    recipient's ``min_group_size``); ``manifest`` holds the recipe, the measured risk and
    the information loss. ``released`` only when the measured risk meets the target;
    otherwise ``withheld`` says why and nothing leaves.
    """

    class State(models.TextChoices):
        RELEASED = "released"
        WITHHELD = "withheld"
        EXPIRED = "expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(max_length=63, db_index=True)
    recipient = models.CharField(max_length=63, blank=True, default="")
    role = models.CharField(max_length=63, blank=True, default="")
    purpose = models.CharField(max_length=63, blank=True, default="")
    fields = models.JSONField(default=list)
    k_target = models.PositiveIntegerField()
    manifest = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)
    source_records = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices)
    withheld = models.TextField(blank=True, default="")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="extracts_made"
    )
    made_at = models.DateTimeField(db_index=True)
    expires = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-made_at", "-id")


class AggregateRelease(models.Model):
    """Counts released to a donor, to the public or to a report, with small cells suppressed.

    ``table`` is exactly what was shown (suppressed cells as ``null``); the release is
    the record of what left. ``epsilon`` is the privacy budget spent when the counts
    were made differentially private (``None`` when they were not).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(max_length=63, db_index=True)
    audience = models.CharField(max_length=63)
    """A plan recipient's id, or ``public``."""
    by_fields = models.JSONField(default=list)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    min_group_size = models.PositiveIntegerField()
    table = models.JSONField(default=dict)
    cells = models.PositiveIntegerField(default=0)
    suppressed = models.PositiveIntegerField(default=0)
    epsilon = models.FloatField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aggregates_released",
    )
    released_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ("-released_at", "-id")
