"""Every action the vault records in its audit log, by one name each.

The audit log stores the value (``record.read``); code names the member
(``AuditAction.RECORD_READ``), so a misspelt action is a type error, not a new kind of
entry nobody searches for.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """What an audit entry records."""

    RECORD_CREATE = "record.create"
    """A record was stored (intake, unsealing)."""

    RECORD_LIST = "record.list"
    """A page of records was listed, masked."""

    RECORD_READ = "record.read"
    """One record was read, masked."""

    RECORD_SEARCH = "record.search"
    """Records were searched by a blind index."""

    RECORD_ASSIGN = "record.assign"
    """A case was assigned or handed to another team."""

    RECORD_CLOSE = "record.close"
    """A case was closed, with a reason."""

    RECORD_REOPEN = "record.reopen"
    """A closed case was reopened, with a reason."""

    FIELD_REVEAL = "field.reveal"
    """One field was revealed in clear, with a purpose and a reason."""

    FIELD_WRITE = "field.write"
    """One field was changed."""

    DATASET_EXPORT = "dataset.export"
    """A dataset was exported in clear."""

    DATASET_IMPORT = "dataset.import"
    """A file of rows was imported into a table, with its provenance."""

    SEALED_RECEIVE = "sealed.receive"
    """A sealed submission was received."""

    ACCOUNT_CREATE = "account.create"
    """A staff account was created."""

    ACCOUNT_PASSWORD_RESET = "account.password_reset"  # noqa: S105 - an action name
    """A one-time password was issued."""

    ACCOUNT_UNLOCK = "account.unlock"
    """A locked user name was unlocked."""

    ACCOUNT_DISABLE = "account.disable"
    """A staff account was disabled."""

    ACCOUNT_PASSWORD_CHANGE = "account.password_change"  # noqa: S105 - an action name
    """A person changed their password."""

    ACCOUNT_PASSWORD_CHANGE_FAILED = "account.password_change_failed"  # noqa: S105
    """A password change was refused."""

    SESSION_LOGIN = "session.login"
    """A staff member signed in."""

    SESSION_LOGIN_FAILED = "session.login_failed"
    """A sign-in was refused."""

    SESSION_LOGOUT = "session.logout"
    """A staff member signed out."""

    SESSION_REFUSED = "session.refused"
    """A signed-in session was ended and refused."""

    SESSION_MFA = "session.mfa"
    """A second factor was passed."""

    SESSION_MFA_FAILED = "session.mfa_failed"
    """A second-factor code was wrong."""

    TOKEN_CREATE = "token.create"  # noqa: S105 - an action name
    """A service token was created."""

    TOKEN_REVOKE = "token.revoke"  # noqa: S105 - an action name
    """A service token was revoked."""

    AUDIT_READ = "audit.read"
    """The audit log was browsed."""

    AUDIT_VERIFY = "audit.verify"
    """The audit log was verified."""

    JOBS_READ = "jobs.read"
    """The scheduled-jobs page was opened."""

    BACKUP_CREATE = "backup.create"
    """A backup was taken."""

    BACKUP_PRUNE = "backup.prune"
    """A backup past the plan's retention was deleted."""

    PLAN_ACKNOWLEDGE = "plan.acknowledge"
    """A staff member acknowledged the plan text the vault runs under."""

    PLAN_ACKNOWLEDGEMENTS_READ = "plan.acknowledgements_read"
    """The list of who acknowledged the plan was read (or refused)."""

    RECORD_PURGE = "record.purge"
    """A whole record was purged (deleted, aggregated or anonymized); no values logged."""

    RECORD_FIELDS_PURGE = "record.fields_purge"
    """Some fields of a record were purged as their retention ended."""

    SUBJECT_ERASE = "subject.erase"
    """A person was erased: every record, consent, access code and their key."""

    KEY_SHRED = "key.shred"
    """A person's data key was shredded once nothing of theirs was kept."""

    RETENTION_SWEEP = "retention.sweep"
    """The retention sweep ran (counts only)."""

    RETENTION_READ = "retention.read"
    """The retention page or API was read."""

    LEDGER_REPLAY = "ledger.replay"
    """The erasure ledger was replayed onto the database (after a restore, at start)."""

    ERASURE_REQUEST = "erasure.request"
    """A staff member asked for a person's erasure (or was refused)."""

    ERASURE_APPROVE = "erasure.approve"
    """Another staff member approved an erasure (or was refused); it is then carried out."""

    ERASURE_REFUSE = "erasure.refuse"
    """An approver turned an erasure request down."""

    ERASURE_CANCEL = "erasure.cancel"
    """An erasure request was withdrawn before it was approved."""

    ERASURE_READ = "erasure.read"
    """The list of erasure requests was read (or refused)."""

    PERSON_SIGN_IN = "person.sign_in"
    """A person opened their own page with their access code."""

    PERSON_SIGN_IN_FAILED = "person.sign_in_failed"
    """A wrong or throttled access code was tried (no code is recorded)."""

    PERSON_CODE_BURST = "person.code_burst"
    """Many wrong access codes in a short time, from one address or for one code."""

    PERSON_SIGN_OUT = "person.sign_out"
    """A person closed their own page."""

    OWN_READ = "own.read"
    """A person read their own data (or the list of who accessed it)."""

    OWN_EXPORT = "own.export"
    """A person took a copy of their own data."""

    OWN_CORRECT = "own.correct"
    """A person corrected one of their own fields, or asked staff to."""

    OWN_ERASE = "own.erase"
    """A person erased their data, or asked for it."""

    CONSENT_WITHDRAW = "consent.withdraw"
    """A person withdrew their consent to one purpose."""

    CONSENT_GIVE = "consent.give"
    """A person gave their consent to a purpose after collection."""

    RIGHTS_READ = "rights.read"
    """The register of rights requests was read (or refused)."""

    RIGHTS_DECIDE = "rights.decide"
    """A staff member answered a person's rights request."""

    CODE_REISSUE = "code.reissue"
    """A staff member issued a person a new access code; the old one stopped working."""

    DISCLOSURE_REQUEST = "disclosure.request"
    """A staff member opened a disclosure request (or the rule refused it at once)."""

    DISCLOSURE_DECIDE = "disclosure.decide"
    """A disclosure request was approved, narrowed, refused or withdrawn."""

    DISCLOSURE_READ = "disclosure.read"
    """The disclosure register or a request's document was read (or refused)."""

    DISCLOSURE_NOTICE = "disclosure.notice"
    """A person was told of a disclosure of their data (or the notice was held back)."""

    DISCLOSURE_OBJECT = "disclosure.object"
    """A person objected to a disclosure of their data from their own page."""

    DELIVERY_CREATE = "delivery.create"
    """An encrypted package was made for a recipient (a disclosure or an extract)."""

    DELIVERY_FETCH = "delivery.fetch"
    """A recipient fetched a package, or was refused (expired, used up, unknown)."""

    EXTRACT_MAKE = "extract.make"
    """A de-identified extract was made and released, or withheld for missing its target."""

    AGGREGATE_RELEASE = "aggregate.release"
    """Counts with small cells suppressed were released to a donor or the public."""

    TRANSPARENCY_PUBLISH = "transparency.publish"
    """The transparency report for a period was computed and published."""

    DELIVERY_EXPIRE = "delivery.expire"
    """A delivered package was deleted: past its expiry, or fetched as often as allowed."""

    EXTRACT_DOWNLOAD = "extract.download"
    """A staff member of an analyst role downloaded a released extract (or was refused)."""

    EXTRACT_EXPIRE = "extract.expire"
    """A released extract reached its expiry: marked expired and its sealed rows deleted."""

    INCIDENT_OPEN = "incident.open"
    """An incident was opened in the register, with its deadlines computed from the plan."""

    INCIDENT_UPDATE = "incident.update"
    """An incident changed: its state, counts, records, a notice made, or it was closed."""

    INCIDENT_STEP = "incident.step"
    """A step of an incident's checklist was ticked or unticked."""

    INCIDENT_NOTE = "incident.note"
    """An action taken or a finding was added to an incident."""

    INCIDENT_READ = "incident.read"
    """The incident register or an incident (its description, notes, records) was read."""

    VULNERABILITY_RECEIVE = "vulnerability.receive"
    """A vulnerability report arrived through the sealed form or was entered by staff."""

    VULNERABILITY_READ = "vulnerability.read"
    """A vulnerability report was opened and read (or refused)."""

    VULNERABILITY_CLOCK = "vulnerability.clock"
    """A report's disclosure date was moved, with its reason."""

    VULNERABILITY_DISCLOSE = "vulnerability.disclose"
    """A report's disclosure to stakeholders was recorded (or its state changed)."""

    ALERT_DRAFT = "alert.draft"
    """A community alert was drafted from an incident, its description redacted."""

    ALERT_DECIDE = "alert.decide"
    """A community alert was reviewed, approved by its partner, withdrawn or refused."""

    ALERT_PUBLISH = "alert.publish"
    """A community alert was published on the public page and feed."""

    OVERSIGHT_READ = "oversight.read"
    """The oversight body read a register, the statistics or a review report."""

    OVERSIGHT_REVIEW = "oversight.review"
    """A review report was generated for a period, or its outcome recorded."""
