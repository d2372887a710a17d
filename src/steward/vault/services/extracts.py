"""De-identified extracts of vault records for analyst recipients and roles.

The decisions are pure rules (:mod:`steward.vault.rules.extract_release`); this service
fetches the records, de-identifies them with the engine
(:mod:`steward.vault.services.extract_deid`), measures the risk on the output, writes
the manifest and stores an :class:`~steward.vault.models_egress.Extract`, ``released`` or
``withheld`` with its reason, auditing ``extract.make`` in the same transaction (a
refusal is audited too). A withheld extract keeps no rows: nothing leaves.

The released rows (de-identified CSV) are kept sealed until the extract expires: AES-GCM
under a key derived from the vault's root key, a random nonce, and the extract's id as
associated data, stored in the extract's record beside (never inside) the manifest
shown. A staff role downloads them (:func:`download_extract`, audited as
``extract.download``) until ``expires``; :func:`expire_extracts` (the hourly
``extract-expiry`` job) then deletes them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Final, NoReturn
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import transaction

from steward import clock
from steward.audit import Outcome
from steward.deid import DeidError
from steward.deid.transforms import RecipeError, load_recipe
from steward.errors import StewardError
from steward.vault.audit_actions import AuditAction
from steward.vault.models import Record
from steward.vault.models_egress import Extract
from steward.vault.rules.extract_release import (
    ExtractTarget,
    TargetError,
    decide_maker,
    decide_release,
    deidentified_only_role,
    extract_expires,
    extract_fields,
    field_refusal,
    k_target,
    resolve_target,
)
from steward.vault.rules.staff_standing import StaffStanding, standing_refusal
from steward.vault.runtime import Vault, derive_key
from steward.vault.services.access import AccessDenied, AccessService, NotFound
from steward.vault.services.actors import Actor
from steward.vault.services.auditing import AuditUnavailable, audit
from steward.vault.services.extract_deid import Deidentified, anonymize_builtin, apply_recipe_to
from steward.vault.services.extract_source import chunks, read_source
from steward.vault.services.jobs import Job, JobContext, Schedule

EXPIRY_EVERY: Final = timedelta(hours=1)
SEALED: Final = "sealed"
"""The key of the extract record's JSON that holds the sealed rows (never shown)."""
PLAN_K: Final[int | None] = None
"""The plan format states no de-identification k of its own yet; the rule takes one."""


class ExtractRefused(StewardError):
    """The extract cannot be made as asked (unknown dataset, receiver or purpose, a bad
    recipe, a k below the floor); the message says why, never a personal value."""


@dataclass(frozen=True)
class Download:
    """A released extract's rows, as CSV."""

    extract: Extract
    filename: str
    content: bytes


def make_extract(
    vault: Vault,
    actor: Actor,
    *,
    dataset: str,
    recipient: str | None,
    role: str | None,
    purpose: str | None = None,
    recipe: Path | None = None,
    k: int | None = None,
) -> Extract:
    """Make, measure and store a de-identified extract of ``dataset`` for ``recipient``
    or ``role``; it is ``released`` only when the measured risk meets its target.

    Raises:
        ExtractRefused: unknown dataset, recipient, role or purpose; a recipe that is
            unreadable or does not fit the extract; a k below the floor.
        AccessDenied: the actor may not make it (audited as denied).
        AuditUnavailable: the extract could not be audited; nothing is stored.
    """
    plan = vault.plan
    try:
        spec = plan.dataset(dataset)
    except KeyError:
        raise ExtractRefused(f"there is no dataset '{dataset}'") from None
    try:
        target = resolve_target(plan, recipient=recipient, role=role, purpose=purpose)
        goal = k_target(PLAN_K, target.recipient, k)
    except TargetError as error:
        raise ExtractRefused(str(error)) from None
    today = clock.now().date()
    eligible = [f for f in spec.fields if field_refusal(plan, target, f, today) is None]
    fields = extract_fields(plan, spec, target, actor.role, today)
    verdict = decide_maker(_standing(actor), fields, eligible)
    if not verdict.allowed or actor.user_id is None:
        _deny(vault, actor, f"dataset/{dataset}", verdict.reason)
    maker = actor.user_id
    loaded = None
    if recipe is not None:
        try:
            loaded = load_recipe(recipe)
        except RecipeError as error:
            raise ExtractRefused(f"the recipe cannot be used: {error}") from None
    records = AccessService(vault)._scoped(actor, Record.objects.filter(dataset=dataset))
    source = read_source(vault, chunks(records), spec, fields, target.purpose)
    withheld = ""
    result: Deidentified | None = None
    try:
        if loaded is not None:
            root = vault.keyring.provider.index_key()
            result = apply_recipe_to(source.table, loaded, fields, goal, root)
        else:
            result = anonymize_builtin(source.table, fields, goal)
    except RecipeError as error:
        raise ExtractRefused(f"the recipe does not fit this extract: {error}") from None
    except DeidError as error:
        withheld = f"the target cannot be met: {error}"
    if result is not None:
        decision = decide_release(result.measured, goal)
        if not decision.allowed:
            withheld = decision.reason
    now = clock.now()
    manifest = _manifest(vault, target, goal, source.in_reach, source.not_serving, result, now)
    with transaction.atomic():
        extract = Extract.objects.create(
            dataset=dataset,
            recipient=target.recipient.id if target.recipient else "",
            role=target.role.id if target.role else "",
            purpose=target.purpose,
            fields=[f.name for f in fields],
            k_target=goal,
            manifest=manifest,
            rows=result.measured.records if result and not withheld else 0,
            source_records=result.measured.source_records if result else source.table.height,
            state=Extract.State.WITHHELD if withheld else Extract.State.RELEASED,
            withheld=withheld,
            made_by_id=maker,
            made_at=now,
            expires=None if withheld else extract_expires(plan, target, now),
        )
        if result is not None and not withheld:
            extract.manifest = {**manifest, SEALED: _seal(vault, extract.id, _csv(result))}
            extract.save(update_fields=["manifest"])
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.EXTRACT_MAKE,
            obj=f"extract/{extract.id}",
            fields=[f.name for f in fields],
            purpose=f"{target.name} for {target.purpose}: {extract.state}",
        )
    return extract


def shown_manifest(extract: Extract) -> dict[str, Any]:
    """The manifest as it may be shown: without the sealed rows."""
    return {k: v for k, v in extract.manifest.items() if k != SEALED}


def may_see_extracts(actor: Actor) -> bool:
    """Whether the actor's role makes extracts (an export grant) or receives them (a
    role that may only receive de-identified data)."""
    role = actor.role
    return role.staff and (not role.export.empty or deidentified_only_role(role))


def visible_extracts(vault: Vault, actor: Actor, limit: int = 100) -> list[Extract]:
    """The extracts the actor may see listed: every one for a role that may make them
    (an export grant), those made for the actor's own analyst role otherwise. Listing
    shows manifests, never rows, and is not a read of personal data.

    Raises:
        AccessDenied: the actor is not a staff person in good standing, or their role
            neither makes nor receives extracts.
    """
    refusal = standing_refusal(_standing(actor), "extracts are listed")
    if refusal is None and not may_see_extracts(actor):
        refusal = f"the role '{actor.role.id}' neither makes nor receives extracts"
    if refusal is not None:
        raise AccessDenied(refusal)
    rows = Extract.objects.select_related("made_by")
    if actor.role.export.empty:
        rows = rows.filter(role=actor.role.id)
    return list(rows[:limit])


def download_extract(vault: Vault, actor: Actor, extract_id: UUID | str) -> Download:
    """A released extract's rows for a staff member of the role it was made for, until
    it expires. Audited as ``extract.download``; refusals too.

    Raises:
        NotFound: no such extract, or not made for the actor's role (indistinguishable).
        AccessDenied: withheld, expired, or the actor is not in good standing.
        AuditUnavailable: the download could not be audited; nothing is returned.
    """
    extract = _extract(extract_id)
    target = f"extract/{extract.id}"
    if not extract.role or extract.role != actor.role.id:
        raise NotFound("no such extract")
    refusal = standing_refusal(_standing(actor), "extracts are downloaded")
    if refusal is None and extract.state != Extract.State.RELEASED:
        refusal = "this extract was not released" if extract.withheld else "this extract expired"
    if refusal is None and (extract.expires is None or clock.now() >= extract.expires):
        refusal = "this extract expired"
    sealed = extract.manifest.get(SEALED)
    if refusal is None and not isinstance(sealed, dict):
        refusal = "this extract expired"
    if refusal is not None:
        _deny(vault, actor, target, refusal, AuditAction.EXTRACT_DOWNLOAD)
    assert isinstance(sealed, dict)
    content = open_sealed_rows(vault, extract.id, sealed)
    with transaction.atomic():
        audit(
            vault,
            actor=actor.ref,
            action=AuditAction.EXTRACT_DOWNLOAD,
            obj=target,
            fields=list(extract.fields),
        )
    return Download(extract, f"extract-{extract.dataset}-{extract.id}.csv", content)


def expire_extracts(vault: Vault, actor: str = "system/jobs") -> int:
    """Mark released extracts past ``expires`` expired and delete their sealed rows, each
    audited (``extract.expire``); return how many. Idempotent.

    Raises:
        AuditUnavailable: the expiry could not be audited; nothing changed.
    """
    with transaction.atomic():
        due = Extract.objects.select_for_update().filter(
            state=Extract.State.RELEASED, expires__lte=clock.now()
        )
        done = 0
        for extract in due:
            extract.state = Extract.State.EXPIRED
            extract.manifest = shown_manifest(extract)
            extract.save(update_fields=["state", "manifest"])
            audit(
                vault,
                actor=actor,
                action=AuditAction.EXTRACT_EXPIRE,
                obj=f"extract/{extract.id}",
                purpose="expired: sealed rows deleted",
            )
            done += 1
    return done


def _run_expiry(context: JobContext) -> str:
    done = expire_extracts(context.vault, actor=context.actor)
    return f"{done} extract{'' if done == 1 else 's'} expired" if done else "no extract expired"


EXTRACT_EXPIRY: Final = Job(
    "extract-expiry",
    "Extract expiry",
    lambda plan: Schedule(EXPIRY_EVERY, "hourly: extracts end within the hour they expire"),
    _run_expiry,
)
"""The job that runs :func:`expire_extracts` every hour."""


# -- helpers -------------------------------------------------------------------------


def _standing(actor: Actor) -> StaffStanding:
    return StaffStanding(actor.role, actor.user_id, actor.expired(clock.now()), actor.mfa_verified)


def _deny(
    vault: Vault,
    actor: Actor,
    target: str,
    reason: str,
    action: AuditAction = AuditAction.EXTRACT_MAKE,
) -> NoReturn:
    try:
        with transaction.atomic():
            audit(
                vault,
                actor=actor.ref,
                action=action,
                obj=target,
                purpose=reason,
                outcome=Outcome.DENIED,
            )
    except AuditUnavailable:
        pass
    raise AccessDenied(reason)


def _extract(extract_id: UUID | str) -> Extract:
    try:
        key = extract_id if isinstance(extract_id, UUID) else UUID(str(extract_id))
        return Extract.objects.get(pk=key)
    except (ValueError, Extract.DoesNotExist):
        raise NotFound("no such extract") from None


def _manifest(
    vault: Vault,
    target: ExtractTarget,
    goal: int,
    in_reach: int,
    not_serving: int,
    result: Deidentified | None,
    now: Any,
) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "steward_extract_manifest": 1,
        "made_at": now.isoformat(timespec="seconds"),
        "for": target.name,
        "purpose": target.purpose,
        "plan": {"version": vault.plan.version, "sha256": vault.loaded.digest},
        "k_target": goal,
        "records_in_reach": in_reach,
        "records_not_serving_purpose": not_serving,
    }
    if result is not None:
        measured = result.measured
        manifest |= {
            "source_records": measured.source_records,
            "rows": measured.records,
            "suppressed_rows": measured.suppressed,
            "measured": {
                "k": measured.k,
                "l_diversity": measured.l_diversity,
                "small_cells": measured.small_cells,
            },
            "quasi_identifiers": result.qi,
            "sensitive": result.sensitive,
            "method": result.method,
            "risk": result.risk,
        }
    return manifest


def _csv(result: Deidentified) -> bytes:
    buffer = io.BytesIO()
    result.table.write_csv(buffer)
    return buffer.getvalue()


def _key(vault: Vault) -> AESGCM:
    return AESGCM(derive_key(vault.keyring.provider.index_key(), "extract-rows"))


def _seal(vault: Vault, extract_id: UUID, content: bytes) -> dict[str, str]:
    nonce = os.urandom(12)
    sealed = _key(vault).encrypt(nonce, content, f"extract/{extract_id}".encode())
    return {
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(sealed).decode(),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def open_sealed_rows(vault: Vault, extract_id: UUID, sealed: dict[str, str]) -> bytes:
    """The rows sealed by :func:`make_extract` (raises AccessDenied if they cannot be opened)."""
    try:
        return _key(vault).decrypt(
            base64.b64decode(sealed["nonce"]),
            base64.b64decode(sealed["ciphertext"]),
            f"extract/{extract_id}".encode(),
        )
    except (InvalidTag, KeyError, ValueError):
        raise AccessDenied("this extract cannot be opened") from None
