"""Data minimization: collect nothing that no purpose needs."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity


def _field_without_purpose(ctx: CheckContext) -> Iterator[Issue]:
    for d_index, dataset, f_index, spec in ctx.plan.fields():
        if spec.collected and not spec.purposes:
            yield Issue(
                ("datasets", d_index, "fields", f_index),
                f"field '{dataset.id}.{spec.name}' is collected but serves no purpose",
            )


def _unused_purpose(ctx: CheckContext) -> Iterator[Issue]:
    used = {p for _, _, _, spec in ctx.plan.fields() if spec.collected for p in spec.purposes}
    for index, purpose in enumerate(ctx.plan.purposes):
        if purpose.id not in used:
            yield Issue(("purposes", index), f"purpose '{purpose.id}' is used by no field")


RULES: tuple[Rule, ...] = (
    Rule(
        id="MIN001",
        title="Every collected field serves a declared purpose",
        severity=Severity.ERROR,
        area=Area.MINIMIZATION,
        hint="List the purposes the field serves, or remove the field (or mark it never).",
        check=_field_without_purpose,
    ),
    Rule(
        id="MIN002",
        title="Every declared purpose is used by some field",
        severity=Severity.WARNING,
        area=Area.MINIMIZATION,
        hint="Remove the purpose, or name it on the fields that serve it.",
        check=_unused_purpose,
    ),
)
