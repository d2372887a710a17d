"""The person's own data page (``/me/data/``): see, take a copy, correct, ask for more.

Every view runs as the signed-in person (:func:`person_required`), so the services
reach only their own records; a record of someone else is answered like one that does
not exist. Pages and downloads are never cached. After a correction or a request the
browser is sent back to the page with a short notice word in the address (never a
value). Works without JavaScript; every form carries a CSRF token.
"""

from __future__ import annotations

from typing import Final

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from steward.errors import StewardError
from steward.vault.rules.own_rights import Correction
from steward.vault.runtime import get_vault
from steward.vault.services.access import InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.own_copy import CopyFormat, copy
from steward.vault.services.own_data import OwnDataRefused, ask_for_hidden, correct, overview
from steward.vault.views.person_common import person_page, person_required, private

NOTICES: Final = {
    "corrected": "Your correction was saved.",
    "requested": "Your correction was sent to staff. They will answer by the date shown below.",
    "asked": "Your request was sent to staff. They will answer by the date shown below.",
}
UNAVAILABLE: Final = (
    "This could not be done now because it could not be recorded. Nothing was changed. "
    "Please try again later."
)
SIGN_OUT_PATH: Final = "/me/sign-out/"
NO_SUCH: Final = "There is no such record or field of yours."


def _sign_out_url() -> str:
    try:
        return reverse("me:sign-out")
    except NoReverseMatch:
        return SIGN_OUT_PATH


def _render(
    request: HttpRequest, actor: Actor, *, status: int = 200, problem: str = "",
    problem_field: str = "",
) -> HttpResponse:  # fmt: skip
    vault = get_vault()
    try:
        seen = overview(vault, actor)
    except OwnDataRefused as refused:
        return person_page(request, "steward/person/refused.html", {"reason": str(refused)},
                           status=403)  # fmt: skip
    except AuditUnavailable:
        return person_page(request, "steward/person/refused.html", {"reason": UNAVAILABLE},
                           status=503)  # fmt: skip
    context = {
        "seen": seen,
        "notice": NOTICES.get(request.GET.get("notice", ""), ""),
        "problem": problem,
        "problem_field": problem_field,
        "sign_out_url": _sign_out_url(),
        "rights": vault.plan.rights,
        "DIRECT": Correction.DIRECT,
        "REQUEST": Correction.REQUEST,
    }
    return person_page(request, "steward/person/data.html", context, status=status)


@require_GET
@person_required
def data(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Everything held about the person that their page shows, with their rights."""
    return _render(request, actor)


def _download(actor: Actor, fmt: CopyFormat, request: HttpRequest) -> HttpResponse:
    try:
        made = copy(get_vault(), actor, fmt)
    except OwnDataRefused as refused:
        return person_page(request, "steward/person/refused.html", {"reason": str(refused)},
                           status=403)  # fmt: skip
    except AuditUnavailable:
        return person_page(request, "steward/person/refused.html", {"reason": UNAVAILABLE},
                           status=503)  # fmt: skip
    response = HttpResponse(made.body, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return private(response)


@require_GET
@person_required
def copy_json(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The person's copy as a JSON download."""
    return _download(actor, CopyFormat.JSON, request)


@require_GET
@person_required
def copy_csv(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The person's copy as a CSV download."""
    return _download(actor, CopyFormat.CSV, request)


@sensitive_post_parameters("value")
@require_POST
@person_required
def correct_field(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Correct one field (or ask staff to); on a problem, the page again with it said."""
    record = request.POST.get("record", "")
    field = request.POST.get("field", "")
    value = request.POST.get("value", "")
    try:
        done = correct(get_vault(), actor, record, field, value)
    except NotFound:
        return _render(request, actor, status=404, problem=NO_SUCH)
    except InvalidValue as bad:
        return _render(request, actor, status=400, problem=str(bad),
                       problem_field=f"{record}:{field}")  # fmt: skip
    except AuditUnavailable:
        return _render(request, actor, status=503, problem=UNAVAILABLE)
    except StewardError as refused:
        return _render(request, actor, status=403, problem=str(refused))
    notice = "corrected" if done.direct else "requested"
    return HttpResponseRedirect(f"{reverse('me:data')}?notice={notice}")


@require_POST
@person_required
def ask(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Ask staff for the fields the page does not show."""
    try:
        ask_for_hidden(get_vault(), actor)
    except AuditUnavailable:
        return _render(request, actor, status=503, problem=UNAVAILABLE)
    except StewardError as refused:
        return _render(request, actor, status=403, problem=str(refused))
    return HttpResponseRedirect(f"{reverse('me:data')}?notice=asked")
