"""``steward keys``: create, inspect, rotate and retire keys; unseal intake batches."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Final

import typer
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from steward.audit import SigningKey, VerifierKey
from steward.audit import save_private_key as save_signing_key
from steward.audit import save_public_key as save_verifier_key
from steward.cli.django_setup import DEFAULT_BACKUP_DIR, BackupDir
from steward.cli.errors import EXIT_FINDINGS, print_error, stderr, user_errors
from steward.cli.key_options import DEFAULT_KEYS_DIR as DEFAULT_KEYS_DIR  # re-exported
from steward.cli.key_options import KeysDir as KeysDir
from steward.crypto import KEK_FILE as KEK_FILE  # re-exported for the other commands
from steward.crypto import SUBJECT_KEYS_FILE as SUBJECT_KEYS_FILE
from steward.crypto import (
    FileKeyProvider,
    KeyRingStatus,
    SqliteSubjectKeyStore,
    UnsealResult,
    backup_kek_version,
    load_private_key,
    public_key_to_text,
    read_batch,
    read_public_key,
    save_private_key,
    unseal_batch,
    write_private_file,
)
from steward.crypto import open_keyring as open_keyring
from steward.vault.services import stored_backups

app = typer.Typer(
    help="Create, inspect, rotate and retire keys; unseal intake.", no_args_is_help=True
)
stdout = Console(highlight=False, soft_wrap=True, markup=False)

INTAKE_KEY_FILE: Final = "intake.key.json"
INTAKE_PUBLIC_FILE: Final = "intake.pub"
SIGNING_KEY_FILE: Final = "audit-signing.key"
VERIFIER_KEY_FILE: Final = "audit-signing.pub"
DEFAULT_ORIGIN: Final = "steward-audit"
PASSPHRASE_VARIABLE: Final = "STEWARD_INTAKE_PASSPHRASE"  # noqa: S105 - a variable name


def create_signing_key(keys_dir: Path, origin: str = DEFAULT_ORIGIN) -> VerifierKey:
    """Create the checkpoint signing key in ``keys_dir`` (private owner-only, public beside).

    Raises:
        KeyFileError: the key already exists or cannot be written.
    """
    key = SigningKey.generate(origin)
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    save_signing_key(keys_dir / SIGNING_KEY_FILE, key)
    save_verifier_key(keys_dir / VERIFIER_KEY_FILE, key.verifier)
    return key.verifier


@app.command()
def init(
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    intake_key: Annotated[
        bool, typer.Option(help="Also create the intake key pair for sealed forms.")
    ] = True,
    audit_key: Annotated[
        bool, typer.Option(help="Also create the key that signs audit checkpoints.")
    ] = True,
) -> None:
    """Create the key file (KEK version 1, index key), the subject key store, the intake
    key and the audit checkpoint signing key.

    The intake key's passphrase is asked twice, or read from STEWARD_INTAKE_PASSPHRASE.
    """
    with user_errors():
        FileKeyProvider.create(keys_dir / KEK_FILE)
        SqliteSubjectKeyStore(keys_dir / SUBJECT_KEYS_FILE).close()
        stdout.print(f"created {keys_dir / KEK_FILE} (KEK version 1, owner-only)")
        if intake_key:
            passphrase = _new_passphrase()
            private = X25519PrivateKey.generate()
            save_private_key(keys_dir / INTAKE_KEY_FILE, private, passphrase)
            public = public_key_to_text(private.public_key())
            (keys_dir / INTAKE_PUBLIC_FILE).write_text(public + "\n", encoding="utf-8")
            stdout.print(f"created {keys_dir / INTAKE_KEY_FILE} (encrypted under your passphrase)")
            stdout.print(f"intake public key: {public}")
        if audit_key:
            verifier = create_signing_key(keys_dir)
            stdout.print(f"audit checkpoint verifier key: {verifier.to_text()}")
    stdout.print("Back these files up offline, apart from the database: see docs/keys.md.")


@app.command()
def status(keys_dir: KeysDir = DEFAULT_KEYS_DIR) -> None:
    """Show KEK versions, their ages and how many data keys each wraps (never key material).

    Every version a data key depends on is listed, even one the key file no longer
    holds; exits 1 while data depends on a key that cannot be used.
    """
    with user_errors():
        report = open_keyring(keys_dir).status()
        public = (
            public_key_to_text(read_public_key(keys_dir / INTAKE_KEY_FILE))
            if (keys_dir / INTAKE_KEY_FILE).exists()
            else None
        )
    stdout.print(_versions_table(report))
    minimum = f"minimum KEK version: {report.key_file_minimum} (key file)"
    if report.store_minimum != report.key_file_minimum:
        minimum += f", {report.store_minimum} (subject key store)"
    stdout.print(minimum)
    stdout.print(f"data keys: {report.live_keys} live, {report.shredded_keys} shredded")
    stdout.print(f"intake public key: {public or 'none (sealed intake not set up)'}")
    for notice in report.notices:
        stdout.print(f"note: {notice}")
    for problem in report.problems:
        stderr.print(Text.assemble(("problem:", "bold red"), " ", problem))
    if report.problems:
        raise typer.Exit(EXIT_FINDINGS)


def _versions_table(report: KeyRingStatus) -> Table:
    table = Table("KEK version", "created", "age (days)", "data keys", "state")
    for row in report.versions:
        state = Text(row.state, style="bold red" if row.stranded or not row.held else "")
        table.add_row(
            str(row.version),
            row.created.strftime("%Y-%m-%d") if row.created else "-",
            str(row.age.days) if row.age is not None else "-",
            str(row.wrapped_keys),
            state,
        )
    return table


@app.command()
def rotate(keys_dir: KeysDir = DEFAULT_KEYS_DIR) -> None:
    """Create a new KEK version; new data keys are wrapped under it from now on."""
    with user_errors():
        version = open_keyring(keys_dir).rotate()
    stdout.print(f"KEK version {version} is now current; run 'steward keys rewrap' next")


@app.command()
def rewrap(keys_dir: KeysDir = DEFAULT_KEYS_DIR) -> None:
    """Re-wrap every data key under the current KEK (field ciphertexts are untouched).

    Safe while the vault serves: a key shredded meanwhile stays shredded, and keys a
    running server creates meanwhile are wrapped under the current version already.
    """
    with user_errors():
        keyring = open_keyring(keys_dir)
        current = keyring.provider.current_version()
        total = sum(n for v, n in keyring.store.count_by_kek_version().items() if v < current)
        with Progress(console=stderr, transient=True) as progress:
            task = progress.add_task("re-wrapping data keys", total=total)
            done = keyring.rewrap(lambda count: progress.update(task, completed=count))
    stdout.print(f"re-wrapped {done} data keys under KEK version {current}")


@app.command()
def retire(
    below: Annotated[int, typer.Option("--below", help="Retire every version below this one.")],
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    backup_dir: BackupDir = DEFAULT_BACKUP_DIR,
    abandon_backups: Annotated[
        bool,
        typer.Option(
            "--abandon-backups",
            help="Retire even though backups in --backup-dir are encrypted under a version "
            "being retired: they can never be restored afterwards.",
        ),
    ] = False,
) -> None:
    """Retire old KEK versions and erase them from the key file (after a rewrap).

    Refuses, changing nothing, while any data key (one a running server created a
    moment ago included) is still wrapped under a version being retired, and (exit 1)
    while backups in --backup-dir are encrypted under one, unless --abandon-backups.
    """
    with user_errors():
        stranded = backups_under(backup_dir, below)
        if stranded and not abandon_backups:
            listed = ", ".join(f"{name} (KEK version {version})" for name, version in stranded)
            print_error(
                f"{len(stranded)} backups in {backup_dir} are encrypted under a KEK version "
                f"below {below} and could never be restored after it is erased: {listed}. "
                "Retire once they have aged out (steward backup prune), or pass "
                "--abandon-backups to give them up."
            )
            raise typer.Exit(EXIT_FINDINGS)
        open_keyring(keys_dir).retire_below(below)
    stdout.print(f"KEK versions below {below} are retired and erased")
    if stranded:
        stdout.print(f"{len(stranded)} backups encrypted under them can no longer be restored")


def backups_under(folder: Path, below: int) -> list[tuple[str, int]]:
    """The backups in ``folder`` encrypted under a KEK version below ``below``: name and
    version, read from each backup's clear header (no key needed).

    Raises:
        MalformedCiphertextError: a file named as a backup is not one.
        KeyStoreError: a backup cannot be read.
    """
    found = []
    for backup in stored_backups(folder):
        version = backup_kek_version(backup.path)
        if version < below:
            found.append((backup.name, version))
    return found


@app.command()
def unseal(
    batch: Annotated[Path, typer.Argument(help="JSON Lines of sealed submissions.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the opened submissions.")],
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
) -> None:
    """Open a batch of sealed submissions; report each failure by id and keep going."""
    with user_errors():
        private = load_private_key(keys_dir / INTAKE_KEY_FILE, passphrase_for_use())
        try:
            lines = batch.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            stderr.print(f"error: {batch}: cannot be read ({error})")
            raise typer.Exit(2) from None
        opened: list[UnsealResult] = []
        failed: list[UnsealResult] = []
        for result in unseal_batch(read_batch(lines), private):
            (opened if result.data is not None else failed).append(result)
        body = "".join(
            json.dumps({"id": r.id, "dataset": r.dataset, "data": r.data}, sort_keys=True) + "\n"
            for r in opened
        )
        write_private_file(out, body.encode("utf-8"))
    for result in failed:
        stderr.print(f"submission {result.id}: {result.error}")
    stdout.print(f"opened {len(opened)}, failed {len(failed)}; wrote {out} (owner-only)")
    if failed:
        raise typer.Exit(EXIT_FINDINGS)


def _new_passphrase() -> str:
    from_env = os.environ.get(PASSPHRASE_VARIABLE)
    if from_env:
        return from_env
    return str(
        typer.prompt(
            "Passphrase for the intake private key (12+ characters)",
            hide_input=True,
            confirmation_prompt=True,
        )
    )


def passphrase_for_use() -> str:
    """The intake key's passphrase, from STEWARD_INTAKE_PASSPHRASE or asked once."""
    return os.environ.get(PASSPHRASE_VARIABLE) or str(
        typer.prompt("Passphrase for the intake private key", hide_input=True)
    )
