"""Anchored patterns for whole-value matching, and the per-value validators run on candidates.

The regexes are run by Polars over a whole sample at once; the validators (check digits,
number-plan rules, address parsing) run in Python only on the values a pattern matched.
"""

from __future__ import annotations

import ipaddress
from typing import Final

import phonenumbers
from stdnum.in_ import aadhaar
from stdnum.us import ssn

from steward.deid.scan.checksums import iban_valid, luhn_valid

EMAIL: Final = r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
URL: Final = r"(?i)^(?:(?:https?|ftp)://[^\s/?#]+\.[^\s/?#]+|www\.[^\s/?#]+\.[a-z]{2,})\S*$"
IPV4: Final = r"^\d{1,3}(?:\.\d{1,3}){3}$"
IPV6: Final = r"(?i)^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}$"
CARD: Final = r"^\d(?:[ \-]?\d){11,18}$"
IBAN: Final = r"^[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}$"
SSN: Final = r"^\d{3}([- ])\d{2}[- ]\d{4}$"
SSN_BARE: Final = r"^\d{9}$"
NINO: Final = r"(?i)^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]$"
AADHAAR: Final = r"^[2-9]\d{3}[ \-]?\d{4}[ \-]?\d{4}$"
PAN: Final = r"^[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]$"
PHONE: Final = r"(?i)^\+?\(?\d[\d\s().\-/]{5,22}\d(?:\s*(?:x|ext\.?|#)\s*\d{1,6})?$"
PHONE_EXTENSION: Final = r"(?i)\s*(?:x|ext\.?|#)\s*\d{1,6}$"
UUID: Final = r"(?i)^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$"
ZIP5: Final = r"^\d{5}$"
ZIP9: Final = r"^\d{5}-\d{4}$"
PIN6: Final = r"^[1-9]\d{2} ?\d{3}$"
UK_POSTCODE: Final = r"(?i)^[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}$"
CA_POSTCODE: Final = r"(?i)^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$"
COORD_PAIR: Final = r"^\(?\s*-?\d{1,2}\.\d{3,}\s*[,;]\s*-?\d{1,3}\.\d{3,}\s*\)?$"
DECIMAL_COORD: Final = r"^-?\d{1,3}\.\d{4,}$"
DATE_PATTERNS: Final = (
    (r"^\d{4}-\d{2}-\d{2}$", ("%Y-%m-%d",)),
    (r"^\d{4}/\d{2}/\d{2}$", ("%Y/%m/%d",)),
    (r"^\d{1,2}/\d{1,2}/\d{4}$", ("%m/%d/%Y", "%d/%m/%Y")),
    (r"^\d{1,2}-\d{1,2}-\d{4}$", ("%m-%d-%Y", "%d-%m-%Y")),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}$", ("%d.%m.%Y",)),
    (r"^[A-Za-z]{3,9} \d{1,2}, \d{4}$", ("%B %d, %Y", "%b %d, %Y")),
    (r"^\d{1,2} [A-Za-z]{3,9} \d{4}$", ("%d %B %Y", "%d %b %Y")),
)

_MAESTRO_PREFIXES: Final = frozenset(
    {5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763, 604, 6390}
)
NINO_BAD_PREFIXES: Final = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def street_address_pattern(street_types: frozenset[str]) -> str:
    """A regex for ``<house number> <1-5 words> <street type>`` at the start of a value."""
    alternation = "|".join(sorted(street_types, key=len, reverse=True))
    return (
        r"(?i)^\d{1,6}[A-Z]?(?:-\d{1,4})?,?\s+(?:[A-Za-z0-9.'\-]+\s+){0,4}[A-Za-z0-9.'\-]+\s+"
        rf"(?:{alternation})\.?(?:$|[\s,])"
    )


def card_valid(digits: str) -> bool:
    """True for a card number with a known issuer prefix (IIN), its lengths, and a Luhn check."""
    length = len(digits)
    if not 12 <= length <= 19 or not luhn_valid(digits):
        return False
    two, four, six = int(digits[:2]), int(digits[:4]), int(digits[:6])
    if four in _MAESTRO_PREFIXES:  # Maestro and other debit cards
        return True
    if four in (2131, 1800):  # JCB, old 15-digit numbers
        return length == 15
    if length == 12:
        return False
    if digits[0] == "4":  # Visa
        return length in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:  # Mastercard
        return length == 16
    if two in (34, 37):  # American Express
        return length == 15
    if four == 6011 or two == 65 or 644 <= int(digits[:3]) <= 649 or 622126 <= six <= 622925:
        return 16 <= length <= 19  # Discover
    if 3528 <= four <= 3589:  # JCB
        return 16 <= length <= 19
    if two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305:  # Diners Club
        return 14 <= length <= 19
    if two == 62:  # UnionPay
        return 16 <= length <= 19
    if two in (50, 56, 57, 58) or two == 67:  # Maestro
        return 12 <= length <= 19
    return False


def ssn_valid(value: str) -> bool:
    """True for a US SSN (python-stdnum): area not 000, 666 or 900-999; group not 00;
    serial not 0000; not one of the numbers published in advertising."""
    digits = "".join(char for char in value if char.isdigit())
    return len(digits) == 9 and digits.isascii() and bool(ssn.is_valid(digits))


def nino_valid(value: str) -> bool:
    """True for a UK National Insurance number whose two-letter prefix is allocatable."""
    compact = value.replace(" ", "").upper()
    return len(compact) == 9 and compact[:2] not in NINO_BAD_PREFIXES


def aadhaar_valid(value: str) -> bool:
    """True for 12 digits, first 2-9, not a palindrome, whose last digit is the Verhoeff
    check digit (python-stdnum)."""
    digits = value.replace(" ", "").replace("-", "")
    return len(digits) == 12 and digits.isascii() and bool(aadhaar.is_valid(digits))


def iban_value_valid(value: str) -> bool:
    """True for an IBAN (spaces allowed) with its country's length and mod-97 remainder 1."""
    return iban_valid(value.replace(" ", "").upper())


def ip_valid(value: str) -> bool:
    """True for an IPv4 or IPv6 address that :mod:`ipaddress` accepts."""
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return False
    return True


def phone_valid(value: str, region: str) -> bool:
    """True when :mod:`phonenumbers` parses ``value`` (a leading +code wins over ``region``)
    and judges the number valid for its region."""
    digits = sum(char.isdigit() for char in value)
    if digits < 7 or digits > 17:
        return False
    try:
        number = phonenumbers.parse(value, None if value.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))
