"""A real ``steward serve`` for the web log tests: its own keys, accounts, data folder and
port, with standard output and standard error kept in files to read afterwards.

(No tests here.) The server trusts 127.0.0.1 as its proxy for ``X-Forwarded-For`` only
and serves plain HTTP on loopback, so a test can send the address a proxy would have
seen, as nginx does in front of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.server.stack import (
    CITY,
    PASSWORD_LINE,
    clean_env,
    free_port,
    server_database,
    steward,
    wait_for_port,
)


@dataclass
class ServedVault:
    """A served vault's folder, options and what it wrote."""

    folder: Path
    options: list[str]
    port: int
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def web_log_dir(self) -> Path:
        return self.folder / "data" / "web-log"

    def web_log_text(self) -> str:
        """Every day file of the web log, oldest first."""
        return "".join(p.read_text() for p in sorted(self.web_log_dir.glob("*.jsonl")))

    def web_log_lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.web_log_text().splitlines()]

    def stderr(self) -> str:
        return (self.folder / "serve.stderr").read_text(errors="replace")

    def stdout(self) -> str:
        return (self.folder / "serve.stdout").read_text(errors="replace")


def plan_keeping(folder: Path, keep: str) -> Path:
    """The city plan, with ``operations.web_logs.keep: [keep]``."""
    text = CITY.read_text()
    old = "    keep: [date, country]\n    retention: 90d\n"
    assert text.count(old) == 1
    path = folder / "plan.yaml"
    path.write_text(text.replace(old, f"    keep: [{keep}]\n    retention: 90d\n"))
    return path


@contextmanager
def served_vault(
    folder: Path, plan: Path, accounts: dict[str, str], *, prelude: str = ""
) -> Iterator[ServedVault]:
    """Keys, the ``accounts`` (user name: role, no team), then ``steward serve`` until the
    block ends; ``prelude`` is Python run in the server process before the command (a
    fault to inject). The server is stopped before the block's caller reads its files."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = folder / "keys"
    made = steward("keys", "init", "--keys-dir", str(keys), "--no-intake-key")
    assert made.returncode == 0, made.stderr
    with server_database(folder) as url:
        vault = ServedVault(
            folder,
            ["--plan", str(plan), "--keys-dir", str(keys), "--database-url", url,
             "--data-dir", str(folder / "data")],
            free_port(),
        )  # fmt: skip
        for username, role in accounts.items():
            added = steward("staff", "add", username, "--role", role, *vault.options)
            assert added.returncode == 0, added.stderr
            vault.passwords[username] = str(PASSWORD_LINE.findall(added.stdout)[0])
        command = [
            sys.executable, "-c", f"{prelude}\nfrom steward.cli.main import run\nrun()",
            "serve", *vault.options, "--port", str(vault.port), "--no-jobs", "--plain-http",
            "--trusted-proxy", "127.0.0.1", "--trusted-proxy-headers", "x-forwarded-for",
        ]  # fmt: skip
        with (
            (folder / "serve.stdout").open("wb") as out,
            (folder / "serve.stderr").open("wb") as err,
        ):
            server = subprocess.Popen(command, cwd=folder, env=clean_env(), stdout=out, stderr=err)
        try:
            wait_for_port(vault.port, server, vault.stderr)
            yield vault
        finally:
            server.terminate()
            server.wait(timeout=20)
