"""Pure decisions of the vault, tested as tables: no database, no Django.

Each module decides one thing (may this person be assigned, must this field be masked,
is this job due, is this sign-in locked out); the services fetch the facts and carry the
decision out. A decision is imported only when first used (:mod:`steward._lazy`), so the
server's configuration can read the sign-in policy without loading the plan's models.
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports

if TYPE_CHECKING:
    from steward.vault.rules.acknowledgement import (
        Standing,
        acknowledgement_refusal,
        listing_refusal,
        standing,
    )
    from steward.vault.rules.assignment import (
        Assigner,
        Candidate,
        Case,
        Change,
        decide_assignment,
        may_assign,
    )
    from steward.vault.rules.backup_pruning import backups_to_prune
    from steward.vault.rules.busy import RETRY_AFTER_SECONDS, is_busy
    from steward.vault.rules.intake import (
        MAX_VALUE_CHARS,
        Submission,
        asks_age,
        check_submission,
        value_problem,
    )
    from steward.vault.rules.masking import HIDDEN, mask, needs_plaintext
    from steward.vault.rules.report_throttle import DEFAULT_REPORTS
    from steward.vault.rules.reveal import ConsentState, decide_reveal, reveal_purposes
    from steward.vault.rules.routing import route
    from steward.vault.rules.schedule import (
        DEFAULT_INTERVAL,
        Assessment,
        FrequencyError,
        Health,
        History,
        assess,
        default_grace,
        duration_interval,
        is_due,
        parse_frequency,
    )
    from steward.vault.rules.scope import (
        Reach,
        RecordFacts,
        in_scope,
        missing_team,
        unknown_team,
    )
    from steward.vault.rules.search import spec_normalization
    from steward.vault.rules.sign_in import (
        DEFAULT_ACCOUNT_FAILURES,
        DEFAULT_ADDRESS_FAILURES,
        DEFAULT_COOL_OFF,
        Failures,
        LockoutPolicy,
        SignInLock,
        sign_in_lock,
        window_start,
    )
    from steward.vault.rules.transparency import PeriodError, period_between
    from steward.vault.rules.unreadable import (
        Unreadable,
        explained,
        short_reason,
        shown_as,
        unreadable_because,
    )
    from steward.vault.rules.web_log import (
        COUNTRY_LOCAL,
        COUNTRY_UNKNOWN,
        UNMATCHED,
        WebVisit,
        keeps_nothing,
        logs_request,
        web_log_country,
        web_log_entry,
        web_log_fields,
        web_log_file,
        web_log_file_day,
        web_log_files_to_prune,
        web_log_route,
        web_log_text,
    )
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "acknowledgement": [
                "Standing",
                "acknowledgement_refusal",
                "listing_refusal",
                "standing",
            ],
            "assignment": [
                "Assigner",
                "Candidate",
                "Case",
                "Change",
                "decide_assignment",
                "may_assign",
            ],
            "backup_pruning": ["backups_to_prune"],
            "busy": ["RETRY_AFTER_SECONDS", "is_busy"],
            "intake": [
                "MAX_VALUE_CHARS",
                "Submission",
                "asks_age",
                "check_submission",
                "value_problem",
            ],
            "masking": ["HIDDEN", "mask", "needs_plaintext"],
            "reveal": ["ConsentState", "decide_reveal", "reveal_purposes"],
            "routing": ["route"],
            "schedule": [
                "Assessment",
                "DEFAULT_INTERVAL",
                "FrequencyError",
                "Health",
                "History",
                "assess",
                "default_grace",
                "duration_interval",
                "is_due",
                "parse_frequency",
            ],
            "report_throttle": ["DEFAULT_REPORTS"],
            "scope": ["Reach", "RecordFacts", "in_scope", "missing_team", "unknown_team"],
            "search": ["spec_normalization"],
            "sign_in": [
                "DEFAULT_ACCOUNT_FAILURES",
                "DEFAULT_ADDRESS_FAILURES",
                "DEFAULT_COOL_OFF",
                "Failures",
                "LockoutPolicy",
                "SignInLock",
                "sign_in_lock",
                "window_start",
            ],
            "web_log": [
                "COUNTRY_LOCAL",
                "COUNTRY_UNKNOWN",
                "UNMATCHED",
                "WebVisit",
                "keeps_nothing",
                "logs_request",
                "web_log_country",
                "web_log_entry",
                "web_log_fields",
                "web_log_file",
                "web_log_file_day",
                "web_log_files_to_prune",
                "web_log_route",
                "web_log_text",
            ],
            "transparency": ["PeriodError", "period_between"],
            "unreadable": [
                "Unreadable",
                "explained",
                "short_reason",
                "shown_as",
                "unreadable_because",
            ],
        },
    )

__all__ = [
    "COUNTRY_LOCAL",
    "COUNTRY_UNKNOWN",
    "DEFAULT_ACCOUNT_FAILURES",
    "DEFAULT_ADDRESS_FAILURES",
    "DEFAULT_COOL_OFF",
    "DEFAULT_INTERVAL",
    "DEFAULT_REPORTS",
    "HIDDEN",
    "MAX_VALUE_CHARS",
    "RETRY_AFTER_SECONDS",
    "UNMATCHED",
    "Assessment",
    "Assigner",
    "Candidate",
    "Case",
    "Change",
    "ConsentState",
    "Failures",
    "FrequencyError",
    "Health",
    "History",
    "LockoutPolicy",
    "PeriodError",
    "Reach",
    "RecordFacts",
    "SignInLock",
    "Standing",
    "Submission",
    "Unreadable",
    "WebVisit",
    "acknowledgement_refusal",
    "asks_age",
    "assess",
    "backups_to_prune",
    "check_submission",
    "decide_assignment",
    "decide_reveal",
    "default_grace",
    "duration_interval",
    "explained",
    "in_scope",
    "is_busy",
    "is_due",
    "keeps_nothing",
    "listing_refusal",
    "logs_request",
    "mask",
    "may_assign",
    "missing_team",
    "needs_plaintext",
    "parse_frequency",
    "period_between",
    "reveal_purposes",
    "route",
    "short_reason",
    "shown_as",
    "sign_in_lock",
    "spec_normalization",
    "standing",
    "unknown_team",
    "unreadable_because",
    "value_problem",
    "web_log_country",
    "web_log_entry",
    "web_log_fields",
    "web_log_file",
    "web_log_file_day",
    "web_log_files_to_prune",
    "web_log_route",
    "web_log_text",
    "window_start",
]
