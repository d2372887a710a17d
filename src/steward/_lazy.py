"""Lazy exports for a package's public surface (PEP 562).

A package whose submodules are expensive, or must not be imported early (the vault's
services and models need Django's app registry), still names its public surface in
``__all__``; the submodule that defines a name is imported the first time the name is
used. The package writes::

    from typing import TYPE_CHECKING

    from steward._lazy import lazy_exports

    if TYPE_CHECKING:
        from steward.vault.runtime import Vault, get_vault
    else:
        __getattr__, __dir__ = lazy_exports(__name__, {"runtime": ["Vault", "get_vault"]})

    __all__ = ["Vault", "get_vault"]

Type checkers and editors read the ``TYPE_CHECKING`` imports; at run time only the two
hooks exist. A test checks that every name in ``__all__`` resolves.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, Iterable[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` hooks of ``package``.

    ``exports`` maps a submodule's name (relative to ``package``, e.g. ``"runtime"``) to
    the names it defines that ``package`` exports. The first access to such a name
    imports its submodule and stores the value on the package, so later accesses cost
    nothing. ``__dir__`` lists the package's attributes and every lazy name.

    Call it from the package's ``__init__``, after the package is in ``sys.modules``
    (always true while its ``__init__`` runs).

    Raises:
        ValueError: a name is exported from two submodules, or a name is also the name
            of one of the package's submodules (importing that submodule would bind the
            module, not the exported value, to the name).
    """
    where: dict[str, str] = {}
    for submodule, names in exports.items():
        for name in names:
            if name in where:
                raise ValueError(
                    f"{package} exports {name!r} from both {where[name]!r} and {submodule!r}"
                )
            where[name] = submodule
    shadowed = sorted(name for name in where if _is_submodule(package, name))
    if shadowed:
        raise ValueError(f"{package} cannot export {shadowed} lazily: submodules of that name")

    def __getattr__(name: str) -> Any:
        submodule = where.get(name)
        if submodule is None:
            raise AttributeError(
                f"module {package!r} has no attribute {name!r}; "
                f"its public names are listed in {package}.__all__",
                name=name,
                obj=sys.modules[package],
            )
        value = getattr(importlib.import_module(f"{package}.{submodule}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__


def _is_submodule(package: str, name: str) -> bool:
    """Whether ``package`` has a module or a subpackage called ``name`` (a few stat calls,
    where ``pkgutil`` would import ``inspect``)."""
    for folder in sys.modules[package].__path__:
        base = os.path.join(folder, name)
        if os.path.isfile(base + ".py") or os.path.isdir(base):
            return True
    return False
