"""A seeded, labelled corpus of help-desk incident descriptions and case notes.

Each text is put together from a template's parts, so the offsets of every piece of
personal data are known exactly: names (mostly from the locales the name vocabulary
was built from, a fifth from Polish and Dutch, which it was not), emails, phones in
several formats and regions, street addresses, SSNs, card numbers, IBANs, IP addresses
and dates. Look-alikes are mixed in and labelled as nothing: card numbers failing
Luhn, SSNs never issued, order and ticket numbers, invoice numbers, version strings,
times and amounts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from faker import Faker

Part = tuple[str, str | None]  # text, and its kind (None: not personal)


@dataclass(frozen=True)
class Labelled:
    """One text and its true spans: (kind, start, end)."""

    text: str
    spans: tuple[tuple[str, int, int], ...]


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        Faker.seed(seed)
        self.us = Faker("en_US")
        self.known = [Faker(locale) for locale in ("en_US", "en_GB", "es_ES", "de_DE", "fr_FR")]
        self.held_out = [Faker("pl_PL"), Faker("nl_NL")]
        self.ibans = [Faker(locale) for locale in ("de_DE", "en_GB", "fr_FR", "nl_NL")]

    def _fake(self) -> Faker:
        return self.rng.choice(self.held_out if self.rng.random() < 0.2 else self.known)

    def first(self) -> list[Part]:
        return [(self._fake().first_name(), "person_name")]

    def person(self) -> list[Part]:
        fake = self._fake()
        return [(f"{fake.first_name()} {fake.last_name()}", "person_name")]

    def titled(self) -> list[Part]:
        title = self.rng.choice(["Mr.", "Ms.", "Dr.", "Mrs.", "Dr"])
        return [(f"{title} ", None), (self._fake().last_name(), "person_name")]

    def email(self) -> list[Part]:
        return [(self.us.email(), "email")]

    def phone(self) -> list[Part]:
        region = self.rng.choice(["US", "US", "US", "GB", "DE", "IN", "FR"])
        while True:
            number = phonenumbers.parse(self.us.numerify(self._phone_shape(region)), region)
            if phonenumbers.is_valid_number(number):
                break
        style = self.rng.choice(["national", "international", "e164"])
        if region != "US" and style == "national":
            style = "international"  # a foreign national number needs its region to read
        formats = {
            "national": phonenumbers.PhoneNumberFormat.NATIONAL,
            "international": phonenumbers.PhoneNumberFormat.INTERNATIONAL,
            "e164": phonenumbers.PhoneNumberFormat.E164,
        }
        return [(phonenumbers.format_number(number, formats[style]), "phone")]

    @staticmethod
    def _phone_shape(region: str) -> str:
        return {
            "US": "2#########",
            "GB": "020 7### ####",
            "DE": "030 #######",
            "IN": "98### #####",
            "FR": "06 ## ## ## ##",
        }[region]

    def address(self) -> list[Part]:
        return [(self.us.street_address(), "street_address")]

    def ssn(self) -> list[Part]:
        area = self.rng.choice([a for a in range(1, 900) if a != 666])
        group, serial = self.rng.randint(1, 99), self.rng.randint(1, 9999)
        return [(f"{area:03d}-{group:02d}-{serial:04d}", "us_ssn")]

    def bad_ssn(self) -> list[Part]:
        area = self.rng.choice(["000", "666", "987"])
        return [(f"{area}-{self.rng.randint(1, 99):02d}-{self.rng.randint(1, 9999):04d}", None)]

    def card(self) -> list[Part]:
        kind = self.rng.choice(["visa16", "mastercard", "amex"])
        return [(self._grouped(self.us.credit_card_number(card_type=kind)), "credit_card")]

    def bad_card(self) -> list[Part]:
        number = self.us.credit_card_number(card_type="visa16")
        wrong = str((int(number[-1]) + self.rng.randint(1, 9)) % 10)
        return [(self._grouped(number[:-1] + wrong), None)]

    def _grouped(self, digits: str) -> str:
        if self.rng.random() < 0.5 or len(digits) != 16:
            return digits
        return " ".join(digits[i : i + 4] for i in range(0, 16, 4))

    def iban(self) -> list[Part]:
        value = str(self.rng.choice(self.ibans).iban())
        if self.rng.random() < 0.5:
            value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return [(value, "iban")]

    def ip(self) -> list[Part]:
        value = self.us.ipv6() if self.rng.random() < 0.2 else self.us.ipv4_public()
        return [(str(value), "ip_address")]

    def date(self) -> list[Part]:
        day = self.us.date_between(start_date="-80y", end_date="today")
        fmt = self.rng.choice(["%m/%d/%Y", "%Y-%m-%d", "%B %d, %Y", "%d %B %Y", "%d.%m.%Y"])
        return [(day.strftime(fmt), "date_of_birth")]

    # Look-alikes: labelled as nothing.
    def order(self) -> list[Part]:
        return [(f"ORD-{self.rng.randint(2019, 2026)}-{self.rng.randint(0, 999999):06d}", None)]

    def ticket(self) -> list[Part]:
        return [(f"#{self.rng.randint(10_000_000, 99_999_999)}", None)]

    def invoice(self) -> list[Part]:
        return [(f"INV{self.rng.randint(0, 9_999_999):07d}", None)]

    def version(self) -> list[Part]:
        parts = [str(self.rng.randint(0, 12)) for _ in range(self.rng.choice([3, 3, 4]))]
        return [(self.rng.choice(["v", "version ", "build "]) + ".".join(parts), None)]

    def time(self) -> list[Part]:
        return [(f"{self.rng.randint(0, 23):02d}:{self.rng.randint(0, 59):02d}", None)]

    def amount(self) -> list[Part]:
        return [(f"${self.rng.randint(1, 9999):,}.{self.rng.randint(0, 99):02d}", None)]


TEMPLATES: tuple[str, ...] = (
    "{person} reported that her laptop was stolen on {date}; contact {email} or {phone}.",
    "Caller {person} ({phone}) says the charge of {amount} on card {card} was not hers. "
    "Ticket {ticket}.",
    "Refund to IBAN {iban} for {person}, order {order}, approved by {titled}.",
    "Login to the portal from {ip} at {time} was flagged; the user is {email}.",
    "{titled} visited {address} on {date} to install {version} on the kiosk.",
    "SSN {ssn} was read out by {person} over the phone; verify with {titled} first.",
    "Card {bad_card} was declined (a test number); ask {first} to call {phone} back.",
    "Case note: {first} missed the appointment at {time}; moved to {date}. Lives at {address}.",
    "Shipping label printed for {address}; invoice {invoice}, firmware {version}.",
    "Client {person} (born {date}) asked to change the IBAN to {iban} and the email to {email}.",
    "Server {ip} unreachable since {time}; {first} from the network team is on it. Ref {order}.",
    "Printer on floor 3 jams on tray 2; firmware {version} is due at {time}, ticket {ticket}.",
    "Form rejected: SSN {bad_ssn} is never issued; {first} will send a new one to {email}.",
    "{person} wrote from {email} and {ip} about invoice {invoice} for {amount}.",
)


def _render(template: str, maker: _Maker) -> Labelled:
    parts: list[Part] = []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        slot, _, rest = tail.partition("}")
        parts.append((head, None))
        make: Callable[[], list[Part]] = getattr(maker, slot)
        parts.extend(make())
    parts.append((rest, None))
    text, spans, position = [], [], 0
    for value, kind in parts:
        if kind is not None:
            spans.append((kind, position, position + len(value)))
        text.append(value)
        position += len(value)
    return Labelled("".join(text), tuple(spans))


def generate(count: int = 5000, seed: int = 7) -> list[Labelled]:
    """``count`` labelled texts, the same for the same seed."""
    maker = _Maker(seed)
    return [_render(maker.rng.choice(TEMPLATES), maker) for _ in range(count)]
