"""Roles: who may do what with which purposes or categories."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from steward.policy.model.common import Identifier, PlanModel, Text


class Action(StrEnum):
    """What a role can do with a field."""

    READ = "read"
    REVEAL = "reveal"
    WRITE = "write"
    EXPORT = "export"


class Scope(StrEnum):
    """Which records a role reaches."""

    ALL = "all"
    TEAM = "team"
    ASSIGNED = "assigned"
    OWN = "own"


class Grant(PlanModel):
    """Fields a grant covers: those serving any listed purpose or of any listed category."""

    purposes: list[Identifier] = Field(default_factory=list)
    categories: list[Identifier] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether the grant covers nothing."""
        return not self.purposes and not self.categories


class Role(PlanModel):
    """A need-to-know role held by named, individual accounts."""

    id: Identifier
    label: Text
    description: Text | None = None
    staff: bool = Field(default=True, description="False for the people the data is about.")
    read: Grant = Field(default_factory=Grant)
    reveal: Grant = Field(default_factory=Grant)
    write: Grant = Field(default_factory=Grant)
    export: Grant = Field(default_factory=Grant)
    scope: Scope = Scope.ASSIGNED
    mfa: bool = False
    shared_account: bool = Field(default=False, description="Never allowed; stated to be checked.")
    temporary: bool = False
    expires: date | None = None
    approves_disclosures: bool = False
    reads_audit: bool = False
    oversees: bool = Field(
        default=False,
        description="Members of the oversight body: read-only, they see the audit log's "
        "checkpoints, the registers, access statistics, plan changes and review reports.",
    )
    recipient: Identifier | None = Field(
        default=None,
        description="Accounts of this role act for that plan recipient and see only its "
        "aggregate releases (a recipient that receives aggregates only).",
    )

    def grant(self, action: Action) -> Grant:
        """The grant for ``action``."""
        return {
            Action.READ: self.read,
            Action.REVEAL: self.reveal,
            Action.WRITE: self.write,
            Action.EXPORT: self.export,
        }[action]
