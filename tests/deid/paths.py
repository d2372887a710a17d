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
