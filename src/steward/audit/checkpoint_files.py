"""Checkpoint notes as files: the copies an oversight body keeps off the server.

One note per file, named after the size it covers (``checkpoint-000000001042.note``),
so a folder of copies sorts by size and a copy is never overwritten. The same layout
serves a witness folder the vault writes to and an export of every stored checkpoint.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from steward.audit.checkpoint import parse_checkpoint
from steward.audit.errors import AuditError, AuditReadError, AuditWriteError

NOTE_SUFFIX: Final = ".note"
_CREATE_FLAGS: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def note_file_name(note: str) -> str:
    """The file name for ``note``: ``checkpoint-<size, 12 digits>.note``.

    Raises:
        NoteFormatError: the note is not a checkpoint.
    """
    return f"checkpoint-{parse_checkpoint(note).size:012d}{NOTE_SUFFIX}"


def write_checkpoint_copies(notes: Iterable[str], directory: str | os.PathLike[str]) -> list[Path]:
    """Write each note into ``directory`` unless it is already there; return the new files.

    Existing files are never changed. The folder is created if missing; each new file
    is written in full and ``fsync``ed before the next.

    Raises:
        AuditWriteError: the folder or a file cannot be written, or the folder already
            holds a *different* checkpoint of the same size (the log was rewritten
            after that copy was made, or two logs share the folder).
    """
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AuditWriteError(f"cannot create {folder}: {error.strerror}") from None
    written = []
    for note in notes:
        try:
            path = folder / note_file_name(note)
        except AuditError as error:
            raise AuditWriteError(f"a stored checkpoint cannot be copied: {error}") from None
        if _write_new(path, note):
            written.append(path)
    return written


def _write_new(path: Path, note: str) -> bool:
    try:
        fd = os.open(path, _CREATE_FLAGS, 0o644)
    except FileExistsError:
        if _read(path) != note:
            raise AuditWriteError(
                f"{path} holds a different checkpoint of the same size: the log was "
                "rewritten after that copy was made, or another log writes to this folder"
            ) from None
        return False
    except OSError as error:
        raise AuditWriteError(f"cannot write {path}: {error.strerror}") from None
    try:
        data = memoryview(note.encode("utf-8"))
        while data:
            data = data[os.write(fd, data) :]
        os.fsync(fd)
    except OSError as error:
        raise AuditWriteError(f"cannot write {path}: {error.strerror}") from None
    finally:
        os.close(fd)
    return True


def read_checkpoint_notes(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """The notes in ``path``, each with a label naming its file.

    ``path`` is one note file, or a folder whose ``*.note`` files are read in name
    order (a witness folder or an export). Nothing is verified here.

    Raises:
        AuditReadError: the path or a file in it cannot be read as text.
    """
    source = Path(path)
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.name.endswith(NOTE_SUFFIX))
        return [(f"the checkpoint in {file}", _read(file)) for file in files]
    return [(f"the checkpoint in {source}", _read(source))]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AuditReadError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise AuditReadError(f"{path}: cannot be read ({reason})") from None
