"""One step of a staff form, run the same way on every register page: bad input shows
the page again with the message (400); a refusal, an unknown id or an audit log that
cannot be written is answered as the service error it is; success is confirmed with a
message and a redirect to the page of the thing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.views.staff import service_error

__all__ = ["FAILURES", "run_step"]

FAILURES: Final = (AccessDenied, NotFound, AuditUnavailable)
"""What a step may raise besides bad input: answered by :func:`service_error`."""


def run_step(
    request: HttpRequest,
    actor: Actor,
    step: Callable[[], object],
    *,
    done: str,
    back: str,
    again: Callable[[str, int], HttpResponse],
) -> HttpResponse:
    """Run ``step``; on :class:`InvalidValue` answer ``again("Not done: ….", 400)``; on a
    :data:`FAILURES` error its error page; else flash ``done`` and redirect to ``back``.

    Never raises for the errors above; anything else propagates.
    """
    try:
        step()
    except InvalidValue as error:
        return again(f"Not done: {error}.", 400)
    except FAILURES as error:
        return service_error(request, error, actor)
    messages.success(request, done)
    return HttpResponseRedirect(back)
