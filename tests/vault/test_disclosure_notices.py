"""Notices of disclosure (services.disclosure_notices): one per person, sent or held by a
prohibition, emailed where the plan allows it, the delivery date, and the hourly job
that sends notices once their prohibition ends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.test import override_settings

from steward.clock import ManualClock
from steward.vault.models import Record
from steward.vault.models_egress import DisclosureNotice, DisclosureRequest
from steward.vault.runtime import Vault
from steward.vault.services.consent_withdrawal import withdraw
from steward.vault.services.disclosure_notices import (
    DISCLOSURE_NOTICES,
    NoticeOutcome,
    ProhibitionRefused,
    check_prohibition,
    notices_schedule,
    owe_notices,
    send_due_notices,
)
from steward.vault.services.jobs import JobContext
from steward.vault.services.jobs_catalogue import standard_jobs
from tests.vault.notice_support import (
    EMAIL_SETTING,
    T0,
    city_variant,
    clock,
    disclosure_of,
    erase_subject,
)
from tests.vault.own_choices_support import audit_entries, audit_text, resident
from tests.vault.test_staff_support import DISTINCT, leaked

__all__ = ["clock"]

PERIOD = timedelta(days=14)
GAG_END = T0 + timedelta(days=60)
OTHER = {**DISTINCT, "email": "other.person@example.org", "full_name": "Other Person"}


def _notice_entries() -> list[dict[str, object]]:
    return audit_entries("disclosure.notice")


def test_a_person_is_told_at_once_and_delivery_waits(city_vault: Vault, clock: ManualClock) -> None:
    record, _, _ = resident(city_vault)
    disclosure = disclosure_of([record])

    outcome = owe_notices(city_vault, disclosure, at=T0)

    assert outcome == NoticeOutcome(sent=1, held=0, emailed=1, deliver_after=T0 + PERIOD)
    disclosure.refresh_from_db()
    assert disclosure.deliver_after == T0 + PERIOD
    notice = DisclosureNotice.objects.get()
    assert (notice.subject_id, notice.sent, notice.emailed) == (record.subject_id, T0, T0)
    assert notice.prohibited_until is None
    # The email: to the address the person gave, holding none of their data.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [DISTINCT["email"]]
    assert "a disclosure of your data" in message.subject
    text = f"{message.subject}\n{message.body!s}"
    assert leaked(text) == set()
    for detail in ("Superior Court", "RS-2026-0412", "court", "full_name", "Your name"):
        assert detail not in text
    assert "access code" in message.body
    assert "16 March 2026" in message.body  # the deadline to object
    # Audited with counts, never a value.
    [entry] = _notice_entries()
    assert entry["object"] != f"disclosure/{disclosure.pk}"  # references are keyed hashes
    assert entry["purpose"] == "notices: 1 sent, 0 held by a prohibition, 1 emailed"
    assert entry["fields"] == ["email"]
    assert leaked(audit_text()) == set()


def test_one_notice_per_person_released_and_not_erased(
    city_vault: Vault, clock: ManualClock
) -> None:
    first, _, _ = resident(city_vault)
    again = Record.objects.create(
        dataset="service_request", subject_id=first.subject_id, plan_id=first.plan_id
    )
    other, _, _ = resident(city_vault, answers=OTHER)
    gone, _, _ = resident(city_vault, answers={**OTHER, "email": "gone@example.org"})
    erase_subject(gone)
    kept_back, _, _ = resident(city_vault, answers={**OTHER, "email": "kept@example.org"})
    disclosure = disclosure_of([first, again, other, gone])
    disclosure_of([kept_back], released=False)  # another disclosure, nothing released

    outcome = owe_notices(city_vault, disclosure, at=T0)

    assert (outcome.sent, outcome.held) == (2, 0)
    assert set(DisclosureNotice.objects.values_list("subject_id", flat=True)) == {
        first.subject_id,
        other.subject_id,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([DISTINCT["email"], OTHER["email"]])

    # Running it again makes no second notice and keeps the delivery date.
    clock.advance(days=3)
    repeat = owe_notices(city_vault, disclosure, at=clock.now())
    assert repeat == NoticeOutcome(sent=0, held=0, emailed=0, deliver_after=T0 + PERIOD)
    assert DisclosureNotice.objects.count() == 2
    assert len(mail.outbox) == 2


def test_a_prohibition_holds_notices_until_it_ends_then_the_job_sends_them(
    city_vault: Vault, clock: ManualClock
) -> None:
    record, _, _ = resident(city_vault)
    disclosure = disclosure_of([record])
    reason = "Order RS-2026-0412 forbids telling the person for 60 days"

    outcome = owe_notices(
        city_vault, disclosure, at=T0, prohibited_until=GAG_END, prohibition_reason=reason
    )

    # Delivery may go ahead: nobody can be told, so nobody can object in time.
    assert outcome == NoticeOutcome(sent=0, held=1, emailed=0, deliver_after=T0)
    notice = DisclosureNotice.objects.get()
    assert (notice.sent, notice.prohibited_until, notice.prohibition_reason) == (
        None,
        GAG_END,
        reason,
    )
    assert mail.outbox == []
    assert _notice_entries()[-1]["purpose"] == "notices: 0 sent, 1 held by a prohibition, 0 emailed"

    clock.advance(days=59)
    assert send_due_notices(city_vault) == 0
    assert DisclosureNotice.objects.get().sent is None

    clock.set(GAG_END)
    job = standard_jobs().get("disclosure-notices")
    assert job is DISCLOSURE_NOTICES
    note = job.run(JobContext(city_vault, Path("keys"), Path("backups")))
    assert note == "sent 1 notice whose prohibition ended"
    notice.refresh_from_db()
    assert (notice.sent, notice.emailed) == (GAG_END, GAG_END)
    [message] = mail.outbox
    assert "You can object" not in message.body  # delivery may already have happened
    assert leaked(str(message.body)) == set()
    assert _notice_entries()[-1]["purpose"] == "notices: 1 sent, 0 held by a prohibition, 1 emailed"
    assert reason not in audit_text()

    clock.advance(hours=1)
    assert send_due_notices(city_vault) == 0  # sent once only
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("until", "reason", "message"),
    [
        (GAG_END, "", "needs its reason"),
        (None, "gag order", "needs the date it ends"),
        (T0 - timedelta(days=1), "gag order", "already passed"),
        (GAG_END, "x" * 1001, "at most 1000"),
    ],
)
def test_a_bad_prohibition_is_refused_and_nothing_is_written(
    city_vault: Vault, clock: ManualClock, until: object, reason: str, message: str
) -> None:
    record, _, _ = resident(city_vault)
    disclosure = disclosure_of([record])
    with pytest.raises(ProhibitionRefused, match=message):
        check_prohibition(city_vault, until, reason, at=T0)  # type: ignore[arg-type]
    with pytest.raises(ProhibitionRefused, match=message):
        owe_notices(
            city_vault,
            disclosure,
            at=T0,
            prohibited_until=until,  # type: ignore[arg-type]
            prohibition_reason=reason,
        )
    assert not DisclosureNotice.objects.exists()
    assert DisclosureRequest.objects.get().deliver_after is None
    assert _notice_entries() == []
    assert mail.outbox == []


def test_a_plan_that_always_tells_refuses_any_prohibition(
    tmp_path: Path, db: None, clock: ManualClock
) -> None:
    vault = city_variant(tmp_path, ("notify_subject: unless_prohibited", "notify_subject: always"))
    record, _, _ = resident(vault)
    with pytest.raises(ProhibitionRefused, match="always told"):
        owe_notices(
            vault, disclosure_of([record]), at=T0, prohibited_until=GAG_END, prohibition_reason="x"
        )
    outcome = owe_notices(vault, disclosure_of([record]), at=T0)
    assert (outcome.sent, outcome.held) == (1, 0)
    assert notices_schedule(vault.plan).interval is None  # nothing is ever held


def test_a_plan_that_never_tells_makes_no_notice(
    tmp_path: Path, db: None, clock: ManualClock
) -> None:
    vault = city_variant(tmp_path, ("notify_subject: unless_prohibited", "notify_subject: never"))
    record, _, _ = resident(vault)
    outcome = owe_notices(vault, disclosure_of([record]), at=T0)
    assert outcome == NoticeOutcome(sent=0, held=0, emailed=0, deliver_after=T0)
    assert not DisclosureNotice.objects.exists()
    assert mail.outbox == []


def test_no_objection_period_means_delivery_need_not_wait(
    tmp_path: Path, db: None, clock: ManualClock
) -> None:
    vault = city_variant(tmp_path, ("objection_period: 14d", "objection_period: null"))
    record, _, _ = resident(vault)
    assert owe_notices(vault, disclosure_of([record]), at=T0).deliver_after == T0


def test_no_email_without_the_plan_setting(tmp_path: Path, db: None, clock: ManualClock) -> None:
    vault = city_variant(tmp_path, (EMAIL_SETTING, ""))
    record, _, _ = resident(vault)
    assert owe_notices(vault, disclosure_of([record]), at=T0).emailed == 0
    assert mail.outbox == []
    assert DisclosureNotice.objects.get().sent == T0  # still on the person's page


def test_a_withdrawn_or_refused_consent_means_no_email(
    tmp_path: Path, db: None, clock: ManualClock
) -> None:
    vault = city_variant(
        tmp_path, ("purposes: [follow_up]\n  delivery", "purposes: [service_updates]\n  delivery")
    )
    agreed, _, _ = resident(vault)
    refused, _, _ = resident(vault, updates=False, answers={**OTHER, "email": "no@example.org"})
    changed, actor, _ = resident(vault, answers={**OTHER, "email": "changed@example.org"})
    withdraw(vault, actor, "service_updates")

    outcome = owe_notices(vault, disclosure_of([agreed, refused, changed]), at=T0)

    assert (outcome.sent, outcome.emailed) == (3, 1)
    assert [m.to for m in mail.outbox] == [[DISTINCT["email"]]]


def test_a_record_without_an_address_or_a_bad_one_gets_no_email(
    city_vault: Vault, clock: ManualClock
) -> None:
    none, _, _ = resident(city_vault, answers={k: v for k, v in DISTINCT.items() if k != "email"})
    outcome = owe_notices(city_vault, disclosure_of([none]), at=T0)
    assert (outcome.sent, outcome.emailed) == (1, 0)
    assert mail.outbox == []


def test_a_mail_failure_leaves_the_notice_on_the_page(
    city_vault: Vault, clock: ManualClock
) -> None:
    record, _, _ = resident(city_vault)
    with mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("down")
    ):
        outcome = owe_notices(city_vault, disclosure_of([record]), at=T0)
    assert (outcome.sent, outcome.emailed) == (1, 0)
    notice = DisclosureNotice.objects.get()
    assert (notice.sent, notice.emailed) == (T0, None)


def test_the_file_backend_writes_a_message_with_no_personal_data(
    city_vault: Vault, clock: ManualClock, tmp_path: Path
) -> None:
    record, _, _ = resident(city_vault)
    outbox = tmp_path / "outbox"
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
        STEWARD_PUBLIC_URL="https://vault.riverton.example.gov",
    ):
        assert owe_notices(city_vault, disclosure_of([record]), at=T0).emailed == 1
    [written] = list(outbox.iterdir())
    text = written.read_text(encoding="utf-8")
    assert "https://vault.riverton.example.gov/me/" in text
    assert leaked(text) == {"email"}  # the address it is sent to, and nothing else


def test_the_job_is_hourly_for_plans_that_may_hold_notices(city_vault: Vault) -> None:
    schedule = notices_schedule(city_vault.plan)
    assert schedule.interval == timedelta(hours=1)
