"""The jobs Steward schedules, and how often the plan asks for each.

:func:`standard_jobs` is the one list every runner uses (``steward serve``,
``steward jobs run-due``) and the status page reads. To schedule new work, define a
:class:`~steward.vault.services.jobs.Job` and add it there.

* ``backup``: every ``operations.backups.frequency`` (daily when the plan gives none),
  take a backup, then delete those past ``operations.backups.retention``.
* ``restore-drill``: every ``operations.backups.restore_tested_every``, restore the
  newest backup into a temporary place and check it (``steward backup verify``).
* ``audit-checkpoint``: every ``STEWARD_AUDIT_CHECKPOINT_MINUTES`` (60 by default),
  sign a checkpoint of the audit log if anything was added since the last one
  (checkpoints are also signed every ``STEWARD_AUDIT_CHECKPOINT_ENTRIES`` entries as
  the log grows; see ``docs/audit.md``).
* ``retention-sweep``: daily, purge what the plan's retention says must go
  (:mod:`~steward.vault.services.retention_sweep`).
* ``code-attempt-pruning``: daily, delete access-code tries older than a day and ended
  sign-ins of people (:mod:`~steward.vault.services.code_sign_in`).
* ``web-log-pruning``: every hour, delete the days of the web log past
  ``operations.web_logs.retention`` (:mod:`~steward.vault.services.web_log_pruning`).
* ``delivery-expiry``: every hour, delete delivered packages past their expiry or
  fetched as often as allowed (:mod:`~steward.vault.services.deliveries`).
* ``oversight-review``: daily when the plan sets ``governance.review_every``, generate
  the oversight body's review report of each period that has ended
  (:mod:`~steward.vault.services.oversight_review`).
* ``extract-expiry``: every hour, mark released extracts past their expiry expired and
  delete their sealed rows (:mod:`~steward.vault.services.extracts`).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection

from steward.audit import parse_checkpoint
from steward.policy import Plan
from steward.vault.rules.schedule import (
    DEFAULT_INTERVAL,
    FrequencyError,
    duration_interval,
    parse_frequency,
)
from steward.vault.services.backups_create import create_backup, prune_backups
from steward.vault.services.backups_db import DatabaseRef
from steward.vault.services.backups_format import prepare_backup_dir, stored_backups
from steward.vault.services.backups_verify import verify_backup
from steward.vault.services.checkpoints import checkpoint_if_due, configured_policy
from steward.vault.services.code_sign_in import CODE_ATTEMPT_PRUNING
from steward.vault.services.deliveries import DELIVERY_EXPIRY
from steward.vault.services.disclosure_notices import DISCLOSURE_NOTICES
from steward.vault.services.extracts import EXTRACT_EXPIRY
from steward.vault.services.jobs import Job, JobContext, JobFailed, JobRegistry, Schedule
from steward.vault.services.oversight_review import OVERSIGHT_REVIEW
from steward.vault.services.retention_sweep import RETENTION_SWEEP
from steward.vault.services.web_log_pruning import WEB_LOG_PRUNING

BACKUP_JOB_NAME = "backup"
DRILL_JOB_NAME = "restore-drill"
CHECKPOINT_JOB_NAME = "audit-checkpoint"


def backup_schedule(plan: Plan) -> Schedule:
    """Every ``operations.backups.frequency``; none when the plan has no backups or turns
    them off; daily when it gives no frequency or one Steward does not understand (with
    a note saying so)."""
    backups = plan.operations.backups
    if backups is None:
        return Schedule(None, "the plan declares no backups (operations.backups)")
    if not backups.enabled:
        return Schedule(None, "the plan switches backups off (operations.backups.enabled)")
    if backups.frequency is None:
        return Schedule(
            DEFAULT_INTERVAL, "daily, as the plan gives no operations.backups.frequency"
        )
    try:
        interval = parse_frequency(backups.frequency)
    except FrequencyError as error:
        return Schedule(
            DEFAULT_INTERVAL, "daily", note=f"{error}; backing up daily until the plan is fixed"
        )
    return Schedule(interval, f"operations.backups.frequency: {backups.frequency}")


def drill_schedule(plan: Plan) -> Schedule:
    """Every ``operations.backups.restore_tested_every``; none without it."""
    backups = plan.operations.backups
    if backups is None or not backups.enabled:
        return Schedule(None, "the plan makes no backups to test")
    if backups.restore_tested_every is None:
        return Schedule(None, "the plan sets no operations.backups.restore_tested_every")
    every = backups.restore_tested_every
    return Schedule(duration_interval(every), f"operations.backups.restore_tested_every: {every}")


def run_backup(context: JobContext) -> str:
    """Take a backup, then prune by the plan's retention; one sentence for the record."""
    made = create_backup(context)
    pruned = prune_backups(context)
    text = (
        f"backup {made.manifest.name}: {made.size:,} bytes, {made.manifest.records} records, "
        f"{made.manifest.audit.size} audit entries"
    )
    if pruned.deleted:
        text += f"; deleted {len(pruned.deleted)} past the plan's retention"
    if pruned.kept_past_retention:
        text += f"; kept {pruned.kept_past_retention} past retention: it is the newest"
    return text


def run_drill(context: JobContext) -> str:
    """Verify the newest backup; fails when there is none or it does not restore whole."""
    folder = (
        prepare_backup_dir(context.backup_dir, create=False)
        if context.backup_dir.exists()
        else None
    )
    stored = stored_backups(folder) if folder else []
    if not stored:
        raise JobFailed(f"there is no backup in {context.backup_dir} to test")
    server = DatabaseRef.from_settings(connection.settings_dict)
    report = verify_backup(stored[-1].path, context.keys_dir, server=server)
    if not report.ok:
        raise JobFailed(report.summary())
    return report.summary()


def checkpoint_schedule(plan: Plan) -> Schedule:
    """Every ``STEWARD_AUDIT_CHECKPOINT_MINUTES``; none when that is 0 (checkpoints are
    then signed only as entries accumulate)."""
    del plan  # the server's configuration decides, not the plan
    minutes = configured_policy().schedule.every_minutes
    if not minutes:
        return Schedule(
            None, "STEWARD_AUDIT_CHECKPOINT_MINUTES is 0: signed only as entries accumulate"
        )
    return Schedule(
        timedelta(minutes=minutes), f"every {minutes} minutes (STEWARD_AUDIT_CHECKPOINT_MINUTES)"
    )


def run_checkpoint(context: JobContext) -> str:
    """Sign a checkpoint of the audit log if one is due; one sentence for the record.

    Raises:
        CheckpointRefused: the log was cut short or changed since a checkpoint; the
            run fails with that reason, so the privacy officer sees it.
    """
    note = checkpoint_if_due(context.vault)
    if note is None:
        return "no checkpoint due: nothing was added since the last one"
    return f"signed a checkpoint of {parse_checkpoint(note).size} audit entries"


BACKUP = Job(BACKUP_JOB_NAME, "Backup", backup_schedule, run_backup)
RESTORE_DRILL = Job(DRILL_JOB_NAME, "Restore drill", drill_schedule, run_drill)
AUDIT_CHECKPOINT = Job(CHECKPOINT_JOB_NAME, "Audit checkpoint", checkpoint_schedule, run_checkpoint)


def standard_jobs() -> JobRegistry:
    """Every job Steward schedules, in the order a runner starts them."""
    return JobRegistry(
        [
            BACKUP,
            RESTORE_DRILL,
            AUDIT_CHECKPOINT,
            RETENTION_SWEEP,
            WEB_LOG_PRUNING,
            CODE_ATTEMPT_PRUNING,
            DELIVERY_EXPIRY,
            DISCLOSURE_NOTICES,
            EXTRACT_EXPIRY,
            OVERSIGHT_REVIEW,
        ]
    )
