"""Helpers shared by the audit tests (a uniquely named module, unlike ``conftest``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from steward.audit import AuditEvent, Outcome

ORIGIN = "steward.example/audit"
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def make_event(number: int) -> AuditEvent:
    """A plausible event, different for every ``number``."""
    return AuditEvent(
        actor=f"staff/{number % 3}",
        action="field.reveal" if number % 2 else "record.read",
        object=f"client/{number}",
        fields=("phone", "email") if number % 2 else ("name",),
        purpose=f"returning call number {number}",
        outcome=Outcome.DENIED if number % 5 == 4 else Outcome.ALLOWED,
        time=START + timedelta(minutes=number),
    )
