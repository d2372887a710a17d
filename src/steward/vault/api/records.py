"""API routes over records: datasets, masked views, reveal and update. (Records leave
the vault in clear only through an approved disclosure: :mod:`.disclosures`.)

Every route only calls :class:`~steward.vault.services.access.AccessService`, which
decides, decrypts, masks and audits; errors are answered by :mod:`.errors`.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import Field

from steward.vault.api.auth import actor_of
from steward.vault.api.schemas import (
    DatasetFieldOut,
    DatasetOut,
    ErrorOut,
    ProblemsOut,
    RecordOut,
    RecordPageOut,
    RevealIn,
    RevealOut,
    SearchIn,
    UpdateIn,
)
from steward.vault.rules.case_query import CaseQuery, Sort, StatusFilter
from steward.vault.runtime import get_vault
from steward.vault.services.access import MAX_OFFSET, MAX_PAGE, AccessService
from steward.vault.services.dataset_views import DatasetAccess
from steward.vault.services.record_views import RecordView

router = Router(tags=["records"])

READ_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,  # a malformed request, such as a Host header the site does not serve
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ProblemsOut,
    503: ErrorOut,
}


class PageQuery(Schema):
    """Which page of records to return."""

    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ListQuery(PageQuery):
    """Which records, in which order, and which page of them."""

    status: StatusFilter = Field(StatusFilter.ANY, description="open, closed or any")
    team: str = Field("", max_length=63, description="only this team's records (a plan team)")
    created_from: date | None = Field(None, description="first day received (UTC), included")
    created_to: date | None = Field(None, description="last day received (UTC), included")
    sort: Sort = Field(
        Sort.CREATED_DESC,
        description="-created (newest first), created, -updated, updated, status (open "
        "first) or -status (closed first)",
    )


def _service() -> AccessService:
    return AccessService(get_vault())


@router.get(
    "/datasets",
    response={200: list[DatasetOut], 401: ErrorOut},
    summary="Datasets the caller may read",
    operation_id="listDatasets",
)
def list_datasets(request: HttpRequest) -> list[DatasetOut]:
    """Each dataset the caller's role reads something of, with those fields, how each
    is shown (its masking) and whether the role may reveal, write or export it."""
    return [_dataset_out(d) for d in _service().dataset_access(actor_of(request))]


@router.get(
    "/datasets/{dataset}/records",
    response={200: RecordPageOut, **READ_ERRORS},
    summary="A page of a dataset's records, masked",
    operation_id="listRecords",
)
def list_records(request: HttpRequest, dataset: str, page: Query[ListQuery]) -> RecordPageOut:
    """Records of ``dataset`` in the caller's scope, every field masked per the plan,
    filtered by status, team and the days they were received, in the order asked for
    (newest first by default), with the total over every page. A filter only narrows
    the caller's scope. The read is audited, with its filters."""
    query = _case_query(page)
    actor = actor_of(request)
    service = _service()
    views = service.list_records(actor, dataset, limit=page.limit, offset=page.offset, query=query)
    out = _page_out(page, views)
    out.total = service.count_records(actor, dataset, query=query)
    return out


@router.post(
    "/records/search",
    response={200: RecordPageOut, **READ_ERRORS},
    summary="Search a dataset's records by a searchable field, masked",
    operation_id="searchRecords",
)
def search_records(request: HttpRequest, body: SearchIn) -> RecordPageOut:
    """Records in the caller's scope whose searchable ``field`` equals ``value`` (looked
    up through the field's blind index, so nothing is decrypted to search), with the
    list's filters and order. The value is sent in the body so that it never lands in
    an address or a log; the audit entry names the field, never the value."""
    query = _case_query(body)
    found = _service().find_records(
        actor_of(request),
        body.dataset,
        body.field,
        body.value,
        limit=body.limit,
        offset=body.offset,
        query=query,
    )
    return RecordPageOut(
        limit=body.limit,
        offset=body.offset,
        items=[_record_out(v) for v in found.items],
        total=found.total,
        truncated=found.truncated,
    )


@router.get(
    "/datasets/{dataset}/queue",
    response={200: RecordPageOut, **READ_ERRORS},
    summary="The unassigned records of a dataset, masked",
    operation_id="listQueue",
)
def list_queue(request: HttpRequest, dataset: str, page: Query[PageQuery]) -> RecordPageOut:
    """Records of ``dataset`` in the caller's scope that no one is assigned to yet (the
    queue of the caller's team, or of every team for roles that see all), newest first,
    masked per the plan. The read is audited."""
    views = _service().list_records(
        actor_of(request), dataset, limit=page.limit, offset=page.offset, unassigned=True
    )
    return _page_out(page, views)


@router.get(
    "/records/{record_id}",
    response={200: RecordOut, **READ_ERRORS},
    summary="One record, masked",
    operation_id="getRecord",
)
def get_record(request: HttpRequest, record_id: UUID) -> RecordOut:
    """One record in the caller's scope, every field masked per the plan (audited).
    A record out of scope is answered 404, like one that does not exist."""
    return _record_out(_service().get_record(actor_of(request), record_id))


@router.post(
    "/records/{record_id}/reveal",
    response={200: RevealOut, 410: ErrorOut, **READ_ERRORS},
    summary="Reveal one field, with a purpose and a reason",
    operation_id="revealField",
)
def reveal(request: HttpRequest, record_id: UUID, body: RevealIn) -> RevealOut:
    """The clear value of one field, for one of the field's purposes and a stated
    reason; audited with both. The answer is sent with ``Cache-Control: no-store``.
    A value that was erased (or cannot be decrypted) is answered 410 with the reason."""
    value = _service().reveal(actor_of(request), record_id, body.field, body.purpose, body.reason)
    return RevealOut(field=body.field, value=value)


@router.patch(
    "/records/{record_id}",
    response={204: None, 400: ErrorOut, 410: ErrorOut, **READ_ERRORS},
    summary="Change one field",
    operation_id="updateRecord",
)
def update_record(request: HttpRequest, record_id: UUID, body: UpdateIn) -> Status[None]:
    """Replace one field's value, if the caller's role may write it (audited). A person
    whose data was erased gets nothing new recorded: 410."""
    _service().update(actor_of(request), record_id, body.field, body.value)
    return Status(204, None)


def _case_query(asked: ListQuery | SearchIn) -> CaseQuery:
    """The list's filters; a team the plan does not declare is refused (422)."""
    if asked.team and asked.team not in get_vault().plan.team_ids():
        raise ValidationError([{"loc": ("query", "team"), "msg": "there is no such team"}])
    if asked.created_from and asked.created_to and asked.created_from > asked.created_to:
        problem = "the end of the date range is before its start"
        raise ValidationError([{"loc": ("query", "created_to"), "msg": problem}])
    return CaseQuery(asked.status, asked.team, asked.created_from, asked.created_to, asked.sort)


def _dataset_out(dataset: DatasetAccess) -> DatasetOut:
    fields = [
        DatasetFieldOut(
            name=f.name,
            label=f.label,
            category=f.category,
            masking=f.masking,
            reveal=f.reveal,
            write=f.write,
            export=f.export,
        )
        for f in dataset.fields
    ]
    return DatasetOut(id=dataset.id, label=dataset.label, kind=dataset.kind, fields=fields)


def _page_out(page: PageQuery, views: list[RecordView]) -> RecordPageOut:
    return RecordPageOut(
        limit=page.limit, offset=page.offset, items=[_record_out(v) for v in views]
    )


def _record_out(view: RecordView) -> RecordOut:
    return RecordOut.model_validate(view, from_attributes=True)
