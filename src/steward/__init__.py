"""Steward: custody of sensitive personal data under an organization's data management plan.

Each layer (``steward.policy``, ``steward.crypto``, ``steward.audit``, ``steward.deid``,
``steward.synthetic``, ``steward.vault``, ``steward.server``, ``steward.cli``) states its
public surface in its ``__all__``; other layers import through it. The modules
:mod:`steward.errors` and :mod:`steward.clock` are public and used everywhere.
"""

from steward.errors import StewardError

__version__ = "0.1.0"

__all__ = ["StewardError", "__version__"]
