"""Check digits, through python-stdnum: Luhn (cards), ISO 13616 IBAN, Verhoeff (Aadhaar).

Thin wrappers that keep one calling convention for the detectors: each takes the
characters already stripped of separators and returns whether the check holds. None
of them raises: malformed input (separators, non-ASCII digits, the wrong length) is
simply invalid.
"""

from __future__ import annotations

from stdnum import iban, luhn, verhoeff


def _ascii_digits(value: str) -> bool:
    return bool(value) and value.isascii() and value.isdigit()


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (only 0-9, at least two) passes the Luhn mod-10 check."""
    return len(digits) >= 2 and _ascii_digits(digits) and luhn.is_valid(digits)


def luhn_check_digit(payload: str) -> str:
    """The digit that, appended to ``payload`` (digits only), makes it Luhn-valid.

    Raises:
        ValueError: ``payload`` is not ASCII digits.
    """
    if not _ascii_digits(payload):
        raise ValueError("payload must be digits only")
    return str(luhn.calc_check_digit(payload))


def iban_valid(value: str) -> bool:
    """True for an IBAN written compact and upper case whose country, length, account
    structure and mod-97 remainder hold (python-stdnum's registry)."""
    if len(value) < 5 or not value.isascii() or not value.isalnum() or not value.isupper():
        return False
    return bool(iban.is_valid(value))


def verhoeff_valid(digits: str) -> bool:
    """True when ``digits`` (only 0-9), read with its last digit as check digit, passes Verhoeff."""
    return _ascii_digits(digits) and verhoeff.is_valid(digits)


def verhoeff_check_digit(payload: str) -> str:
    """The Verhoeff check digit to append to ``payload`` (digits only).

    Raises:
        ValueError: ``payload`` is not ASCII digits.
    """
    if not _ascii_digits(payload):
        raise ValueError("payload must be digits only")
    return str(verhoeff.calc_check_digit(payload))
