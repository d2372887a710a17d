"""Questionnaire answers for ``steward init``: the model, and reading them from YAML."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from steward.errors import StewardError
from steward.policy.errors import Problem
from steward.policy.loader import format_location
from steward.policy.model import (
    HostedBy,
    Jurisdiction,
    LegalBasis,
    Location,
    OrganizationKind,
    Origin,
)
from steward.policy.model.questionnaire import Lawfulness
from steward.policy.positions import parse_yaml
from steward.policy.taxonomy import BUILT_IN_CATEGORIES

TODO: Final = "TODO:"
"""Values starting with this marker are placeholders a person must replace."""

MAX_ANSWERS_BYTES: Final = 256 * 1024

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _yes_no(value: Any) -> Any:
    """YAML reads a bare ``yes``/``no`` as a boolean; accept it for a yes/no/unknown answer."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"'{value}' is not an email address, e.g. privacy@example.org")
    return value


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrivacyOfficerAnswer(_Answer):
    """The person accountable for privacy."""

    name: Text
    email: Annotated[Text, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v)]

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str) -> str:
        return _email(value)


class HostingAnswer(_Answer):
    """Who runs the systems that hold the data, and where."""

    by: HostedBy = HostedBy.SELF
    provider: Text | None = None
    location: Jurisdiction | None = None

    @model_validator(mode="after")
    def _provider_named(self) -> HostingAnswer:
        if self.by is HostedBy.THIRD_PARTY and self.provider is None:
            raise ValueError("name the hosting provider (provider: ...) when by is third_party")
        return self


class SourceAnswer(_Answer):
    """Where the data came from, on what basis, and whether that was checked."""

    origin: Origin = Origin.DATA_SUBJECTS
    basis: LegalBasis | None = None
    lawfully_collected: Annotated[Lawfulness, BeforeValidator(_yes_no)] = Lawfulness.UNKNOWN


class Answers(_Answer):
    """Answers to the data-security questionnaire, as given to ``steward init``.

    Lists may be written as YAML lists or as comma-separated text. Validation errors
    name the answer that is wrong and, for data kinds, suggest the closest known id.
    """

    organization: Text = Field(description="The organization's name.")
    kind: OrganizationKind = OrganizationKind.OTHER
    jurisdictions: list[Jurisdiction] = Field(min_length=1, description="e.g. [US-CA]")
    privacy_officer: PrivacyOfficerAnswer
    data_kinds: list[Annotated[str, AfterValidator(data_kind)]] = Field(
        min_length=1, description="Taxonomy category ids."
    )
    subjects: list[Text] = Field(min_length=1, description="Whose data: e.g. residents.")
    people: int | None = Field(default=None, ge=0, description="About how many people.")
    hosting: HostingAnswer = Field(default_factory=HostingAnswer)
    access: list[Text] = Field(default_factory=list, description="Who has access.")
    cross_border_transfers: bool = False
    children: bool = False
    special_categories: bool = False
    source: SourceAnswer = Field(default_factory=SourceAnswer)
    shared_with_external_analysts: bool = False

    @field_validator("jurisdictions", "data_kinds", "subjects", "access", mode="before")
    @classmethod
    def _split_text(cls, value: Any) -> Any:
        return split_list(value) if isinstance(value, str) else value

    @field_validator("jurisdictions", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = split_list(value)
        if isinstance(value, list):
            return [v.strip().upper() if isinstance(v, str) else v for v in value]
        return value

    @field_validator("data_kinds")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @field_validator("subjects")
    @classmethod
    def _subject_ids(cls, value: list[str]) -> list[str]:
        ids = [subject_id(label) for label in value]
        if len(set(ids)) != len(ids):
            raise ValueError("two groups of people have the same name")
        return value


def split_list(text: str) -> list[str]:
    """Split ``"a, b,c"`` into ``["a", "b", "c"]``, dropping empty items."""
    return [item.strip() for item in text.split(",") if item.strip()]


def data_kind(text: str) -> str:
    """Normalize a data kind (``"Free text"`` -> ``free_text``) and check it is built in.

    Raises:
        ValueError: it is not a built-in category id; the message suggests the closest
            id, or lists them all.
    """
    kind = text.strip().lower().replace(" ", "_").replace("-", "_")
    if kind in BUILT_IN_CATEGORIES:
        return kind
    close = get_close_matches(kind, list(BUILT_IN_CATEGORIES), n=1)
    hint = (
        f"did you mean '{close[0]}'?" if close else "use one of " + ", ".join(BUILT_IN_CATEGORIES)
    )
    raise ValueError(f"unknown data kind '{text}'; {hint}")


def subject_id(label: str) -> str:
    """An identifier for a group of people: ``"Home owners"`` -> ``home_owners``.

    Raises:
        ValueError: the label has no letters to build an identifier from.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    slug = re.sub(r"^[0-9_]+", "", slug)[:40].rstrip("_")
    if not slug:
        raise ValueError(f"'{label}' needs some letters to name a group of people")
    return slug


class AnswersError(StewardError):
    """The answers file cannot be used; ``problems`` locates each issue."""

    def __init__(self, source: str, problems: Sequence[Problem | str]) -> None:
        self.problems = tuple(problems)
        lines = [str(p) for p in problems]
        count = len(lines)
        head = f"{source}: the answers have {count} problems:\n"
        super().__init__(head + "\n".join(lines) if count > 1 else lines[0])


def load_answers(path: str | Path) -> Answers:
    """Read questionnaire answers from a YAML file.

    Raises:
        AnswersError: the file is missing, unreadable, not UTF-8, not YAML, or an
            answer is missing or wrong; each problem carries its line and column.
    """
    file = Path(path)
    source = str(file)
    try:
        if file.is_dir():
            raise AnswersError(source, [f"{source}: is a folder, not an answers file"])
        if file.stat().st_size > MAX_ANSWERS_BYTES:
            raise AnswersError(source, [f"{source}: too large for an answers file"])
        raw = file.read_bytes()
    except FileNotFoundError:
        raise AnswersError(source, [f"{source}: no such file"]) from None
    except OSError as error:
        raise AnswersError(source, [f"{source}: cannot be read ({error.strerror})"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise AnswersError(source, [f"{source}:{line}: not UTF-8 text; save it as UTF-8"]) from None
    return parse_answers(text, source=source)


def parse_answers(text: str, source: str = "<answers>") -> Answers:
    """Validate answers written as YAML text.

    Raises:
        AnswersError: the text is not YAML, not a mapping, or an answer is wrong.
    """
    data, positions, syntax = parse_yaml(text)
    if syntax:
        problems = [
            Problem(
                source, p.position.line, p.position.column, p.message.replace("plan", "answers")
            )
            for p in syntax
        ]
        raise AnswersError(source, problems)
    if not isinstance(data, dict):
        where = positions.locate(())
        message = "the answers must be a mapping of keys, e.g. 'organization: ...'"
        raise AnswersError(source, [Problem(source, where.line, where.column, message)])
    try:
        return Answers.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            location: Location = tuple(item["loc"])
            where = positions.locate(location, key=item["type"] == "extra_forbidden")
            message = answer_message(item, location)
            problems.append(
                Problem(source, where.line, where.column, message, format_location(location))
            )
        problems.sort(key=lambda p: (p.line, p.column))
        raise AnswersError(source, problems) from None


def answer_message(item: Mapping[str, Any], location: Location) -> str:
    """A plain message for one pydantic error about the answers at ``location``."""
    kind = item["type"]
    name = location[-1] if location else ""
    if kind == "missing":
        return f"missing answer '{name}'"
    if kind == "extra_forbidden":
        allowed = sorted(Answers.model_fields) if len(location) == 1 else []
        close = get_close_matches(str(name), allowed, n=1)
        return f"unknown question '{name}'" + (f"; did you mean '{close[0]}'?" if close else "")
    message = str(item["msg"]).removeprefix("Value error, ")
    value = item.get("input")
    if kind == "string_pattern_mismatch" and {"jurisdictions", "location"} & set(location):
        message = "write an ISO 3166 code: a country (US) or a subdivision (US-CA)"
    if isinstance(value, str | int | float | bool) and kind != "value_error":
        message += f" (got {value!r})"
    return message[0].lower() + message[1:] if message else message
