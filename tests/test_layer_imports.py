"""Layers import each other through their surfaces, never by reaching into a submodule.

A layer is a top-level package of ``steward`` (``cli``, ``vault``, ``server``, ``deid``,
``audit``, ``crypto``, ``policy``, ``synthetic``). An import in one layer of a module of
another must name a package (a folder with an ``__init__``) and only names in that
package's ``__all__`` (pinned in ``test_public_api.py``). The root modules
``steward.errors``, ``steward.clock`` and ``steward.atomic`` are public everywhere;
``steward._lazy`` is the packages' own machinery. Imports inside one layer are free.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.test_public_api import SRC, SURFACES, packages

ROOT_MODULES = {"steward.errors", "steward.clock", "steward.atomic", "steward._lazy"}
EXCLUDED = SRC / "vault" / "migrations"
"""Django writes the migrations; they import whatever the models needed at the time."""


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def imports(path: Path) -> Iterator[tuple[int, str, list[str]]]:
    """Each absolute import of a ``steward`` module in ``path``: its line, the module named,
    and the names taken from it (empty for ``import steward.x``)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "steward":
                yield node.lineno, node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "steward":
                    yield node.lineno, alias.name, []


def bypasses(path: Path, here: str, known_packages: set[str]) -> Iterator[str]:
    """Every import in ``path``, read as the module ``here``, that reaches another layer
    without going through its surface."""
    for line, target, names in imports(path):
        if target == "steward":
            allowed = set(SURFACES["steward"].split()) | {"errors", "clock"}
            wrong = [name for name in names if name not in allowed]
            if wrong:
                yield f"{path}:{line}: 'steward' does not export {wrong}"
            continue
        if layer_of(target) == layer_of(here) or target in ROOT_MODULES:
            continue
        if target not in known_packages:
            yield f"{path}:{line}: {target} is a submodule; import from its package"
            continue
        surface = set(SURFACES[target].split())
        wrong = [name for name in names if name not in surface]
        if wrong:
            yield f"{path}:{line}: {target}.__all__ does not list {wrong}"


def test_other_layers_import_through_surfaces() -> None:
    known_packages = set(packages())
    found = [
        problem
        for path in sorted(SRC.rglob("*.py"))
        if not path.is_relative_to(EXCLUDED)
        for problem in bypasses(path, module_name(path), known_packages)
    ]
    assert found == []


def test_the_rule_finds_a_submodule_import_and_an_unlisted_name(tmp_path: Path) -> None:
    """The check itself, on a made-up module of the command line."""
    source = (
        "from steward.vault.services.accounts import create_account\n"
        "from steward.crypto import _not_exported\n"
        "import steward.policy.loader\n"
        "from steward.policy import load_plan\n"
        "from steward.cli.errors import user_errors\n"
        "from steward.errors import StewardError\n"
        "from steward import clock, __version__, _lazy\n"
    )
    written = tmp_path / "made_up.py"
    written.write_text(source)
    problems = bypasses(written, "steward.cli.made_up", set(packages()))
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "steward.vault.services.accounts is a submodule; import from its package",
        "steward.crypto.__all__ does not list ['_not_exported']",
        "steward.policy.loader is a submodule; import from its package",
        "'steward' does not export ['_lazy']",
    ]
