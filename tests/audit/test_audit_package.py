"""The public surface of ``steward.audit`` is its curated ``__all__``, free of Django."""

from __future__ import annotations

import importlib
import subprocess
import sys


def test_every_exported_name_resolves() -> None:
    module = importlib.import_module("steward.audit")
    assert len(module.__all__) == len(set(module.__all__))
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert hasattr(module, name), name


def test_the_core_api_is_exported() -> None:
    module = importlib.import_module("steward.audit")
    for name in ("AuditLog", "AuditStore", "FileAuditStore", "verify_log", "VerificationReport"):
        assert name in module.__all__


def test_every_error_derives_from_audit_error() -> None:
    from steward.audit import errors
    from steward.errors import StewardError

    classes = [
        v for v in vars(errors).values() if isinstance(v, type) and v.__module__ == errors.__name__
    ]
    assert len(classes) >= 10
    for cls in classes:
        assert issubclass(cls, errors.AuditError)
        assert issubclass(cls, StewardError)


def test_the_audit_package_does_not_import_django() -> None:
    code = "import sys, steward.audit; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
