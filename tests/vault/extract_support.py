"""Many vault records at once for extract tests and the benchmark: one subject, one
record and its ciphertexts each, in a few bulk inserts (no intake, no audit), with the
answer to each consent purpose given."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence

from steward.vault.models import Consent, FieldValue, Record, Subject
from steward.vault.runtime import Vault

DISTRICTS = ["North", "South", "East", "West", "Downtown"]
TYPES = ["pothole", "streetlight", "graffiti", "noise", "housing", "benefits help", "other"]
AGES = ["18-29", "30-44", "45-64", "65+"]


def city_rows(count: int, seed: int = 7) -> list[dict[str, str]]:
    """``count`` fake service requests of the city plan, names and details included."""
    rng = random.Random(seed)
    return [
        {
            "full_name": f"Person {i}",
            "email": f"person{i}@example.org",
            "street_address": f"{i} Main Street",
            "district": rng.choice(DISTRICTS),
            "request_type": rng.choice(TYPES),
            "age_band": rng.choice(AGES),
            "details": f"Problem number {i}",
        }
        for i in range(count)
    ]


def bulk_records(
    vault: Vault,
    dataset_id: str,
    rows: Sequence[dict[str, str]],
    agreed: Sequence[str] = (),
    batch: int = 2000,
) -> list[Record]:
    """Store ``rows`` as records of ``dataset_id``, each person agreeing to ``agreed``."""
    dataset = vault.plan.dataset(dataset_id)
    specs = dataset.collected_fields
    plan_id = vault.plan_version_id()
    made: list[Record] = []
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        subjects = [Subject(id=uuid.uuid4()) for _ in part]
        vault.keyring.create_keys([str(s.id) for s in subjects])
        records, values, consents = [], [], []
        for answers, subject in zip(part, subjects, strict=True):
            record = Record(
                id=uuid.uuid4(),
                dataset=dataset.id,
                subject=subject,
                plan_id=plan_id,
                clear_values={
                    s.name: answers[s.name] for s in specs if not s.encrypted and s.name in answers
                },
                team="central",
            )
            secret = {
                s.name: answers[s.name].encode() for s in specs if s.encrypted and s.name in answers
            }
            sealed = vault.keyring.encrypt_record(
                str(subject.id), secret, dataset=dataset.id, record=str(record.id)
            )
            values += [FieldValue(record=record, field=n, ciphertext=c) for n, c in sealed.items()]
            consents += [
                Consent(subject=subject, record=record, purpose=p, granted=True) for p in agreed
            ]
            records.append(record)
        Subject.objects.bulk_create(subjects)
        Record.objects.bulk_create(records)
        FieldValue.objects.bulk_create(values)
        Consent.objects.bulk_create(consents)
        made += records
    return made
