"""Acknowledging the data management plan, and the privacy officer's list of who did.

When the plan sets ``governance.team_acknowledgement``, a staff member comes here after
their new password and second factor and before any record: the page shows what their
role may do, their duties and the whole management plan (the same document
``steward policy docs`` writes, rendered for the plan text the vault runs under), and a
box to tick. The confirmation is bound to the plan's digest as the page showed it: if
the plan changed meanwhile, the person is shown the new text instead.
"""

from __future__ import annotations

import re
import threading

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from steward.policy import LoadedPlan, Plan
from steward.policy.documents import build_context, markdown_to_html, render_markdown, role_view
from steward.policy.model import Role
from steward.vault.rules.acknowledgement import Standing
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied
from steward.vault.services.acknowledgements import (
    acknowledge,
    latest_acknowledgement,
    plan_text,
    read_acknowledgements,
    standing_of,
)
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.views.staff_auth import UNAUDITED
from steward.vault.views.staff_common import (
    current_staff,
    error_page,
    missing_step,
    page,
    safe_next,
    staff_page,
)

TEMPLATE = "steward/staff/acknowledge.html"
CHANGED_MEANWHILE = 409
_HEADING = re.compile(r"<(/?)h([1-5])\b")


class AcknowledgeForm(forms.Form):
    """The box a person ticks, and the digest of the plan text the page showed them."""

    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": "Tick the box to confirm that you read the plan."},
    )
    digest = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


_lock = threading.Lock()
_cache: dict[str, str] = {}


def management_plan_html(loaded: LoadedPlan) -> SafeString:
    """The management plan of ``loaded`` as an HTML fragment, its headings one level down
    (the page has its own ``h1``), cached per plan digest.

    Plan text in it is escaped by the document renderer; it links to no outside resource.

    Raises:
        jinja2.TemplateError: a document template is broken (a bug in Steward).
    """
    with _lock:
        cached = _cache.get(loaded.digest)
    if cached is None:
        text = render_markdown("management-plan.md.j2", doc=build_context(loaded))
        cached = _HEADING.sub(lambda m: f"<{m[1]}h{int(m[2]) + 1}", markdown_to_html(text))
        with _lock:
            _cache[loaded.digest] = cached
    return mark_safe(cached)  # noqa: S308 - every plan value was escaped by the renderer


def duties(plan: Plan, role: Role) -> list[str]:
    """What the person promises when they acknowledge the plan, for their role."""
    officer = plan.organization.privacy_officer
    who = f"the privacy officer ({officer.name})" if officer else "the privacy officer"
    listed = [
        "Handle the data only as this plan says, and only for the purposes your role holds.",
    ]
    if not role.reveal.empty:
        listed.append(
            "Reveal a masked value only when your work needs it, for a purpose your role "
            "holds, and write the real reason: every reveal is recorded."
        )
    listed += [
        "Never share your account, password or authenticator; sign out when you leave.",
        "Never copy personal data out of the vault except as the plan allows.",
        f"Report any incident (a lost device, a wrong disclosure, a suspicious request) "
        f"to {who} at once.",
    ]
    if plan.governance.training is not None and plan.governance.training.required:
        listed.append("Take the privacy training the plan requires, and repeat it when due.")
    return listed


def _context(
    actor: Actor, found: Standing, user_id: int, form: AcknowledgeForm, next_url: str
) -> dict[str, object]:
    vault = get_vault()
    return {
        "form": form,
        "next": next_url,
        "plan": plan_text(vault),
        "standing": found,
        "latest": latest_acknowledgement(user_id),
        "role": role_view(vault.plan, actor.role),
        "duties": duties(vault.plan, actor.role),
        "document": management_plan_html(vault.loaded),
    }


@require_http_methods(["GET", "POST"])
def acknowledge_view(request: HttpRequest) -> HttpResponse:
    """Read the plan in force and confirm it; then on to the page that was asked for.

    Comes after the new password and second factor. When there is nothing to confirm
    (already done, or the plan asks for none) the page still shows the plan, and a POST
    goes straight on. A confirmation of a plan text that is no longer in force is
    refused (409) with the new text.
    """
    found = current_staff(request)
    if isinstance(found, HttpResponse):
        return found
    member, actor = found
    step = missing_step(member, actor, safe_next(request))
    if step is not None:
        return step
    vault = get_vault()
    pending = standing_of(vault, member.user_id)
    posted = request.POST if request.method == "POST" else None
    form = AcknowledgeForm(posted, initial={"digest": vault.loaded.digest})
    context = _context(actor, pending, member.user_id, form, safe_next(request))
    # While the plan waits to be confirmed, the page links to no page that sends them back.
    shown = None if pending.must_acknowledge else actor
    if posted is None:
        return page(request, TEMPLATE, context, actor=shown)
    if not pending.must_acknowledge:
        return HttpResponseRedirect(safe_next(request))
    if not form.is_valid():
        return page(request, TEMPLATE, context, status=400, actor=shown)
    if form.cleaned_data["digest"] != vault.loaded.digest:
        context["form"] = AcknowledgeForm(initial={"digest": vault.loaded.digest})
        context["changed_meanwhile"] = True
        return page(request, TEMPLATE, context, status=CHANGED_MEANWHILE, actor=shown)
    try:
        done, _ = acknowledge(vault, actor)
    except AuditUnavailable:
        return error_page(request, 503, "Not acknowledged", UNAUDITED)
    messages.success(request, f"Thank you: you acknowledged version {done.version} of the plan.")
    return HttpResponseRedirect(safe_next(request))


@require_GET
@staff_page
def acknowledgements_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Who acknowledged the plan text in force, for the roles that read the audit log."""
    try:
        listing = read_acknowledgements(get_vault(), actor)
    except AccessDenied as refused:
        return error_page(request, 403, "Not allowed", str(refused), actor)
    except AuditUnavailable:
        return error_page(request, 503, "Not available", UNAUDITED, actor)
    return page(request, "steward/staff/acknowledgements.html", {"listing": listing}, actor=actor)
