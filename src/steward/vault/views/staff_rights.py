"""The privacy officer's queue of people's rights requests, and one request's page with
the decision form.

Every step goes through :class:`~steward.vault.services.rights_requests.RightsQueue`,
which decides by the plan and audits. A proposed correction is never shown: the page
names the field, and the privacy officer applies it (it is checked again like intake,
and refused with a plain message if it no longer fits) or refuses it. Someone who must
see the value reads it with the person, outside Steward.

Refusals are answered 403 (another role), 404, 409 (a decided request), 410 (the person
was erased since), 400 (a reason that says nothing, a decision that does not fit).
"""

from __future__ import annotations

from typing import Final

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_POST

from steward.vault.models import RightsRequest
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.record_views import ValueUnreadable
from steward.vault.services.rights_requests import RequestClosed, RightsQueue
from steward.vault.views.staff import service_error, unreadable_page
from steward.vault.views.staff_common import error_page, page, staff_page

LIST_URL: Final = "/staff/rights/"
PAGE_SIZE: Final = 100
DECISION_WORDS: Final = {
    "apply": "Apply the correction",
    "carry_out": "Carry out the erasure",
    "answered": "Mark as answered",
    "refuse": "Refuse",
}
DONE_WORDS: Final = {"done": "decided", "refused": "refused"}
STATUS_CHOICES: Final = (("open", "Open"), ("done", "Done"), ("refused", "Refused"), ("", "All"))


@require_GET
@staff_page
def rights_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The queue: overdue requests first, flagged, with their deadline; filters by status
    (open unless asked otherwise) and kind."""
    status = request.GET.get("status", "open")
    kind = request.GET.get("kind", "")
    if status not in RightsRequest.Status.values:
        status = ""
    if kind not in RightsRequest.Kind.values:
        kind = ""
    queue = RightsQueue(get_vault())
    try:
        views = queue.list(actor, status=status or None, kind=kind or None, limit=PAGE_SIZE)
        counts = queue.counts(actor)
    except (AccessDenied, AuditUnavailable) as error:
        return service_error(request, error, actor)
    context = {
        "rows": views,
        "counts": counts,
        "status": status,
        "kind": kind,
        "statuses": STATUS_CHOICES,
        "kinds": RightsRequest.Kind.values,
        "page_size": PAGE_SIZE,
    }
    return page(request, "steward/staff/rights.html", context, actor=actor)


@require_GET
@staff_page
def rights_request(request: HttpRequest, actor: Actor, request_id: int) -> HttpResponse:
    """One request's facts and, while it is open, the decision form."""
    return _request_page(request, actor, request_id)


@require_POST
@staff_page
def rights_decide(request: HttpRequest, actor: Actor, request_id: int) -> HttpResponse:
    """Decide one request with a reason, then back to its page."""
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    try:
        done = RightsQueue(get_vault()).decide(actor, request_id, decision, reason)
    except InvalidValue as error:
        return _request_page(request, actor, request_id, error=str(error), reason=reason)
    except RequestClosed as error:
        return error_page(request, 409, "Already decided", str(error), actor)
    except ValueUnreadable as error:
        return unreadable_page(request, error, actor)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    messages.success(
        request, f"Rights request {done.id} {DONE_WORDS.get(done.status, done.status)}."
    )
    return HttpResponseRedirect(f"{LIST_URL}{done.id}/")


def _request_page(
    request: HttpRequest, actor: Actor, request_id: int, *, error: str = "", reason: str = ""
) -> HttpResponse:
    try:
        view = RightsQueue(get_vault()).get(actor, request_id)
    except (AccessDenied, NotFound, AuditUnavailable) as failure:
        return service_error(request, failure, actor)
    choices = [(d, DECISION_WORDS[d]) for d in view.decisions]
    context = {"r": view, "choices": choices, "error": error, "reason": reason}
    status = 400 if error else 200
    return page(request, "steward/staff/rights_request.html", context, status=status, actor=actor)
