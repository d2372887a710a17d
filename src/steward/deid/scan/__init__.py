"""Scanning data for personal information: per column, the kinds found with their
evidence and confidence, and a suggested role (direct identifier, quasi-identifier,
sensitive attribute or none)."""

from steward.deid.scan.roles import Role
from steward.deid.scan.scan import (
    DEFAULT_SAMPLE,
    ColumnReport,
    KindFinding,
    ScanReport,
    scan_column,
    scan_file,
    scan_frame,
)

__all__ = [
    "DEFAULT_SAMPLE",
    "ColumnReport",
    "KindFinding",
    "Role",
    "ScanReport",
    "scan_column",
    "scan_file",
    "scan_frame",
]
