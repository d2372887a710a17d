"""Steward: custody of sensitive personal data under an organization's data management plan."""

__version__ = "0.1.0"

__all__ = ["__version__"]
