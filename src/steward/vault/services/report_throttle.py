"""Taking a public vulnerability report from a network address, under the limit of
:mod:`steward.vault.rules.report_throttle`.

Each taken report writes one row of the access-code tries table
(:class:`~steward.vault.models.CodeAttempt`) under ``report:`` and a keyed hash of the
address: never the address itself. The daily pruning job deletes the rows after a day,
as it does the tries of access codes. Two reports arriving at the same instant may both
pass the last free place: the limit is a brake on flooding, not an exact count.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from hashlib import sha256
from typing import Final

from django.conf import settings

from steward.errors import StewardError
from steward.vault.models import CodeAttempt
from steward.vault.rules.report_throttle import ReportLimit, wait_seconds
from steward.vault.runtime import Vault
from steward.vault.services.code_sign_in import wait_words

__all__ = ["ReportThrottled", "configured_limit", "report_key", "take_report_place"]

PREFIX: Final = "report:"


class ReportThrottled(StewardError):
    """Too many reports from this address lately; try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            "too many reports came from your network in the last hour; nothing was "
            f"stored: try again in {wait_words(retry_after)}, or write to the contact below"
        )


def configured_limit() -> ReportLimit:
    """The limit in force: ``STEWARD_REPORT_LIMIT`` reports an hour (default 10)."""
    base = ReportLimit()
    return ReportLimit(reports=int(getattr(settings, "STEWARD_REPORT_LIMIT", base.reports)))


def report_key(vault: Vault, address: str) -> str:
    """The row key of reports from ``address``: a keyed hash under the vault's
    access-code key, so the table never holds an address."""
    piece = b"report-address:" + address.encode("utf-8", "surrogatepass")
    return PREFIX + hmac.new(vault.access_code_key, piece, sha256).hexdigest()


def take_report_place(vault: Vault, address: str, now: datetime) -> None:
    """Count a report from ``address`` at ``now`` if the limit allows it.

    Call it inside the transaction that stores the report, so a report that is not
    stored is not counted.

    Raises:
        ReportThrottled: the address sent its limit within the window; nothing counted.
    """
    limit = configured_limit()
    key = report_key(vault, address)
    recent = CodeAttempt.objects.filter(key=key, at__gt=now - limit.window)
    received = list(recent.order_by("-at").values_list("at", flat=True)[: limit.reports])
    wait = wait_seconds(received, limit, now)
    if wait:
        raise ReportThrottled(wait)
    CodeAttempt.objects.create(key=key, at=now, succeeded=True)
