"""The erasure pages: ask for a person's erasure from their case, and the list of
requests where another person approves, refuses or cancels them.

Every step goes through :class:`~steward.vault.services.erasure.ErasureService`, which
decides by the plan and audits. A refusal is answered 403 (400 for a reason that says
nothing or names the person, 410 for a person already erased) with a plain message.
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward.vault.rules.erasure import ErasureStep
from steward.vault.rules.unreadable import Unreadable
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, AccessService, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.erasure import ErasureService
from steward.vault.services.record_views import ValueUnreadable
from steward.vault.views.staff import service_error, unreadable_page
from steward.vault.views.staff_common import error_page, page, staff_page

LIST_URL: Final = "/staff/erasure/"
STEPS: Final = {
    "approve": ErasureStep.APPROVE,
    "refuse": ErasureStep.REFUSE,
    "cancel": ErasureStep.CANCEL,
}
DONE_WORDS: Final = {
    "approve": "approved and carried out",
    "refuse": "refused",
    "cancel": "cancelled",
}


@require_GET
@staff_page
def erasure_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The erasure requests, newest first, with the buttons the actor may use on each."""
    service = ErasureService(get_vault())
    try:
        views = service.list_requests(actor)
    except (AccessDenied, AuditUnavailable) as error:
        return service_error(request, error, actor)
    allowed = service.steps_for(actor, views, tuple(STEPS.values()))
    rows = [
        (view, [name for name, step in STEPS.items() if step in allowed[view.id]]) for view in views
    ]
    context = {"rows": rows, "rights": service.rights(actor), "plan": get_vault().plan}
    return page(request, "steward/staff/erasure.html", context, actor=actor)


@require_POST
@staff_page
def erasure_step(request: HttpRequest, actor: Actor, request_id: int, step: str) -> HttpResponse:
    """Approve (and carry out), refuse or cancel one request, then back to the list."""
    if step not in STEPS:
        return error_page(request, 404, "Not found", "there is no such step", actor)
    service = ErasureService(get_vault())
    try:
        done = getattr(service, step)(actor, request_id)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    messages.success(request, f"Erasure request {done.id} {DONE_WORDS[step]}.")
    return HttpResponseRedirect(LIST_URL)


@require_http_methods(["GET", "POST"])
@staff_page
def erase_form(request: HttpRequest, actor: Actor, record_id: UUID) -> HttpResponse:
    """GET: the form asking for a reason. POST: file the request (or, where the plan
    needs no second person, erase at once)."""
    vault = get_vault()
    service = ErasureService(vault)
    if not service.rights(actor).request:
        try:
            service.request(actor, record_id, "")
        except (AccessDenied, NotFound, AuditUnavailable, InvalidValue) as error:
            return service_error(request, error, actor)
        except ValueUnreadable as error:
            return unreadable_page(request, error, actor)
    try:
        view = AccessService(vault).get_record(actor, record_id)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    if service.erased_on(view.id) is not None:
        return unreadable_page(request, ValueUnreadable(Unreadable.ERASED), actor)
    context: dict[str, object] = {"record": view, "second": vault.plan.rights.erasure_approval}
    if request.method == "GET":
        return page(request, "steward/staff/erase.html", context, actor=actor)
    try:
        made = service.request(actor, record_id, request.POST.get("reason", ""))
    except InvalidValue as error:
        context.update(error=str(error), reason=request.POST.get("reason", ""))
        return page(request, "steward/staff/erase.html", context, status=400, actor=actor)
    except ValueUnreadable as error:
        return unreadable_page(request, error, actor)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    if made.state == "done":
        messages.success(request, f"The person of case {str(record_id)[:8]} is erased.")
        return HttpResponseRedirect(f"/staff/records/{record_id}/")
    messages.success(request, f"Erasure request {made.id} filed; another person must approve it.")
    return HttpResponseRedirect(LIST_URL)
