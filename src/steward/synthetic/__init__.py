"""Synthetic records: realistic fake answers for a plan's datasets, made with Faker.

Plain Python (no Django). The values look real (names, addresses, phone numbers in
fictional ranges, emails at reserved example domains) but describe nobody. Every
submission made here passes the plan's intake rules
(:func:`steward.vault.rules.intake.check_submission`): ``never`` fields stay empty,
voluntary fields are filled only sometimes, and consents match the answers given.
"""

from steward.synthetic.persona import Persona, new_faker, new_persona
from steward.synthetic.submissions import fake_consents, fake_submission
from steward.synthetic.values import fake_value

__all__ = [
    "Persona",
    "fake_consents",
    "fake_submission",
    "fake_value",
    "new_faker",
    "new_persona",
]
