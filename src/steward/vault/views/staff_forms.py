"""The forms of the staff pages. Validation messages never repeat what was typed."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from steward.policy.model import Plan


class LoginForm(forms.Form):
    """A user name and password."""

    username = forms.CharField(
        label="User name",
        max_length=150,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Password",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    """A six-digit code from an authenticator app."""

    code = forms.RegexField(
        label="Six-digit code",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the six digits your authenticator app shows."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]{6}",
                "maxlength": "6",
            }
        ),
    )


class RevealForm(forms.Form):
    """Why a masked value is needed: a purpose the reveal can be made for, and a reason.

    Only the purposes that can succeed are offered (the role holds them, the field
    serves them, and the person agreed to those resting on consent).
    """

    purpose = forms.ChoiceField(label="Purpose")
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="In a few words, why you need to see this value now. It is kept in the "
        "audit log: do not write personal details here.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, plan: Plan, purposes: Sequence[str], *args: object, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        labels = {p.id: p.label for p in plan.purposes}
        purpose = self.fields["purpose"]
        assert isinstance(purpose, forms.ChoiceField)
        purpose.choices = [(p, labels.get(p, p)) for p in purposes]
