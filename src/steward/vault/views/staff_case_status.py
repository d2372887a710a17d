"""Closing and reopening a case from its record page, with a reason (both audited).

The decision and the audit belong to :mod:`steward.vault.services.case_status`; these
views only read the form and answer. A refusal shows the record page again with the
reason for it (403); closing a closed case or reopening an open one is a conflict (409).
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.case_status import CaseConflict, close_case, reopen_case
from steward.vault.views.staff import render_record, service_error
from steward.vault.views.staff_common import error_page, staff_page

MAX_REASON_FIELD = 2000
"""Longer text is refused before the rule looks at it (the rule allows 500)."""


@require_POST
@staff_page
def close(request: HttpRequest, actor: Actor, record_id: UUID) -> HttpResponse:
    """Close the case, for the reason typed; back to the record page."""
    return _change(request, actor, record_id, reopen=False)


@require_POST
@staff_page
def reopen(request: HttpRequest, actor: Actor, record_id: UUID) -> HttpResponse:
    """Reopen the closed case, for the reason typed; back to the record page."""
    return _change(request, actor, record_id, reopen=True)


def _change(request: HttpRequest, actor: Actor, record_id: UUID, *, reopen: bool) -> HttpResponse:
    reason = request.POST.get("reason", "")[:MAX_REASON_FIELD]
    act = reopen_case if reopen else close_case
    try:
        done = act(get_vault(), actor, record_id, reason=reason)
    except AccessDenied as error:
        verb = "Not reopened" if reopen else "Not closed"
        return render_record(request, actor, record_id, error=f"{verb}: {error}.", status=403)
    except CaseConflict as error:
        return error_page(request, 409, "Nothing to change", f"{error}.", actor)
    except (NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    word = "reopened" if reopen else "closed"
    messages.success(request, f"Case {str(done.record)[:8]} is {word}.")
    return HttpResponseRedirect(f"/staff/records/{done.record}/")
