"""``steward serve``: run the vault under a plan, refusing a plan with errors or no keys."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Final

import typer

from steward.cli.django_setup import DEFAULT_BACKUP_DIR, BackupDir, DatabaseUrl, DataDir, PlanOption
from steward.cli.errors import EXIT_FINDINGS, EXIT_UNUSABLE, plain_console, stderr, user_errors
from steward.cli.jobs import start_scheduled_jobs, use_backup_dir
from steward.cli.keys import DEFAULT_KEYS_DIR, KEK_FILE, KeysDir
from steward.policy import LoadedPlan, load_plan
from steward.policy.checks import Severity, run_checks
from steward.server import (
    DEFAULT_HEADERS,
    ProxySettingError,
    TrustedProxies,
    proxy_warnings,
    trusted_proxies,
    waitress_setup,
)

stdout = plain_console()

DEFAULT_DATA_DIR: Final = Path("steward-data")
THREADS: Final = 4
INSECURE_COOKIES_VARIABLE: Final = "STEWARD_INSECURE_COOKIES"

Host = Annotated[str, typer.Option("--host", help="Address to listen on.")]
Port = Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")]
TrustedProxy = Annotated[
    list[str] | None,
    typer.Option(
        "--trusted-proxy",
        envvar="STEWARD_TRUSTED_PROXIES",
        help="Address of the TLS proxy in front (as Steward sees it connect, e.g. 127.0.0.1); "
        "only its forwarded headers are believed. Repeat or separate with commas.",
    ),
]
TrustedProxyHeaders = Annotated[
    list[str] | None,
    typer.Option(
        "--trusted-proxy-headers",
        envvar="STEWARD_TRUSTED_PROXY_HEADERS",
        help="Forwarded headers taken from the trusted proxy "
        f"(default: {', '.join(DEFAULT_HEADERS)}).",
    ),
]


def serve(
    plan: PlanOption,
    database_url: DatabaseUrl = None,
    keys_dir: KeysDir = DEFAULT_KEYS_DIR,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    host: Host = "127.0.0.1",
    port: Port = 8000,
    plain_http: Annotated[
        bool,
        typer.Option(
            "--plain-http",
            help="Serve plain HTTP to a browser on this machine (no HTTPS redirect, "
            "cookies without Secure). Only with a loopback --host.",
        ),
    ] = False,
    check_only: Annotated[
        bool,
        typer.Option("--check-only", help="Set everything up (plan, keys, database), then stop."),
    ] = False,
    trusted_proxy: TrustedProxy = None,
    trusted_proxy_headers: TrustedProxyHeaders = None,
    backup_dir: BackupDir = DEFAULT_BACKUP_DIR,
    jobs: Annotated[
        bool,
        typer.Option("--jobs/--no-jobs", help="Run scheduled jobs (backups) in the background."),
    ] = True,
) -> None:
    """Serve the vault: intake forms, staff pages and the HTTP API.

    Refuses to start while the plan has check errors (exit 1) or the keys are missing
    (exit 2). Migrates the database before listening.
    """
    if plain_http and not is_loopback(host):
        stderr.print(f"error: --plain-http is only for a loopback address, not '{host}'")
        raise typer.Exit(EXIT_UNUSABLE)
    proxies = proxy_settings(trusted_proxy, trusted_proxy_headers, plain_http=plain_http)
    if plain_http:
        os.environ[INSECURE_COOKIES_VARIABLE] = "1"
    refuse_plan_errors(plan)
    require_keys(keys_dir)
    use_backup_dir(backup_dir)
    start_vault(plan, keys_dir, database_url, data_dir or DEFAULT_DATA_DIR)
    if check_only:
        stdout.print(f"ready: {plan} passes its checks, keys and database are in order")
        return
    if jobs:
        start_scheduled_jobs()
    run_server(host, port, proxies)


def proxy_settings(
    addresses: list[str] | None, headers: list[str] | None, *, plain_http: bool
) -> TrustedProxies:
    """The trusted proxy from the options, warnings printed; exits 2 on nonsense."""
    try:
        proxies = trusted_proxies(addresses, headers, plain_http=plain_http)
    except ProxySettingError as error:
        stderr.print(f"error: {error}", markup=False)
        raise typer.Exit(EXIT_UNUSABLE) from None
    for warning in proxy_warnings(proxies, plain_http=plain_http):
        stderr.print(f"warning: {warning}", markup=False)
    if proxies.any:
        stdout.print(
            f"Trusting {', '.join(sorted(proxies.headers))} from {', '.join(proxies.addresses)} "
            "only; other clients' forwarded headers are dropped",
            markup=False,
        )
    return proxies


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refuse_plan_errors(plan: Path) -> LoadedPlan:
    """Load ``plan`` and exit unless it passes its checks; touches nothing on disk.

    Exits 1 listing every error when the plan fails its checks or cannot be loaded,
    2 when it cannot be read.
    """
    with user_errors():
        loaded = load_plan(plan)
    errors = [f for f in run_checks(loaded).findings if f.severity is Severity.ERROR]
    if errors:
        stderr.print(f"error: {plan} fails {len(errors)} checks; the vault will not run under it:")
        for finding in errors:
            where = f"{plan}:{finding.line}" if finding.line else str(plan)
            stderr.print(f"  {where}: {finding.rule}: {finding.message}")
            if finding.hint:
                stderr.print(f"      fix: {finding.hint}")
        stderr.print("Fix them (see 'steward policy check') and start again.")
        raise typer.Exit(EXIT_FINDINGS)
    return loaded


def require_keys(keys_dir: Path) -> None:
    """Exit 2 with what to run when ``keys_dir`` holds no key file."""
    if not (keys_dir / KEK_FILE).exists():
        stderr.print(
            f"error: no keys in {keys_dir}: run 'steward keys init --keys-dir {keys_dir}' first "
            "(keep the keys apart from the database and back them up offline)"
        )
        raise typer.Exit(EXIT_UNUSABLE)


def start_vault(
    plan: Path, keys_dir: Path, database_url: str | None, data_dir: Path | None
) -> None:
    """Set Django up, migrate the database, build the vault and record the plan version,
    so errors show before listening. Exits 1 if the plan has errors, 2 if the keys or
    the database cannot be used."""
    from steward.cli.django_setup import setup_django

    if database_url is None and data_dir is not None:
        require_data_folder(data_dir)
    with user_errors():
        setup_django(plan, keys_dir, database_url, data_dir)
        from django.db import DatabaseError

        from steward.vault import PlanHasErrors, get_vault

        try:
            get_vault().plan_version_id()  # records this plan text, if it is new
            replay_erasures()
        except PlanHasErrors as error:
            stderr.print(f"error: {error}")
            raise typer.Exit(EXIT_FINDINGS) from None
        except DatabaseError as error:
            stderr.print(f"error: the database cannot be used: {type(error).__name__}")
            raise typer.Exit(EXIT_UNUSABLE) from None


def replay_erasures() -> None:
    """Replay the erasure ledger onto the database before the vault serves, saying what
    it deleted again (a restored backup that still held it); silent when nothing."""
    from steward.vault import get_vault
    from steward.vault.services import replay_ledger

    report = replay_ledger(get_vault())
    if report.changed:
        stdout.print(
            f"erasure ledger replayed: {report.records} records, {report.fields} values and "
            f"{report.subjects} people deleted again (the database was older than the ledger)"
        )


def require_data_folder(data_dir: Path) -> None:
    """Exit 2 with a message when ``data_dir`` (or a folder above it) is not a folder."""
    for folder in (data_dir, *data_dir.parents):
        if folder.is_dir():
            return
        if folder.exists() or folder.is_symlink():
            stderr.print(
                f"error: --data-dir {data_dir}: {folder} is not a folder; give a folder "
                "for the vault's database (it is created if missing)"
            )
            raise typer.Exit(EXIT_UNUSABLE)


def run_server(host: str, port: int, proxies: TrustedProxies | None = None) -> None:
    """Serve the vault with waitress until interrupted; exits 2 if the port is taken.

    Forwarded headers are believed from ``proxies`` only and dropped from anyone else.
    """
    import waitress
    from django.core.wsgi import get_wsgi_application

    application, proxy_options = waitress_setup(get_wsgi_application(), proxies or TrustedProxies())
    shown = f"[{host}]" if ":" in host else host
    stdout.print(f"Steward is listening on http://{shown}:{port}/ (Ctrl+C stops it)")
    try:
        waitress.serve(
            application, host=host, port=port, threads=THREADS, ident="steward", **proxy_options
        )
    except OSError as error:
        stderr.print(f"error: cannot listen on {host}:{port}: {error.strerror or error}")
        raise typer.Exit(EXIT_UNUSABLE) from None
