"""Request and response bodies of the HTTP API, as typed ninja schemas.

The record views (:class:`FieldViewOut`, :class:`RecordOut`, :class:`RecordPageOut`) are
plain pydantic models: the API builds them itself, so they need none of ninja's
attribute resolution, whose validator cost up to half of a masked list's time (about a
fifth of a list request is saved: ``docs/benchmarks.md``)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import BaseModel

from steward.vault.rules.case_query import Sort, StatusFilter
from steward.vault.rules.intake import MAX_VALUE_CHARS


class ErrorOut(Schema):
    """Why a request was refused, in plain words (never personal data)."""

    detail: str


class ProblemsOut(Schema):
    """A refused request, with a message per field (``_submission`` for the whole)."""

    detail: str
    problems: dict[str, str]


class DatasetFieldOut(Schema):
    """A field the actor may read, how it is shown, and what else they may do with it."""

    name: str
    label: str
    category: str
    masking: str = Field(description="none, partial or full: how the field is shown")
    reveal: bool = Field(description="whether the actor may reveal the clear value")
    write: bool
    export: bool


class DatasetOut(Schema):
    """A dataset the actor may read something of."""

    id: str
    label: str
    kind: str
    fields: list[DatasetFieldOut]


class FieldViewOut(BaseModel):
    """One field of a record as the actor sees it."""

    name: str
    label: str
    shown: str = Field(
        description="the value, masked unless the plan shows it in clear; a marker such as "
        "'[erased]' when it cannot be read"
    )
    masked: bool
    can_reveal: bool
    unreadable: str | None = Field(
        None,
        description="why the value cannot be read: erased (the person's key was destroyed), "
        "key_retired, key_missing, damaged or keys_unavailable; null when it can be read",
    )


class RecordOut(BaseModel):
    """A record as the actor sees it: every field masked per the plan."""

    id: UUID
    dataset: str
    created: datetime
    status: str
    team: str
    assigned_to: int | None
    plan_version: str
    fields: list[FieldViewOut]
    updated: datetime | None = Field(None, description="when the record last changed")
    closed: datetime | None = Field(None, description="when the case was closed; null if open")


class RecordPageOut(BaseModel):
    """A page of records, in the order asked for (newest first by default)."""

    limit: int
    offset: int
    items: list[RecordOut]
    total: int | None = Field(
        default=None,
        description="how many records match in all, over every page (lists and searches)",
    )
    truncated: bool = Field(
        default=False,
        description="a search found more candidates than it looks at (1000): narrow it",
    )


class SearchIn(Schema):
    """A search by one searchable field's exact value, with the list's filters.

    Sent in the body (POST) so the value never lands in an address or a log."""

    dataset: str = Field(max_length=63)
    field: str = Field(max_length=63, description="a field the plan marks searchable")
    value: str = Field(
        min_length=1,
        max_length=320,
        description="the exact value; case, spaces and phone formatting do not matter",
    )
    status: StatusFilter = StatusFilter.ANY
    team: str = Field("", max_length=63)
    created_from: date | None = Field(None, description="first day received (UTC), included")
    created_to: date | None = Field(None, description="last day received (UTC), included")
    sort: Sort = Sort.CREATED_DESC
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=2**31 - 1)


class RevealIn(Schema):
    """Which field to reveal, for which of its purposes, and why (audited)."""

    field: str = Field(max_length=63)
    purpose: str = Field(max_length=63, description="one of the field's purposes")
    reason: str = Field(max_length=1000, description="why, in a few words (audited)")


class RevealOut(Schema):
    """The clear value of one field."""

    field: str
    value: str


class UpdateIn(Schema):
    """A new value for one field."""

    field: str = Field(max_length=63)
    value: str = Field(max_length=MAX_VALUE_CHARS)


class RowIn(Schema):
    """A new row of a table: values by field name. Any keys are accepted here; the
    plan decides (undeclared and never-recorded fields are refused with 400)."""

    values: dict[str, str] = Field(default_factory=dict, description="values by field name")


class RowOut(Schema):
    """The row stored: its record id, its table and the team the plan routed it to."""

    id: str
    dataset: str
    team: str


class IntakeIn(Schema):
    """An intake submission. Any answer keys are accepted here; the plan decides."""

    answers: dict[str, str] = Field(default_factory=dict, description="answers by field name")
    consents: list[str] = Field(default_factory=list, description="purposes opted in to")
    under_age: bool = False
    guardian_consent: bool = False


class ConsentOut(Schema):
    """One consent-based purpose and the person's answer."""

    purpose: str
    label: str
    granted: bool


class ReceiptOut(Schema):
    """What the person keeps: a reference, their consent choices and their access code."""

    reference: str
    dataset: str
    received: datetime
    plan_version: str
    consents: list[ConsentOut]
    access_code: str = Field(description="shown once; lets the person come back to their data")
    sealed: bool


class AuditReportOut(Schema):
    """What verifying the audit log found."""

    ok: bool
    size: int
    root_hash: str
    first_bad_index: int | None
    problem: str | None
    reason: str
    checkpoints_checked: int
    signatures_checked: bool = Field(
        description="whether checkpoint signatures were checked against the verifier key"
    )


class AssignIn(Schema):
    """Where a case should stand: its team, and the person assigned to it, if any."""

    team: str | None = Field(
        None, max_length=63, description="the team it goes to; default: the team it is in"
    )
    assignee: str | None = Field(
        None,
        max_length=150,
        description="the staff user name of the person it is assigned to; null or absent "
        "puts it in the team's queue, assigned to no one",
    )


class AssignmentOut(Schema):
    """Where a case stands after an assignment."""

    record: UUID
    team: str
    assigned_to: int | None = Field(description="the account id of the person, as in records")
    assignee: str | None = Field(description="the staff user name of the person")


class TeamOut(Schema):
    """A team of the plan."""

    id: str
    label: str


class PersonOut(Schema):
    """A staff member a case can be assigned to."""

    username: str
    name: str
    role: str
    team: str
    user_id: int


class AssignmentOptionsOut(Schema):
    """A case's team and assignee, and where the caller may send it."""

    record: UUID
    dataset: str
    team: str
    assigned_to: int | None
    teams: list[TeamOut] = Field(description="teams the case may go to, its own first")
    people: list[PersonOut] = Field(description="people it may be assigned to")


class CaseStatusIn(Schema):
    """Why a case is closed or reopened (audited as typed: no personal details here)."""

    reason: str = Field(
        max_length=2000,
        description="why, in a few words: at least 8 characters that say why, at most 500",
    )


class CaseStatusOut(Schema):
    """Where a case stands after a close or a reopen."""

    record: UUID
    status: str = Field(description="open or closed")
    closed: datetime | None = Field(description="when it was closed; null if open")
    reopen_until: datetime | None = Field(
        description="the last moment it may be reopened, if the plan limits it"
    )
