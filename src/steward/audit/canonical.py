"""Canonical JSON: one value, one byte string, so that an entry always hashes the same.

The encoding follows the JSON Canonicalization Scheme (RFC 8785) for the subset of
JSON the audit log uses: objects with text keys, arrays, text, integers, booleans
and null. Floats are refused rather than canonicalized, since the log never needs
them and their canonical form is the subtle part of RFC 8785.

* object members are sorted by their keys' UTF-16 code units (RFC 8785 section 3.2.3);
* there is no whitespace;
* text is UTF-8; only ``"``, ``\\`` and control characters are escaped, the
  control characters as ``\\b \\t \\n \\f \\r`` or ``\\u00xx`` (lower-case hex);
* integers are written in decimal and must lie within the I-JSON safe range
  (magnitude at most 2**53 - 1) so every JSON reader sees the same number.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Final, TypeAlias

from steward.audit.errors import CanonicalEncodingError

JsonValue: TypeAlias = "bool | int | str | Sequence[JsonValue] | Mapping[str, JsonValue] | None"
"""The values :func:`canonical_json` accepts (tuples and lists both become arrays)."""

MAX_SAFE_INTEGER: Final = 2**53 - 1
"""Largest integer magnitude that every JSON reader represents exactly (I-JSON, RFC 7493)."""

_ESCAPES: Final = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_TRANSLATION: Final = str.maketrans({**{chr(c): f"\\u{c:04x}" for c in range(0x20)}, **_ESCAPES})


def _utf16_order(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _encode_text(text: str, out: list[str]) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalEncodingError("text contains a lone surrogate, which is not UTF-8") from None
    out.append('"')
    out.append(text.translate(_TRANSLATION))
    out.append('"')


def _encode(value: object, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalEncodingError("integer is outside the safe range of +/-(2**53 - 1)")
        out.append(str(int(value)))
    elif isinstance(value, str):
        _encode_text(value, out)
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalEncodingError("object keys must be text")
        out.append("{")
        for position, key in enumerate(sorted(value, key=_utf16_order)):
            if position:
                out.append(",")
            _encode_text(key, out)
            out.append(":")
            _encode(value[key], out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for position, item in enumerate(value):
            if position:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, float):
        raise CanonicalEncodingError("floats are not allowed; store numbers as integers or text")
    else:
        raise CanonicalEncodingError(f"values of type {type(value).__name__} cannot be encoded")


def canonical_json(value: JsonValue) -> bytes:
    """Encode ``value`` as canonical JSON, in UTF-8.

    Equal values give identical bytes whatever the order of their object keys.

    Raises:
        CanonicalEncodingError: the value holds a float, a non-text key, an integer
            beyond +/-(2**53 - 1), text with a lone surrogate, or an unsupported type.
    """
    out: list[str] = []
    _encode(value, out)
    return "".join(out).encode("utf-8")


_FAST_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
)


def canonical_json_validated(value: JsonValue) -> bytes:
    """:func:`canonical_json` for values already checked to fit a fast path.

    The caller promises that ``value`` holds no floats, only integers within
    +/-(2**53 - 1), and only object keys below U+10000 (where a code-point sort
    equals RFC 8785's UTF-16 sort). The standard library's C encoder then writes
    exactly the canonical bytes, several times faster. Schema-checked audit
    entries meet this promise.

    Raises:
        CanonicalEncodingError: text holds a lone surrogate.
    """
    try:
        return _FAST_ENCODER.encode(value).encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalEncodingError("text contains a lone surrogate, which is not UTF-8") from None


def _reject_constant(name: str) -> None:
    raise CanonicalEncodingError(f"{name} is not allowed in canonical JSON")


def _reject_float(text: str) -> None:
    raise CanonicalEncodingError("floats are not allowed in canonical JSON")


def _unique_members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise CanonicalEncodingError("an object repeats a key")
    return members


_DECODER: Final = json.JSONDecoder(
    parse_float=_reject_float, parse_constant=_reject_constant, object_pairs_hook=_unique_members
)


def parse_strict(data: bytes) -> object:
    """Parse UTF-8 JSON that has no floats and no repeated keys (canonical form is not checked).

    Raises:
        CanonicalEncodingError: the bytes are not UTF-8 JSON, repeat an object key,
            or hold a float, NaN or infinity.
    """
    try:
        value: object = _DECODER.decode(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CanonicalEncodingError("not UTF-8 JSON") from None
    return value


def parse_canonical(data: bytes) -> object:
    """Parse bytes that must already be in canonical form, and return the value.

    Raises:
        CanonicalEncodingError: the bytes are not UTF-8 JSON, repeat an object key,
            hold a float, or are valid JSON that is not in canonical form.
    """
    value = parse_strict(data)
    if canonical_json(value) != data:  # type: ignore[arg-type]
        raise CanonicalEncodingError("valid JSON, but not in canonical form")
    return value
