"""Lazy exports: a name is imported on first use, unknown names fail clearly, and a
package read before Django starts imports nothing that needs Django."""

from __future__ import annotations

import subprocess
import sys

import pytest

import steward.vault.rules
from steward._lazy import lazy_exports


def test_an_unknown_name_raises_attribute_error_naming_the_package() -> None:
    with pytest.raises(AttributeError) as raised:
        _ = steward.vault.rules.no_such_rule  # type: ignore[attr-defined]
    assert str(raised.value) == (
        "module 'steward.vault.rules' has no attribute 'no_such_rule'; "
        "its public names are listed in steward.vault.rules.__all__"
    )
    assert raised.value.name == "no_such_rule"


def test_importing_an_unknown_name_is_an_import_error() -> None:
    with pytest.raises(ImportError, match="no_such_rule"):
        from steward.vault.rules import no_such_rule  # type: ignore[attr-defined]  # noqa: F401


def test_a_name_is_imported_once_then_held_by_the_package() -> None:
    from steward.vault.rules.busy import is_busy

    assert steward.vault.rules.is_busy is is_busy
    assert vars(steward.vault.rules)["is_busy"] is is_busy


def test_dir_lists_every_lazy_name() -> None:
    assert set(steward.vault.rules.__all__) <= set(dir(steward.vault.rules))


def test_a_name_exported_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="'is_busy' from both 'busy' and 'sign_in'"):
        lazy_exports("steward.vault.rules", {"busy": ["is_busy"], "sign_in": ["is_busy"]})


def test_a_name_shadowed_by_a_submodule_is_refused() -> None:
    """Importing ``steward.vault.rules.busy`` binds the module to the package's ``busy``, so
    a lazy value of that name would silently become the module."""
    with pytest.raises(ValueError, match=r"cannot export \['busy'\] lazily"):
        lazy_exports("steward.vault.rules", {"busy": ["busy"]})


LAZY = (
    "steward.vault",
    "steward.vault.services",
    "steward.vault.api",
    "steward.vault.views",
    "steward.vault.rules",
    "steward.server",
)


@pytest.mark.parametrize("package", LAZY)
def test_reading_a_vault_or_server_package_imports_no_submodule_and_no_django(
    package: str,
) -> None:
    """Django imports ``steward.vault`` while it loads its apps, and the command line reads
    these packages before it starts Django: nothing may need the app registry yet."""
    code = (
        f"import importlib, sys; importlib.import_module({package!r}); "
        f"print(sorted(m for m in sys.modules if m.startswith(({package + '.'!r}, 'django'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "[]"
