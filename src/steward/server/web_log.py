"""The vault's own web log: one minimized line per page or API request, only what the
plan's ``operations.web_logs.keep`` lists.

:class:`WebLogMiddleware` comes first in ``MIDDLEWARE``, so it sees the answer every
other layer settled on (a redirect, a 403, a busy 503, a 500 page). What a line holds
is decided by :func:`steward.vault.rules.web_log_entry`; this module gathers the facts
and appends the line to the day's file in ``STEWARD_WEB_LOG_DIR``
(``<data dir>/web-log/2026-11-30.jsonl``; folder owner-only, files ``0600``).

The client address (``REMOTE_ADDR``, which waitress sets from the trusted proxy's
``X-Forwarded-For`` only) is read to look up the country, when the plan keeps the
country, and is then dropped: it is never written, logged or kept. The user agent,
the referrer, the requested path and the time of day are never read at all.

Why a file and not a table: a page view then costs no database write (SQLite has one
writer at a time), the log is not copied into the database backups (so a restored
backup cannot bring back visits past the plan's retention), and deleting a day is
removing one file. The scheduled ``web-log-pruning`` job deletes the days past the
plan's retention (:mod:`steward.vault.services.web_log_pruning`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, date
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from steward.clock import now
from steward.policy.model import LogField
from steward.server.geoip import visitor_country
from steward.vault import get_vault
from steward.vault.rules import (
    WebVisit,
    logs_request,
    web_log_entry,
    web_log_fields,
    web_log_file,
    web_log_text,
)

logger = logging.getLogger(__name__)
FOLDER_MODE = 0o700
FILE_MODE = 0o600


class WebLogMiddleware:
    """Append one web log line per page or API request; never fails the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        try:
            record_visit(request, response.status_code)
        except Exception as error:  # the log must never cost a visitor their answer
            logger.warning("a web log line was not written (%s)", type(error).__name__)
        return response


def record_visit(request: HttpRequest, status: int) -> None:
    """Write the line the plan keeps for ``request``, answered with ``status`` (if any).

    Raises:
        OSError: the web log folder or the day's file cannot be written.
    """
    if not logs_request(request.path_info, settings.STATIC_URL or ""):
        return
    web_logs = get_vault().plan.operations.web_logs
    fields = web_log_fields(web_logs.keep)
    if not fields:
        return
    country = None
    if LogField.COUNTRY in fields:
        country = visitor_country(request.META.get("REMOTE_ADDR"))
    match = getattr(request, "resolver_match", None)
    visit = WebVisit(now(), country, getattr(match, "route", None), status)
    entry = web_log_entry(web_logs, visit)
    if entry is not None:
        append_line(web_log_folder(), visit.moment.astimezone(UTC).date(), web_log_text(entry))


def web_log_folder() -> Path:
    """The folder of the day files (``STEWARD_WEB_LOG_DIR``)."""
    return Path(settings.STEWARD_WEB_LOG_DIR)


def append_line(folder: Path, day: date, text: str) -> None:
    """Append ``text`` (one line) to the file of ``day`` in ``folder``.

    One ``write`` with ``O_APPEND``, so lines from several threads or processes never
    interleave. The folder is made owner-only, the file ``0600``.

    Raises:
        OSError: the folder or file cannot be created or written.
    """
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    path = folder / web_log_file(day)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    try:
        os.write(descriptor, text.encode("ascii"))
    finally:
        os.close(descriptor)
