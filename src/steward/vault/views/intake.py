"""Public intake pages: the list of forms, each form, its full privacy notice, and the
receipt a person gets after sending it.

The views only read the request, call :func:`steward.vault.services.collect.submit`
and render. A receipt is rendered straight from the POST response (no redirect), so
the personal access code never travels in a URL; every response to a POST carries
``Cache-Control: no-store``, since it may echo what the person typed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from steward.errors import StewardError
from steward.policy.model import Dataset, DatasetKind
from steward.vault.rules.receipt_rights import receipt_rights
from steward.vault.runtime import get_vault
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.collect import MinorRefused, SubmissionRejected, submit
from steward.vault.views.intake_forms import (
    IntakeForm,
    Posted,
    Refusal,
    build_form,
    read_post,
    shown_names,
)
from steward.vault.views.intake_notice import full_notice_html, short_notice


def intake_datasets() -> list[Dataset]:
    """The plan's datasets that people fill in themselves, in plan order."""
    return [d for d in get_vault().plan.datasets if d.kind is DatasetKind.INTAKE_FORM]


def _intake_dataset(dataset_id: str) -> Dataset | None:
    for dataset in intake_datasets():
        if dataset.id == dataset_id:
            return dataset
    return None


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Every public intake form of the plan, with its description and notice link."""
    return render(request, "steward/intake/index.html", {"datasets": intake_datasets()})


@require_safe
def notice(request: HttpRequest, dataset: str) -> HttpResponse:
    """The full plain-language privacy notice of one intake form (404 if none)."""
    found = _intake_dataset(dataset)
    if found is None:
        return _not_found(request)
    body = full_notice_html(get_vault().loaded, found)
    # The fragment is generated from the plan with every plan value escaped.
    context = {"dataset": found, "body": mark_safe(body)}  # noqa: S308
    return render(request, "steward/intake/notice.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def intake_form(request: HttpRequest, dataset: str) -> HttpResponse:
    """Show an intake form (GET) or take a submission (POST).

    POST answers: 400 with the names when the post holds fields the form does not have
    (or answers to questions never recorded); 400 with the form and every problem when
    the plan rejects it; 403 when the plan refuses data about children; 503 when the
    audit log cannot record it; otherwise 200 with the receipt. Nothing is stored
    unless the receipt is shown.
    """
    found = _intake_dataset(dataset)
    if found is None:
        return _not_found(request)
    plan = get_vault().plan
    if request.method != "POST":
        return _form_page(request, found, build_form(plan, found))
    posted: Posted | Refusal
    if request.FILES:  # our forms have no file controls
        posted = Refusal(undeclared=shown_names(sorted(request.FILES)))
    else:
        posted = read_post(plan, found, {k: request.POST.getlist(k) for k in request.POST})
    if isinstance(posted, Refusal):
        context = {"dataset": found, "refusal": posted}
        return _no_store(render(request, "steward/intake/refused.html", context, status=400))
    try:
        receipt = submit(get_vault(), posted.submission)
    except SubmissionRejected as rejected:
        form = build_form(plan, found, posted, rejected.problems)
        return _no_store(_form_page(request, found, form, status=400))
    except MinorRefused:
        context = {"dataset": found, "threshold": plan.minors.age_threshold if plan.minors else 0}
        return _no_store(render(request, "steward/intake/minor.html", context, status=403))
    except AuditUnavailable:
        return _unavailable(request, found)
    except StewardError:
        # A sealed form with no intake key configured: nothing was stored.
        return _unavailable(request, found)
    context = {
        "dataset": found,
        "receipt": receipt,
        "own_rights": receipt_rights(plan, found),
        "plan_rights": plan.rights,
    }
    return _no_store(render(request, "steward/intake/receipt.html", context))


def _form_page(
    request: HttpRequest, dataset: Dataset, form: IntakeForm, status: int = 200
) -> HttpResponse:
    context = {
        "dataset": dataset,
        "form": form,
        "notice": short_notice(get_vault().plan, dataset),
    }
    return render(request, "steward/intake/form.html", context, status=status)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "steward/intake/not_found.html", status=404)


def _unavailable(request: HttpRequest, dataset: Dataset) -> HttpResponse:
    response = render(request, "steward/intake/unavailable.html", {"dataset": dataset}, status=503)
    response["Retry-After"] = "300"
    return _no_store(response)


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    return response
