"""The public community alerts (``/alerts/``): no sign-in, no personal data.

``/alerts/`` lists the published alerts, newest first; ``/alerts/<id>/`` shows one;
``/alerts/feed.xml`` is the same list as an Atom feed for partners' readers. Answers 404
when the plan publishes no alerts, and for an alert that is not published (a draft, a
withdrawn one, or none at all, said the same way).
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from steward.vault.models_response import CommunityAlert
from steward.vault.runtime import get_vault
from steward.vault.services.community_alerts import published_alerts

CACHE: Final = "public, max-age=300"
NOT_PUBLISHED: Final = "This organization publishes no community alerts."


def _published_or_404() -> None:
    rules = get_vault().plan.operations.community_alerts
    if rules is None or not rules.publish:
        raise Http404(NOT_PUBLISHED)


def _cached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = CACHE
    return response


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """The published alerts, newest first."""
    _published_or_404()
    vault = get_vault()
    context = {"organization": vault.plan.organization, "alerts": published_alerts(vault)}
    return _cached(render(request, "steward/public/alerts.html", context))


@require_GET
def alert_one(request: HttpRequest, alert_id: UUID) -> HttpResponse:
    """One published alert."""
    _published_or_404()
    alert = CommunityAlert.objects.filter(pk=alert_id, state=CommunityAlert.State.PUBLISHED).first()
    if alert is None:
        raise Http404("There is no such published alert.")
    context = {"organization": get_vault().plan.organization, "alert": alert}
    return _cached(render(request, "steward/public/alert.html", context))


@require_GET
def alert_feed(request: HttpRequest) -> HttpResponse:
    """The published alerts as an Atom feed."""
    _published_or_404()
    vault = get_vault()
    base = request.build_absolute_uri("/alerts/")
    feed = Atom1Feed(
        title=f"Community alerts · {vault.plan.organization.name}",
        link=base,
        description="Security alerts made from incidents, with nothing that identifies anyone.",
        language=vault.plan.organization.language,
        feed_url=request.build_absolute_uri("/alerts/feed.xml"),
    )
    for alert in published_alerts(vault):
        link = f"{base}{alert.id}/"
        feed.add_item(
            title=alert.title,
            link=link,
            description=alert.body,
            unique_id=f"urn:uuid:{alert.id}",
            pubdate=alert.published_at,
            updateddate=alert.published_at,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return _cached(response)
