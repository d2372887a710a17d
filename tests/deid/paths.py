"""Where the shared benchmark data lives: ``shared/`` beside the repository."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ADULT_DIR = next(
    (
        candidate
        for candidate in (
            REPO.parent / "shared" / "data" / "adult",
            Path("/work/shared/data/adult"),
        )
        if candidate.is_dir()
    ),
    REPO.parent / "shared" / "data" / "adult",
)

ADULT_QI = (
    "sex",
    "age",
    "race",
    "marital-status",
    "education",
    "native-country",
    "workclass",
    "occupation",
    "salary-class",
)
"""Adult's nine quasi-identifiers, in the order ARX's benchmark lists them."""
