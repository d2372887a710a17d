"""The plan's notice settings (``disclosure.objection_period``, ``disclosure.notify_by_email``)
and the server's email settings (``STEWARD_EMAIL*``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.errors import StewardError
from steward.policy import PlanLoadError, load_plan, load_plan_text
from steward.policy.duration import Duration
from steward.server.config import EMAIL_BACKENDS, EmailConfig

CITY = Path(__file__).resolve().parents[2] / "examples" / "city-constituent-services.yaml"
TEXT = CITY.read_text(encoding="utf-8")
SETTING = (
    "  objection_period: 14d\n  notify_by_email:\n    field: email\n    purposes: [follow_up]\n"
)


def _with(new: str) -> str:
    assert SETTING in TEXT
    return TEXT.replace(SETTING, new)


def _problem(new: str) -> str:
    with pytest.raises(PlanLoadError) as caught:
        load_plan_text(_with(new), source="plan.yaml")
    return "\n".join(str(p) for p in caught.value.problems)


def test_the_city_plan_states_both() -> None:
    disclosure = load_plan(CITY).plan.disclosure
    assert disclosure is not None
    assert disclosure.objection_period == Duration(14, "d")
    assert disclosure.notify_by_email is not None
    assert (disclosure.notify_by_email.field, disclosure.notify_by_email.purposes) == (
        "email",
        ["follow_up"],
    )


def test_defaults_fourteen_days_and_no_email() -> None:
    disclosure = load_plan_text(_with(""), source="plan.yaml").plan.disclosure
    assert disclosure is not None
    assert disclosure.objection_period == Duration(14, "d")
    assert disclosure.notify_by_email is None
    explicit = load_plan_text(_with("  objection_period: null\n"), source="plan.yaml")
    assert explicit.plan.disclosure is not None
    assert explicit.plan.disclosure.objection_period is None


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("12h", "from 1 day to 12 months, not 12 hours"),
        ("0d", "from 1 day to 12 months, not 0 days"),
        ("2y", "from 1 day to 12 months, not 2 years"),
        ("soon", "is not a duration"),
    ],
)
def test_an_objection_period_out_of_range_is_refused(period: str, message: str) -> None:
    found = _problem(f"  objection_period: {period}\n")
    assert "objection_period" in found
    assert message in found


@pytest.mark.parametrize("period", ["1d", "24h", "6w", "1y", "12m"])
def test_objection_periods_in_range(period: str) -> None:
    load_plan_text(_with(f"  objection_period: {period}\n"), source="plan.yaml")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("    field: e_mail\n", "unknown field 'e_mail'; did you mean 'email'?"),
        ("    field: email\n    purposes: [planning_statistics]\n", "does not serve purpose"),
        ("    field: email\n    purposes: [nope]\n", "does not serve purpose 'nope'"),
        ("    purposes: [follow_up]\n", "field"),
    ],
)
def test_a_bad_email_setting_is_refused(setting: str, message: str) -> None:
    found = _problem(f"  notify_by_email:\n{setting}")
    assert "notify_by_email" in found
    assert message in found


def test_email_configuration_defaults_to_files_in_the_data_folder(tmp_path: Path) -> None:
    config = EmailConfig.from_environ({}, data_dir=tmp_path)
    assert config.backend == EMAIL_BACKENDS["file"]
    assert config.outbox == tmp_path / "outbox"
    assert (config.sender, config.public_url) == ("steward@localhost", "")


def test_email_configuration_by_smtp() -> None:
    config = EmailConfig.from_environ(
        {
            "STEWARD_EMAIL": "smtp",
            "STEWARD_EMAIL_HOST": "mail.riverton.example.gov",
            "STEWARD_EMAIL_PORT": "465",
            "STEWARD_EMAIL_SECURITY": "tls",
            "STEWARD_EMAIL_USER": "vault",
            "STEWARD_EMAIL_PASSWORD": "not-shown",
            "STEWARD_EMAIL_FROM": "privacy@riverton.example.gov",
            "STEWARD_PUBLIC_URL": "https://vault.riverton.example.gov/",
        }
    )
    assert config.backend == EMAIL_BACKENDS["smtp"]
    assert (config.host, config.port, config.security) == ("mail.riverton.example.gov", 465, "tls")
    assert config.public_url == "https://vault.riverton.example.gov"
    assert "not-shown" not in repr(config)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STEWARD_EMAIL": "console"}, "STEWARD_EMAIL must be file or smtp"),
        ({"STEWARD_EMAIL_SECURITY": "maybe"}, "STEWARD_EMAIL_SECURITY must be"),
        ({"STEWARD_EMAIL_PORT": "99999"}, "STEWARD_EMAIL_PORT must be a whole number"),
        ({"STEWARD_PUBLIC_URL": "vault.example"}, "STEWARD_PUBLIC_URL must start with"),
    ],
)
def test_bad_email_configuration_is_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(StewardError, match=message):
        EmailConfig.from_environ(env)
