"""The public statistics page (``/statistics/``): the released public tables only, as
HTML and as JSON; and the table layout the staff and donor pages share.

Each count is shown exactly as it was released; a suppressed count reads "suppressed"
(``null`` in JSON). Every cell carries its name (``data-cell``) so that what a reader
sees can be checked against what was released.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from steward.vault.runtime import get_vault
from steward.vault.services.access import NotFound
from steward.vault.services.aggregate_releases import AggregateReleaseService, ReleaseView

Row = tuple[str, list[tuple[str, int | None]]]


def layout(table: dict[str, Any]) -> dict[str, Any]:
    """A release's table as header and rows of ``(name, count)`` cells for the template."""
    by = list(table.get("by", []))
    counts = table.get("counts", {})
    if len(by) == 1:
        rows: list[Row] = [(label, [(label, value)]) for label, value in counts.items()]
        rows.append(("Total", [("total", table.get("total"))]))
        return {"corner": by[0], "header": ["Count"], "rows": rows}
    cols = list(table.get("col_totals", {}))
    rows = [
        (r, [*[(f"{r}|{c}", line.get(c)) for c in cols], (f"row:{r}", table["row_totals"][r])])
        for r, line in counts.items()
    ]
    total = [*[(f"col:{c}", table["col_totals"][c]) for c in cols], ("total", table.get("total"))]
    rows.append(("Total", total))
    corner = " \\ ".join(by)
    return {"corner": corner, "header": [*cols, "Total"], "rows": rows}


def as_json(view: ReleaseView) -> dict[str, Any]:
    """A release as the JSON pages give it."""
    return {
        "id": str(view.id),
        "dataset": view.dataset,
        "audience": view.audience,
        "by": view.by_fields,
        "period_start": view.period_start.isoformat() if view.period_start else None,
        "period_end": view.period_end.isoformat() if view.period_end else None,
        "min_group_size": view.min_group_size,
        "epsilon": view.epsilon,
        "released_at": view.released_at.isoformat(),
        "table": view.table,
    }


def shown(views: list[ReleaseView]) -> list[dict[str, Any]]:
    """The releases with their layouts, for the templates."""
    return [{"view": v, **layout(v.table)} for v in views]


@require_GET
def public_page(request: HttpRequest) -> HttpResponse:
    """Every public release, newest first."""
    views = AggregateReleaseService(get_vault()).visible(None)
    return render(request, "steward/statistics/public.html", {"releases": shown(views)})


@require_GET
def public_json(request: HttpRequest) -> JsonResponse:
    """Every public release as JSON."""
    views = AggregateReleaseService(get_vault()).visible(None)
    return JsonResponse({"releases": [as_json(v) for v in views]})


@require_GET
def public_release_json(request: HttpRequest, release_id: UUID) -> JsonResponse:
    """One public release as JSON; 404 for any other."""
    try:
        view = AggregateReleaseService(get_vault()).get(None, release_id)
    except NotFound:
        return JsonResponse({"detail": "no such release"}, status=404)
    return JsonResponse(as_json(view))
