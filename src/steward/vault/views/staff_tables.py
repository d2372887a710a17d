"""Staff pages for tables: the tables a staff member may add rows to, and the add-row form.

The form is generated from the plan dataset by the intake form builder
(:func:`~steward.vault.views.intake_forms.build_form`), showing only the fields the
role may write; a post is read by the same :func:`~steward.vault.views.intake_forms.read_post`
and stored by :func:`~steward.vault.services.tables.add_row`, which decides, checks by
the intake rules, encrypts and audits. Nothing is stored unless every value passes.
"""

from __future__ import annotations

from typing import Final

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_http_methods

from steward.policy.model import Dataset, DatasetKind
from steward.vault.rules.table_rows import decide_add_row
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.collect import SubmissionRejected
from steward.vault.services.tables import add_row, fields_to_fill
from steward.vault.views.intake_forms import IntakeForm, Refusal, build_form, read_post
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import error_page, page, staff_page

TEMPLATE: Final = "steward/staff/add_row.html"


def _may_add(actor: Actor, dataset: Dataset) -> bool:
    """Whether the actor's grants let it add some row to ``dataset`` (scope aside)."""
    return decide_add_row(
        actor.role,
        dataset,
        (),
        routed_team=actor.team,
        actor_team=actor.team,
        actor_user=actor.user_id,
        today=actor.today(),
    ).allowed


@require_GET
@staff_page
def tables_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The plan's tables, each with an "Add a row" link where the role may add one."""
    tables = [d for d in get_vault().plan.datasets if d.kind is DatasetKind.TABLE]
    listed = [(d, _may_add(actor, d)) for d in tables]
    return page(request, "steward/staff/tables.html", {"tables": listed}, actor=actor)


@require_http_methods(["GET", "POST"])
@staff_page
def add_row_page(request: HttpRequest, actor: Actor, dataset_id: str) -> HttpResponse:
    """GET: the form for a new row. POST: store it, or show the form again with every
    problem (400), or refuse (403: the role may not; 404: no such table)."""
    vault = get_vault()
    try:
        dataset = vault.plan.dataset(dataset_id)
    except KeyError:
        dataset = None
    if dataset is None or dataset.kind is not DatasetKind.TABLE:
        return error_page(request, 404, "Not found", f"there is no table '{dataset_id}'", actor)
    if request.method == "GET":
        if not _may_add(actor, dataset):
            reason = f"the role '{actor.role.id}' may not add rows to '{dataset.id}'"
            return error_page(request, 403, "Not allowed", reason, actor)
        return _form(request, actor, dataset, build_form(vault.plan, dataset))
    posted = read_post(vault.plan, dataset, {k: request.POST.getlist(k) for k in request.POST})
    if isinstance(posted, Refusal):
        return _refused(request, actor, posted)
    try:
        record = add_row(vault, actor, dataset.id, posted.values)
    except SubmissionRejected as rejected:
        form = build_form(vault.plan, dataset, posted, rejected.problems)
        return _form(request, actor, dataset, form, status=400)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    messages.success(request, f"Row {str(record.id)[:8]} added to {dataset.label}.")
    return HttpResponseRedirect(f"/staff/records/{record.id}/")


def _form(
    request: HttpRequest,
    actor: Actor,
    dataset: Dataset,
    form: IntakeForm,
    *,
    status: int = 200,
) -> HttpResponse:
    writable = set(fields_to_fill(get_vault(), actor, dataset))
    context = {
        "dataset": dataset,
        "form": form,
        "required": [q for q in form.required if q.name in writable],
        "voluntary": [q for q in form.voluntary if q.name in writable],
    }
    return page(request, TEMPLATE, context, status=status, actor=actor)


def _refused(request: HttpRequest, actor: Actor, refusal: Refusal) -> HttpResponse:
    parts = []
    if refusal.undeclared:
        parts.append("fields the table does not have: " + ", ".join(refusal.undeclared))
    if refusal.never:
        parts.append("fields the plan never records: " + ", ".join(refusal.never))
    if refusal.repeated:
        parts.append("fields sent more than once: " + ", ".join(refusal.repeated))
    reason = "nothing was stored; the form sent " + "; ".join(parts)
    return error_page(request, 400, "Not stored", reason, actor)
