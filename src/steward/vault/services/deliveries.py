"""Encrypted, expiring, fetch-limited delivery of a package to someone outside Steward.

A disclosure or an extract hands its payload to :func:`create_delivery`, which
encrypts it (:mod:`steward.crypto.delivery_package`) to the recipient's X25519 public
key, or, when there is none, under a new random passphrase that is returned once and
never stored. The recipient gets a link ``/deliveries/<token>/``; the vault keeps only
the token's keyed hash (HMAC-SHA-256 under the vault's access-code key), so a copy of
the database yields neither working links nor readable packages.

:func:`fetch_delivery` hands the encrypted bytes out until the delivery expires and at
most ``max_fetches`` times; the count is raised by one conditional ``UPDATE``, so two
fetches at once can never exceed it. Every fetch and every refused fetch is audited
(``delivery.fetch``); the token and the passphrase never are. :func:`expire_deliveries`
(the ``delivery-expiry`` job, hourly) deletes the packages past expiry or used up and
marks a disclosure or an extract ``expired`` once all its deliveries have expired.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from django.db import transaction
from django.db.models import BinaryField, F, Q, QuerySet
from django.db.models.functions import Substr

from steward.audit import Outcome
from steward.clock import now
from steward.crypto import (
    CryptoError,
    KeyStoreError,
    new_passphrase,
    pack_for_key,
    pack_with_passphrase,
    public_key_from_text,
    read_package_header,
)
from steward.errors import StewardError
from steward.policy import Plan
from steward.vault.audit_actions import AuditAction
from steward.vault.models_egress import Delivery, DisclosureRequest, Extract
from steward.vault.rules.schedule import duration_interval
from steward.vault.runtime import Vault
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.jobs import Job, JobContext, Schedule

DEFAULT_LIFETIME: Final = timedelta(days=7)
"""How long a link lasts when neither the caller nor the plan says."""
MAX_LIFETIME: Final = timedelta(days=90)
MAX_FETCHES: Final = 20
RECIPIENT_ACTOR: Final = "recipient/delivery-link"
"""The audit actor of a fetch: whoever holds the link (no account)."""
UNKNOWN_OBJECT: Final = "delivery/unknown"
PACKAGE_SUFFIX: Final = ".stwpkg"
DELIVERY_EXPIRY_JOB_NAME: Final = "delivery-expiry"
EXPIRY_EVERY: Final = timedelta(hours=1)
_TOKEN_BYTES: Final = 32
_HEADER_LIMIT: Final = 2048
"""More than the longest package header (context and name at their longest)."""
_MAX_TOKEN: Final = 200


class DeliveryError(StewardError):
    """A delivery cannot be made as asked; the message says why (never a secret)."""


class DeliveryNotFound(StewardError):
    """No delivery has this link (a mistyped or made-up link): HTTP 404."""


class DeliveryGone(StewardError):
    """The delivery expired or was fetched as many times as allowed: HTTP 410.

    ``reason`` says which, in words (``it expired on ...``).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"this delivery is no longer available: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class NewDelivery:
    """A delivery just made. ``token`` and ``passphrase`` are the only copies: hand the
    link (``path``) to the recipient and the passphrase by another channel, once."""

    delivery: Delivery
    token: str
    passphrase: str | None
    path: str


@dataclass(frozen=True)
class FetchedPackage:
    """The encrypted package a recipient fetched, as it is downloaded."""

    package: bytes
    filename: str
    """The download's name: the payload's name with :data:`PACKAGE_SUFFIX`."""
    sha256: str


@dataclass(frozen=True)
class DeliveryStatus:
    """What the recipient's page shows before a fetch (nothing secret, nothing consumed)."""

    context: str
    filename: str
    method: str
    size: int
    sha256: str
    expires: datetime
    fetches_left: int
    available: bool
    why_not: str
    """Why it can no longer be fetched (empty while it can)."""


def token_hash(vault: Vault, token: str) -> str:
    """The keyed hash stored for a delivery link's ``token``."""
    message = b"delivery-link:" + token.encode("utf-8", "surrogatepass")
    return hmac.new(vault.access_code_key, message, hashlib.sha256).hexdigest()


def recipient_public_key(vault: Vault, recipient: str) -> str | None:
    """The public key the plan records for recipient ``recipient`` (for
    ``create_delivery(public_key_text=...)``); ``None`` when it gives none, or for a
    party the plan does not name (a package for them is opened with a passphrase)."""
    for entry in vault.plan.recipients:
        if entry.id == recipient:
            return entry.public_key
    return None


def delivery_lifetime(vault: Vault, expires_after: timedelta | None) -> timedelta:
    """``expires_after``, else the plan's ``disclosure.delivery.expires_after``, else
    :data:`DEFAULT_LIFETIME`.

    Raises:
        DeliveryError: the lifetime is not positive or longer than :data:`MAX_LIFETIME`.
    """
    if expires_after is None:
        rules = vault.plan.disclosure
        planned = rules.delivery.expires_after if rules is not None else None
        expires_after = duration_interval(planned) if planned is not None else DEFAULT_LIFETIME
    if not timedelta(0) < expires_after <= MAX_LIFETIME:
        raise DeliveryError(
            f"a delivery lasts more than no time and at most {MAX_LIFETIME.days} days"
        )
    return expires_after


def create_delivery(
    vault: Vault,
    *,
    actor: str,
    payload: bytes,
    filename: str,
    context: str,
    expires_after: timedelta | None,
    public_key_text: str | None = None,
    disclosure: DisclosureRequest | None = None,
    extract: Extract | None = None,
    max_fetches: int = 3,
) -> NewDelivery:
    """Encrypt ``payload`` for its recipient and store it behind a new link; audited.

    With ``public_key_text`` (:func:`steward.crypto.sealed.public_key_to_text` form) the
    package is encrypted to that key and ``passphrase`` is ``None``; without it, under a
    new passphrase returned here only. The link expires ``expires_after`` from now
    (see :func:`delivery_lifetime`). ``context`` (e.g. ``disclosure/<id>``) and
    ``filename`` are bound into the package and readable by the recipient.

    Raises:
        DeliveryError: the key is not an X25519 public key, the file name or context is
            not acceptable, ``max_fetches`` is not 1 to 20, both or neither of
            ``disclosure`` and ``extract`` are given, or the lifetime is out of range.
        AuditUnavailable: the creation could not be audited; nothing was stored.
    """
    if (disclosure is None) == (extract is None):
        raise DeliveryError("a delivery belongs to exactly one disclosure or one extract")
    if not 1 <= max_fetches <= MAX_FETCHES:
        raise DeliveryError(f"a delivery may be fetched 1 to {MAX_FETCHES} times")
    lifetime = delivery_lifetime(vault, expires_after)
    passphrase: str | None = None
    try:
        if public_key_text is not None:
            public_key = public_key_from_text(public_key_text)
            package = pack_for_key(payload, public_key, context=context, filename=filename)
            method = Delivery.Method.PUBLIC_KEY
        else:
            passphrase = new_passphrase()
            package = pack_with_passphrase(payload, passphrase, context=context, filename=filename)
            method = Delivery.Method.PASSPHRASE
    except KeyStoreError:
        raise DeliveryError(
            "the recipient's public key is not an X25519 key (32 bytes of base64 expected)"
        ) from None
    except CryptoError as error:
        raise DeliveryError(str(error)) from None
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    moment = now()
    with transaction.atomic():
        delivery = Delivery.objects.create(
            disclosure=disclosure,
            extract=extract,
            token_hash=token_hash(vault, token),
            method=method,
            package=package,
            sha256=hashlib.sha256(package).hexdigest(),
            size=len(package),
            created=moment,
            expires=moment + lifetime,
            max_fetches=max_fetches,
        )
        audit(
            vault,
            actor=actor,
            action=AuditAction.DELIVERY_CREATE,
            obj=f"delivery/{delivery.pk}",
            purpose=(
                f"{context}; {method}; {max_fetches} fetches until "
                f"{delivery.expires:%Y-%m-%d %H:%M} UTC"
            ),
        )
    return NewDelivery(delivery, token, passphrase, f"/deliveries/{token}/")


def delivery_status(vault: Vault, token: str) -> DeliveryStatus:
    """What a link leads to, without fetching (the page a recipient sees first).

    Raises:
        DeliveryNotFound: no delivery has this link.
    """
    found = _find(vault, token)
    if found is None:
        raise DeliveryNotFound(_NOT_FOUND)
    context, filename = "", ""
    head = _head(found)
    if head is not None:
        header = read_package_header(head)
        context, filename = header.context, header.filename
    why_not = _why_not(found, now())
    return DeliveryStatus(
        context=context,
        filename=_download_name(filename, found),
        method=found.method,
        size=found.size,
        sha256=found.sha256,
        expires=found.expires,
        fetches_left=max(found.max_fetches - found.fetches, 0),
        available=not why_not,
        why_not=why_not,
    )


def fetch_delivery(vault: Vault, token: str) -> FetchedPackage:
    """Hand out the encrypted package behind a link, counting the fetch; audited.

    Raises:
        DeliveryNotFound: no delivery has this link (audited as refused).
        DeliveryGone: it expired, or was fetched ``max_fetches`` times (audited as
            refused, with the reason).
        AuditUnavailable: the fetch could not be audited; nothing was handed out and
            the fetch was not counted.
    """
    found = _find(vault, token)
    if found is None:
        _refused(vault, UNKNOWN_OBJECT, "no delivery has this link")
        raise DeliveryNotFound(_NOT_FOUND)
    moment = now()
    with transaction.atomic():
        counted = Delivery.objects.filter(
            Q(pk=found.pk)
            & Q(expires__gt=moment)
            & Q(fetches__lt=F("max_fetches"))
            & Q(package__isnull=False)
        ).update(fetches=F("fetches") + 1, last_fetch=moment)
        if counted:
            row = Delivery.objects.get(pk=found.pk)
            package = bytes(row.package or b"")
            audit(
                vault,
                actor=RECIPIENT_ACTOR,
                action=AuditAction.DELIVERY_FETCH,
                obj=f"delivery/{found.pk}",
                purpose=f"fetch {row.fetches} of {row.max_fetches}",
            )
            name = _download_name(read_package_header(package).filename, row)
            return FetchedPackage(package, name, row.sha256)
    current = _rows().filter(pk=found.pk).first() or found
    reason = _why_not(current, moment) or "it can no longer be fetched"
    _refused(vault, f"delivery/{found.pk}", reason)
    raise DeliveryGone(reason)


def expire_deliveries(vault: Vault, actor: str = "system/jobs") -> int:
    """Delete the packages of deliveries past expiry or fetched as often as allowed,
    and mark a disclosure (approved or delivered) or an extract (released) ``expired``
    once every delivery it has is past expiry; each deletion is audited. Returns how
    many packages were deleted.

    Raises:
        AuditUnavailable: the deletions could not be audited; nothing was deleted.
    """
    moment = now()
    due = Q(package__isnull=False) & (Q(expires__lte=moment) | Q(fetches__gte=F("max_fetches")))
    with transaction.atomic():
        ids = list(Delivery.objects.select_for_update().filter(due).values_list("pk", flat=True))
        for pk in ids:
            audit(
                vault,
                actor=actor,
                action=AuditAction.DELIVERY_EXPIRE,
                obj=f"delivery/{pk}",
                purpose="package deleted: expired or fetched as often as allowed",
            )
        Delivery.objects.filter(pk__in=ids).update(package=None)
        _expire_owners(moment)
    return len(ids)


def expiry_schedule(plan: Plan) -> Schedule:
    """Every hour, whatever the plan: a link must not outlive its expiry by more."""
    del plan  # deliveries expire by their own dates
    return Schedule(EXPIRY_EVERY, "hourly: packages are deleted within the hour they expire")


def run_expiry(context: JobContext) -> str:
    """Delete the packages due; one sentence for the record."""
    deleted = expire_deliveries(context.vault, actor=context.actor)
    if not deleted:
        return "no delivered package was past its expiry or used up"
    return f"deleted {deleted} delivered package{'' if deleted == 1 else 's'} (expired or used up)"


_NOT_FOUND: Final = "there is no delivery at this link (check that it was copied whole)"


def _rows() -> QuerySet[Delivery]:
    """Deliveries without their (possibly large) package, but with its header's bytes."""
    head = Substr("package", 1, _HEADER_LIMIT, output_field=BinaryField())
    return Delivery.objects.defer("package").annotate(head=head)


def _head(delivery: Delivery) -> bytes | None:
    head = getattr(delivery, "head", None)
    return None if head is None else bytes(head)


def _find(vault: Vault, token: str) -> Delivery | None:
    if not token or len(token) > _MAX_TOKEN:
        return None
    return _rows().filter(token_hash=token_hash(vault, token)).first()


def _why_not(delivery: Delivery, moment: datetime) -> str:
    if delivery.expires <= moment:
        return f"it expired on {delivery.expires:%Y-%m-%d at %H:%M} UTC"
    if delivery.fetches >= delivery.max_fetches:
        return f"it was already fetched {delivery.max_fetches} times, as many as allowed"
    if _head(delivery) is None:
        return "its package was deleted"
    return ""


def _download_name(filename: str, delivery: Delivery) -> str:
    return (filename or f"delivery-{delivery.pk}") + PACKAGE_SUFFIX


def _refused(vault: Vault, obj: str, reason: str) -> None:
    """Audit a refused fetch (best effort: a refusal hands nothing out)."""
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=RECIPIENT_ACTOR,
            action=AuditAction.DELIVERY_FETCH,
            obj=obj,
            purpose=reason,
            outcome=Outcome.DENIED,
        )


def _expire_owners(moment: datetime) -> None:
    live = Delivery.objects.filter(expires__gt=moment)
    (
        DisclosureRequest.objects.filter(
            state__in=(DisclosureRequest.State.APPROVED, DisclosureRequest.State.DELIVERED),
            deliveries__isnull=False,
        )
        .exclude(deliveries__in=live)
        .update(state=DisclosureRequest.State.EXPIRED)
    )
    (
        Extract.objects.filter(state=Extract.State.RELEASED, deliveries__isnull=False)
        .exclude(deliveries__in=live)
        .update(state=Extract.State.EXPIRED)
    )


DELIVERY_EXPIRY: Final = Job(
    DELIVERY_EXPIRY_JOB_NAME, "Delivery expiry", expiry_schedule, run_expiry
)
