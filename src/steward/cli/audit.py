"""``steward audit``: verify the audit log, sign checkpoints, prove inclusion and consistency."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from steward.audit import (
    AuditError,
    AuditLog,
    FileAuditStore,
    SigningKey,
    load_private_key,
    load_public_key,
    verify_consistency,
    verify_inclusion,
    verify_log,
)
from steward.cli.errors import EXIT_FINDINGS, EXIT_UNUSABLE, stderr, user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, SIGNING_KEY_FILE, VERIFIER_KEY_FILE, KeysDir
from steward.errors import StewardError

app = typer.Typer(
    help="Verify the audit log, sign checkpoints, and prove entries are in it.",
    no_args_is_help=True,
)
stdout = Console(highlight=False, soft_wrap=True)

DEFAULT_LOG_DIR = Path("steward-audit")

LogDir = Annotated[
    Path,
    typer.Option("--log", envvar="STEWARD_AUDIT_DIR", help="Folder holding the audit log."),
]


@app.command()
def verify(
    log: LogDir = DEFAULT_LOG_DIR,
    checkpoint: Annotated[
        Path | None,
        typer.Option(help="A checkpoint note kept off the server; detects a cut-off tail."),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(help="Verifier key text; every checkpoint must be signed by it."),
    ] = None,
    output_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also parse and check the format of every entry, not only the first and "
            "last (slower; finds entries that were written malformed).",
        ),
    ] = False,
) -> None:
    """Check every entry and checkpoint. Exit 0: intact; 1: damage found; 2: cannot check."""
    with user_errors():
        _require_log(log)
        note = _read_text(checkpoint) if checkpoint else None
        key = load_public_key(public_key) if public_key else None
        report = verify_log(FileAuditStore(log), note, key, strict=strict)
    summary = {
        "ok": report.ok,
        "entries": report.size,
        "root": report.root_hash.hex(),
        "checkpoints_checked": report.checkpoints_checked,
        "problem": report.problem.value if report.problem else None,
        "first_bad_index": report.first_bad_index,
        "suspect_range": list(report.suspect_range) if report.suspect_range else None,
        "reason": report.reason,
        "signatures_checked": key is not None,
        "strict": strict,
    }
    if output_json:
        typer.echo(json.dumps(summary, indent=2))
    elif report.ok:
        signed = "signed by the given key" if key else "signatures not checked (no --public-key)"
        stdout.print(
            f"[green]intact[/]: {report.size} entries, {report.checkpoints_checked} "
            f"checkpoints ({signed}); root {report.root_hash.hex()}"
        )
    else:
        where = "" if report.first_bad_index is None else f" at entry {report.first_bad_index}"
        stdout.print(f"[bold red]damaged{where}[/] ({summary['problem']}): {report.reason}")
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def checkpoint(
    log: LogDir = DEFAULT_LOG_DIR,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    out: Annotated[
        Path | None, typer.Option(help="Also write the signed note to this file.")
    ] = None,
) -> None:
    """Sign a checkpoint of the whole log (C2SP signed note) and print it.

    Keep a copy somewhere the server cannot write: with it, `verify` detects a
    log that was cut short or rewritten.
    """
    with user_errors():
        _require_log(log)
        key = _signing_key(keys_dir)
        note = AuditLog(FileAuditStore(log)).checkpoint(key)
        if out is not None:
            _write_text(out, note)
    typer.echo(note, nl=False)


@app.command()
def prove(
    log: LogDir = DEFAULT_LOG_DIR,
    index: Annotated[
        int | None, typer.Option(help="Prove entry INDEX is in the log (inclusion).")
    ] = None,
    old_size: Annotated[
        int | None, typer.Option("--old-size", help="Prove the first N entries are unchanged.")
    ] = None,
    size: Annotated[
        int | None, typer.Option(help="The tree size to prove against (default: the whole log).")
    ] = None,
) -> None:
    """Print an inclusion proof (--index) or a consistency proof (--old-size) as JSON."""
    if (index is None) == (old_size is None):
        stderr.print("error: give exactly one of --index or --old-size")
        raise typer.Exit(EXIT_UNUSABLE)
    with user_errors():
        _require_log(log)
        audit_log = AuditLog(FileAuditStore(log))
        result: dict[str, Any]
        if index is not None:
            proof = audit_log.prove_inclusion(index, size)
            verify_inclusion(proof.index, proof.size, proof.leaf_hash, list(proof.path), proof.root)
            result = {
                "kind": "inclusion",
                "index": proof.index,
                "tree_size": proof.size,
                "leaf_hash": proof.leaf_hash.hex(),
                "root": proof.root.hex(),
                "path": [h.hex() for h in proof.path],
            }
        else:
            assert old_size is not None
            consistency = audit_log.prove_consistency(old_size, size)
            verify_consistency(
                consistency.old_size,
                consistency.new_size,
                consistency.old_root,
                consistency.new_root,
                list(consistency.path),
            )
            result = {
                "kind": "consistency",
                "old_size": consistency.old_size,
                "new_size": consistency.new_size,
                "old_root": consistency.old_root.hex(),
                "new_root": consistency.new_root.hex(),
                "path": [h.hex() for h in consistency.path],
            }
    typer.echo(json.dumps(result, indent=2))


def _signing_key(keys_dir: Path) -> SigningKey:
    verifier = load_public_key(keys_dir / VERIFIER_KEY_FILE)
    return load_private_key(keys_dir / SIGNING_KEY_FILE, verifier.name)


def _require_log(log: Path) -> None:
    if not (log / "entries.jsonl").exists():
        raise StewardError(f"{log}: no audit log here (expected {log / 'entries.jsonl'})")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StewardError(f"{path}: cannot be read ({error})") from None


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise AuditError(f"{path}: cannot write ({error.strerror})") from None
