"""Vault services: collect, access, cases, accounts, acknowledgements, tokens, backups,
checkpoints, jobs, imports.

Views, the API and the command line call these, never the cipher. Every read of personal
data goes through :class:`AccessService`; every submission through :func:`submit`.

The services use the database, so each is imported only when first used
(:mod:`steward._lazy`): the command line reads this package before it starts Django.
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports

if TYPE_CHECKING:
    from steward.vault.services.access import (
        MAX_OFFSET,
        MAX_PAGE,
        AccessDenied,
        AccessService,
        InvalidValue,
        NotFound,
    )
    from steward.vault.services.accounts import (
        AccountError,
        UnknownRole,
        access_ended,
        account_of,
        actor_from_request,
        create_account,
        disable_account,
        list_accounts,
        reset_password,
        staff_role,
        unlock_account,
    )
    from steward.vault.services.acknowledgements import (
        Acknowledgement,
        AcknowledgementList,
        account_standings,
        acknowledgement_history,
        plan_text,
        read_acknowledgements,
    )
    from steward.vault.services.actors import Actor
    from steward.vault.services.aggregate_releases import AggregateReleaseService, ReleaseView
    from steward.vault.services.auditing import AuditUnavailable, audit
    from steward.vault.services.backups_create import CreatedBackup, create_backup, prune_backups
    from steward.vault.services.backups_db import DatabaseRef
    from steward.vault.services.backups_format import (
        BackupError,
        prepare_backup_dir,
        stored_backups,
    )
    from steward.vault.services.backups_restore import restore_backup
    from steward.vault.services.backups_verify import VerifyReport, verify_backup
    from steward.vault.services.cases import CaseService
    from steward.vault.services.checkpoints import (
        CheckpointRefused,
        configured_policy,
        keys_dir,
        sign_now,
        store_checkpoint_if_due,
        verifier_key,
    )
    from steward.vault.services.code_reissue import reissue_code
    from steward.vault.services.collect import MinorRefused, SubmissionRejected, open_sealed, submit
    from steward.vault.services.consents import reveal_choices
    from steward.vault.services.dataset_views import DatasetAccess
    from steward.vault.services.deletion import (
        PurgeResult,
        anonymize_records,
        erase_subject,
        purge_fields,
        purge_records,
    )
    from steward.vault.services.demo_data import create_demo_accounts, load_residents
    from steward.vault.services.disclosure_delivery import deliver_disclosure
    from steward.vault.services.disclosure_register import DisclosureView, list_disclosures
    from steward.vault.services.disclosures import decide_disclosure, open_disclosure
    from steward.vault.services.erasure import ErasureService, ErasureView
    from steward.vault.services.extract_delivery import deliver_extract
    from steward.vault.services.extracts import (
        ExtractRefused,
        expire_extracts,
        make_extract,
        shown_manifest,
        visible_extracts,
    )
    from steward.vault.services.import_files import ImportFileError, read_import_file
    from steward.vault.services.imports import (
        ImportRefused,
        ImportSource,
        ImportSummary,
        import_file,
        list_imports,
    )
    from steward.vault.services.jobs import JobContext
    from steward.vault.services.jobs_catalogue import BACKUP_JOB_NAME, DRILL_JOB_NAME, standard_jobs
    from steward.vault.services.jobs_runner import JobRunnerThread, record_run, run_due, runner_name
    from steward.vault.services.jobs_status import job_statuses, recent_runs
    from steward.vault.services.ledger_replay import ReplayReport, replay_ledger
    from steward.vault.services.record_views import RecordView, ValueUnreadable
    from steward.vault.services.retention_status import RetentionStatus, read_retention_status
    from steward.vault.services.retention_sweep import (
        RETENTION_JOB_NAME,
        SweepReport,
        sweep_retention,
    )
    from steward.vault.services.rights_requests import RequestClosed, RightsQueue
    from steward.vault.services.sign_in_locks import lockout_policy, request_lock
    from steward.vault.services.staff_credentials import actor_by_password
    from steward.vault.services.staff_sessions import (
        SESSION_OBJECT,
        login_actor,
        record_refusal,
        record_success,
        staff_actor,
    )
    from steward.vault.services.statistics import DatasetCounts, dataset_counts
    from steward.vault.services.tokens import authenticate, create_token, list_tokens, revoke_token
    from steward.vault.services.transparency import Published, publish_report
    from steward.vault.services.vulnerabilities import open_sealed_reports
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "transparency": ["Published", "publish_report"],
            "vulnerabilities": ["open_sealed_reports"],
            "access": [
                "AccessDenied",
                "AccessService",
                "InvalidValue",
                "MAX_OFFSET",
                "MAX_PAGE",
                "NotFound",
            ],
            "accounts": [
                "AccountError",
                "UnknownRole",
                "access_ended",
                "account_of",
                "actor_from_request",
                "create_account",
                "disable_account",
                "list_accounts",
                "reset_password",
                "staff_role",
                "unlock_account",
            ],
            "acknowledgements": [
                "Acknowledgement",
                "AcknowledgementList",
                "account_standings",
                "acknowledgement_history",
                "plan_text",
                "read_acknowledgements",
            ],
            "actors": ["Actor"],
            "auditing": ["AuditUnavailable", "audit"],
            "backups_create": ["CreatedBackup", "create_backup", "prune_backups"],
            "backups_db": ["DatabaseRef"],
            "backups_format": ["BackupError", "prepare_backup_dir", "stored_backups"],
            "backups_restore": ["restore_backup"],
            "backups_verify": ["VerifyReport", "verify_backup"],
            "cases": ["CaseService"],
            "checkpoints": [
                "CheckpointRefused",
                "configured_policy",
                "keys_dir",
                "sign_now",
                "store_checkpoint_if_due",
                "verifier_key",
            ],
            "code_reissue": ["reissue_code"],
            "collect": ["MinorRefused", "SubmissionRejected", "open_sealed", "submit"],
            "consents": ["reveal_choices"],
            "dataset_views": ["DatasetAccess"],
            "demo_data": ["create_demo_accounts", "load_residents"],
            "deletion": [
                "PurgeResult",
                "anonymize_records",
                "erase_subject",
                "purge_fields",
                "purge_records",
            ],
            "disclosure_delivery": ["deliver_disclosure"],
            "disclosure_register": ["DisclosureView", "list_disclosures"],
            "disclosures": ["decide_disclosure", "open_disclosure"],
            "erasure": ["ErasureService", "ErasureView"],
            "extract_delivery": ["deliver_extract"],
            "extracts": [
                "ExtractRefused",
                "expire_extracts",
                "make_extract",
                "shown_manifest",
                "visible_extracts",
            ],
            "aggregate_releases": ["AggregateReleaseService", "ReleaseView"],
            "import_files": ["ImportFileError", "read_import_file"],
            "imports": [
                "ImportRefused",
                "ImportSource",
                "ImportSummary",
                "import_file",
                "list_imports",
            ],
            "jobs": ["JobContext"],
            "jobs_catalogue": ["BACKUP_JOB_NAME", "DRILL_JOB_NAME", "standard_jobs"],
            "jobs_runner": ["JobRunnerThread", "record_run", "run_due", "runner_name"],
            "jobs_status": ["job_statuses", "recent_runs"],
            "ledger_replay": ["ReplayReport", "replay_ledger"],
            "retention_status": ["RetentionStatus", "read_retention_status"],
            "retention_sweep": ["RETENTION_JOB_NAME", "SweepReport", "sweep_retention"],
            "rights_requests": ["RequestClosed", "RightsQueue"],
            "statistics": ["DatasetCounts", "dataset_counts"],
            "record_views": ["RecordView", "ValueUnreadable"],
            "sign_in_locks": ["lockout_policy", "request_lock"],
            "staff_credentials": ["actor_by_password"],
            "staff_sessions": [
                "SESSION_OBJECT",
                "login_actor",
                "record_refusal",
                "record_success",
                "staff_actor",
            ],
            "tokens": ["authenticate", "create_token", "list_tokens", "revoke_token"],
        },
    )

__all__ = [
    "BACKUP_JOB_NAME",
    "DRILL_JOB_NAME",
    "MAX_OFFSET",
    "MAX_PAGE",
    "RETENTION_JOB_NAME",
    "SESSION_OBJECT",
    "AccessDenied",
    "AccessService",
    "AccountError",
    "Acknowledgement",
    "AcknowledgementList",
    "Actor",
    "AggregateReleaseService",
    "AuditUnavailable",
    "BackupError",
    "CaseService",
    "CheckpointRefused",
    "CreatedBackup",
    "DatabaseRef",
    "DatasetAccess",
    "DatasetCounts",
    "DisclosureView",
    "ErasureService",
    "ErasureView",
    "ExtractRefused",
    "ImportFileError",
    "ImportRefused",
    "ImportSource",
    "ImportSummary",
    "InvalidValue",
    "JobContext",
    "JobRunnerThread",
    "MinorRefused",
    "NotFound",
    "Published",
    "PurgeResult",
    "RecordView",
    "ReleaseView",
    "ReplayReport",
    "RequestClosed",
    "RetentionStatus",
    "RightsQueue",
    "SubmissionRejected",
    "SweepReport",
    "UnknownRole",
    "ValueUnreadable",
    "VerifyReport",
    "access_ended",
    "account_of",
    "account_standings",
    "acknowledgement_history",
    "actor_by_password",
    "actor_from_request",
    "anonymize_records",
    "audit",
    "authenticate",
    "configured_policy",
    "create_account",
    "create_backup",
    "create_demo_accounts",
    "create_token",
    "dataset_counts",
    "decide_disclosure",
    "deliver_disclosure",
    "deliver_extract",
    "disable_account",
    "erase_subject",
    "expire_extracts",
    "import_file",
    "job_statuses",
    "keys_dir",
    "list_accounts",
    "list_disclosures",
    "list_imports",
    "list_tokens",
    "load_residents",
    "lockout_policy",
    "login_actor",
    "make_extract",
    "open_disclosure",
    "open_sealed",
    "open_sealed_reports",
    "plan_text",
    "prepare_backup_dir",
    "prune_backups",
    "publish_report",
    "purge_fields",
    "purge_records",
    "read_acknowledgements",
    "read_import_file",
    "read_retention_status",
    "recent_runs",
    "record_refusal",
    "record_run",
    "record_success",
    "reissue_code",
    "replay_ledger",
    "request_lock",
    "reset_password",
    "restore_backup",
    "reveal_choices",
    "revoke_token",
    "run_due",
    "runner_name",
    "shown_manifest",
    "sign_now",
    "staff_actor",
    "staff_role",
    "standard_jobs",
    "store_checkpoint_if_due",
    "stored_backups",
    "submit",
    "sweep_retention",
    "unlock_account",
    "verifier_key",
    "verify_backup",
    "visible_extracts",
]
