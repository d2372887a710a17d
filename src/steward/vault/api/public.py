"""The public API route: intake submissions, which need no credentials.

The body accepts any answer keys, so that undeclared and ``never`` fields are refused
by the plan's own rules (:func:`~steward.vault.rules.intake.check_submission`), with
every problem listed, rather than silently dropped by schema validation.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from steward.vault.api.schemas import ConsentOut, ErrorOut, IntakeIn, ProblemsOut, ReceiptOut
from steward.vault.rules.intake import Submission
from steward.vault.runtime import get_vault
from steward.vault.services.access import NotFound
from steward.vault.services.collect import submit

router = Router(tags=["intake"])


@router.post(
    "/intake/{dataset}",
    auth=None,
    response={
        201: ReceiptOut,
        400: ProblemsOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ProblemsOut,
        503: ErrorOut,
    },
    summary="Submit an intake form (public)",
    operation_id="submitIntake",
)
def intake(request: HttpRequest, dataset: str, body: IntakeIn) -> Status[ReceiptOut]:
    """Store one submission under the plan, or refuse it with every problem listed.

    Refused with 400: undeclared fields, fields the plan never records, missing or
    malformed answers, opt-ins that do not match. Refused with 403: the plan does not
    collect data about children and ``under_age`` is true. The receipt carries the
    person's access code, shown only this once.
    """
    vault = get_vault()
    try:
        vault.plan.dataset(dataset)
    except KeyError:
        raise NotFound(f"there is no dataset '{dataset}'") from None
    receipt = submit(
        vault,
        Submission(
            dataset=dataset,
            answers=dict(body.answers),
            consents=frozenset(body.consents),
            under_age=body.under_age,
            guardian_consent=body.guardian_consent,
        ),
    )
    return Status(
        201,
        ReceiptOut(
            reference=receipt.reference,
            dataset=receipt.dataset,
            received=receipt.received,
            plan_version=receipt.plan_version,
            consents=[
                ConsentOut(purpose=p, label=label, granted=granted)
                for p, label, granted in receipt.consents
            ],
            access_code=receipt.access_code,
            sealed=receipt.sealed,
        ),
    )
