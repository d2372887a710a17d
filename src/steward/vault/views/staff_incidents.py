"""The incident pages: the register (overdue clocks first), the form that opens an
incident, and an incident's page with its clocks, checklist, notes, notices and the
notice drafts.

Every step goes through the incident services, which decide by the plan and audit. A
refusal is answered 403 with the plain reason; bad input 400 with the page and the
message, and nothing stored.
"""

from __future__ import annotations

from typing import Any, Final
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from steward import clock
from steward.policy.model import Plan
from steward.vault.rules.incident import KINDS, decide_handle, kind_label, reads_details
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.disclosures import standing_of
from steward.vault.services.incident_register import get_incident, list_incidents, notice_drafts
from steward.vault.services.incidents import (
    add_note,
    change_state,
    open_incident,
    record_notice,
    tick_step,
    update_incident,
)
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import page, staff_page
from steward.vault.views.staff_forms_time import parse_moment
from steward.vault.views.staff_steps import FAILURES, run_step

LIST_URL: Final = "/staff/incidents/"


def _count(text: str | None, what: str) -> int | None:
    value = (text or "").strip()
    if not value:
        return None
    if not value.lstrip("-").isdigit() or len(value) > 12:
        raise InvalidValue(f"the number of {what} is not a whole number")
    return int(value)


@require_GET
@staff_page
def incident_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The register, incidents with an overdue clock first."""
    vault = get_vault()
    try:
        views = list_incidents(vault, actor, clock.now())
    except FAILURES as error:
        return service_error(request, error, actor)
    context = {"rows": views, "handles": reads_details(actor.role)}
    return page(request, "steward/staff/incidents.html", context, actor=actor)


def _form_context(posted: dict[str, Any] | None = None) -> dict[str, Any]:
    kinds = [(kind, kind_label(kind)) for kind in KINDS]
    return {"kinds": kinds, "datasets": get_vault().plan.datasets, "posted": posted or {}}


def _dataset_labels(plan: Plan, ids: tuple[str, ...]) -> list[str]:
    """The plan's labels of the datasets ``ids`` (the id of one the plan no longer has)."""
    labels = []
    for dataset_id in ids:
        try:
            labels.append(plan.dataset(dataset_id).label or dataset_id)
        except KeyError:
            labels.append(dataset_id)
    return labels


@require_http_methods(["GET", "POST"])
@staff_page
def incident_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """GET: the form. POST: open the incident (its clocks and checklist are made now)."""
    template = "steward/staff/incident_new.html"
    if request.method == "GET":
        allowed = decide_handle(get_vault().plan, standing_of(actor))
        if not allowed:
            return service_error(request, AccessDenied(allowed.reason), actor)
        return page(request, template, _form_context(), actor=actor)
    posted = request.POST
    try:
        made = open_incident(
            get_vault(),
            actor,
            kind=posted.get("kind", ""),
            title=posted.get("title", ""),
            detected_at=parse_moment(posted.get("detected_at", ""), "detection time"),
            description=posted.get("description", ""),
            datasets=posted.getlist("datasets"),
            records_affected=_count(posted.get("records_affected"), "records") or 0,
            people_affected=_count(posted.get("people_affected"), "people") or 0,
            personal_data=posted.get("personal_data", "yes") != "no",
        )
    except (InvalidValue, NotFound) as error:
        context = _form_context(posted.dict())
        context["error"] = str(error)
        return page(request, template, context, status=400, actor=actor)
    except (AccessDenied, AuditUnavailable) as error:
        return service_error(request, error, actor)
    messages.success(request, "Incident opened; its clocks are running.")
    return HttpResponseRedirect(f"{LIST_URL}{made.id}/")


def _show(
    request: HttpRequest, actor: Actor, incident_id: UUID, error: str = "", status: int = 200
) -> HttpResponse:
    vault = get_vault()
    try:
        view = get_incident(vault, actor, incident_id, clock.now())
        drafts = notice_drafts(vault, actor, incident_id) if view.details else []
    except FAILURES as error_:
        return service_error(request, error_, actor)
    context = {
        "i": view,
        "dataset_labels": _dataset_labels(vault.plan, view.datasets),
        "drafts": drafts,
        "error": error,
        "datasets": vault.plan.datasets,
    }
    return page(request, "steward/staff/incident.html", context, status=status, actor=actor)


@require_GET
@staff_page
def incident_page(request: HttpRequest, actor: Actor, incident_id: UUID) -> HttpResponse:
    """One incident: clocks, checklist, and for handlers the description, notes, records
    and notice drafts."""
    return _show(request, actor, incident_id)


def _act(
    request: HttpRequest, actor: Actor, incident_id: UUID, done: str, step: Any
) -> HttpResponse:
    """Run ``step`` (see :func:`run_step`), back to the page of ``incident_id``."""
    return run_step(
        request,
        actor,
        step,
        done=done,
        back=f"{LIST_URL}{incident_id}/",
        again=lambda message, status: _show(request, actor, incident_id, message, status),
    )


@require_POST
@staff_page
def incident_update(request: HttpRequest, actor: Actor, incident_id: UUID) -> HttpResponse:
    """Change the counts, the datasets, and link records (by case reference)."""
    posted = request.POST
    records = [line.strip() for line in posted.get("records", "").splitlines() if line.strip()]

    def step() -> None:
        update_incident(
            get_vault(),
            actor,
            incident_id,
            records_affected=_count(posted.get("records_affected"), "records"),
            people_affected=_count(posted.get("people_affected"), "people"),
            datasets=posted.getlist("datasets") if "datasets_shown" in posted else None,
            records=records or None,
        )

    return _act(request, actor, incident_id, "Incident updated.", step)


@require_POST
@staff_page
def incident_step(request: HttpRequest, actor: Actor, incident_id: UUID) -> HttpResponse:
    """Tick (or untick) a checklist step."""
    posted = request.POST
    raw = posted.get("position", "")
    done = posted.get("done", "yes") != "no"

    def step() -> None:
        if not raw.isdigit() or len(raw) > 4:
            raise InvalidValue("no such step")
        tick_step(get_vault(), actor, incident_id, int(raw), done=done)

    return _act(request, actor, incident_id, "Checklist updated.", step)


@require_POST
@staff_page
def incident_note(request: HttpRequest, actor: Actor, incident_id: UUID) -> HttpResponse:
    """Add a note (encrypted)."""
    text = request.POST.get("text", "")
    return _act(
        request, actor, incident_id, "Note added.",
        lambda: add_note(get_vault(), actor, incident_id, text),
    )  # fmt: skip


@require_POST
@staff_page
def incident_notice(request: HttpRequest, actor: Actor, incident_id: UUID) -> HttpResponse:
    """Record that the notice to the authority or the people affected was made."""
    posted = request.POST

    def step() -> None:
        when = parse_moment(posted.get("made_at", ""), "notice time")
        record_notice(get_vault(), actor, incident_id, posted.get("notice", ""), when)

    return _act(request, actor, incident_id, "Notice recorded.", step)


@require_POST
@staff_page
def incident_state(request: HttpRequest, actor: Actor, incident_id: UUID) -> HttpResponse:
    """Contain or close the incident (closing with steps open needs a reason)."""
    posted = request.POST
    target, reason = posted.get("state", ""), posted.get("reason", "")
    return _act(
        request, actor, incident_id, f"The incident is now {target}.",
        lambda: change_state(get_vault(), actor, incident_id, target, reason),
    )  # fmt: skip
