"""What staff actions about one person share: finding the case in the actor's scope, and
checking the reason they give (kept, so it must say something and name no value).

Used by erasure (:mod:`~steward.vault.services.erasure`) and by new access codes
(:mod:`~steward.vault.services.code_reissue`).
"""

from __future__ import annotations

from typing import Final
from uuid import UUID

from steward.vault.models import FieldValue, Record
from steward.vault.rules.erasure import reason_spans
from steward.vault.rules.reveal import reason_problem
from steward.vault.rules.scope import RecordFacts, in_scope
from steward.vault.rules.search import spec_normalization
from steward.vault.runtime import Vault
from steward.vault.services.access import InvalidValue, NotFound
from steward.vault.services.actors import Actor

REASON_NAMES_PERSON: Final = (
    "the reason repeats one of the person's own values (a name, an email, a phone "
    "number); say why without them, since the reason is kept"
)


def record_in_scope(actor: Actor, record_id: UUID | str) -> Record:
    """The case ``record_id`` (with its person), if it is in the actor's scope.

    Raises:
        NotFound: no such case, a malformed id, or a case out of the actor's scope
            (answered alike, so scope does not tell whether a case exists).
    """
    try:
        key = record_id if isinstance(record_id, UUID) else UUID(str(record_id).strip())
        row = Record.objects.select_related("subject").get(pk=key)
    except (ValueError, Record.DoesNotExist):
        raise NotFound("no such case") from None
    if not in_scope(actor.reach, RecordFacts(row.assigned_to_id, row.team, row.subject_id)):
        raise NotFound("no such case")
    return row


def check_reason(
    vault: Vault, subject_id: UUID, reason: str, names_person: str = REASON_NAMES_PERSON
) -> str:
    """The reason, whitespace collapsed, if it says something and names no value of
    the person's searchable fields (compared by blind index; nothing is decrypted).

    Raises:
        InvalidValue: it does not (``names_person`` when it repeats a value).
    """
    problem = reason_problem(reason)
    if problem:
        raise InvalidValue(problem)
    text = " ".join(reason.split())
    stored = FieldValue.objects.filter(
        record__subject_id=subject_id, blind_index__isnull=False
    ).values_list("record__dataset", "field", "blind_index")
    spans = reason_spans(text)
    indexer = vault.indexer
    for dataset_id, field, index in stored:
        try:
            spec = vault.plan.dataset(dataset_id).field(field)
        except KeyError:
            continue
        if index is None:
            continue
        norm = spec_normalization(spec)
        wanted = bytes(index)
        if any(
            indexer.index(span, dataset=dataset_id, field=field, normalization=norm) == wanted
            for span in spans
        ):
            raise InvalidValue(names_person)
    return text
