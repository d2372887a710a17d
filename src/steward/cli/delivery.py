"""``steward delivery``: for a recipient outside the organization, make a key pair and
open the encrypted packages the organization delivers.

``keygen`` writes a private key (encrypted under a passphrase with Argon2id, in the
format of Steward's intake key, owner-only) and the public key to give the
organization. ``open`` opens a package with that key, or with a passphrase the
organization gave by another channel, and writes the payload to an owner-only file.
Every failure is a plain message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Final, NoReturn

import typer
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from steward.cli.errors import EXIT_FINDINGS, EXIT_UNUSABLE, plain_console, print_error
from steward.crypto import (
    CryptoError,
    DecryptionError,
    KeyStoreError,
    load_private_key,
    open_package,
    public_key_to_text,
    read_package_header,
    save_private_key,
    write_private_file,
)

app = typer.Typer(
    help="Make a key pair to receive deliveries, and open an encrypted package.",
    no_args_is_help=True,
)
stdout = plain_console()

KEY_FILE: Final = "delivery.key.json"
PUBLIC_FILE: Final = "delivery.pub"
PASSPHRASE_VARIABLE: Final = "STEWARD_DELIVERY_KEY_PASSPHRASE"  # noqa: S105 - a variable name
"""The key file's passphrase, for scripts; asked for when unset."""


@app.command()
def keygen(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the key files (created if missing).")
    ],
) -> None:
    """Make a key pair: DIR/delivery.key.json (private, under your passphrase, owner-only)
    and DIR/delivery.pub (public: give it to the organization).

    The passphrase is asked twice, or read from STEWARD_DELIVERY_KEY_PASSPHRASE.
    """
    private_path, public_path = out / KEY_FILE, out / PUBLIC_FILE
    for path in (private_path, public_path):
        if path.exists():
            _fail(f"{path} exists; keep it, or choose another --out folder")
    passphrase = os.environ.get(PASSPHRASE_VARIABLE) or str(
        typer.prompt(
            "Passphrase for your delivery key (12+ characters)",
            hide_input=True,
            confirmation_prompt=True,
        )
    )
    key = X25519PrivateKey.generate()
    public = public_key_to_text(key.public_key())
    try:
        out.mkdir(parents=True, exist_ok=True)
        save_private_key(private_path, key, passphrase)
        public_path.write_text(public + "\n", encoding="utf-8")
    except (CryptoError, OSError) as error:
        _fail(str(error))
    stdout.print(f"wrote {private_path} (encrypted under your passphrase; owner-only)")
    stdout.print(f"wrote {public_path}")
    stdout.print("Give the organization this public key (it is safe to share):")
    stdout.print(public)


@app.command("open")
def open_command(
    package: Annotated[Path, typer.Argument(help="The downloaded package (.stwpkg).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write what it holds.")],
    key: Annotated[
        Path | None, typer.Option("--key", help="Your private key file (steward delivery keygen).")
    ] = None,
    passphrase_file: Annotated[
        Path | None,
        typer.Option("--passphrase-file", help="A file holding the passphrase you were given."),
    ] = None,
    context: Annotated[
        str | None,
        typer.Option(help="Refuse the package unless it was made for this (disclosure/...)."),
    ] = None,
) -> None:
    """Open an encrypted package with your key (--key) or a passphrase (--passphrase-file)
    and write what it holds to --out (owner-only; an existing file is never replaced).

    The key file's passphrase is asked for, or read from STEWARD_DELIVERY_KEY_PASSPHRASE.
    """
    if (key is None) == (passphrase_file is None):
        _fail("give exactly one of --key FILE or --passphrase-file FILE")
    if out.exists():
        _fail(f"{out} exists; choose another --out (nothing was written)")
    data = _read(package, "the package")
    try:
        header = read_package_header(data)
    except CryptoError as error:
        _fail(f"{package}: {error}")
    try:
        if key is not None:
            opened = open_package(data, private_key=_load_key(key), context=context)
        else:
            assert passphrase_file is not None
            phrase = _read(passphrase_file, "the passphrase file").decode("utf-8", "replace")
            opened = open_package(data, passphrase=phrase.strip(), context=context)
    except DecryptionError as error:
        print_error(f"{package}: {error}")
        raise typer.Exit(EXIT_FINDINGS) from None
    try:
        write_private_file(out, opened.payload, exclusive=True)
    except (KeyStoreError, OSError) as error:
        _fail(str(error))
    named = f"; the sender named it {header.filename!r}" if header.filename else ""
    stdout.print(
        f"opened a package for {opened.context}: wrote {len(opened.payload):,} bytes to "
        f"{out} (owner-only){named}"
    )


def _load_key(path: Path) -> X25519PrivateKey:
    passphrase = os.environ.get(PASSPHRASE_VARIABLE) or str(
        typer.prompt("Passphrase for your delivery key", hide_input=True)
    )
    try:
        return load_private_key(path, passphrase)
    except DecryptionError:
        print_error(f"{path}: wrong passphrase for this key file")
        raise typer.Exit(EXIT_FINDINGS) from None
    except KeyStoreError as error:
        _fail(str(error).replace("intake key file", "key file"))


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        _fail(f"{path}: {what} cannot be read ({error.strerror or error})")


def _fail(message: str) -> NoReturn:
    print_error(message)
    raise typer.Exit(EXIT_UNUSABLE)
