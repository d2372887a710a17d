"""Access decisions: may this role do this action on this field? Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steward.policy.model import Action, FieldSpec, Grant, Masking, Role


@dataclass(frozen=True)
class Decision:
    """The answer to an access question, with the reason in plain words."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def covers(grant: Grant, spec: FieldSpec) -> bool:
    """Whether ``grant`` reaches ``spec``: by one of its purposes or by its category."""
    return spec.category in grant.categories or any(p in grant.purposes for p in spec.purposes)


def decide(role: Role, action: Action, spec: FieldSpec, *, today: date | None = None) -> Decision:
    """Decide whether ``role`` may perform ``action`` on field ``spec``.

    * A field marked ``never`` holds nothing, so every action on it is refused.
    * A temporary role past its expiry date may do nothing.
    * ``read`` needs the read grant; ``write`` the write grant.
    * ``reveal`` needs read and reveal grants; a field shown unmasked needs only read.
    * ``export`` needs read and export grants.
    """
    if spec.never:
        return Decision(False, "the answer to this field is never recorded")
    if role.temporary and role.expires is not None and (today or date.today()) > role.expires:
        return Decision(False, f"the role's temporary access expired on {role.expires}")
    reads = covers(role.read, spec)
    if action is Action.READ:
        return _granted(reads, "read")
    if action is Action.WRITE:
        return _granted(covers(role.write, spec), "write")
    if not reads:
        return Decision(False, f"no read grant covers this field, so it cannot {action.value}")
    if action is Action.REVEAL:
        if spec.masking is Masking.NONE:
            return Decision(True, "the field is shown unmasked to anyone who may read it")
        return _granted(covers(role.reveal, spec), "reveal")
    return _granted(covers(role.export, spec), "export")


def shown_masked(spec: FieldSpec) -> bool:
    """Whether readers see ``spec`` masked until they reveal it (every role alike)."""
    return spec.masking is not Masking.NONE


def _granted(ok: bool, verb: str) -> Decision:
    if ok:
        return Decision(True, f"a {verb} grant covers the field's purpose or category")
    return Decision(False, f"no {verb} grant covers the field's purposes or category")
