"""The ``steward`` command line: one thin module per area, no domain logic.

The command is :func:`steward.cli.main.run`; no other layer imports from here.
"""

__all__: list[str] = []
