"""The case list: a page of a dataset's cases in scope, filtered, sorted, searched.

Filters (status, team, receipt dates), the order and the page size may come in the
address (GET) or the form (POST). A search term comes only in the form, by POST, so it
never lands in an address, a browser history or a server log; a search term sent in
the address is refused. Every value shown comes from
:class:`~steward.vault.services.access.AccessService`, which decides, masks and audits
(``record.list``, or ``record.search`` naming only the field searched).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import ceil
from typing import Final

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.views.decorators.http import require_http_methods

from steward.policy.model import Dataset, Scope
from steward.vault.rules.case_query import (
    PAGE_SIZES,
    SORT_LABELS,
    CaseQuery,
    StatusFilter,
    page_size,
    parse_query,
)
from steward.vault.runtime import get_vault
from steward.vault.services.access import MAX_OFFSET, AccessDenied, AccessService, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable
from steward.vault.services.case_list import CasePage
from steward.vault.views.staff import service_error
from steward.vault.views.staff_common import page, staff_page

STATISTICS_URL: Final = "/staff/statistics/"
OVERSIGHT_URL: Final = "/staff/oversight/"

TEMPLATE: Final = "steward/staff/cases.html"
TERM_IN_ADDRESS: Final = (
    "a search term never goes in the address: use the search form on the case list"
)
MAX_TERM_CHARS: Final = 320


@dataclass(frozen=True)
class Search:
    """A search asked for by the form: a searchable field and the term typed."""

    field: str
    term: str


@require_http_methods(["GET", "POST"])
@staff_page
def case_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The staff home page: a dataset's cases in scope, filtered, sorted and searched
    (see the module), a page at a time, masked. A role that acts for a recipient sees
    counts only: its home is the statistics page; a member of the oversight body reads
    no case: its home is the oversight page."""
    if actor.role.recipient is not None:
        return HttpResponseRedirect(STATISTICS_URL)
    if actor.role.oversees:
        return HttpResponseRedirect(OVERSIGHT_URL)
    params = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and ("term" in request.GET or "q" in request.GET):
        return _render(request, actor, {"problems": {"term": TERM_IN_ADDRESS}}, status=400)
    service = AccessService(get_vault())
    datasets = service.readable_datasets(actor)
    if not datasets:
        return _render(request, actor, {"datasets": []})
    wanted = params.get("dataset", "")
    chosen = next((d for d in datasets if d.id == wanted), None if wanted else datasets[0])
    if chosen is None:  # let the access service refuse it (audited), 404 or 403
        try:
            service.count_records(actor, wanted)
        except (AccessDenied, NotFound) as error:
            return service_error(request, error, actor)
        return service_error(request, NotFound(f"there is no dataset '{wanted}'"), actor)
    teams = _teams(actor)
    query, problems = parse_query(_text(params), frozenset(teams))
    size = page_size(params.get("size", ""))
    if size is None:
        problems["size"] = f"the page size is one of {', '.join(map(str, PAGE_SIZES))}"
        size = PAGE_SIZES[1]
    number = _page_number(params.get("page", ""))
    if number is None:
        problems["page"] = "the page number must be 1 or more"
        number = 1
    searchable = _searchable(service, actor, chosen)
    search, problem = _search(request, searchable)
    if problem:
        problems["term"] = problem
    context: dict[str, object] = {
        "datasets": datasets,
        "chosen": chosen.id,
        "query": query,
        "teams": teams,
        "searchable": searchable,
        "search": search,
        "size": size,
        "problems": problems,
    }
    if problems:
        return _render(request, actor, context, status=400)
    offset = min((number - 1) * size, MAX_OFFSET)
    try:
        found = _find(service, actor, chosen.id, query, search, size, offset)
    except (AccessDenied, NotFound, AuditUnavailable) as error:
        return service_error(request, error, actor)
    pages = max(1, ceil(found.total / size))
    shown = found.items
    context.update(
        rows=shown,
        columns=[(f.name, f.label) for f in shown[0].fields] if shown else [],
        total=found.total,
        truncated=found.truncated,
        page=number,
        pages=pages,
        previous=number - 1 if number > 1 else None,
        next=number + 1 if number < pages else None,
        first_shown=offset + 1 if shown else 0,
        last_shown=offset + len(shown),
        filtered=query != CaseQuery() or search is not None,
        addressed=_address(chosen.id, query, size),
    )
    return _render(request, actor, context)


def _find(
    service: AccessService,
    actor: Actor,
    dataset: str,
    query: CaseQuery,
    search: Search | None,
    size: int,
    offset: int,
) -> CasePage:
    if search is not None:
        return service.find_records(
            actor, dataset, search.field, search.term, limit=size, offset=offset, query=query
        )
    views = service.list_records(actor, dataset, limit=size, offset=offset, query=query)
    return CasePage(views, service.count_records(actor, dataset, query=query))


def _render(
    request: HttpRequest, actor: Actor, context: dict[str, object], *, status: int = 200
) -> HttpResponse:
    defaults: dict[str, object] = {
        "datasets": [],
        "query": CaseQuery(),
        "teams": [],
        "searchable": [],
        "search": None,
        "size": PAGE_SIZES[1],
        "problems": {},
        "rows": [],
        "statuses": [(s.value, s.value.title()) for s in StatusFilter],
        "sorts": [(s.value, label) for s, label in SORT_LABELS.items()],
        "sizes": PAGE_SIZES,
    }
    return page(request, TEMPLATE, {**defaults, **context}, status=status, actor=actor)


def _teams(actor: Actor) -> list[str]:
    """The teams the list may be narrowed to: every team for roles that see all."""
    plan = get_vault().plan
    if actor.role.scope is Scope.ALL:
        return sorted(plan.team_ids())
    return [actor.team] if actor.team else []


def _text(params: QueryDict) -> Mapping[str, str]:
    return {k: params.get(k, "") for k in ("status", "team", "from", "to", "sort")}


def _page_number(raw: str) -> int | None:
    text = raw.strip() or "1"
    return int(text) if text.isdigit() and 0 < int(text) <= 100_000 else None


def _searchable(service: AccessService, actor: Actor, dataset: Dataset) -> list[tuple[str, str]]:
    """``(name, label)`` of the dataset's searchable fields the actor reads."""
    read = {
        f.name
        for access in service.dataset_access(actor)
        if access.id == dataset.id
        for f in access.fields
    }
    return [(f.name, f.label) for f in dataset.collected_fields if f.searchable and f.name in read]


def _search(request: HttpRequest, searchable: list[tuple[str, str]]) -> tuple[Search | None, str]:
    """The search the form asks for, or none; and what is wrong with it, if anything."""
    if request.method != "POST":
        return None, ""
    term = request.POST.get("term", "").strip()
    if not term:
        return None, ""
    field = request.POST.get("field", "")
    if field not in {name for name, _ in searchable}:
        return None, "choose one of the fields you may search by"
    if len(term) > MAX_TERM_CHARS:
        return None, f"the search term is too long (at most {MAX_TERM_CHARS} characters)"
    return Search(field, term), ""


def _address(dataset: str, query: CaseQuery, size: int) -> str:
    """The list's filters as an address (never a search term): for page links."""
    parts = {
        "dataset": dataset,
        "status": query.status.value,
        "team": query.team,
        "from": query.created_from.isoformat() if query.created_from else "",
        "to": query.created_to.isoformat() if query.created_to else "",
        "sort": query.sort.value,
        "size": str(size),
    }
    address = QueryDict(mutable=True)
    address.update({k: v for k, v in parts.items() if v})
    return address.urlencode()
