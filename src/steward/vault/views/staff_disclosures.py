"""The disclosure pages: the register (waiting requests first), the form that opens a
request, and a request's page where another person decides it and the document is read.

Every step goes through the disclosure services, which decide by the plan and audit.
A refusal is answered 403 with the plain reason (400 for bad input, with the form kept).
"""

from __future__ import annotations

from typing import Any, Final
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward import clock
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.deliveries import DeliveryError
from steward.vault.services.disclosure_delivery import deliver_disclosure
from steward.vault.services.disclosure_register import (
    get_disclosure,
    list_disclosures,
    steps_for,
)
from steward.vault.services.disclosures import (
    MAX_DOCUMENT_BYTES,
    DisclosureRefused,
    decide_disclosure,
    open_disclosure,
    read_document,
)
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import page, staff_page

LIST_URL: Final = "/staff/disclosures/"
FAILURES: Final = (AccessDenied, NotFound, AuditUnavailable)
PARTY_KINDS: Final = ("court", "law_enforcement", "immigration", "government", "other")


@require_GET
@staff_page
def disclosure_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The disclosure requests, waiting ones first."""
    try:
        views = list_disclosures(get_vault(), actor)
    except FAILURES as error:
        return service_error(request, error, actor)
    return page(request, "steward/staff/disclosures.html", {"rows": views}, actor=actor)


def _form_context(posted: dict[str, Any] | None = None) -> dict[str, Any]:
    plan = get_vault().plan
    rules = plan.disclosure
    return {
        "datasets": plan.datasets,
        "grounds": [g.value for g in (rules.allowed_grounds if rules else [])],
        "recipients": list(plan.recipients),
        "party_kinds": PARTY_KINDS,
        "max_mib": MAX_DOCUMENT_BYTES // 1024 // 1024,
        "posted": posted or {},
    }


@require_http_methods(["GET", "POST"])
@staff_page
def disclosure_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """GET: the form. POST: open the request (kept ``refused`` if the plan refuses it)."""
    template = "steward/staff/disclosure_new.html"
    if request.method == "GET":
        return page(request, template, _form_context(), actor=actor)
    posted = request.POST
    upload = request.FILES.get("document")
    if upload is not None and upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        context = _form_context(posted.dict())
        context["error"] = "the document is too large"
        return page(request, template, context, status=400, actor=actor)
    records = [line.strip() for line in posted.get("records", "").splitlines() if line.strip()]
    try:
        made = open_disclosure(
            get_vault(),
            actor,
            dataset=posted.get("dataset", ""),
            ground=posted.get("ground", ""),
            records=records,
            fields=posted.getlist("fields"),
            recipient=posted.get("recipient", ""),
            party=posted.get("party", ""),
            party_kind=posted.get("party_kind", ""),
            legal_reference=posted.get("legal_reference", ""),
            document=upload.read() if upload is not None else None,
            document_name=(upload.name or "") if upload is not None else "",
        )
    except DisclosureRefused as refused:
        context = _form_context(posted.dict())
        context["error"] = (
            f"the plan refuses it, and it is kept in the register as refused: {refused}"
        )
        return page(request, template, context, status=403, actor=actor)
    except (InvalidValue, NotFound) as error:
        context = _form_context(posted.dict())
        context["error"] = str(error)
        return page(request, template, context, status=400, actor=actor)
    except (AccessDenied, AuditUnavailable) as error:
        return service_error(request, error, actor)
    messages.success(request, "Request opened; another person of an approving role decides it.")
    return HttpResponseRedirect(f"{LIST_URL}{made.id}/")


@require_GET
@staff_page
def disclosure_page(request: HttpRequest, actor: Actor, disclosure_id: UUID) -> HttpResponse:
    """One request, with the decisions the actor may take on it."""
    vault = get_vault()
    try:
        view = get_disclosure(vault, actor, disclosure_id)
    except FAILURES as error:
        return service_error(request, error, actor)
    steps = [s.value for s in steps_for(vault, actor, view, clock.now())]
    objections = any(r.objected and r.released for r in view.records)
    context = {"d": view, "steps": steps, "objections": objections}
    return page(request, "steward/staff/disclosure.html", context, actor=actor)


@require_POST
@staff_page
def disclosure_decide(request: HttpRequest, actor: Actor, disclosure_id: UUID) -> HttpResponse:
    """Approve (keeping the fields and records ticked), refuse or withdraw."""
    posted = request.POST
    decision = posted.get("decision", "")
    narrowed = decision == "approve"
    try:
        done = decide_disclosure(
            get_vault(),
            actor,
            disclosure_id,
            decision,
            reason=posted.get("reason", ""),
            fields=posted.getlist("fields") if narrowed else None,
            records=posted.getlist("records") if narrowed else None,
        )
    except InvalidValue as error:
        messages.error(request, f"Not decided: {error}.")
        return HttpResponseRedirect(f"{LIST_URL}{disclosure_id}/")
    except FAILURES as error:
        return service_error(request, error, actor)
    messages.success(request, f"The request is now {done.state}.")
    return HttpResponseRedirect(f"{LIST_URL}{disclosure_id}/")


@require_GET
@staff_page
def disclosure_document(request: HttpRequest, actor: Actor, disclosure_id: UUID) -> HttpResponse:
    """The request's document, for its requester and the approvers (audited)."""
    try:
        name, content = read_document(get_vault(), actor, disclosure_id)
    except FAILURES as error:
        return service_error(request, error, actor)
    response = HttpResponse(content, content_type="application/octet-stream")
    safe = "".join(c for c in name if c.isalnum() or c in "._- ") or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_page
def disclosure_deliver(request: HttpRequest, actor: Actor, disclosure_id: UUID) -> HttpResponse:
    """Deliver an approved request: the objected records ticked are left out, the
    others kept with the reason given. The link and any passphrase are shown on this
    answer only (never stored, never shown again)."""
    posted = request.POST
    dropped = posted.getlist("drop")
    reason = posted.get("confirm_reason", "")
    objected = [r for r in posted.getlist("objected") if r not in dropped]
    try:
        done = deliver_disclosure(
            get_vault(),
            actor,
            disclosure_id,
            drop=dropped,
            confirm=dict.fromkeys(objected, reason),
        )
    except (InvalidValue, DeliveryError) as error:
        messages.error(request, f"Not delivered: {error}.")
        return HttpResponseRedirect(f"{LIST_URL}{disclosure_id}/")
    except FAILURES as error:
        return service_error(request, error, actor)
    link = request.build_absolute_uri(done.path)
    context = {"done": done, "link": link}
    return page(request, "steward/staff/disclosure_delivered.html", context, actor=actor)
