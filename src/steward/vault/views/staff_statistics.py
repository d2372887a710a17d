"""Staff pages of aggregate releases (``/staff/statistics/``): the form to release counts
(for roles that approve disclosures) and the releases the signed-in account may see.

An account of a role that acts for a recipient (``Role.recipient``) sees only that
recipient's releases and the public ones: the donor dashboard. Anyone else is refused
(403). Every decision is the service's
(:class:`~steward.vault.services.aggregate_releases.AggregateReleaseService`).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.aggregate_releases import AggregateReleaseService
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import error_page, page, private, staff_page
from steward.vault.views.statistics import as_json, shown

TEMPLATE: Final = "steward/staff/statistics.html"
NOT_ALLOWED: Final = "your role neither releases counts nor acts for a recipient"


def _context(service: AggregateReleaseService, actor: Actor, **extra: Any) -> dict[str, Any]:
    plan = service.vault.plan
    values: dict[str, Any] = {
        "releases": shown(service.visible(actor)),
        "budgets": service.budgets(actor),
        "may_release": service.may_release(actor),
        "datasets": [d.id for d in plan.datasets],
        "audiences": ["public", *[r.id for r in plan.recipients if r.aggregates_only]],
        "form": {},
    }
    values.update(extra)
    return values


def _allowed(service: AggregateReleaseService, actor: Actor) -> bool:
    return service.may_release(actor) or actor.role.recipient is not None


@require_GET
@staff_page
def statistics_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The releases the account may see and, for roles that release, the form."""
    service = AggregateReleaseService(get_vault())
    if not _allowed(service, actor):
        return error_page(request, 403, "Not allowed", NOT_ALLOWED, actor)
    return page(request, TEMPLATE, _context(service, actor), actor=actor)


@require_GET
@staff_page
def release_json(request: HttpRequest, actor: Actor, release_id: UUID) -> HttpResponse:
    """One release the account may see, as JSON; 404 otherwise."""
    service = AggregateReleaseService(get_vault())
    try:
        view = service.get(actor, release_id)
    except NotFound:
        return private(JsonResponse({"detail": "no such release"}, status=404))
    return private(JsonResponse(as_json(view)))


def _date(raw: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidValue(f"'{raw[:20]}' is not a date (YYYY-MM-DD)") from None


def _epsilon(raw: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidValue("epsilon must be a positive number") from None


@require_POST
@staff_page
def release_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Release counts from the form; the page again with the new table or the reason."""
    service = AggregateReleaseService(get_vault())
    form = {k: request.POST.get(k, "")[:200] for k in ("dataset", "audience", "by", "start", "end")}
    form["epsilon"] = request.POST.get("epsilon", "")[:20]
    try:
        made = service.release(
            actor,
            form["dataset"],
            form["audience"],
            form["by"].split(","),
            _date(form["start"]),
            _date(form["end"]),
            _epsilon(form["epsilon"]),
        )
    except InvalidValue as error:
        context = _context(service, actor, error=str(error), form=form)
        return page(request, TEMPLATE, context, status=400, actor=actor)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    note = "an identical earlier release" if made.again else "released"
    return page(request, TEMPLATE, _context(service, actor, done=note), actor=actor)
