"""``steward audit``: verify the audit log, sign and export checkpoints, prove entries,
and check a proof offline.

Each command but ``check-proof`` reads the vault's own log (same options as
``serve``) or, with ``--log DIR``, a file log; see :mod:`steward.cli.audit_logs`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from steward import clock
from steward.audit import (
    AuditError,
    AuditLog,
    Checkpoint,
    NoteFormatError,
    ProofFileError,
    ProofVerificationError,
    SignatureError,
    SigningKey,
    check_proof_document,
    consistency_document,
    inclusion_document,
    load_private_key,
    load_public_key,
    parse_checkpoint,
    read_checkpoint_notes,
    verify_log,
    write_checkpoint_copies,
)
from steward.cli.audit_logs import (
    LogDir,
    OpenedLog,
    PlanPath,
    choose_log,
    open_file_log,
    open_vault_log,
)
from steward.cli.django_setup import DEFAULT_PLAN, DatabaseUrl, DataDir
from steward.cli.errors import (
    EXIT_FINDINGS,
    EXIT_UNUSABLE,
    plain_console,
    print_error,
    stderr,
    user_errors,
)
from steward.cli.keys import DEFAULT_KEYS_DIR, SIGNING_KEY_FILE, VERIFIER_KEY_FILE, KeysDir
from steward.errors import StewardError

app = typer.Typer(
    help="Verify the audit log, sign and export checkpoints, prove entries are in it, "
    "and check proofs offline.",
    no_args_is_help=True,
)
stdout = plain_console()

KeptCheckpoints = Annotated[
    list[Path] | None,
    typer.Option(
        "--checkpoint",
        help="A checkpoint note kept off the server, or a folder of them (*.note); repeatable.",
    ),
]
PublicKey = Annotated[
    Path | None,
    typer.Option(help="Verifier key text; every checkpoint must be signed by it."),
]
JsonOutput = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


class LogDamaged(StewardError):
    """The log does not match its checkpoints, so the command refused (exit 1)."""


def _open(
    context: typer.Context,
    log: Path | None,
    plan: Path,
    keys_dir: Path,
    data_dir: Path | None,
    database_url: str | None,
) -> OpenedLog:
    if choose_log(context, log):
        return open_vault_log(plan, keys_dir, database_url, data_dir)
    assert log is not None
    return open_file_log(log)


def _kept(paths: list[Path] | None) -> list[tuple[str, str]]:
    return [note for path in paths or () for note in read_checkpoint_notes(path)]


def _vault_extras(opened: OpenedLog, keys_dir: Path) -> tuple[list[tuple[str, str]], Path | None]:
    """The vault's witness copies (if it writes any) and its verifier key file."""
    if not opened.in_vault:
        return [], None
    from steward.vault.services import configured_policy

    witness = configured_policy().witness_dir
    kept = read_checkpoint_notes(witness) if witness is not None and witness.is_dir() else []
    key_file = keys_dir / VERIFIER_KEY_FILE
    return kept, key_file if key_file.exists() else None


@app.command()
def verify(
    context: typer.Context,
    log: LogDir = None,
    plan: PlanPath = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    checkpoint: KeptCheckpoints = None,
    public_key: PublicKey = None,
    output_json: JsonOutput = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also parse and check the format of every entry, not only the first and "
            "last (slower; finds entries that were written malformed).",
        ),
    ] = False,
) -> None:
    """Check every entry against the stored and kept checkpoints.

    Exit 0: intact; 1: damage found (an entry changed, removed or reordered, or the log
    shorter than any checkpoint); 2: cannot check. For the vault's log, the verifier key
    in --keys-dir is used unless --public-key is given, and the witness folder's copies
    (STEWARD_AUDIT_WITNESS_DIR) are compared too.
    """
    with user_errors():
        opened = _open(context, log, plan, keys_dir, data_dir, database_url)
        kept = _kept(checkpoint)
        witness, key_file = _vault_extras(opened, keys_dir)
        key_file = public_key or key_file
        key = load_public_key(key_file) if key_file else None
        report = verify_log(opened.store, None, key, strict=strict, kept=[*kept, *witness])
        stored = len(opened.store.checkpoints())
    summary = {
        "ok": report.ok,
        "log": opened.name,
        "entries": report.size,
        "root": report.root_hash.hex(),
        "checkpoints_checked": report.checkpoints_checked,
        "checkpoints_stored": stored,
        "checkpoints_kept": len(kept) + len(witness),
        "problem": report.problem.value if report.problem else None,
        "first_bad_index": report.first_bad_index,
        "suspect_range": list(report.suspect_range) if report.suspect_range else None,
        "reason": report.reason,
        "signatures_checked": key is not None,
        "public_key": str(key_file) if key_file else None,
        "strict": strict,
    }
    if output_json:
        typer.echo(json.dumps(summary, indent=2))
    elif report.ok:
        signed = f"signed by {key_file}" if key else "signatures not checked (no --public-key)"
        stdout.print(
            Text.assemble(
                ("intact", "green"),
                f": {opened.name}: {report.size} entries, "
                f"{report.checkpoints_checked} checkpoints ({stored} stored, "
                f"{summary['checkpoints_kept']} kept elsewhere; {signed}); "
                f"root {report.root_hash.hex()}",
            )
        )
    else:
        where = "" if report.first_bad_index is None else f" at entry {report.first_bad_index}"
        stdout.print(
            Text.assemble(
                (f"damaged{where}", "bold red"),
                f" ({summary['problem']}): {opened.name}: {report.reason}",
            )
        )
    if not report.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def checkpoint(
    context: typer.Context,
    log: LogDir = None,
    plan: PlanPath = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    out: Annotated[
        Path | None, typer.Option(help="Also write the signed note to this file.")
    ] = None,
    if_due: Annotated[
        bool,
        typer.Option(
            "--if-due",
            help="Only if the vault's schedule says one is due (for cron or a timer unit).",
        ),
    ] = False,
) -> None:
    """Sign a checkpoint of the whole log (C2SP signed note), keep it, and print it.

    For the vault's log the log is verified first (exit 1, nothing signed, if it is
    damaged) and the note is also copied to the witness folder, if one is set. Keep a
    copy somewhere the server cannot write: with it, `verify` detects a log that was
    cut short or rewritten.
    """
    with user_errors():
        opened = _open(context, log, plan, keys_dir, data_dir, database_url)
        note = _sign(opened, keys_dir, if_due=if_due)
        if note is None:
            stdout.print("no checkpoint due: nothing new, or not enough since the last one")
            return
        if out is not None:
            _write_text(out, note)
    typer.echo(note, nl=False)


def _sign(opened: OpenedLog, keys_dir: Path, *, if_due: bool = False) -> str | None:
    if not opened.in_vault:
        if if_due:
            raise StewardError("--if-due follows the vault's schedule; a file log has none")
        return AuditLog(opened.store).checkpoint(_signing_key(keys_dir))
    from steward.vault import DatabaseAuditStore
    from steward.vault.services import (
        CheckpointRefused,
        configured_policy,
        sign_now,
        store_checkpoint_if_due,
    )

    assert isinstance(opened.store, DatabaseAuditStore)
    try:
        if if_due:
            return store_checkpoint_if_due(opened.store)
        policy = configured_policy()
        return sign_now(opened.store, _signing_key(keys_dir), clock.now(), policy.witness_dir)
    except CheckpointRefused as error:
        stderr.print(Text.assemble(("refused:", "bold red"), " ", str(error)))
        raise typer.Exit(EXIT_FINDINGS) from None


@app.command()
def checkpoints(
    context: typer.Context,
    log: LogDir = None,
    plan: PlanPath = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Copy every stored checkpoint into this folder (one .note file each)."),
    ] = None,
    output_json: JsonOutput = False,
) -> None:
    """List the stored checkpoints, and copy them all elsewhere with --out.

    Files already in the folder are left alone; a different checkpoint of the same
    size already there is refused (exit 2): the log was rewritten since that copy.
    """
    with user_errors():
        opened = _open(context, log, plan, keys_dir, data_dir, database_url)
        notes = opened.store.checkpoints()
        times = _stored_times(opened)
        written = write_checkpoint_copies(notes, out) if out is not None else []
    rows = []
    for note in notes:
        try:
            parsed: Checkpoint | None = parse_checkpoint(note)
        except AuditError:
            parsed = None
        rows.append(
            {
                "size": parsed.size if parsed else None,
                "root": parsed.root_hash.hex() if parsed else None,
                "stored": times.get(note),
            }
        )
    if output_json:
        typer.echo(json.dumps({"log": opened.name, "checkpoints": rows}, indent=2))
    else:
        stdout.print(f"{len(rows)} checkpoints stored in {opened.name}")
        for row in rows:
            when = f", stored {row['stored']}" if row["stored"] else ""
            stdout.print(f"  {row['size']} entries, root {row['root']}{when}")
    if out is not None:
        stdout.print(f"copied {len(written)} new checkpoints to {out!s}")


def _stored_times(opened: OpenedLog) -> dict[str, str]:
    if not opened.in_vault:
        return {}
    from steward.vault import DatabaseAuditStore

    assert isinstance(opened.store, DatabaseAuditStore)
    return {note: when.isoformat() for note, when in opened.store.checkpoint_times()}


@app.command()
def prove(
    context: typer.Context,
    log: LogDir = None,
    plan: PlanPath = DEFAULT_PLAN,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    index: Annotated[
        int | None, typer.Option(help="Prove entry INDEX is in the log (inclusion).")
    ] = None,
    old_size: Annotated[
        int | None, typer.Option("--old-size", help="Prove the first N entries are unchanged.")
    ] = None,
    size: Annotated[
        int | None,
        typer.Option(
            help="The size of a stored checkpoint to prove against (default: the newest "
            "stored checkpoint that covers what is proved, or one signed now)."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Write the proof file here.")] = None,
) -> None:
    """Write a proof file: inclusion (--index) or consistency (--old-size).

    The file carries the signed checkpoints the proof rests on, so that
    `steward audit check-proof` can check it offline.
    """
    if (index is None) == (old_size is None):
        stderr.print("error: give exactly one of --index or --old-size")
        raise typer.Exit(EXIT_UNUSABLE)
    with user_errors():
        opened = _open(context, log, plan, keys_dir, data_dir, database_url)
        try:
            document = _proof(opened, keys_dir, index, old_size, size)
        except LogDamaged as error:
            stderr.print(Text.assemble(("refused:", "bold red"), " ", str(error)))
            raise typer.Exit(EXIT_FINDINGS) from None
        text = json.dumps(document, indent=2) + "\n"
        if out is not None:
            _write_text(out, text)
    typer.echo(text, nl=False)


def _proof(
    opened: OpenedLog, keys_dir: Path, index: int | None, old_size: int | None, size: int | None
) -> dict[str, Any]:
    least = index + 1 if index is not None else old_size or 0
    held = opened.store.size()
    if least > held or (size is not None and not least <= size <= held):
        wanted = f"entry {index}" if index is not None else f"the first {old_size} entries"
        upto = f" up to size {size}" if size is not None else ""
        raise StewardError(f"cannot prove {wanted}{upto}: the log holds {held} entries")
    note = _checkpoint_for(opened, keys_dir, size, least)
    anchor = parse_checkpoint(note)
    audit_log = AuditLog(opened.store)
    if index is not None:
        proof = audit_log.prove_inclusion(index, anchor.size)
        _matches(anchor, proof.root)
        entry = next(iter(opened.store.read(index, index + 1)))
        return inclusion_document(proof, entry, note)
    assert old_size is not None
    consistency = audit_log.prove_consistency(old_size, anchor.size)
    _matches(anchor, consistency.new_root)
    return consistency_document(consistency, note, _stored_of_size(opened, old_size))


def _matches(anchor: Checkpoint, root: bytes) -> None:
    if anchor.root_hash != root:
        raise LogDamaged(
            f"the log no longer matches its checkpoint of {anchor.size} entries; "
            "run 'steward audit verify'"
        )


def _stored_of_size(opened: OpenedLog, size: int) -> str | None:
    for note in reversed(opened.store.checkpoints()):
        try:
            if parse_checkpoint(note).size == size:
                return note
        except AuditError:
            continue
    return None


def _checkpoint_for(opened: OpenedLog, keys_dir: Path, size: int | None, least: int) -> str:
    """A signed checkpoint for a proof: of ``size`` entries if given, else the newest
    stored one covering ``least`` entries, else one signed now over the whole log."""
    if size is not None:
        note = _stored_of_size(opened, size)
        if note is not None:
            return note
        if size != opened.store.size():
            raise StewardError(
                f"no stored checkpoint covers exactly {size} entries; give the size of a "
                "stored checkpoint (steward audit checkpoints), or omit --size"
            )
    else:
        for note in reversed(opened.store.checkpoints()):
            try:
                if parse_checkpoint(note).size >= least:
                    return note
            except AuditError:
                continue
    signed = _sign(opened, keys_dir)
    assert signed is not None
    return signed


@app.command("check-proof")
def check_proof(
    proof: Annotated[Path, typer.Argument(help="A proof file written by 'steward audit prove'.")],
    public_key: Annotated[
        Path, typer.Option(help="The vault's checkpoint verifier key (audit-signing.pub).")
    ],
    checkpoint: KeptCheckpoints = None,
    output_json: JsonOutput = False,
) -> None:
    """Check a proof file offline: no database, no log, only the verifier key.

    The proof must rest on a checkpoint signed by that key, carried in the file or
    given with --checkpoint (a copy you kept; every one of the same size must agree).
    Exit 0: the proof holds; 1: it does not; 2: the file or key cannot be used.
    """
    with user_errors():
        key = load_public_key(public_key)
        kept = _kept(checkpoint)
        document = _read_json(proof)
    try:
        result = check_proof_document(document, key, kept)
    except ProofFileError as error:
        print_error(f"{proof}: {error}")
        raise typer.Exit(EXIT_UNUSABLE) from None
    except (ProofVerificationError, SignatureError, NoteFormatError) as error:
        _print_check(output_json, False, str(error))
        raise typer.Exit(EXIT_FINDINGS) from None
    _print_check(output_json, True, result.summary)


def _print_check(output_json: bool, valid: bool, text: str) -> None:
    if output_json:
        typer.echo(json.dumps({"valid": valid, "reason": text}, indent=2))
    elif valid:
        stdout.print(Text.assemble(("valid", "green"), ": ", text))
    else:
        stdout.print(Text.assemble(("INVALID", "bold red"), ": ", text))


def _signing_key(keys_dir: Path) -> SigningKey:
    verifier = load_public_key(keys_dir / VERIFIER_KEY_FILE)
    return load_private_key(keys_dir / SIGNING_KEY_FILE, verifier.name)


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise StewardError(f"{path}: cannot be read ({error})") from None
    except ValueError:
        raise StewardError(f"{path}: not a proof file (not JSON)") from None


def _write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise AuditError(f"{path}: cannot write ({error.strerror})") from None
