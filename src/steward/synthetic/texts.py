"""Free-text answers that read like what people write into forms, per kind of field."""

from __future__ import annotations

from typing import Final

from faker import Faker

SERVICE_PROBLEMS: Final = (
    "There is a deep pothole outside {address} that cars swerve around.",
    "The streetlight at the corner of {street} has been out for {days} days.",
    "Someone sprayed graffiti on the bus shelter on {street}.",
    "Loud music from a building on {street} every night after midnight.",
    "My landlord has not fixed the heating at {address} since {month}.",
    "I need help applying for the utility bill assistance programme.",
    "A fallen tree branch is blocking the sidewalk on {street}.",
    "Overflowing trash bins near {address} have not been collected for {days} days.",
    "The crossing signal on {street} does not give pedestrians enough time.",
    "Water is leaking from a hydrant in front of {address}.",
)
FOLLOW_UPS: Final = (
    "Please call me before sending someone.",
    "I am home most afternoons.",
    "This has been reported before but nothing happened.",
    "Thank you for looking into it.",
    "It is getting worse after the rain.",
    "",
)
DELIVERY_NOTES: Final = (
    "Leave the box with the neighbour at number {number} if nobody answers.",
    "Ring twice; the buzzer is broken.",
    "Deliver after {hour} pm on weekdays.",
    "Side entrance on {street}, up the ramp.",
    "Call on arrival, third floor, no lift.",
    "Prefers pickup on Saturdays.",
)
INCIDENTS: Final = (
    "Our shared mailbox received a fake invoice with a link to a login page; two staff "
    "entered their passwords before we noticed.",
    "The director's email account sends messages she did not write. We changed the "
    "password but it keeps happening.",
    "Our website shows a page we did not publish and visitors are redirected to a casino.",
    "A laptop was taken at a border crossing and returned a day later. We do not know "
    "what was copied.",
    "Antivirus flagged a file on the office computer after someone opened an attachment.",
    "Someone reset the two-factor settings on our social media account.",
)
HISTORY: Final = (
    "Visited the {site} pantry on {date}.",
    "Called about a missed delivery on {date}.",
    "Referred to the benefits desk on {date}.",
)


def fill(template: str, faker: Faker, *, address: str | None = None) -> str:
    """``template`` with its placeholders replaced by fake details."""
    street = faker.street_name()
    return template.format(
        address=address or faker.street_address(),
        street=street,
        days=faker.random.randint(2, 20),
        month=faker.month_name(),
        number=faker.random.randint(2, 120),
        hour=faker.random.randint(1, 7),
        site=faker.last_name(),
        date=faker.date_between("-1y", "today").isoformat(),
    )


def service_problem(faker: Faker, address: str | None = None) -> str:
    """A resident describing a problem in their street, sometimes with a follow-up line."""
    text = fill(faker.random_element(SERVICE_PROBLEMS), faker, address=address)
    extra = faker.random_element(FOLLOW_UPS)
    return f"{text} {extra}".strip()


def delivery_note(faker: Faker) -> str:
    """A note about how to deliver to a household."""
    return fill(faker.random_element(DELIVERY_NOTES), faker)


def incident(faker: Faker) -> str:
    """Someone describing a security incident at their organization."""
    return str(faker.random_element(INCIDENTS))


def history(faker: Faker) -> str:
    """A line of service history."""
    return fill(faker.random_element(HISTORY), faker)
