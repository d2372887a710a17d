"""Errors of the de-identification engine."""

from __future__ import annotations

from steward.errors import StewardError


class DataFileError(StewardError):
    """A data file cannot be read as a table; the message says where and why."""


class DeidError(StewardError):
    """A de-identification request cannot be carried out (bad columns, bad settings)."""
