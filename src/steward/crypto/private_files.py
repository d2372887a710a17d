"""Files that hold secrets: created owner-only, refused when others can read them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from steward.crypto.errors import KeyStoreError

OWNER_ONLY = 0o600


def write_private_file(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` with mode 0600, atomically.

    The bytes go to a temporary file created owner-only in the same folder, which
    then replaces ``path``; a crash never leaves a half-written key file.

    Raises:
        KeyStoreError: ``exclusive`` is set and ``path`` exists, or the write fails.
    """
    if exclusive and path.exists():
        raise KeyStoreError(f"{path}: already exists; refusing to overwrite a key file")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise KeyStoreError(f"{path}: cannot write ({error.strerror})") from None


def read_private_file(path: Path) -> bytes:
    """Read a secret file, refusing it if group or others may read or write it.

    Raises:
        KeyStoreError: the file is missing, unreadable or has unsafe permissions.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise KeyStoreError(f"{path}: no such key file; run 'steward keys init'") from None
    except OSError as error:
        raise KeyStoreError(f"{path}: cannot read ({error.strerror})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyStoreError(
            f"{path}: permissions {stat.filemode(mode)} let others read it; "
            f"run 'chmod 600 {path}' and check nobody copied it"
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise KeyStoreError(f"{path}: cannot read ({error.strerror})") from None
