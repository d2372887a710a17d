"""The staff dashboard (``/staff/dashboard/``): everything due, in the panels the
role's plan grants (:mod:`steward.vault.services.dashboard`). A role with no panel is
told so; the page never shows a person's value."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from steward import clock
from steward.vault.runtime import get_vault
from steward.vault.services.actors import Actor
from steward.vault.services.dashboard import dashboard
from steward.vault.views.staff_common import page, staff_page


@require_GET
@staff_page
def dashboard_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The panels of the actor's role, those needing attention first."""
    panels = dashboard(get_vault(), actor, clock.now())
    return page(request, "steward/staff/dashboard.html", {"panels": panels}, actor=actor)
