"""Operational policies: web logs, backups, incidents, vulnerability disclosure."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from steward.policy.duration import DurationField
from steward.policy.model.common import PlanModel, Text


class LogField(StrEnum):
    """What a web access-log line may record."""

    DATE = "date"
    TIME = "time"
    COUNTRY = "country"
    IP_ADDRESS = "ip_address"
    USER_AGENT = "user_agent"
    REFERRER = "referrer"
    PATH = "path"
    STATUS = "status"


MINIMAL_LOG_FIELDS = frozenset({LogField.DATE, LogField.COUNTRY, LogField.PATH, LogField.STATUS})
"""What a minimized access log may keep: no time, address, browser or referrer."""


class Cookie(PlanModel):
    """A cookie the organization's pages set."""

    name: Text
    purpose: Text
    expires: Text = "end of session"


class WebLogs(PlanModel):
    """What visiting the organization's pages leaves behind."""

    keep: list[LogField] = Field(default_factory=lambda: [LogField.DATE, LogField.COUNTRY])
    retention: DurationField | None = None
    third_party_analytics: bool = False
    cookies: list[Cookie] | None = Field(
        default=None,
        description="Every cookie the pages set; [] states that they set none.",
    )


class Backups(PlanModel):
    """How backups are made and protected."""

    enabled: bool = True
    encrypted: bool = False
    frequency: Text | None = Field(default=None, description="e.g. daily")
    retention: DurationField | None = None
    offsite: bool = False
    restore_tested_every: DurationField | None = None


class Incidents(PlanModel):
    """Breach response and its legal deadlines."""

    keep_register: bool = True
    notify_authority_within: DurationField | None = None
    notify_people_within: DurationField | None = None
    response_plan: Text | None = None
    contact: Text | None = None


class VulnerabilityDisclosure(PlanModel):
    """The clock for telling stakeholders about reported vulnerabilities."""

    accepts_reports: bool = True
    disclose_within: DurationField | None = None
    contact: Text | None = None


class CommunityAlerts(PlanModel):
    """Public alerts made from the non-sensitive parts of incidents."""

    publish: bool = Field(
        default=True, description="Alerts reviewed by a person go to a public page and feed."
    )
    partner_approval: bool = Field(
        default=True,
        description="The partner an incident concerns approves the alert before it is published.",
    )


class Operations(PlanModel):
    """Web logs, backups, incidents, vulnerability disclosure and community alerts."""

    web_logs: WebLogs = Field(default_factory=WebLogs)
    backups: Backups | None = None
    incidents: Incidents | None = None
    vulnerability_disclosure: VulnerabilityDisclosure | None = None
    community_alerts: CommunityAlerts | None = None
