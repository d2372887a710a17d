"""Signing a person in with their access code: throttled, audited, never telling whether
a code exists.

Each try writes one :class:`~steward.vault.models.CodeAttempt` row for the code tried
(``code:<keyed hash>``) and one for the address it came from (``addr:<keyed hash>``);
neither the code nor the address is stored in clear, and the hashes are keyed apart
from the access codes' own look-up, so the attempts cannot be joined to a person. The
decision is :func:`~steward.vault.rules.code_throttle.decide_try`; a burst of wrong
tries is audited once per window (``person.code_burst``) and marked by a row
``burst:code:...`` or ``burst:addr:...`` that :func:`code_bursts` lists for the
privacy officer.

The limits are :class:`~steward.vault.rules.code_throttle.ThrottlePolicy`'s defaults;
the settings ``STEWARD_CODE_FAILURE_LIMIT`` (per code) and
``STEWARD_CODE_ADDRESS_FAILURE_LIMIT`` (per address) may change them.
"""

from __future__ import annotations

import hmac
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Final, NamedTuple
from uuid import UUID

from django.conf import settings
from django.db import transaction

from steward import clock
from steward.audit import Outcome
from steward.errors import StewardError
from steward.policy import Plan
from steward.vault.audit_actions import AuditAction
from steward.vault.models import AccessCode, CodeAttempt, PersonSession, Subject
from steward.vault.rules.code_throttle import (
    BurstKind,
    Failures,
    ThrottlePolicy,
    bursts_after_failure,
    decide_try,
)
from steward.vault.runtime import Vault
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.collect import access_code_lookup
from steward.vault.services.jobs import Job, JobContext, Schedule
from steward.vault.services.person_sessions import start_session

PRUNING_JOB_NAME: Final = "code-attempt-pruning"
PUBLIC_ACTOR: Final = "public/access-code"
CODES_OBJECT: Final = "access-codes"
MAX_CODE_LENGTH: Final = 64
ATTEMPTS_KEPT: Final = timedelta(days=1)
"""How long tries are kept: long enough for every window, short enough to hold little."""

REFUSED: Final = "this access code does not open any page; check it and try again"
_PREFIX: Final = {BurstKind.CODE: "code:", BurstKind.ADDRESS: "addr:"}
_BURST: Final = "burst:"


class CodeRefused(StewardError):
    """The code is wrong (or belongs to no one, or to an erased person): never says which."""

    def __init__(self, message: str = REFUSED) -> None:
        super().__init__(message)


class CodeThrottled(StewardError):
    """Too many wrong codes lately, for this code or from this address; try again in
    ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"too many wrong access codes were tried; try again in {wait_words(retry_after)}"
        )


class SignIn(NamedTuple):
    """A person's new session: the token (for their cookie only), when it ends, who."""

    token: str
    expires: datetime
    subject_id: UUID


@dataclass(frozen=True)
class CodeBurst:
    """A burst of wrong codes: when it was reported, on what, and how many tries it held
    (wrong tries of that key from a window before it to a window after)."""

    at: datetime
    kind: BurstKind
    count: int


def wait_words(seconds: int) -> str:
    """``90`` -> ``"2 minutes"``; ``40`` -> ``"40 seconds"``."""
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def configured_policy() -> ThrottlePolicy:
    """The throttle in force: the defaults, with the settings' limits where given."""
    base = ThrottlePolicy()
    return ThrottlePolicy(
        code_failures=int(getattr(settings, "STEWARD_CODE_FAILURE_LIMIT", base.code_failures)),
        address_failures=int(
            getattr(settings, "STEWARD_CODE_ADDRESS_FAILURE_LIMIT", base.address_failures)
        ),
        burst_failures=base.burst_failures,
        window=base.window,
    )


def attempt_keys(vault: Vault, code: str, address: str) -> dict[BurstKind, str]:
    """The attempt keys of a try: keyed hashes of the code (normalized as codes are) and
    of the address, each under its own prefix of ``vault.access_code_key``."""
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    pieces = {
        BurstKind.CODE: b"code-attempt:" + normalized.encode("utf-8", "surrogatepass"),
        BurstKind.ADDRESS: b"address-attempt:" + address.encode("utf-8", "surrogatepass"),
    }
    return {
        kind: _PREFIX[kind] + hmac.new(vault.access_code_key, piece, sha256).hexdigest()
        for kind, piece in pieces.items()
    }


def sign_in(vault: Vault, code: str, address: str) -> SignIn:
    """Open a session for the person ``code`` was given to, trying from ``address``.

    The code is checked by :func:`check_code` (throttled, failures audited); the
    sign-in is audited ``person.sign_in`` in the session's own transaction.

    Raises:
        CodeThrottled, CodeRefused: as :func:`check_code`; no session was opened.
        AuditUnavailable: the sign-in could not be audited; no session was opened.
    """
    subject = check_code(vault, code, address)
    now = clock.now()
    with transaction.atomic():
        token, expires = start_session(vault, subject, now)
        ref = f"person/{subject}"
        audit(vault, actor=ref, action=AuditAction.PERSON_SIGN_IN, obj=f"subject/{subject}")
    return SignIn(token, expires, subject)


def check_code(vault: Vault, code: str, address: str) -> UUID:
    """The live person ``code`` was given to, tried from ``address`` (a sign-in on the
    pages, or an API call with the code as its credential).

    Every try is recorded (keyed hashes only); a wrong or throttled one is audited
    ``person.sign_in_failed`` (best effort: the refusal stands regardless), and a burst
    ``person.code_burst`` once per window.

    Raises:
        CodeThrottled: too many wrong tries lately for this code or from this address;
            the code was not even checked.
        CodeRefused: the code is empty, malformed, wrong, or its person was erased.
    """
    now = clock.now()
    if not code.strip():
        raise CodeRefused("enter the access code from your receipt")
    policy = configured_policy()
    keys = attempt_keys(vault, code, address)
    facts = {kind: _failures(key, policy, kind, now) for kind, key in keys.items()}
    verdict = decide_try(policy, facts[BurstKind.CODE], facts[BurstKind.ADDRESS], now)
    subject = _subject_of(vault, code) if verdict else None
    if subject is not None:
        _record(keys, now, succeeded=True)
        return subject
    bursts = bursts_after_failure(policy, facts[BurstKind.CODE], facts[BurstKind.ADDRESS])
    with transaction.atomic():
        _record(keys, now, succeeded=False)
        CodeAttempt.objects.bulk_create(
            CodeAttempt(key=_BURST + keys[kind], at=now) for kind in bursts
        )
    _audit_failure(vault, policy, "wrong code" if verdict else "throttled", bursts)
    if not verdict:
        raise CodeThrottled(verdict.retry_after)
    raise CodeRefused()


def _audit_failure(
    vault: Vault, policy: ThrottlePolicy, why: str, bursts: tuple[BurstKind, ...]
) -> None:
    """Audit a refused try and any burst it made (best effort)."""
    minutes = int(policy.window.total_seconds() // 60)
    with suppress(AuditUnavailable), transaction.atomic():
        audit(
            vault,
            actor=PUBLIC_ACTOR,
            action=AuditAction.PERSON_SIGN_IN_FAILED,
            obj=CODES_OBJECT,
            purpose=why,
            outcome=Outcome.DENIED,
        )
        for kind in bursts:
            audit(
                vault,
                actor=PUBLIC_ACTOR,
                action=AuditAction.PERSON_CODE_BURST,
                obj=CODES_OBJECT,
                purpose=(
                    f"{policy.burst_failures} or more wrong access codes within "
                    f"{minutes} minutes for one {kind.value}"
                ),
                outcome=Outcome.DENIED,
            )


def code_bursts(vault: Vault, since: datetime) -> list[CodeBurst]:
    """The bursts of wrong codes reported since ``since``, newest first (no hashes)."""
    del vault  # the bursts are the vault's; the argument keeps the services' shape
    window = configured_policy().window
    found: list[CodeBurst] = []
    marks = CodeAttempt.objects.filter(key__startswith=_BURST, at__gte=since).order_by("-at")
    for key, at in marks.values_list("key", "at")[:500]:
        base = key.removeprefix(_BURST)
        kind = BurstKind.CODE if base.startswith(_PREFIX[BurstKind.CODE]) else BurstKind.ADDRESS
        count = CodeAttempt.objects.filter(
            key=base, succeeded=False, at__gt=at - window, at__lte=at + window
        ).count()
        found.append(CodeBurst(at, kind, count))
    return found


def prune_code_attempts(now: datetime | None = None) -> tuple[int, int]:
    """Delete tries older than :data:`ATTEMPTS_KEPT` and expired person sessions;
    returns how many of each were deleted."""
    moment = now or clock.now()
    attempts = CodeAttempt.objects.filter(at__lt=moment - ATTEMPTS_KEPT).delete()[0]
    sessions = PersonSession.objects.filter(expires__lte=moment).delete()[0]
    return attempts, sessions


def _subject_of(vault: Vault, code: str) -> UUID | None:
    """The live person ``code`` opens, or ``None``."""
    if len(code) > MAX_CODE_LENGTH or not code.isascii():
        return None
    subject: UUID | None = (
        AccessCode.objects.filter(lookup=access_code_lookup(vault, code))
        .values_list("subject_id", flat=True)
        .first()
    )
    if subject is None or Subject.objects.filter(pk=subject, erased__isnull=False).exists():
        return None
    return subject


def _failures(key: str, policy: ThrottlePolicy, kind: BurstKind, now: datetime) -> Failures:
    since = now - policy.window
    recent = CodeAttempt.objects.filter(key=key, succeeded=False, at__gt=since)
    limit = policy.limit(kind)
    nth = list(recent.order_by("-at").values_list("at", flat=True)[limit - 1 : limit])
    reported = CodeAttempt.objects.filter(key=_BURST + key, at__gt=since).exists()
    return Failures(recent.count(), nth[0] if nth else None, reported)


def _record(keys: dict[BurstKind, str], now: datetime, *, succeeded: bool) -> None:
    CodeAttempt.objects.bulk_create(
        CodeAttempt(key=key, at=now, succeeded=succeeded) for key in keys.values()
    )


def pruning_schedule(plan: Plan) -> Schedule:
    """Daily, whatever the plan: tries and sessions are kept only as long as needed."""
    del plan
    return Schedule(timedelta(days=1), "daily: access-code tries are kept one day")


def run_code_attempt_pruning(context: JobContext) -> str:
    """Prune the tries and sessions (the scheduled job); one sentence for the record."""
    del context
    attempts, sessions = prune_code_attempts()
    return (
        f"deleted {attempts} access-code tr{'y' if attempts == 1 else 'ies'} older than a day "
        f"and {sessions} ended sign-in{'' if sessions == 1 else 's'} of people"
    )


CODE_ATTEMPT_PRUNING: Final = Job(
    PRUNING_JOB_NAME, "Access-code tries pruning", pruning_schedule, run_code_attempt_pruning
)
