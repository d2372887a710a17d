"""``steward demo``: a working vault with the city example plan and synthetic residents."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Annotated, Final

import typer
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from rich.console import Console

import steward
from steward.cli.errors import EXIT_UNUSABLE, stderr, user_errors
from steward.cli.keys import (
    INTAKE_KEY_FILE,
    INTAKE_PUBLIC_FILE,
    KEK_FILE,
    SUBJECT_KEYS_FILE,
    create_signing_key,
)
from steward.cli.serve import (
    INSECURE_COOKIES_VARIABLE,
    refuse_plan_errors,
    require_keys,
    run_server,
    start_vault,
)
from steward.crypto import (
    FileKeyProvider,
    SqliteSubjectKeyStore,
    public_key_to_text,
    save_private_key,
)

stdout = Console(highlight=False, soft_wrap=True, markup=False)

PLAN_NAME: Final = "city-constituent-services.yaml"
DATASET: Final = "service_request"
MARKER: Final = "steward-demo.json"
HOST: Final = "127.0.0.1"
STAFF: Final = (
    ("dana.ortiz", "Dana Ortiz", "privacy_officer", ""),
    ("sam.rivera", "Sam Rivera", "caseworker", "north"),
    ("lee.chen", "Lee Chen", "supervisor", "north"),
)


def example_plan() -> Path:
    """The city constituent-services example plan of this checkout.

    Exits 2 with a clear message when Steward was installed without its examples.
    """
    here = Path(steward.__file__).resolve()
    for folder in (here.parents[2] / "examples", Path.cwd() / "examples"):
        if (folder / PLAN_NAME).is_file():
            return folder / PLAN_NAME
    stderr.print(
        f"error: the example plan {PLAN_NAME} is not installed with this copy of Steward; "
        "run the demo from a checkout of the repository ('make demo'), or serve your own "
        "plan with 'steward serve --plan PLAN'"
    )
    raise typer.Exit(EXIT_UNUSABLE)


def demo(
    folder: Annotated[
        Path, typer.Option("--dir", help="Where the demo keeps its keys and database.")
    ] = Path("steward-demo"),
    residents: Annotated[
        int, typer.Option(min=0, max=10_000, help="How many synthetic residents to load.")
    ] = 300,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port on 127.0.0.1.")] = 8000,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the service after setting up.")
    ] = True,
    seed: Annotated[
        int, typer.Option(help="Seed of the synthetic data (keys stay random).")
    ] = 2026,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Delete an earlier demo in --dir and start again.")
    ] = False,
) -> None:
    """Set up a demo vault under the city example plan, load synthetic residents and serve
    it on 127.0.0.1. Passwords and the intake passphrase are printed once, here."""
    plan = example_plan()
    keys_dir, data_dir = folder / "keys", folder / "data"
    refuse_plan_errors(plan)
    state = _prepare_folder(folder, fresh)
    # The demo is plain HTTP on this machine only: no HTTPS redirect, no Secure cookies.
    os.environ[INSECURE_COOKIES_VARIABLE] = "1"
    passphrase = ""
    if state == "new":
        _write_marker(folder, complete=False)
        passphrase = create_demo_keys(keys_dir)
    require_keys(keys_dir)
    start_vault(plan, keys_dir, None, data_dir)
    url = f"http://{HOST}:{port}/"
    if state == "new":
        _populate(folder, residents, seed, passphrase, url)
    else:
        stdout.print(
            f"Using the demo already set up in {folder} (its one-time passwords were printed "
            "when it was made; 'steward demo --fresh' starts again)."
        )
    if serve:
        stdout.print(f"Staff sign-in: {url}staff/login/   Public intake: {url}")
        run_server(HOST, port)


def create_demo_keys(keys_dir: Path) -> str:
    """Create every key the vault uses in ``keys_dir``; returns the intake passphrase."""
    passphrase = secrets.token_urlsafe(18)
    with user_errors():
        FileKeyProvider.create(keys_dir / KEK_FILE)
        SqliteSubjectKeyStore(keys_dir / SUBJECT_KEYS_FILE).close()
        private = X25519PrivateKey.generate()
        save_private_key(keys_dir / INTAKE_KEY_FILE, private, passphrase)
        public = public_key_to_text(private.public_key())
        (keys_dir / INTAKE_PUBLIC_FILE).write_text(public + "\n", encoding="utf-8")
        create_signing_key(keys_dir)
    return passphrase


def _prepare_folder(folder: Path, fresh: bool) -> str:
    """``"new"`` for an empty folder, ``"existing"`` for a finished demo; exits otherwise."""
    marker = folder / MARKER
    if folder.exists() and any(folder.iterdir()):
        if not marker.is_file():
            stderr.print(
                f"error: {folder} exists and was not made by 'steward demo'; choose another --dir"
            )
            raise typer.Exit(EXIT_UNUSABLE)
        if fresh:
            shutil.rmtree(folder)
            return "new"
        if not _marker_complete(marker):
            stderr.print(
                f"error: the demo in {folder} was not finished; run 'steward demo --fresh'"
            )
            raise typer.Exit(EXIT_UNUSABLE)
        return "existing"
    return "new"


def _marker_complete(marker: Path) -> bool:
    try:
        return bool(json.loads(marker.read_text(encoding="utf-8")).get("complete"))
    except (OSError, ValueError, AttributeError):
        return False


def _write_marker(folder: Path, *, complete: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    (folder / MARKER).write_text(json.dumps({"complete": complete}) + "\n", encoding="utf-8")


def _populate(folder: Path, residents: int, seed: int, passphrase: str, url: str) -> None:
    from steward.vault import get_vault
    from steward.vault.services import create_demo_accounts, load_residents

    vault = get_vault()
    with user_errors():
        accounts = create_demo_accounts(vault, list(STAFF))
        with stderr.status(f"loading {residents} synthetic residents"):
            load = load_residents(
                vault, residents, dataset=DATASET, seed=seed, caseworker=STAFF[1][0]
            )
    _write_marker(folder, complete=True)
    stdout.print(
        f"Demo vault in {folder} (keys in {folder / 'keys'}, database in {folder / 'data'})"
    )
    stdout.print(f"Plan: {vault.loaded.source} (version {vault.plan.version})")
    stdout.print(
        f"Loaded {load.created} synthetic residents into '{load.dataset}'"
        f" ({load.team} in team north, {load.assigned} assigned to {STAFF[1][0]})"
        + (f"; {load.rejected} refused by the plan" if load.rejected else "")
    )
    stdout.print("")
    stdout.print("Shown once, now; write them down (they are not stored in clear):")
    stdout.print(f"  intake key passphrase (opens sealed forms): {passphrase}")
    for account in accounts:
        team = f", team {account.team}" if account.team else ""
        stdout.print(
            f"  {account.role}{team}: user {account.password.username}, "
            f"one-time password {account.password.password}"
        )
    stdout.print(
        "Each person changes the password and sets up a second factor (TOTP) at first sign-in."
    )
    stdout.print(f"Sign in at {url}staff/login/")
