"""Emailing a notice of disclosure, where the plan allows it.

The address is read from the person's own records: the field the plan names in
``disclosure.notify_by_email``, on the newest record that holds it and still serves one
of the purposes the plan lists (:func:`~steward.vault.rules.disclosure_notice.may_email`;
a consent refused or withdrawn is never used). The message goes through Django's mail
framework (``EMAIL_BACKEND``: files by default, SMTP by setting).

The message says only that the organization disclosed some of the person's data, by
when they may object, and where to sign in with their access code to see the rest. It
names no recipient, ground, reference, field or value: an inbox may be shared or read by
others, so everything else stays behind the access code.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from typing import Final
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMessage
from django.core.validators import validate_email

from steward.crypto import KeyStoreError
from steward.vault.rules.disclosure_notice import may_email
from steward.vault.runtime import Vault
from steward.vault.services.consents import consent_states_of
from steward.vault.services.field_reads import field_plaintext
from steward.vault.services.own_records import own_records
from steward.vault.services.record_views import ValueUnreadable

__all__ = ["email_address", "send_notice_email"]

log = logging.getLogger(__name__)
MAX_ADDRESS: Final = 254


def email_address(vault: Vault, subject_id: UUID) -> str | None:
    """The address a notice to ``subject_id`` may be emailed to, or ``None``: the plan
    names no field, no record of theirs serving an allowed purpose holds one, or the
    value held is not an email address. Decrypts at most one value per record."""
    setting = vault.plan.disclosure.notify_by_email if vault.plan.disclosure else None
    if setting is None:
        return None
    records = list(reversed(own_records(subject_id)))
    states = consent_states_of(records)
    for record in records:
        try:
            dataset = vault.plan.dataset(record.dataset)
        except KeyError:
            continue
        spec = next((s for s in dataset.fields if s.name == setting.field), None)
        if spec is None or not may_email(vault.plan, setting, spec.purposes, states[record.id]):
            continue
        try:
            value = field_plaintext(vault.keyring, record, dataset, spec).strip()
        except (ValueUnreadable, KeyStoreError):
            continue
        if value and len(value) <= MAX_ADDRESS and _is_address(value):
            return value
    return None


def _is_address(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def notice_message(vault: Vault, deadline: datetime | None) -> tuple[str, str]:
    """The subject line and body of a notice email (no personal value)."""
    organization = vault.plan.organization.name
    url = str(getattr(settings, "STEWARD_PUBLIC_URL", "") or "")
    where = (
        f"Sign in at {url}/me/ with the access code you were given"
        if url
        else "Sign in to your own page with the access code you were given"
    )
    lines = [
        "Hello,",
        "",
        f"{organization} has decided to disclose some of your data to someone outside "
        "the organization.",
        "",
        f"{where} to see who receives it, on what legal ground, and which of your data.",
    ]
    if deadline is not None:
        lines.append(
            "You can object there until "
            f"{deadline.strftime('%d %B %Y, %H:%M')} UTC, before the data is delivered."
        )
    lines += [
        "",
        "For your privacy, this message holds none of your data.",
        "",
        f"{organization}",
    ]
    return f"{organization}: a disclosure of your data", "\n".join(lines) + "\n"


def send_notice_email(vault: Vault, address: str, deadline: datetime | None) -> bool:
    """Send one notice to ``address``; ``True`` when the mail framework took it.

    A failure to send (the SMTP server refuses or cannot be reached, the outbox cannot
    be written) is logged by its type only and answered ``False``: the notice still
    stands on the person's own page.
    """
    subject, body = notice_message(vault, deadline)
    message = EmailMessage(subject, body, to=[address])
    try:
        return message.send(fail_silently=False) == 1
    except (smtplib.SMTPException, OSError, BadHeaderError) as error:
        log.warning("a notice email was not sent: %s", type(error).__name__)
        return False
