"""Span-level redaction of free text: personal data becomes typed placeholders.

:func:`redact_text` redacts one text, :func:`redact_series` a Polars column,
:func:`redact_expr` a column inside a lazy plan (the recipes' ``redact`` operation),
and :func:`redact_file` the text columns of a data file (``steward deid redact``). The
detectors are the scan's (:mod:`steward.deid.scan.registry`).
"""

from steward.deid.redact.files import FileRedaction, redact_file
from steward.deid.redact.text import (
    RedactedText,
    Span,
    check_region,
    find_spans,
    redact_expr,
    redact_series,
    redact_text,
    resolve_kinds,
)

__all__ = [
    "FileRedaction",
    "RedactedText",
    "Span",
    "check_region",
    "find_spans",
    "redact_expr",
    "redact_file",
    "redact_series",
    "redact_text",
    "resolve_kinds",
]
