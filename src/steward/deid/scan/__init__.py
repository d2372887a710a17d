"""Scanning data for personal information: per column, the kinds found with their
evidence and confidence, and a suggested role (direct identifier, quasi-identifier,
sensitive attribute or none).

:func:`to_json`, :func:`to_table` and :func:`masked_examples` present a report; they are
imported when first used (:mod:`steward._lazy`), because the table needs Rich.
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports
from steward.deid.limits import DEFAULT_SAMPLE
from steward.deid.scan.roles import Role
from steward.deid.scan.scan import (
    ColumnReport,
    KindFinding,
    ScanReport,
    scan_column,
    scan_file,
    scan_frame,
)

if TYPE_CHECKING:
    from steward.deid.scan.report import masked_examples, to_json, to_table
else:
    __getattr__, __dir__ = lazy_exports(
        __name__, {"report": ["masked_examples", "to_json", "to_table"]}
    )

__all__ = [
    "DEFAULT_SAMPLE",
    "ColumnReport",
    "KindFinding",
    "Role",
    "ScanReport",
    "masked_examples",
    "scan_column",
    "scan_file",
    "scan_frame",
    "to_json",
    "to_table",
]
