"""Keeping requests and visitors out of the server's logs: no path, no query, no record
id, no network address, no time of day, no traceback.

Django's ``django.request`` logger writes ``"Internal Server Error: /staff/records/<id>/"``
with the request attached and a full traceback, and waitress writes ``"Exception while
serving /path"``. Paths name records, and tracebacks carry exception messages, which can
quote stored values (a database error citing a row). :class:`RequestPrivacyFilter`
rewrites every record that reaches the vault's log handler:

* a record about a request says only its status and the name of the view;
* an exception is named by its type, never its message or traceback;
* any path in a waitress message is replaced by ``<path>``;
* anything shaped like an id (a UUID) that is left is replaced by ``<id>``;
* any IPv4 or IPv6 address is replaced by ``<address>`` (waitress names the forwarded
  client address when a proxy header is malformed, and a failing connection by its
  peer), except in waitress's own "Serving on" line, which names where it listens;
* the time of a timestamp is dropped (``2026-11-30T13:45:02+00:00`` keeps its date),
  and a bare time of day becomes ``<time>``;
* a Python warning is named by its category and the line of code that raised it.

:func:`configure_logging` (Django's ``LOGGING_CONFIG``) applies ``LOGGING`` and then
sends what Python would print to standard error itself through the same handler:
warnings (``logging.captureWarnings``), and the error that ends a thread, the process,
or a finalizer (``threading.excepthook``, ``sys.excepthook``, ``sys.unraisablehook``),
each named by its type only.
"""

from __future__ import annotations

import ipaddress
import logging
import logging.config
import re
import sys
import threading
from types import TracebackType
from typing import Any, Final

UUID_PATTERN: Final = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
PATH_PATTERN: Final = re.compile(r"(?<=\s)/[^\s'\"]*")
REQUEST_LOGGERS: Final = ("django.request", "django.security", "django.server")
IPV6_CANDIDATE: Final = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4})"
    r"(?:%[\w.]+)?(?![\w:])"
)
IPV4_CANDIDATE: Final = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
TIMESTAMP: Final = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
TIME_OF_DAY: Final = re.compile(r"(?<![\w:.])\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?![\w:])")
WARNING_PLACE: Final = re.compile(r"^(?P<place>.*?:\d+): (?P<category>\w+):")
UNCAUGHT_LOGGER: Final = "steward.uncaught"


class RequestPrivacyFilter(logging.Filter):
    """Rewrite log records so that no request path, record id or exception text remains."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record`` in place; always lets it through."""
        request: Any = getattr(record, "request", None)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        banner = record.name.startswith("waitress") and message.startswith("Serving on ")
        if request is not None or record.name.startswith(REQUEST_LOGGERS):
            message = _about_request(record, request)
        elif record.name.startswith("waitress"):
            message = PATH_PATTERN.sub("<path>", message)
        elif record.name == "py.warnings":
            message = _about_warning(message)
        if record.exc_info and record.exc_info[1] is not None:
            message += f" ({type(record.exc_info[1]).__name__})"
        record.msg = message if banner else scrub(message)
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        if request is not None:
            record.request = None
        return True


def scrub(message: str) -> str:
    """``message`` without ids, network addresses or times of day."""
    message = UUID_PATTERN.sub("<id>", message)
    message = TIMESTAMP.sub(r"\1", message)
    message = TIME_OF_DAY.sub("<time>", message)
    message = IPV6_CANDIDATE.sub(_address, message)
    return IPV4_CANDIDATE.sub(_address, message)


def _address(match: re.Match[str]) -> str:
    """``<address>`` if the match is a network address, else the text unchanged."""
    text = match.group(0)
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return text
    return "<address>"


def _about_warning(message: str) -> str:
    """``"warning <Category> at <file>:<line>"``: a warning's text can quote values."""
    found = WARNING_PLACE.match(message)
    if found is None:
        return "warning"
    return f"warning {found.group('category')} at {found.group('place')}"


def configure_logging(config: dict[str, Any]) -> None:
    """Apply ``config`` (Django's ``LOGGING``), then route warnings and the errors that
    end a thread, the process or a finalizer through the logging handlers, so that what
    they write passes :class:`RequestPrivacyFilter` instead of printing a traceback."""
    logging.config.dictConfig(config)
    logging.captureWarnings(True)
    threading.excepthook = log_thread_error
    sys.excepthook = log_uncaught_error
    sys.unraisablehook = log_unraisable_error


def log_thread_error(args: threading.ExceptHookArgs) -> None:
    """``threading.excepthook``: name the thread and the error's type, nothing more."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "a thread"
    logging.getLogger(UNCAUGHT_LOGGER).error(
        "thread %s stopped on an error", name, exc_info=_exc_info(args)
    )


def log_uncaught_error(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    """``sys.excepthook``: the process stops on an error; say its type, not its text.
    Ctrl+C is left to Python."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    logging.getLogger(UNCAUGHT_LOGGER).error(
        "the process stopped on an error", exc_info=(kind, error, trace)
    )


def log_unraisable_error(unraisable: Any) -> None:
    """``sys.unraisablehook``: an error Python could not raise (in a finalizer, say)."""
    error = unraisable.exc_value
    kind = type(error).__name__ if error is not None else "unknown"
    logging.getLogger(UNCAUGHT_LOGGER).error("an error was ignored (%s)", kind)


def _exc_info(
    args: threading.ExceptHookArgs,
) -> tuple[type[BaseException], BaseException, TracebackType | None] | None:
    if args.exc_value is None:
        return None
    return (args.exc_type, args.exc_value, args.exc_traceback)


def _about_request(record: logging.LogRecord, request: Any) -> str:
    """``"<reason> (<status>) in view <name>"``, or just the logger's plain text."""
    status = getattr(record, "status_code", None)
    match = getattr(request, "resolver_match", None)
    view = getattr(match, "view_name", None) or "unknown"
    if status is None:
        return f"request refused in view {view}"
    from http import HTTPStatus

    try:
        reason = HTTPStatus(int(status)).phrase
    except ValueError:
        reason = "response"
    return f"{reason} ({status}) in view {view}"
