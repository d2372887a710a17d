"""``steward backup``: encrypt a backup file under the current KEK, and decrypt it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from steward.cli.errors import user_errors
from steward.cli.keys import DEFAULT_KEYS_DIR, KEK_FILE, KeysDir
from steward.crypto import FileKeyProvider
from steward.crypto.backup import decrypt_file, encrypt_file
from steward.errors import StewardError

app = typer.Typer(help="Encrypt and decrypt backup files.", no_args_is_help=True)
stdout = Console(highlight=False, soft_wrap=True)

Source = Annotated[Path, typer.Argument(help="The file to read.", show_default=False)]
Target = Annotated[Path, typer.Option("--out", help="The file to write (owner-only).")]


@app.command()
def encrypt(source: Source, out: Target, keys_dir: KeysDir = DEFAULT_KEYS_DIR) -> None:
    """Encrypt a backup file in chunks (streams in bounded memory)."""
    with user_errors():
        _distinct(source, out)
        size = encrypt_file(source, out, FileKeyProvider(keys_dir / KEK_FILE))
    stdout.print(f"encrypted {size:,} bytes into {out}")


@app.command()
def decrypt(source: Source, out: Target, keys_dir: KeysDir = DEFAULT_KEYS_DIR) -> None:
    """Decrypt a backup; nothing is written unless every chunk authenticates."""
    with user_errors():
        _distinct(source, out)
        size = decrypt_file(source, out, FileKeyProvider(keys_dir / KEK_FILE))
    stdout.print(f"restored {size:,} bytes into {out}")


def _distinct(source: Path, out: Path) -> None:
    if not source.is_file():
        raise StewardError(f"{source}: no such file")
    if out.exists() and out.resolve() == source.resolve():
        raise StewardError("the output must be a different file from the input")
