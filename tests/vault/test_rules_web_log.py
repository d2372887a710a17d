"""The web log's line rule and pruning rule, as tables: (plan keep-list, request) gives a
line, and (day files, retention, moment) gives the files to delete."""

from __future__ import annotations

import ipaddress
import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.policy.model import MINIMAL_LOG_FIELDS, LogField, WebLogs
from steward.vault.rules import (
    COUNTRY_LOCAL,
    COUNTRY_UNKNOWN,
    UNMATCHED,
    WebVisit,
    keeps_nothing,
    logs_request,
    web_log_entry,
    web_log_fields,
    web_log_file,
    web_log_file_day,
    web_log_files_to_prune,
    web_log_route,
    web_log_text,
)

RECORD = uuid.UUID("3f2b8c1e-9a4d-4e7f-8b2a-1c5d6e7f8a9b")
AFTERNOON = datetime(2026, 11, 30, 15, 47, 12, tzinfo=UTC)
RECORD_PAGE = WebVisit(AFTERNOON, "GB", "staff/records/<uuid:record_id>/", 200)
NOT_FOUND = WebVisit(AFTERNOON, COUNTRY_LOCAL, None, 404)


def _logs(*keep: str, retention: str | None = "90d") -> WebLogs:
    return WebLogs.model_validate({"keep": list(keep), "retention": retention})


@pytest.mark.parametrize(
    ("keep", "visit", "line"),
    [
        (("date", "country"), RECORD_PAGE, {"date": "2026-11-30", "country": "GB"}),
        (("country", "date"), RECORD_PAGE, {"date": "2026-11-30", "country": "GB"}),
        (("date",), RECORD_PAGE, {"date": "2026-11-30"}),
        (("country",), RECORD_PAGE, {"country": "GB"}),
        (
            ("date", "country", "path", "status"),
            RECORD_PAGE,
            {
                "date": "2026-11-30",
                "country": "GB",
                "path": "/staff/records/<record_id>/",
                "status": 200,
            },
        ),
        (("path",), NOT_FOUND, {"path": UNMATCHED}),
        (("status", "country"), NOT_FOUND, {"country": "local", "status": 404}),
        # The four fields a minimized log never keeps are never written, listed or not.
        (
            ("date", "time", "ip_address", "user_agent", "referrer"),
            RECORD_PAGE,
            {"date": "2026-11-30"},
        ),
        (("time", "ip_address", "user_agent", "referrer"), RECORD_PAGE, None),
        ((), RECORD_PAGE, None),
        # The day is the UTC day; the visitor's own time zone is never asked.
        (
            ("date",),
            WebVisit(
                datetime(2026, 12, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))), None, "", 200
            ),
            {"date": "2026-11-30"},
        ),
        # A country nobody looked up, or an address where a code should be: unknown.
        (("country",), WebVisit(AFTERNOON, None, "", 200), {"country": COUNTRY_UNKNOWN}),
        (("country",), WebVisit(AFTERNOON, "81.2.69.160", "", 200), {"country": COUNTRY_UNKNOWN}),
        (("country",), WebVisit(AFTERNOON, "gb", "", 200), {"country": COUNTRY_UNKNOWN}),
    ],
)
def test_a_line_holds_exactly_the_kept_fields(
    keep: tuple[str, ...], visit: WebVisit, line: dict[str, object] | None
) -> None:
    assert web_log_entry(_logs(*keep), visit) == line


def test_a_retention_of_zero_keeps_no_line() -> None:
    assert web_log_entry(_logs("date", retention="0d"), RECORD_PAGE) is None
    assert keeps_nothing(_logs("date", retention="0d"))
    assert not keeps_nothing(_logs("date", retention=None))
    assert keeps_nothing(_logs("ip_address"))


@pytest.mark.parametrize(
    ("route", "label"),
    [
        (None, "unmatched"),
        ("", "/"),
        ("staff/", "/staff/"),
        ("intake/<slug:dataset>/", "/intake/<dataset>/"),
        (
            "staff/records/<uuid:record_id>/reveal/<slug:field>/",
            "/staff/records/<record_id>/reveal/<field>/",
        ),
        ("api/records/<record_id>", "/api/records/<record_id>"),
        ("^legacy/(?P<pk>[0-9]+)/$", "/legacy/(?P<pk>[0-9]+)/"),
        # A pattern that (wrongly) held an id literally still writes none.
        (f"staff/records/{RECORD}/", "/staff/records/<id>/"),
        (f"staff/records/{RECORD.hex}", "/staff/records/<id>"),
        ("staff/jobs/12345/", "/staff/jobs/<id>/"),
    ],
)
def test_the_path_is_the_pattern_never_the_request(route: str | None, label: str) -> None:
    assert web_log_route(route) == label


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/", True),
        ("/staff/records/x/", True),
        ("/api/docs", True),
        ("/static/steward/steward.css", False),
        ("/healthz", False),
        ("/healthz/", True),
    ],
)
def test_static_files_and_the_health_check_are_not_visits(path: str, logged: bool) -> None:
    assert logs_request(path, "/static/") is logged


def test_a_line_is_one_line_of_json() -> None:
    entry = web_log_entry(_logs("date", "country", "path", "status"), RECORD_PAGE)
    assert entry is not None
    text = web_log_text(entry)
    assert text == (
        '{"date":"2026-11-30","country":"GB","path":"/staff/records/<record_id>/","status":200}\n'
    )
    assert json.loads(text) == entry


@st.composite
def visits(draw: st.DrawFn) -> tuple[WebVisit, str]:
    """A visit whose facts include an address, a record id and a time of day."""
    address = draw(st.ip_addresses()).exploded
    moment = draw(st.datetimes(timezones=st.just(UTC), min_value=datetime(2000, 1, 1)))
    record = draw(st.uuids())
    route = draw(st.sampled_from(["staff/records/<uuid:record_id>/", f"x/{record}/", None]))
    country = draw(st.sampled_from([address, "GB", None, COUNTRY_LOCAL, str(record)]))
    status = draw(st.integers(min_value=0, max_value=999))
    return WebVisit(moment, country, route, status), address + "|" + str(record)


@given(keep=st.lists(st.sampled_from(list(LogField))), drawn=visits())
def test_no_line_ever_holds_an_address_an_id_or_a_time(
    keep: list[LogField], drawn: tuple[WebVisit, str]
) -> None:
    visit, secrets = drawn
    entry = web_log_entry(WebLogs(keep=keep), visit)
    expected = {f.value for f in keep} & {f.value for f in MINIMAL_LOG_FIELDS}
    if not expected:
        assert entry is None
        return
    assert entry is not None
    assert set(entry) == expected
    assert list(entry) == [f.value for f in web_log_fields(keep)]  # date, country, path, status
    text = web_log_text(entry)
    address, record = secrets.split("|")
    assert address not in text
    assert str(ipaddress.ip_address(address)) not in text
    assert record not in text
    assert uuid.UUID(record).hex not in text
    assert visit.moment.strftime("%H:%M") not in text.replace(visit.moment.date().isoformat(), "")


# -- day files and pruning ------------------------------------------------------------------


def test_day_files_are_named_by_their_day() -> None:
    assert web_log_file(date(2026, 11, 30)) == "2026-11-30.jsonl"
    assert web_log_file_day("2026-11-30.jsonl") == date(2026, 11, 30)
    for other in ("2026-11-30.log", "notes.jsonl", "2026-13-40.jsonl", ".2026-11-30.jsonl"):
        assert web_log_file_day(other) is None


NOV_30 = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
FILES = ["2026-08-31.jsonl", "2026-09-01.jsonl", "2026-09-02.jsonl", "2026-11-30.jsonl", "keep.txt"]


@pytest.mark.parametrize(
    ("retention", "now", "deleted"),
    [
        (None, NOV_30, ()),
        # 90 days: the day that began 90 days ago goes (so no line is older than 90 days).
        (timedelta(days=90), NOV_30, ("2026-08-31.jsonl", "2026-09-01.jsonl")),
        (timedelta(days=90), NOV_30 - timedelta(seconds=1), ("2026-08-31.jsonl",)),
        (
            timedelta(days=90),
            NOV_30 + timedelta(days=1),
            ("2026-08-31.jsonl", "2026-09-01.jsonl", "2026-09-02.jsonl"),
        ),
        (timedelta(days=365), NOV_30, ()),
        # A day shorter than a day: today's file goes as soon as the period has passed.
        (timedelta(hours=12), NOV_30 + timedelta(hours=12), tuple(FILES[:4])),
        (timedelta(0), NOV_30, tuple(FILES[:4])),
    ],
)
def test_which_days_are_past_retention(
    retention: timedelta | None, now: datetime, deleted: tuple[str, ...]
) -> None:
    assert web_log_files_to_prune(reversed(FILES), retention, now) == deleted
