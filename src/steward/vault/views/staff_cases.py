"""The supervisor's pages: the queue of unassigned cases, and assigning a case.

The queue lists, masked, the cases in the actor's scope that no one is assigned to
(or, with ``show=all``, every case in scope, to reassign one). Listing goes through
:class:`~steward.vault.services.access.AccessService` (decided, masked, audited) and
assigning through :class:`~steward.vault.services.cases.CaseService` (decided by the
plan's routing section, audited). Who may assign is the plan's choice
(``routing.assigned_by``); others see the queue without the Assign links.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_http_methods

from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, AccessService, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.cases import CaseService
from steward.vault.views.staff import PAGE_SIZE, _page_number, service_error
from steward.vault.views.staff_common import error_page, page, staff_page

QUEUE_URL: Final = "/staff/queue/"
NOBODY: Final = ""
"""The assignee choice that puts a case in its team's queue."""


def _names(ids: set[int]) -> dict[int, str]:
    """User names of staff accounts (not personal data of the people cases are about)."""
    return dict(User.objects.filter(id__in=ids).values_list("id", "username"))


@require_GET
@staff_page
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The unassigned cases of one dataset in the actor's scope (all of them with
    ``show=all``), masked, with an Assign link where the plan lets the actor assign."""
    access = AccessService(get_vault())
    datasets = access.readable_datasets(actor)
    context: dict[str, object] = {"datasets": datasets}
    if not datasets:
        return page(request, "steward/staff/queue.html", context, actor=actor)
    chosen = request.GET.get("dataset") or datasets[0].id
    show_all = request.GET.get("show") == "all"
    number = _page_number(request)
    if number is None:
        return error_page(request, 400, "Bad request", "the page number must be 1 or more", actor)
    try:
        rows = access.list_records(
            actor,
            chosen,
            limit=PAGE_SIZE + 1,
            offset=(number - 1) * PAGE_SIZE,
            unassigned=not show_all,
        )
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    cases = CaseService(get_vault())
    shown = rows[:PAGE_SIZE]
    names = _names({r.assigned_to for r in shown if r.assigned_to is not None})
    teams = {row.team for row in shown}
    may = {team: cases.assigns(actor, chosen, team) for team in teams}
    context.update(
        chosen=chosen,
        show_all=show_all,
        rows=[(row, names.get(row.assigned_to or 0, ""), may[row.team]) for row in shown],
        columns=[(f.name, f.label) for f in shown[0].fields] if shown else [],
        assigns=cases.assigns(actor, chosen),
        page=number,
        previous=number - 1 if number > 1 else None,
        next=number + 1 if len(rows) > PAGE_SIZE else None,
    )
    return page(request, "steward/staff/queue.html", context, actor=actor)


@require_http_methods(["GET", "POST"])
@staff_page
def assign(request: HttpRequest, actor: Actor, record_id: UUID) -> HttpResponse:
    """GET: where the case stands and where it may go. POST: assign it or hand it on.

    A refusal is audited by the case service and answered 403 with the form again.
    """
    cases = CaseService(get_vault())
    if request.method == "POST":
        team = request.POST.get("team", "").strip() or None
        assignee = request.POST.get("assignee", NOBODY).strip() or None
        try:
            done = cases.assign(actor, record_id, team=team, assignee=assignee)
        except AccessDenied as error:
            return _assign_form(request, actor, record_id, error=str(error), status=403)
        except (NotFound, AuditUnavailable) as error:
            return service_error(request, error, actor)
        who = f"assigned to {done.assignee}" if done.assignee else "in the team's queue"
        messages.success(request, f"Case {str(done.record)[:8]} is now in team {done.team}, {who}.")
        dataset = request.POST.get("dataset", "")
        back = f"{QUEUE_URL}?dataset={dataset}" if dataset.isidentifier() else QUEUE_URL
        return HttpResponseRedirect(back)
    return _assign_form(request, actor, record_id)


def _assign_form(
    request: HttpRequest,
    actor: Actor,
    record_id: UUID,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    try:
        options = CaseService(get_vault()).options(actor, record_id)
    except (AccessDenied, NotFound, AuditUnavailable) as refused:
        return service_error(request, refused, actor)
    current = next((p.username for p in options.people if p.user_id == options.assigned_to), "")
    context = {"options": options, "current": current, "error": error}
    return page(request, "steward/staff/assign.html", context, status=status, actor=actor)
