"""Files that hold secrets: created owner-only, refused when others can read them."""

from __future__ import annotations

import errno
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
        KeyStoreError: ``path`` is a symbolic link, ``exclusive`` is set and ``path``
            exists, or the write fails.
    """
    if path.is_symlink():
        raise KeyStoreError(f"{path}: is a symbolic link; refusing to write a key through it")
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

    The file is opened without following a symbolic link, and its permissions are
    checked on the open file, so they cannot change between the check and the read.

    Raises:
        KeyStoreError: the file is missing, unreadable, a symbolic link, or has unsafe
            permissions.
    """
    return read_private_file_with_stat(path)[0]


def read_private_file_with_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """:func:`read_private_file`, with the status of the very file that was read.

    Raises:
        KeyStoreError: as :func:`read_private_file`.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        raise KeyStoreError(f"{path}: no such key file; run 'steward keys init'") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise KeyStoreError(f"{path}: is a symbolic link; refusing to read a key") from None
        raise KeyStoreError(f"{path}: cannot read ({error.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(handle.fileno())
        mode = status.st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyStoreError(
                f"{path}: permissions {stat.filemode(mode)} let others read it; "
                f"run 'chmod 600 {path}' and check nobody copied it"
            )
        try:
            return handle.read(), status
        except OSError as error:
            raise KeyStoreError(f"{path}: cannot read ({error.strerror})") from None
