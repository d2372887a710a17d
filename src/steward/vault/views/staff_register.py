"""The egress register's staff page (``/staff/register/``): every disclosure, refusal,
extract and aggregate release of a period, and the sharing inventory beside it.

Everything goes through :func:`~steward.vault.services.egress_register.register_entries`,
which decides by the plan (roles that approve disclosures or read the audit) and audits
the read. Answers 403 to other roles, 400 to a period that cannot be read or ends
before it starts (with the form shown again).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from steward import clock
from steward.vault.rules.transparency import PeriodError, period_between
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, InvalidValue
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.egress_register import EntryKind, register_entries, require_reader
from steward.vault.services.sharing_inventory import sharing_inventory
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import page, staff_page

DEFAULT_DAYS: Final = 90
KINDS: Final = tuple(k.value for k in EntryKind)


def _date(text: str, default: date) -> date:
    if not text.strip():
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"'{text[:20]}' is not a date (YYYY-MM-DD)") from None


@require_GET
@staff_page
def register_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The register of a period (the last 90 days unless ``from``/``to`` say otherwise),
    optionally one ``kind``, with the sharing inventory of the same period."""
    today = clock.now().date()
    start_text = request.GET.get("from", "")
    end_text = request.GET.get("to", "")
    kind = request.GET.get("kind", "")
    context: dict[str, object] = {
        "start": start_text,
        "end": end_text,
        "kind": kind,
        "kinds": KINDS,
    }
    vault = get_vault()
    try:
        require_reader(vault, actor)
    except AccessDenied as error:
        return service_error(request, error, actor)
    try:
        period = period_between(
            _date(start_text, today - timedelta(days=DEFAULT_DAYS)), _date(end_text, today)
        )
        if kind and kind not in KINDS:
            raise InvalidValue(f"kind must be one of {', '.join(KINDS)}")
    except (PeriodError, InvalidValue) as error:
        return page(
            request,
            "steward/staff/register.html",
            {**context, "error": str(error), "entries": [], "inventory": []},
            status=400,
            actor=actor,
        )
    try:
        entries = register_entries(vault, actor, *period.bounds, kinds=[kind] if kind else None)
    except (AccessDenied, AuditUnavailable) as error:
        return service_error(request, error, actor)
    context.update(
        period=period,
        entries=entries,
        inventory=sharing_inventory(vault.plan, entries, public=False),
    )
    return page(request, "steward/staff/register.html", context, actor=actor)
