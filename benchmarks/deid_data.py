"""Synthetic tables for the de-identification benchmarks, made with NumPy (fast, seeded).

``python benchmarks/deid_data.py --rows 10000000 --out /tmp/people.parquet`` writes ten
columns: a person id, age, sex, a 5-digit postal code, education, occupation, marital
status, race, income and a diagnosis, in row groups, so the file can be made and read
in bounded memory.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

EDUCATION = [
    "Preschool",
    "Primary",
    "Secondary",
    "HS-grad",
    "Some-college",
    "Bachelors",
    "Masters",
    "Doctorate",
]
OCCUPATION = [
    "Clerical",
    "Craft",
    "Exec",
    "Farming",
    "Handlers",
    "Machine-op",
    "Other",
    "Prof",
    "Protective",
    "Sales",
    "Service",
    "Tech",
    "Transport",
]
MARITAL = ["Never-married", "Married", "Divorced", "Separated", "Widowed"]
RACE = ["White", "Black", "Asian", "Amer-Indian", "Other"]
DIAGNOSIS = [
    "none",
    "asthma",
    "diabetes",
    "hypertension",
    "depression",
    "arthritis",
    "migraine",
    "anemia",
]


def people(rows: int, seed: int = 7) -> pl.DataFrame:
    """``rows`` fictional people; the same seed gives the same table."""
    rng = np.random.default_rng(seed)

    def pick(values: list[str]) -> pl.Series:
        return pl.Series(np.array(values, dtype=object)[rng.integers(0, len(values), rows)])

    return pl.DataFrame(
        {
            "person_id": np.arange(rows, dtype=np.int64),
            "age": rng.integers(17, 91, rows),
            "sex": pick(["F", "M"]),
            "zip": pl.Series(rng.integers(10000, 10600, rows)).cast(pl.String),
            "education": pick(EDUCATION),
            "occupation": pick(OCCUPATION),
            "marital_status": pick(MARITAL),
            "race": pick(RACE),
            "income": rng.lognormal(10.5, 0.6, rows).round(0),
            "diagnosis": pick(DIAGNOSIS),
        }
    )


def write_people(rows: int, out: Path, *, chunk: int = 1_000_000, seed: int = 7) -> Path:
    """Write ``rows`` people to a Parquet file in row groups of ``chunk``."""
    writer: pq.ParquetWriter | None = None
    try:
        for start in range(0, rows, chunk):
            frame = people(min(chunk, rows - start), seed + start).with_columns(
                pl.col("person_id") + start
            )
            table = frame.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(out, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return out


def main() -> None:
    """Write the table named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_people(args.rows, args.out)
    print(f"wrote {args.rows:,} rows to {args.out}")


if __name__ == "__main__":
    main()
