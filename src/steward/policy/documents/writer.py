"""Write files into the output folder without ever leaving one half-written."""

from __future__ import annotations

from pathlib import Path

from steward.atomic import write_bytes_atomically
from steward.errors import StewardError


class DocumentWriteError(StewardError):
    """The documents cannot be written to the chosen folder."""


def prepare_folder(out: Path) -> None:
    """Create ``out`` (and its parents) if needed.

    Raises:
        DocumentWriteError: ``out`` is a file, or cannot be created.
    """
    if out.exists() and not out.is_dir():
        raise DocumentWriteError(f"{out}: exists and is not a folder; choose another --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DocumentWriteError(f"{out}: cannot create the folder ({_reason(error)})") from None


def write_atomically(path: Path, text: str | bytes) -> None:
    """Write ``text`` to ``path`` (text as UTF-8, bytes as they are): to a temporary
    file beside it, then rename.

    Readers see either the old file or the complete new one, never a part.

    Raises:
        DocumentWriteError: the folder is not writable or the disk is full; no
            temporary file is left behind.
    """
    content = text.encode("utf-8") if isinstance(text, str) else text
    try:
        write_bytes_atomically(path, content)
    except OSError as error:
        raise DocumentWriteError(f"{path}: cannot write ({_reason(error)})") from None


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
