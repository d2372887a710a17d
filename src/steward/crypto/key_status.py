"""What ``steward keys status`` reports: every KEK version the key file holds or a data
key depends on, and every way data could become unreadable. Never key material.

A version that data keys are wrapped under is always listed, even when the key file
no longer holds it; such a version is a *problem* (its data cannot be read), and the
command exits non-zero while any problem remains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from steward.crypto.providers import KeyProvider
from steward.crypto.subject_keys import SubjectKeyStore


@dataclass(frozen=True)
class KekStatus:
    """One KEK version: its age, how many data keys it wraps, and its state."""

    version: int
    created: datetime | None
    age: timedelta | None
    wrapped_keys: int
    current: bool
    retired: bool
    held: bool
    """Whether the key file (or provider) holds this version."""

    @property
    def state(self) -> str:
        """``current``, ``decrypt only``, ``retired``, ``retired, erased`` or ``MISSING``."""
        if self.current:
            return "current"
        if self.held:
            return "retired" if self.retired else "decrypt only"
        return "retired, erased" if self.retired else "MISSING"

    @property
    def stranded(self) -> bool:
        """Whether data keys depend on this version but cannot be unwrapped under it."""
        return self.wrapped_keys > 0 and (self.retired or not self.held)


@dataclass(frozen=True)
class KeyRingStatus:
    """The key ring's state as the key file and the subject key store see it."""

    versions: tuple[KekStatus, ...]
    current_version: int
    key_file_minimum: int
    store_minimum: int
    generation: int
    live_keys: int
    shredded_keys: int
    problems: tuple[str, ...]
    """Conditions under which data cannot be read or stored; each says what to do."""
    notices: tuple[str, ...]
    """Unfinished work that puts no data at risk (a rewrap or retire to run)."""

    @property
    def ok(self) -> bool:
        """Whether no data depends on a key the ring cannot use."""
        return not self.problems


def key_ring_status(provider: KeyProvider, store: SubjectKeyStore, at: datetime) -> KeyRingStatus:
    """Compare the provider's versions with the store's keys and state at moment ``at``."""
    counts = store.count_by_kek_version()
    state = store.state()
    held = {v.version: v.created for v in provider.versions()}
    current = provider.current_version()
    file_minimum = provider.min_decrypt_version()
    minimum = max(file_minimum, state.min_kek_version)
    versions = tuple(
        KekStatus(
            version=v,
            created=held.get(v),
            age=at - held[v] if v in held else None,
            wrapped_keys=counts.get(v, 0),
            current=v == current,
            retired=v < minimum,
            held=v in held,
        )
        for v in sorted(set(held) | set(counts))
    )
    problems = [_stranded(v) for v in versions if v.stranded]
    if current < state.min_kek_version:
        problems.append(
            f"the key file's current KEK version {current} is below the subject key store's "
            f"minimum {state.min_kek_version}: no new data key can be stored. Is this the key "
            "file that belongs with this subject key store?"
        )
    notices = []
    leftover = sorted(v for v in held if v < state.min_kek_version and v != current)
    if leftover:
        notices.append(
            f"the key file still holds KEK versions {_listed(leftover)}, which the subject key "
            f"store has retired; run 'steward keys retire --below {state.min_kek_version}' "
            "again to erase them"
        )
    older = sum(v.wrapped_keys for v in versions if v.version < current and not v.stranded)
    if older:
        notices.append(
            f"{older} data keys are wrapped under older KEK versions; "
            "run 'steward keys rewrap' before retiring them"
        )
    return KeyRingStatus(
        versions=versions,
        current_version=current,
        key_file_minimum=file_minimum,
        store_minimum=state.min_kek_version,
        generation=state.generation,
        live_keys=sum(counts.values()),
        shredded_keys=store.shredded_count(),
        problems=tuple(problems),
        notices=tuple(notices),
    )


def _stranded(version: KekStatus) -> str:
    if version.held:
        where = "retired"
    elif version.retired:
        where = "retired and erased from the key file"
    else:
        where = "not held by the key file"
    return (
        f"{version.wrapped_keys} data keys are wrapped under KEK version {version.version}, "
        f"which is {where}: the data they protect cannot be read. Restore version "
        f"{version.version} from a backup of the key file, then run 'steward keys rewrap'"
    )


def _listed(versions: list[int]) -> str:
    return ", ".join(map(str, versions))
