"""Writing a file whole or not at all: the one place Steward does it for documents and
reports."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_bytes_atomically(path: Path, content: bytes, *, suffix: str = ".tmp") -> None:
    """Write ``content`` to ``path`` through a temporary file in the same folder, synced
    and renamed into place (mode 0644): readers see the old file or the whole new one,
    never a part, and no temporary file is left behind.

    Raises:
        OSError: the folder is not writable, the disk is full, or the rename fails;
            callers turn it into their own error.
    """
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=suffix
        )
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        temporary = None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
