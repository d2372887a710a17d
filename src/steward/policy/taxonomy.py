"""The built-in taxonomy of personal-data categories, which a plan can extend."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from steward.policy.tiers import Tier


@dataclass(frozen=True)
class Category:
    """A kind of personal data.

    Attributes:
        id: stable identifier used in plan files.
        label: plain-language name for documents and forms.
        tier: the sensitivity a holding of this category has at least.
        special: a special category (health, religion, ethnicity, sexual life,
            biometrics, ...) that needs an explicit legal basis or explicit consent.
        status: reveals a vulnerable status (immigration, criminal history) whose
            disclosure can expose a person to legal or physical danger.
        children: data about children, which needs a guardian rule.
        personal: whether the category describes an identifiable person at all.
    """

    id: str
    label: str
    tier: Tier
    special: bool = False
    status: bool = False
    children: bool = False
    personal: bool = True
    description: str = ""

    @property
    def needs_explicit_basis(self) -> bool:
        """Whether collecting it needs explicit consent or an explicit legal basis."""
        return self.special or self.status or self.children


_BUILT_IN: tuple[Category, ...] = (
    Category(
        "contact",
        "Contact details",
        Tier.INTERNAL,
        description="Names, postal and email addresses, phone numbers.",
    ),
    Category(
        "identity_document",
        "Identity documents",
        Tier.CONFIDENTIAL,
        description="Passports, driving licences, ID cards and their numbers.",
    ),
    Category(
        "government_id",
        "Government identifiers",
        Tier.CONFIDENTIAL,
        description="Social security, national insurance, Aadhaar or tax numbers.",
    ),
    Category(
        "financial",
        "Financial data",
        Tier.CONFIDENTIAL,
        description="Bank accounts, cards, income, benefits, debts.",
    ),
    Category(
        "location",
        "Location",
        Tier.CONFIDENTIAL,
        description="Home address, coordinates, places a person goes.",
    ),
    Category(
        "demographic",
        "Demographic data",
        Tier.INTERNAL,
        description="Age, date of birth, gender, household size.",
    ),
    Category(
        "service_history",
        "Service history",
        Tier.INTERNAL,
        description="Requests, cases and interactions with the organization.",
    ),
    Category(
        "device",
        "Device and browser data",
        Tier.INTERNAL,
        description="IP addresses, browser and operating system, cookies.",
    ),
    Category(
        "health",
        "Health",
        Tier.RESTRICTED,
        special=True,
        description="Physical or mental health, disability, care received.",
    ),
    Category(
        "immigration_status",
        "Immigration or citizenship status",
        Tier.RESTRICTED,
        status=True,
        description="Citizenship, visa, residence permit or undocumented status.",
    ),
    Category(
        "criminal_history",
        "Criminal history",
        Tier.RESTRICTED,
        status=True,
        description="Convictions, offences, arrests, probation.",
    ),
    Category(
        "religion",
        "Religion or belief",
        Tier.RESTRICTED,
        special=True,
        description="Religious or philosophical beliefs.",
    ),
    Category(
        "ethnicity",
        "Racial or ethnic origin",
        Tier.RESTRICTED,
        special=True,
        description="Race, ethnicity, tribe or caste.",
    ),
    Category(
        "political_opinion",
        "Political opinions",
        Tier.RESTRICTED,
        special=True,
        description="Political views, party or union membership.",
    ),
    Category(
        "sexual_life",
        "Sex life or sexual orientation",
        Tier.RESTRICTED,
        special=True,
        description="Sexual orientation, gender identity history, sex life.",
    ),
    Category(
        "biometric",
        "Biometric data",
        Tier.RESTRICTED,
        special=True,
        description="Fingerprints, face images used for recognition, voice prints.",
    ),
    Category(
        "genetic",
        "Genetic data",
        Tier.RESTRICTED,
        special=True,
        description="DNA and other inherited characteristics.",
    ),
    Category(
        "children",
        "Children's data",
        Tier.RESTRICTED,
        children=True,
        description="Any data about a person under the age of digital consent.",
    ),
    Category(
        "victim_status",
        "Victim or survivor status",
        Tier.RESTRICTED,
        status=True,
        description="Whether someone experienced violence, abuse or trafficking.",
    ),
    Category(
        "security_incident",
        "Security incident details",
        Tier.CONFIDENTIAL,
        description="What happened to an organization's systems and who is at risk.",
    ),
    Category(
        "free_text",
        "Free text",
        Tier.CONFIDENTIAL,
        description="Open answers and notes, which can contain anything.",
    ),
    Category(
        "operational",
        "Operational, non-personal data",
        Tier.PUBLIC,
        personal=False,
        description="Ticket types, districts, counts: nothing about a person alone.",
    ),
)

BUILT_IN_CATEGORIES: Mapping[str, Category] = MappingProxyType({c.id: c for c in _BUILT_IN})


def build_taxonomy(extensions: Iterable[Category] = ()) -> Mapping[str, Category]:
    """Merge a plan's own categories into the built-in taxonomy.

    Raises:
        ValueError: an extension reuses the id of a built-in category.
    """
    merged = dict(BUILT_IN_CATEGORIES)
    for category in extensions:
        if category.id in BUILT_IN_CATEGORIES:
            raise ValueError(f"category '{category.id}' is built in and cannot be redefined")
        merged[category.id] = category
    return MappingProxyType(merged)
