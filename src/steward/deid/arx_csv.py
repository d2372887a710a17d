"""The text of ARX hierarchy files: decoding, parsing and writing, as ARX does.

ARX reads a hierarchy with its CSV reader (``;`` by default, ``"`` to quote, ``""`` for
a quote inside quotes): whitespace around an unquoted cell is dropped, blank lines are
skipped, and an empty cell is the empty string (which is how a missing value is listed).
:func:`parse` does the same and keeps each record's line, so that errors point at it.
A trailing separator on every line (``a;b;*;``) adds no level: it is dropped.
:func:`format_row` writes a row that :func:`parse` reads back exactly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, NamedTuple

from steward.deid.errors import DeidError

DELIMITERS: Final = (";", "\t", ",")
"""Tried in this order: ARX's default first."""
QUOTE: Final = '"'
BREAKS: Final = "\n\r"
BLANK: Final = "".join(chr(code) for code in range(33) if chr(code) not in BREAKS)
"""What ARX's reader trims around an unquoted cell: spaces and control characters."""
LINE_BREAK: Final = re.compile("\r\n|\r|\n")


class Record(NamedTuple):
    """One record of the file: the line it starts on and its cells.

    ``trailing_empty`` is true when the record ends with a separator followed by nothing.
    (A named tuple: a hierarchy of 100,000 values makes 100,000 of them.)
    """

    line: int
    cells: list[str]
    trailing_empty: bool


def decode(raw: bytes) -> str:
    """The text of a hierarchy file: UTF-16 with a BOM, UTF-8 (with or without BOM),
    otherwise Latin-1 (which reads any bytes).

    Data files are detected in the same order (:mod:`steward.deid.io`), so a value
    decodes to the same text in the data and in its hierarchy.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """``;`` when the first lines hold one (ARX's default), else a tab, else ``,``."""
    head = [line for line in text.splitlines()[:20] if line.strip()][:5]
    for delimiter in DELIMITERS:
        if any(delimiter in line for line in head):
            return delimiter
    return DELIMITERS[0]


def parse(text: str, delimiter: str, source: str) -> list[Record]:
    """The records of ``text``, as ARX's reader sees them. Lines end with LF, CR LF or
    CR; a quoted value may span lines.

    Raises:
        DeidError: a quote is never closed, or text follows a closing quote; the
            message names ``source`` and the line.
    """
    if QUOTE not in text:
        return _unquoted(text, delimiter)
    stops = re.compile(f"[{re.escape(delimiter)}{BREAKS}]")
    records: list[Record] = []
    cells: list[str] = []
    line = start = 1
    i, end = 0, len(text)
    while i <= end:
        cell, quoted, i, line = _cell(text, i, stops, source, line)
        cells.append(cell)
        if i < end and text[i] == delimiter:
            i += 1
            continue
        if len(cells) > 1 or quoted or cell:
            trailing = len(cells) > 1 and not quoted and cell == ""
            records.append(Record(start, cells, trailing))
        cells = []
        i += 2 if text.startswith("\r\n", i) else 1
        line += 1
        start = line
    return records


def _unquoted(text: str, delimiter: str) -> list[Record]:
    """:func:`parse` of a text without quotes, a line at a time."""
    records = []
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        cells = [cell.strip(BLANK) for cell in line.split(delimiter)]
        if len(cells) > 1 or cells[0]:
            records.append(Record(number, cells, len(cells) > 1 and cells[-1] == ""))
    return records


def format_row(cells: Sequence[str], delimiter: str = ";") -> str:
    """One line (without its newline) that :func:`parse` reads back as ``cells``."""
    if len(cells) == 1 and cells[0] == "":
        return QUOTE * 2
    return delimiter.join(_quoted(cell, delimiter) for cell in cells)


def _quoted(cell: str, delimiter: str) -> str:
    needs = cell != cell.strip(BLANK) or any(c in cell for c in (delimiter, QUOTE, "\n", "\r"))
    return QUOTE + cell.replace(QUOTE, QUOTE * 2) + QUOTE if needs else cell


def _cell(
    text: str, i: int, stops: re.Pattern[str], source: str, line: int
) -> tuple[str, bool, int, int]:
    """Read one cell from ``i`` (``stops`` finds the separator or a line break):
    (value, quoted, index after it, current line)."""
    end = len(text)
    found = stops.search(text, i)
    stop = found.start() if found else end
    if not text[i:stop].lstrip(BLANK).startswith(QUOTE):
        return text[i:stop].strip(BLANK), False, stop, line
    j = text.index(QUOTE, i) + 1
    opened = line
    parts: list[str] = []
    while True:
        close = text.find(QUOTE, j)
        if close < 0:
            raise DeidError(f"hierarchy {source}:{opened}: a quoted value is never closed")
        parts.append(text[j:close])
        line += _breaks(text[j:close])
        if close + 1 < end and text[close + 1] == QUOTE:
            parts.append(QUOTE)
            j = close + 2
            continue
        j = close + 1
        break
    found = stops.search(text, j)
    stop = found.start() if found else end
    if text[j:stop].strip(BLANK):
        raise DeidError(f"hierarchy {source}:{line}: text follows a closing quote")
    return "".join(parts), True, stop, line


def _breaks(text: str) -> int:
    """How many line breaks ``text`` holds (CR LF counts once)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")
