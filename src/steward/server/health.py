"""``GET /healthz``: whether this ``steward serve`` process is up and answering.

For a reverse proxy, a load balancer or a service manager that checks the process
behind it. It is a liveness check only: it touches no database, key or plan, reads
nothing from the request and says nothing about the vault, so it is cheap enough to
poll every few seconds and safe to answer to anyone. Whether the database and the
keys work is what ``steward serve --check-only`` and ``steward keys status`` show.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer ``200 {"status": "ok"}``, never cached; other methods than GET and HEAD get 405."""
    del request
    response = JsonResponse({"status": "ok"})
    response["Cache-Control"] = "no-store"
    return response
