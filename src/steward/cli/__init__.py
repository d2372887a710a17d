"""The ``steward`` command line: one thin module per area, no domain logic."""
