"""API routes of a person's own choices, with their access code as the credential
(``Authorization: AccessCode <code>``): their consents (read, withdraw, give) and the
erasure of their data.

Every route acts as the person (:func:`~steward.vault.api.person_auth.person_of`) and
calls only the services, which decide by the plan and audit. Refusals: 403 with the
reason (the plan does not offer it, nothing to withdraw, ...), 400 for an erasure not
confirmed, 409 for a second erasure request while one is open. Never a value.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from steward.vault.api.person_auth import PERSON_AUTH, person_of
from steward.vault.api.schemas import ErrorOut, ProblemsOut
from steward.vault.runtime import get_vault
from steward.vault.services.consent_withdrawal import give as give_consent
from steward.vault.services.consent_withdrawal import withdraw as withdraw_consent
from steward.vault.services.own_choices import choices_of
from steward.vault.services.own_erasure import (
    ConfirmationNeeded,
    ErasureAlreadyAsked,
    erase_own,
)

router = Router(tags=["rights"])
ERRORS: dict[int, type[Schema]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ProblemsOut,
    503: ErrorOut,
}


class AnswerOut(Schema):
    """One answer of the person's consent history."""

    record: UUID
    granted: bool
    given: datetime
    withdrawn: datetime | None
    by_guardian: bool


class ConsentOut(Schema):
    """A purpose that asks for the person's consent, and their answer now."""

    purpose: str
    label: str
    state: str = Field(description="agreed, not agreed or withdrawn")
    may_withdraw: bool
    may_give: bool
    why_not: str = Field(description="why neither is possible now (empty otherwise)")
    history: list[AnswerOut]


class WithdrawalOut(Schema):
    """What a withdrawal did (counts only)."""

    purpose: str
    answers: int = Field(description="answers withdrawn")
    values_deleted: int = Field(description="values deleted at once (kept only for it)")
    records_purged: int
    request: int = Field(description="the row of the rights register")


class GiveOut(Schema):
    """The records the new agreement was given on."""

    purpose: str
    records: list[UUID]
    request: int


class ErasureIn(Schema):
    """The person's confirmation that they want their data erased."""

    confirm: bool = Field(description="must be true")


class KeptOut(Schema):
    """A field the law keeps for now: what, why and until when."""

    field: str
    label: str
    purpose: str
    purpose_label: str
    legal_basis: str
    legal_reference: str
    until: datetime | None = Field(description="null: no end stated")


class ErasureOut(Schema):
    """How the erasure went: erased now (200), or a request with what is kept (202)."""

    erased: bool
    request: int
    detail: str
    kept: list[KeptOut]


@router.get(
    "/me/consents",
    auth=PERSON_AUTH,
    response={200: list[ConsentOut], **ERRORS},
    summary="The person's consents, their history and what they may change",
    operation_id="listOwnConsents",
)
def list_consents(request: HttpRequest) -> list[ConsentOut]:
    """Each purpose that asks for the person's consent: the answer now, every answer
    with its time, and whether it may be withdrawn or given now. Audited."""
    return [
        ConsentOut(
            purpose=c.purpose,
            label=c.label,
            state=c.state,
            may_withdraw=c.may_withdraw,
            may_give=c.may_give,
            why_not=c.why_not,
            history=[AnswerOut(**a.__dict__) for a in c.history],
        )
        for c in choices_of(get_vault(), person_of(request))
    ]


@router.post(
    "/me/consents/{purpose}/withdraw",
    auth=PERSON_AUTH,
    response={200: WithdrawalOut, **ERRORS},
    summary="Withdraw the person's consent to a purpose",
    operation_id="withdrawOwnConsent",
)
def withdraw(request: HttpRequest, purpose: str) -> WithdrawalOut:
    """Withdraw consent to ``purpose`` on all the person's records; what was kept only
    for it is deleted at once. 403 when the rules refuse (with why)."""
    outcome = withdraw_consent(get_vault(), person_of(request), purpose)
    return WithdrawalOut(
        purpose=outcome.purpose,
        answers=outcome.answers,
        values_deleted=outcome.values_deleted,
        records_purged=outcome.records_purged,
        request=outcome.request_id,
    )


@router.post(
    "/me/consents/{purpose}/give",
    auth=PERSON_AUTH,
    response={200: GiveOut, **ERRORS},
    summary="Give the person's consent to a purpose (privacy settings)",
    operation_id="giveOwnConsent",
)
def give(request: HttpRequest, purpose: str) -> GiveOut:
    """Agree to ``purpose`` now, on each record whose form asks for it and still holds
    a field of it. 403 when the rules refuse (with why)."""
    outcome = give_consent(get_vault(), person_of(request), purpose)
    return GiveOut(
        purpose=outcome.purpose, records=list(outcome.records), request=outcome.request_id
    )


@router.post(
    "/me/erasure",
    auth=PERSON_AUTH,
    response={200: ErasureOut, 202: ErasureOut, 400: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="Erase the person's data, or ask for it",
    operation_id="eraseOwnData",
)
def erase(request: HttpRequest, body: ErasureIn) -> Status[ErasureOut] | Status[ErrorOut]:
    """With ``confirm: true``: 200 when everything was erased now (the code stops
    working), 202 when the law keeps some data, with what is kept, why and until when
    (staff answer the request). 400 without confirmation; 409 while a request is open."""
    try:
        outcome = erase_own(get_vault(), person_of(request), body.confirm)
    except ConfirmationNeeded as missing:
        return Status(400, ErrorOut(detail=str(missing)))
    except ErasureAlreadyAsked as already:
        return Status(409, ErrorOut(detail=str(already)))
    kept = [
        KeptOut(
            field=k.field,
            label=k.field_label,
            purpose=k.purpose,
            purpose_label=k.purpose_label,
            legal_basis=k.legal_basis,
            legal_reference=k.legal_reference,
            until=k.until,
        )
        for k in outcome.kept
    ]
    body_out = ErasureOut(
        erased=outcome.immediate, request=outcome.request_id, detail=outcome.reason, kept=kept
    )
    return Status(200 if outcome.immediate else 202, body_out)
