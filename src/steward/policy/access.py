"""Access decisions: may this role do this action on this field? Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from steward import clock
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
    * ``read`` needs the read grant.
    * ``reveal`` needs read and reveal grants; a field shown unmasked needs only read.
    * ``write`` needs the write grant, and the role must be able to see the value it
      replaces: read, and (for a masked field) reveal. Nobody overwrites what they
      cannot see; a write grant over a field the role cannot see has no effect
      (``steward policy check`` reports it as ACC011).
    * ``export`` needs read and export grants.
    """
    if spec.never:
        return Decision(False, "the answer to this field is never recorded")
    if role.temporary and role.expires is not None and (today or clock.now().date()) > role.expires:
        return Decision(False, f"the role's temporary access expired on {role.expires}")
    reads = covers(role.read, spec)
    if action is Action.READ:
        return _granted(reads, "read")
    if action is Action.WRITE and not covers(role.write, spec):
        return _granted(False, "write")
    if not reads:
        return Decision(False, f"no read grant covers this field, so it cannot {action.value}")
    if action is Action.EXPORT:
        return _granted(covers(role.export, spec), "export")
    if spec.masking is Masking.NONE:
        seen = Decision(True, "the field is shown unmasked to anyone who may read it")
    else:
        seen = _granted(covers(role.reveal, spec), "reveal")
    if action is Action.REVEAL:
        return seen
    if not seen:
        return _unseen_write()
    return Decision(True, "a write grant covers the field, and the role can see what it replaces")


def can_see(role: Role, spec: FieldSpec) -> bool:
    """Whether ``role``'s grants let it see the clear value of ``spec``: it reads the
    field, and the field is unmasked or the role may reveal it. (Expiry is not looked
    at here; :func:`decide` applies it.)"""
    if spec.never or not covers(role.read, spec):
        return False
    return spec.masking is Masking.NONE or covers(role.reveal, spec)


def held_purposes(role: Role) -> frozenset[str]:
    """The purposes ``role`` works for: those its read or reveal grant names.

    A reveal is made for one of these. Category grants choose which fields a role
    reaches, not why, so they give no purpose.
    """
    return frozenset(role.read.purposes) | frozenset(role.reveal.purposes)


def explain(role: Role, spec: FieldSpec, *, today: date | None = None) -> str:
    """What ``role`` may do with ``spec``, in a sentence for the staff pages.

    Says whether the role sees the value or only its mask, whether it may reveal it,
    and whether it may change it; a write grant over a field the role cannot see is
    named as having no effect, so nobody wonders why a change is refused.
    """
    if not decide(role, Action.READ, spec, today=today):
        return "Your role may not read this field."
    if spec.masking is Masking.NONE:
        sight = "Shown in full to your role."
    elif decide(role, Action.REVEAL, spec, today=today):
        sight = "Masked. You may reveal it, for one of its purposes and with a reason (audited)."
    else:
        sight = "Masked, and your role may not reveal it: you see only the mask."
    if decide(role, Action.WRITE, spec, today=today):
        change = "You may change it."
    elif covers(role.write, spec):
        change = (
            "Your role may not change it: it cannot see the value it would replace, and "
            "nobody overwrites what they cannot see. Ask someone who can see it."
        )
    else:
        change = "Your role may not change it."
    return f"{sight} {change}"


def shown_masked(spec: FieldSpec) -> bool:
    """Whether readers see ``spec`` masked until they reveal it (every role alike)."""
    return spec.masking is not Masking.NONE


def _unseen_write() -> Decision:
    return Decision(
        False,
        "the field is masked and the role may not reveal it, so it may not change it either: "
        "nobody overwrites a value they cannot see",
    )


def _granted(ok: bool, verb: str) -> Decision:
    if ok:
        return Decision(True, f"a {verb} grant covers the field's purpose or category")
    return Decision(False, f"no {verb} grant covers the field's purposes or category")
