"""Scheduled work and backups, for the roles the plan lets read the audit log.

The privacy officer sees here whether every backup and restore drill ran as often as
the plan says; a missed or failed one is flagged. Nothing personal is shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from steward.vault.audit_actions import AuditAction
from steward.vault.runtime import get_vault
from steward.vault.services.actors import Actor
from steward.vault.services.backups_format import BackupError, prepare_backup_dir, stored_backups
from steward.vault.services.jobs_catalogue import standard_jobs
from steward.vault.services.jobs_status import job_statuses, recent_runs
from steward.vault.services.staff_sessions import record_refusal
from steward.vault.views.staff_common import error_page, page, staff_page


@require_GET
@staff_page
def jobs_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Each job's state, the recent runs and the backups on disk."""
    if not actor.role.reads_audit:
        record_refusal(
            get_vault(), actor.ref, AuditAction.JOBS_READ, "role does not read the audit log"
        )
        reason = f"the role '{actor.role.id}' may not see scheduled work"
        return error_page(request, 403, "Not allowed", reason, actor)
    folder = settings.CONFIG.backup_dir
    try:
        statuses = job_statuses(standard_jobs(), get_vault().plan)
        runs = recent_runs()
    except DatabaseError:
        return error_page(request, 503, "Not available", "the job records cannot be read", actor)
    backups, folder_problem = [], ""
    try:
        if folder.exists():
            prepare_backup_dir(folder, create=False)
            backups = list(reversed(stored_backups(folder)))
    except BackupError as error:
        folder_problem = str(error)
    context = {
        "statuses": statuses,
        "attention": [s for s in statuses if s.needs_attention],
        "runs": runs,
        "backups": backups,
        "backup_dir": folder,
        "folder_problem": folder_problem,
    }
    return page(request, "steward/staff/jobs.html", context, actor=actor)
