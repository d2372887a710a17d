"""What a line of the vault's web log holds, and which days of the log are past the plan's
retention: pure decisions.

The plan's ``operations.web_logs.keep`` lists what a line may hold. Only the fields of
a minimized log can ever be written (:data:`~steward.policy.model.MINIMAL_LOG_FIELDS`):

========  ==========================================================================
date      the day of the request in UTC (``2026-11-30``), never the time of day
country   a two-letter country code, ``local`` (a loopback or private address) or
          ``unknown``; never the address it was looked up from
path      the URL pattern the request matched, with placeholders
          (``/staff/records/<record_id>/``), never the path that was asked for;
          ``unmatched`` when no pattern matched
status    the HTTP status of the answer (``200``, ``302``, ``404``)
========  ==========================================================================

``time``, ``ip_address``, ``user_agent`` and ``referrer`` are never written, even when a
plan lists them (such a plan fails check OPS001, and the vault refuses to start under
it). A line is one JSON object with exactly the written fields, in that order. The log
keeps one file per day (``2026-11-30.jsonl``); a day's file is deleted as soon as the
first moment of that day is ``operations.web_logs.retention`` old, so no line outlives
the plan's period. A retention of zero keeps nothing at all.

Plain Python: no web framework, no database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, TypeAlias

from steward.policy.model import MINIMAL_LOG_FIELDS, LogField, WebLogs
from steward.vault.rules.schedule import duration_interval

COUNTRY_LOCAL: Final = "local"
"""The country of a loopback, private or otherwise non-public address."""
COUNTRY_UNKNOWN: Final = "unknown"
"""The country of an address the database does not place (or that could not be read)."""
UNMATCHED: Final = "unmatched"
"""The path of a request that matched no URL pattern (a 404, a refused host)."""

WRITTEN_ORDER: Final = (LogField.DATE, LogField.COUNTRY, LogField.PATH, LogField.STATUS)
_COUNTRY_CODE: Final = re.compile(r"[A-Z]{2}")
_CONVERTER: Final = re.compile(r"<(?:[a-z_]+:)?([a-z_][a-z0-9_]*)>")
_ID_LIKE: Final = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
    r"|(?<=/)\d+(?=/|$)"
)
_FILE: Final = re.compile(r"^(\d{4}-\d{2}-\d{2})\.jsonl$")
MAX_ROUTE_CHARS: Final = 200

LineValue: TypeAlias = str | int
"""A value in a web log line."""


@dataclass(frozen=True)
class WebVisit:
    """What the server knows about one request, held in memory only.

    Attributes:
        moment: when it was answered (timezone-aware); only its UTC day can be written.
        country: the visitor's country as looked up (``None`` when nobody looked).
        route: the URL pattern the request matched (Django's ``resolver_match.route``),
            or ``None``.
        status: the HTTP status of the answer.
    """

    moment: datetime
    country: str | None
    route: str | None
    status: int


def web_log_fields(keep: Iterable[LogField]) -> tuple[LogField, ...]:
    """The fields a line holds under ``keep``: those of a minimized log that it lists,
    in the order date, country, path, status."""
    wanted = set(keep) & MINIMAL_LOG_FIELDS
    return tuple(f for f in WRITTEN_ORDER if f in wanted)


def keeps_nothing(web_logs: WebLogs) -> bool:
    """Whether the plan keeps no web log at all: no field to write, or a retention of zero."""
    if not web_log_fields(web_logs.keep):
        return True
    return web_logs.retention is not None and duration_interval(web_logs.retention) <= timedelta(0)


def web_log_entry(web_logs: WebLogs, visit: WebVisit) -> dict[str, LineValue] | None:
    """The line ``visit`` leaves under the plan's ``web_logs``; ``None`` when it keeps none.

    The line has exactly :func:`web_log_fields` of ``web_logs.keep``, each reduced as the
    module describes. A country that is not a two-letter code, ``local`` or ``unknown``
    is written as ``unknown``, so no address can slip through the lookup.
    """
    if keeps_nothing(web_logs):
        return None
    values: dict[LogField, LineValue] = {
        LogField.DATE: visit.moment.astimezone(UTC).date().isoformat(),
        LogField.COUNTRY: web_log_country(visit.country),
        LogField.PATH: web_log_route(visit.route),
        LogField.STATUS: visit.status if 100 <= visit.status <= 599 else 0,
    }
    return {field.value: values[field] for field in web_log_fields(web_logs.keep)}


def web_log_country(country: str | None) -> str:
    """``country`` if it is a two-letter code, ``local`` or ``unknown``; else ``unknown``."""
    if country in (COUNTRY_LOCAL, COUNTRY_UNKNOWN):
        return country
    if country is not None and _COUNTRY_CODE.fullmatch(country):
        return country
    return COUNTRY_UNKNOWN


def web_log_route(route: str | None) -> str:
    """The URL pattern as a path with named placeholders: ``staff/records/<uuid:record_id>/``
    becomes ``/staff/records/<record_id>/``. Anything a pattern might hold literally that
    looks like an id (a UUID, a number between slashes) becomes ``<id>``; no pattern
    gives ``unmatched``."""
    if route is None:
        return UNMATCHED
    named = _CONVERTER.sub(r"<\1>", route.lstrip("^").rstrip("$"))
    cleaned = _ID_LIKE.sub("<id>", named)
    return ("/" + cleaned.lstrip("/"))[:MAX_ROUTE_CHARS]


def web_log_text(entry: dict[str, LineValue]) -> str:
    """One line of the log file: the entry as compact JSON, then a newline."""
    return json.dumps(entry, separators=(",", ":"), ensure_ascii=True) + "\n"


HEALTH_CHECK_PATH: Final = "/healthz"
"""The process's health check (:mod:`steward.server.health`), polled by proxies and
service managers: not a visit."""


def logs_request(path: str, static_prefix: str) -> bool:
    """Whether a request for ``path`` belongs in the web log: pages and the API do, the
    style sheets and scripts under ``static_prefix`` and the health check do not."""
    if path == HEALTH_CHECK_PATH:
        return False
    return not (static_prefix and path.startswith(static_prefix))


def web_log_file(day: date) -> str:
    """The name of the file that holds ``day``'s lines."""
    return f"{day.isoformat()}.jsonl"


def web_log_file_day(name: str) -> date | None:
    """The day a file of the log holds, or ``None`` when ``name`` is not such a file."""
    match = _FILE.match(name)
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def web_log_files_to_prune(
    names: Iterable[str], retention: timedelta | None, now: datetime
) -> tuple[str, ...]:
    """The day files (of ``names``) to delete at ``now``: each whose day began at least
    ``retention`` ago, oldest first. Without a retention nothing is deleted; other
    names are never touched."""
    if retention is None:
        return ()
    due: list[tuple[date, str]] = []
    for name in names:
        day = web_log_file_day(name)
        if day is not None and datetime.combine(day, time(0), UTC) + retention <= now:
            due.append((day, name))
    return tuple(name for _, name in sorted(due))
