"""``steward backup``: take, list, restore, verify and prune encrypted backups of the vault.

``create``, ``verify`` and ``prune`` use the same database options as ``serve``;
``restore`` writes into an empty data folder or database; ``list`` needs only the
backup folder. See docs/backups.md.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer

from steward.cli.django_setup import (
    DEFAULT_BACKUP_DIR,
    BackupDir,
    DatabaseUrl,
    DataDir,
    PlanOption,
    setup_django,
)
from steward.cli.errors import (
    EXIT_FINDINGS,
    EXIT_UNUSABLE,
    plain_console,
    print_error,
    stderr,
    user_errors,
)
from steward.cli.keys import DEFAULT_KEYS_DIR, KEK_FILE, KeysDir
from steward.errors import StewardError

if TYPE_CHECKING:
    from steward.vault.services import CreatedBackup, JobContext

app = typer.Typer(
    help="Take, list, restore, verify and prune encrypted backups of the vault.",
    no_args_is_help=True,
)
stdout = plain_console()

BackupFile = Annotated[
    Path | None,
    typer.Argument(help="A backup file (NAME.stwbk); default: the newest in --backup-dir."),
]
CLI_ACTOR: Final = "cli/backup"


def job_context(
    plan: Path,
    keys_dir: Path,
    url: str | None,
    data_dir: Path | None,
    folder: Path,
    actor: str = CLI_ACTOR,
) -> JobContext:
    """Start Django for the vault (as ``serve`` would) and return a job context for a
    command acting as ``actor``, writing backups to ``folder``."""
    setup_django(plan, keys_dir, url, data_dir)
    from steward.vault import get_vault
    from steward.vault.services import JobContext

    return JobContext(get_vault(), keys_dir, folder, actor)


@app.command()
def create(
    plan: PlanOption,
    database_url: DatabaseUrl = None,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
    backup_dir: BackupDir = DEFAULT_BACKUP_DIR,
) -> None:
    """Back up the vault's database now, while it serves, into --backup-dir.

    The snapshot is consistent (SQLite's online backup; pg_dump on one snapshot for
    PostgreSQL), encrypted under the current KEK, with a manifest of what it holds.
    The keys are not in it: back them up separately.
    """
    with user_errors():
        context = job_context(plan, keys_dir, database_url, data_dir, backup_dir)
        from steward.vault.services import BACKUP_JOB_NAME, create_backup, record_run, runner_name

        def describe(made: CreatedBackup) -> str:
            return f"backup {made.manifest.name}: {made.size:,} bytes (taken by hand)"

        recorded = record_run(
            BACKUP_JOB_NAME, runner_name("backup create"), lambda: create_backup(context), describe
        )
    backup = recorded.value
    if backup is None:
        print_error(recorded.result.message)
        raise typer.Exit(EXIT_UNUSABLE)
    manifest = backup.manifest
    stdout.print(f"backup written: {backup.path} ({backup.size:,} bytes)")
    stdout.print(
        f"  {manifest.records} records, {sum(manifest.tables.values())} rows in "
        f"{len(manifest.tables)} tables, audit log of {manifest.audit.size} entries "
        f"(root {manifest.audit.root[:16]}...)"
    )
    stdout.print(
        f"  encrypted under KEK version {manifest.keys.backup}; keep {keys_dir} backed up "
        "apart from it: without the keys it cannot be read"
    )


@app.command("list")
def list_backups(
    backup_dir: BackupDir = DEFAULT_BACKUP_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifests as JSON.")] = False,
) -> None:
    """List the backups in --backup-dir, oldest first (needs no keys)."""
    from steward.vault.services import prepare_backup_dir, stored_backups

    with user_errors():
        prepare_backup_dir(backup_dir, create=False)
        backups = stored_backups(backup_dir)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "file": str(b.path),
                        "size": b.size,
                        "manifest": asdict(b.manifest) if b.manifest else None,
                    }
                    for b in backups
                ],
                indent=2,
            )
        )
        return
    if not backups:
        stdout.print(f"no backups in {backup_dir}")
        return
    for b in backups:
        m = b.manifest
        if m is None:
            stdout.print(f"{b.name}  {b.size:,} bytes  (its manifest is missing)")
            continue
        stdout.print(
            f"{b.name}  taken {m.created_at:%Y-%m-%d %H:%M:%S} UTC  {m.engine}  "
            f"{m.records} records  {m.audit.size} audit entries  {b.size:,} bytes  "
            f"KEK {m.keys.backup}"
        )


@app.command()
def restore(
    backup: Annotated[Path, typer.Argument(help="The backup file (NAME.stwbk).")],
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="An empty folder to restore a SQLite backup into."),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="An empty database to restore into."),
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="The plan: replay the erasure ledger onto the restored database at once "
            "(otherwise 'steward serve' does before it serves).",
        ),
    ] = None,
) -> None:
    """Restore a backup into an EMPTY data folder or database (never over a vault).

    Nothing is written unless the whole backup authenticates. Everything deleted since
    the backup (the erasure ledger kept with the keys) is deleted again before the
    vault serves: at once with --plan, else when 'steward serve' starts.
    """
    from steward.crypto import FileKeyProvider
    from steward.vault.services import DatabaseRef, restore_backup

    with user_errors():
        if (data_dir is None) == (database_url is None):
            raise StewardError("give exactly one target: --data-dir or --database-url")
        if data_dir is not None:
            _require_empty_folder(data_dir)
        target = DatabaseRef.from_options(database_url, data_dir)
        manifest = restore_backup(backup, target, FileKeyProvider(keys_dir / KEK_FILE))
    stdout.print(
        f"restored {manifest.name} (taken {manifest.created}, plan {manifest.plan_version}) "
        f"into {target.describe()}: {manifest.records} records, "
        f"{manifest.audit.size} audit entries"
    )
    if plan is not None:
        with user_errors():
            setup_django(plan, keys_dir, database_url, data_dir)
            from steward.vault import get_vault
            from steward.vault.services import replay_ledger

            report = replay_ledger(get_vault())
        stdout.print(
            f"erasure ledger replayed ({report.entries} entries): {report.records} records, "
            f"{report.fields} values and {report.subjects} people deleted again"
        )
    stdout.print("Run 'steward backup verify' on the backup, or start the vault on it.")


def _newest(folder: Path) -> Path:
    from steward.vault.services import stored_backups

    found = stored_backups(folder)
    if not found:
        raise StewardError(f"there is no backup in {folder} to verify")
    return found[-1].path


def _require_empty_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise StewardError(f"--data-dir {folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise StewardError(
            f"--data-dir {folder} is not empty; restore only into an empty folder, so that "
            "a restore never overwrites a vault"
        )


@app.command()
def verify(
    plan: PlanOption,
    backup: BackupFile = None,
    database_url: DatabaseUrl = None,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
    backup_dir: BackupDir = DEFAULT_BACKUP_DIR,
    sample: Annotated[
        int, typer.Option("--sample", min=0, help="How many random records to decrypt.")
    ] = 50,
) -> None:
    """The restore drill: restore a backup into a temporary place and check it.

    Checks every table's row count and the audit log (chain, size, root) against the
    manifest, and decrypts a sample of records. Records the drill in the vault, so
    'steward jobs status' and the staff page show when it last passed. Exit 0 when the
    backup restores whole, 1 when a check fails, 2 when it cannot be read.
    """
    with user_errors():
        context = job_context(plan, keys_dir, database_url, data_dir, backup_dir)
        from django.db import connection

        from steward.vault.services import (
            DRILL_JOB_NAME,
            DatabaseRef,
            VerifyReport,
            record_run,
            runner_name,
            verify_backup,
        )

        chosen = backup or _newest(backup_dir)
        server = DatabaseRef.from_settings(connection.settings_dict)

        def drill() -> VerifyReport:
            return verify_backup(chosen, context.keys_dir, server=server, sample=sample)

        def passed(report: VerifyReport) -> bool:
            return report.ok

        recorded = record_run(
            DRILL_JOB_NAME, runner_name("backup verify"), drill, VerifyReport.summary, passed
        )
    report = recorded.value
    if report is None:
        print_error(recorded.result.message)
        raise typer.Exit(EXIT_UNUSABLE)
    stdout.print(
        f"{report.manifest.name}: {len(report.manifest.tables)} tables, {report.rows} rows; "
        f"audit log {report.audit_size} entries ({report.checkpoints_checked} checkpoints "
        f"checked); {report.sample.decrypted} of {report.sample.checked} sampled records "
        f"decrypted" + (f", {report.sample.erased} erased since" if report.sample.erased else "")
    )
    if not report.ok:
        for problem in report.problems:
            stderr.print(f"problem: {problem}")
        stderr.print("The backup does NOT restore whole; the drill is recorded as failed.")
        raise typer.Exit(EXIT_FINDINGS)
    stdout.print("The backup restores whole; the drill is recorded.")


@app.command()
def prune(
    plan: PlanOption,
    database_url: DatabaseUrl = None,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
    backup_dir: BackupDir = DEFAULT_BACKUP_DIR,
) -> None:
    """Delete the backups older than the plan's backups.retention (never the newest)."""
    with user_errors():
        context = job_context(plan, keys_dir, database_url, data_dir, backup_dir)
        from steward.vault.services import prune_backups

        result = prune_backups(context)
    for name in result.deleted:
        stdout.print(f"deleted {name}")
    if result.kept_past_retention:
        stdout.print(
            f"kept {result.kept_past_retention} although it is past the retention period: "
            "it is the newest backup; take a new one"
        )
    for name in result.undated:
        stdout.print(f"left {name} alone: its manifest is missing, so it cannot be dated")
    if not result.deleted:
        stdout.print("nothing to delete")
