"""Data minimization: collect nothing that no purpose needs, and say what is held."""

from __future__ import annotations

from collections.abc import Iterator

from steward.policy.checks.facts import category_of, collected_fields, is_personal
from steward.policy.checks.framework import Area, CheckContext, Issue, Rule, Severity
from steward.policy.model import InputKind, Location

IMMIGRATION_STATUS = "immigration_status"
"""The built-in category the Sunlight guidance says cities should not record at all."""


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


def _never_field_required(ctx: CheckContext) -> Iterator[Issue]:
    for d_index, dataset, f_index, spec in ctx.plan.fields():
        if not spec.never:
            continue
        at: Location = ("datasets", d_index, "fields", f_index)
        for flag in ("required", "searchable"):
            if getattr(spec, flag):
                yield Issue(
                    (*at, flag),
                    f"field '{dataset.id}.{spec.name}' is never recorded but is marked {flag}",
                )


def _never_without_reason(ctx: CheckContext) -> Iterator[Issue]:
    for d_index, dataset, f_index, spec in ctx.plan.fields():
        if spec.never and spec.never_reason is None:
            yield Issue(
                ("datasets", d_index, "fields", f_index, "never"),
                f"field '{dataset.id}.{spec.name}' is never recorded but does not say why",
            )


def _immigration_status_collected(ctx: CheckContext) -> Iterator[Issue]:
    for location, dataset, spec in collected_fields(ctx.plan):
        if spec.category == IMMIGRATION_STATUS:
            yield Issue(
                (*location, "category"),
                f"field '{dataset.id}.{spec.name}' records immigration status",
            )


def _data_kinds_disagree(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    declared = set(plan.questionnaire.data_kinds)
    collected: set[str] = set()
    for location, dataset, spec in collected_fields(plan):
        if not is_personal(plan, spec.category) or spec.category in collected:
            continue
        collected.add(spec.category)
        if spec.category not in declared:
            yield Issue(
                (*location, "category"),
                f"field '{dataset.id}.{spec.name}' holds '{spec.category}', which the "
                "questionnaire's data_kinds does not list",
            )
    for index, kind in enumerate(plan.questionnaire.data_kinds):
        if kind not in collected and is_personal(plan, kind):
            yield Issue(
                ("questionnaire", "data_kinds", index),
                f"the questionnaire lists '{kind}' but no stored field holds it",
                severity=Severity.INFO,
            )


def _questionnaire_flags_disagree(ctx: CheckContext) -> Iterator[Issue]:
    plan = ctx.plan
    q = plan.questionnaire
    for location, dataset, spec in collected_fields(plan):
        category = category_of(plan, spec.category)
        if category is None:
            continue
        if category.special and not q.special_categories:
            yield Issue(
                (*location, "category"),
                f"field '{dataset.id}.{spec.name}' holds a special category, but the "
                "questionnaire answers special_categories: false",
            )
        if category.children and not q.children:
            yield Issue(
                (*location, "category"),
                f"field '{dataset.id}.{spec.name}' holds children's data, but the "
                "questionnaire answers children: false",
            )


def _free_text_without_guidance(ctx: CheckContext) -> Iterator[Issue]:
    for location, dataset, spec in collected_fields(ctx.plan):
        if spec.input is InputKind.TEXTAREA and spec.help is None:
            yield Issue(
                location,
                f"free-text field '{dataset.id}.{spec.name}' gives people no guidance on "
                "what not to write",
            )


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
    Rule(
        id="MIN003",
        title="A field that is never recorded is neither required nor searchable",
        severity=Severity.ERROR,
        area=Area.MINIMIZATION,
        hint="Remove required/searchable from the field: nothing is stored to require or find.",
        check=_never_field_required,
    ),
    Rule(
        id="MIN004",
        title="A field that is never recorded says why",
        severity=Severity.WARNING,
        area=Area.MINIMIZATION,
        hint="Add never_reason: why no purpose needs the answer written down.",
        check=_never_without_reason,
    ),
    Rule(
        id="MIN005",
        title="Immigration status is not recorded",
        severity=Severity.WARNING,
        area=Area.MINIMIZATION,
        hint=(
            "Mark the field never: true with a never_reason. Staff can discuss status "
            "without writing it down, and what is not recorded cannot be disclosed."
        ),
        check=_immigration_status_collected,
    ),
    Rule(
        id="MIN006",
        title="The questionnaire's data kinds match the categories collected",
        severity=Severity.WARNING,
        area=Area.MINIMIZATION,
        hint="Make questionnaire.data_kinds list exactly the personal categories fields hold.",
        check=_data_kinds_disagree,
        digit=("N4", "N5", "N6", "N7", "N8", "N9"),
    ),
    Rule(
        id="MIN007",
        title="The questionnaire's special-category and children answers match the fields",
        severity=Severity.WARNING,
        area=Area.MINIMIZATION,
        hint="Answer the questionnaire truthfully: it drives the classification of the holding.",
        check=_questionnaire_flags_disagree,
    ),
    Rule(
        id="MIN008",
        title="Free-text fields tell people what not to write",
        severity=Severity.INFO,
        area=Area.MINIMIZATION,
        hint="Add help text, e.g. 'Please do not include health or immigration details.'",
        check=_free_text_without_guidance,
    ),
)
