"""Staff page of access codes (``/staff/rights/codes/``): issue a person a new code, after
checking who they are outside Steward, and see the recent bursts of wrong codes.

Only roles that answer people's rights (:func:`steward.policy.rights_officer_roles`)
see the page (403 otherwise). Issuing goes through
:func:`~steward.vault.services.code_reissue.reissue_code`, which decides, replaces the
code, ends the person's sessions, registers and audits; the new code is shown once on
the answer page (never cached) and kept nowhere in clear.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from steward import clock
from steward.vault.runtime import get_vault
from steward.vault.services.access import AccessDenied, InvalidValue, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.code_reissue import may_reissue, reissue_code
from steward.vault.services.code_sign_in import ATTEMPTS_KEPT, code_bursts
from steward.vault.services.record_views import ValueUnreadable
from steward.vault.views.staff import service_error, unreadable_page
from steward.vault.views.staff_common import error_page, page, staff_page

TEMPLATE: Final = "steward/staff/codes.html"
NOT_CHECKED: Final = (
    "confirm that you checked who the person is outside Steward before issuing a new code"
)
NOT_ALLOWED: Final = "the plan does not let your role issue new access codes"


def _context(**extra: Any) -> dict[str, Any]:
    since = clock.now() - ATTEMPTS_KEPT
    values: dict[str, Any] = {
        "bursts": code_bursts(get_vault(), since),
        "kept_hours": int(ATTEMPTS_KEPT / timedelta(hours=1)),
        "reference": "",
        "reason": "",
    }
    values.update(extra)
    return values


@require_GET
@staff_page
def codes_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The form to issue a new code, and the recent bursts of wrong codes."""
    if not may_reissue(get_vault(), actor):
        return error_page(request, 403, "Not allowed", NOT_ALLOWED, actor)
    return page(request, TEMPLATE, _context(), actor=actor)


@require_POST
@staff_page
def reissue_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Issue the new code and show it once; or the form again with what to change."""
    vault = get_vault()
    reference = request.POST.get("reference", "").strip()[:100]
    reason = request.POST.get("reason", "")[:1000]
    kept = {"reference": reference, "reason": reason}
    if not may_reissue(vault, actor):
        try:
            reissue_code(vault, actor, reference, reason)  # refuses and audits
        except (AccessDenied, NotFound, AuditUnavailable) as error:
            return service_error(request, error, actor)
    if request.POST.get("identity_checked") != "yes":
        context = _context(error=NOT_CHECKED, **kept)
        return page(request, TEMPLATE, context, status=400, actor=actor)
    try:
        code = reissue_code(vault, actor, reference, reason)
    except InvalidValue as error:
        return page(request, TEMPLATE, _context(error=str(error), **kept), status=400, actor=actor)
    except NotFound:
        context = _context(error="no case has this reference in your scope", **kept)
        return page(request, TEMPLATE, context, status=404, actor=actor)
    except ValueUnreadable as error:
        return unreadable_page(request, error, actor)
    except (AccessDenied, AuditUnavailable) as error:
        return service_error(request, error, actor)
    return page(request, TEMPLATE, _context(new_code=code, issued_for=reference), actor=actor)
