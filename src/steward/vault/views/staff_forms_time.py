"""Reading a date and time typed into a staff form (``<input type="datetime-local">``)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from steward.vault.services.access import InvalidValue


def parse_moment(text: str, what: str) -> datetime | None:
    """``text`` as an aware moment (a time without a zone is read in the server's zone),
    or ``None`` when empty.

    Raises:
        InvalidValue: not a date and time.
    """
    value = text.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidValue(f"the {what} is not a date and time (YYYY-MM-DDTHH:MM)") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment
