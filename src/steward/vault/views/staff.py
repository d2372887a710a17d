"""The caseworker's pages: a record, and the reveal dialog (the case list is in
:mod:`.staff_case_list`).

Every value shown comes from :class:`~steward.vault.services.access.AccessService`,
which decides, masks and audits. A revealed value is shown once, on a page no cache
may keep.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_http_methods

from steward.policy import explain
from steward.policy.model import FieldSpec
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record
from steward.vault.rules.case_status import reopen_deadline
from steward.vault.rules.unreadable import Unreadable
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, AccessService, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.case_status import may_change_status
from steward.vault.services.cases import CaseService
from steward.vault.services.consents import reveal_choices
from steward.vault.services.record_views import ValueUnreadable
from steward.vault.services.staff_sessions import record_refusal
from steward.vault.views.staff_common import error_page, page, staff_page
from steward.vault.views.staff_forms import RevealForm

PAGE_SIZE = 25
UNAUDITED = "refused because it could not be audited; nothing was shown. Try again later."


def service_error(request: HttpRequest, error: Exception, actor: Actor) -> HttpResponse:
    """The page for an access-service refusal: 403, 404 or 503."""
    if isinstance(error, AccessDenied):
        return error_page(request, 403, "Not allowed", str(error), actor)
    if isinstance(error, NotFound):
        return error_page(request, 404, "Not found", str(error), actor)
    return error_page(request, 503, "Not available", UNAUDITED, actor)


def unreadable_page(request: HttpRequest, error: ValueUnreadable, actor: Actor) -> HttpResponse:
    """The page for a value that cannot be shown: 410, saying why (never the value)."""
    title = "Erased" if error.reason is Unreadable.ERASED else "Cannot be read"
    return error_page(request, 410, title, str(error), actor)


def _page_number(request: HttpRequest) -> int | None:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 100_000 else None


@require_GET
@staff_page
def record_page(request: HttpRequest, actor: Actor, record_id: UUID) -> HttpResponse:
    """One record, each field masked as the role sees it, with a reveal link where allowed,
    and the close or reopen form where the plan lets the role change the case."""
    return render_record(request, actor, record_id)


def render_record(
    request: HttpRequest,
    actor: Actor,
    record_id: UUID,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The record page (read through the access service, so audited), with ``error``
    above the close or reopen form when a change was refused."""
    vault = get_vault()
    try:
        view = AccessService(vault).get_record(actor, record_id)
    except (AccessDenied, NotFound, AuditUnavailable) as refused:
        return service_error(request, refused, actor)
    dataset = vault.plan.dataset(view.dataset)
    today = actor.today()
    rows = [(f, explain(actor.role, dataset.field(f.name), today=today)) for f in view.fields]
    assigns = CaseService(vault).assigns(actor, view.dataset, view.team)
    context = {
        "record": view,
        "rows": rows,
        "assigns": assigns,
        "changes_status": may_change_status(vault, actor, view.dataset),
        "reopen_until": reopen_deadline(vault.plan, view.closed) if view.closed else None,
        "status_error": error,
    }
    return page(request, "steward/staff/record.html", context, status=status, actor=actor)


def _spec_of(record_id: UUID, field: str) -> FieldSpec | None:
    """The plan's spec of ``field`` in the record's dataset (reads only the dataset's name)."""
    name = Record.objects.filter(pk=record_id).values_list("dataset", flat=True).first()
    try:
        return get_vault().plan.dataset(name or "").field(field)
    except KeyError:
        return None


def _reveal_context(
    actor: Actor, record_id: UUID, spec: FieldSpec, data: object = None
) -> dict[str, object]:
    """The dialog's form (only purposes that can succeed) and why the others cannot."""
    vault = get_vault()
    labels = {p.id: p.label for p in vault.plan.purposes}
    choices = reveal_choices(vault, actor, record_id, spec)
    offered = [p for p, why in choices if why is None]
    return {
        "record_id": record_id,
        "field_name": spec.name,
        "label": spec.label,
        "form": RevealForm(vault.plan, offered, data) if data else RevealForm(vault.plan, offered),
        "unavailable": [(labels.get(p, p), why) for p, why in choices if why is not None],
        "offered": offered,
    }


def _reveal_form(request: HttpRequest, actor: Actor, record_id: UUID, field: str) -> HttpResponse:
    """The reveal dialog: the masked value, the purposes it can be revealed for, a reason box."""
    vault = get_vault()
    try:
        view = AccessService(vault).get_record(actor, record_id)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    shown = next((f for f in view.fields if f.name == field), None)
    spec = _spec_of(record_id, field)
    if shown is None or spec is None:
        return error_page(request, 404, "Not found", f"this record has no field '{field}'", actor)
    if not shown.shown:
        return error_page(request, 404, "Not found", "this record holds no value here", actor)
    if shown.unreadable is not None:
        return unreadable_page(request, ValueUnreadable(shown.unreadable), actor)
    if not shown.can_reveal:
        record_refusal(vault, actor.ref, AuditAction.FIELD_REVEAL, "reveal form refused")
        reason = f"the role '{actor.role.id}' may not reveal this field"
        return error_page(request, 403, "Not allowed", reason, actor)
    context = {**_reveal_context(actor, record_id, spec), "masked": shown.shown}
    return page(request, "steward/staff/reveal.html", context, actor=actor)


@require_http_methods(["GET", "POST"])
@staff_page
def reveal(request: HttpRequest, actor: Actor, record_id: UUID, field: str) -> HttpResponse:
    """GET: the form asking for a purpose and a reason. POST: the value, shown once.

    A refusal (no grant, a purpose the role does not hold or the field does not serve,
    no consent for a consent-based purpose, a reason that says nothing) is audited by
    the access service and answered 403 with the form again.
    """
    if request.method == "GET":
        return _reveal_form(request, actor, record_id, field)
    purpose = request.POST.get("purpose", "")
    reason = request.POST.get("reason", "")
    try:
        value = AccessService(get_vault()).reveal(actor, record_id, field, purpose, reason)
    except AccessDenied as error:
        spec = _spec_of(record_id, field)
        if spec is None:
            return service_error(request, error, actor)
        context = {**_reveal_context(actor, record_id, spec, request.POST), "error": str(error)}
        return page(request, "steward/staff/reveal.html", context, status=403, actor=actor)
    except ValueUnreadable as error:
        return unreadable_page(request, error, actor)
    except (NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    spec = _spec_of(record_id, field)
    context = {"record_id": record_id, "label": spec.label if spec else field, "value": value}
    return page(request, "steward/staff/revealed.html", context, actor=actor)
