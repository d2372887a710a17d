"""The pattern pass: whole-value detectors for structured kinds, run over a sample at once.

The detectors come from :mod:`.registry`. Every anchored regex runs as a Polars string
expression over the whole sample in one ``select``; validators (check digits, number
plans, date ranges) then run in Python only on the values their pattern matched.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import numpy as np
import polars as pl

from steward.deid.scan import patterns as p
from steward.deid.scan.evidence import Evidence
from steward.deid.scan.registry import ColumnRule, detector, detectors

PHONE_CHECK_LIMIT: Final = 500


def _matches(column: pl.Expr, patterns: tuple[str, ...]) -> pl.Expr:
    return pl.any_horizontal([column.str.contains(pattern) for pattern in patterns])


def _masks(sample: pl.Series) -> pl.DataFrame:
    """One boolean column a detector (named by its kind), plus the sub-patterns the
    own-rule kinds weigh apart: bare SSNs, plain and strong postal codes, coordinate
    pairs and single decimals, and each date format."""
    v = pl.col("v")
    exprs = {
        d.kind: _matches(v, d.whole)
        for d in detectors()
        if d.whole and d.column_rule is not ColumnRule.OWN
    }
    exprs.update(
        ssn_bare=v.str.contains(p.SSN_BARE),
        phone=v.str.contains(p.PHONE)
        & v.str.replace(p.PHONE_EXTENSION, "").str.count_matches(r"\d").is_between(7, 15),
        zip5=v.str.contains(p.ZIP5),
        pin6=v.str.contains(p.PIN6),
        postal_strong=_matches(v, (p.ZIP9, p.UK_POSTCODE, p.CA_POSTCODE)),
        coord_pair=v.str.contains(p.COORD_PAIR),
        decimal=v.str.contains(p.DECIMAL_COORD),
    )
    for index, (pattern, _formats) in enumerate(p.DATE_PATTERNS):
        exprs[f"date{index}"] = v.str.contains(pattern)
    masks = pl.DataFrame({"v": sample}).select(**exprs)
    # A value another pattern explains (card, SSN, Aadhaar, IBAN, date) is no phone candidate.
    claimed = pl.any_horizontal("credit_card", "us_ssn", "aadhaar", "iban", "^date\\d+$")
    return masks.with_columns(phone=pl.col("phone") & ~claimed)


def structured_evidence(sample: pl.Series, hints: frozenset[str], region: str) -> list[Evidence]:
    """Evidence for every structured kind that matched at least one sampled value.

    ``sample`` holds non-null strings, already stripped; ``hints`` are the kinds the
    header suggests; ``region`` is the default phone region (ISO 3166 alpha-2).
    """
    n = sample.len()
    if n == 0:
        return []
    masks = _masks(sample)
    counts = masks.sum().row(0, named=True)
    found: list[Evidence] = []

    def candidates(column: str) -> list[str]:
        return sample.filter(masks.get_column(column)).to_list()

    for spec in detectors():
        matched = counts.get(spec.kind, 0) if spec.column_rule is not ColumnRule.OWN else 0
        if not matched:
            continue
        if spec.column_rule is ColumnRule.COUNT:
            found.append(Evidence(spec.kind, matched, matched, n))
        else:
            passed = sum(1 for value in candidates(spec.kind) if spec.valid(value, region))
            found.append(Evidence(spec.kind, matched, passed, n, True, spec.chance))
    if counts["ssn_bare"] and "us_ssn" in hints:
        passed = sum(1 for value in candidates("ssn_bare") if detector("us_ssn").valid(value))
        found.append(Evidence("us_ssn", counts["ssn_bare"], passed, n, True, 0.0, factor=0.8))
    if counts["phone"]:
        found.append(_phone(candidates("phone"), n, hints, region))
    found.extend(_postal(sample, masks, counts, hints))
    found.extend(_coordinates(sample, masks, counts, hints))
    dates = _dates(sample, masks, hints)
    if dates is not None:
        found.append(dates)
    return [e for e in found if e.matched]


def _phone(values: list[str], n: int, hints: frozenset[str], region: str) -> Evidence:
    # phonenumbers takes ~30 microseconds a number: check at most PHONE_CHECK_LIMIT
    # candidates (spread over the sample) and scale the count of valid ones.
    step = max(1, -(-len(values) // PHONE_CHECK_LIMIT))
    checked = values[::step]
    passed = bare = 0
    for value in checked:
        if detector("phone").valid(value, region):
            passed += 1
            bare += value.isdigit()
    if checked and len(checked) < len(values):
        passed = round(passed * len(values) / len(checked))
        bare = round(bare * len(values) / len(checked))
    # Bare digit strings are often account or order numbers that happen to fit a number
    # plan: without a header hint they count for less.
    factor = 0.6 if passed and bare / passed > 0.5 and "phone" not in hints else 1.0
    return Evidence("phone", len(values), passed, n, True, 0.0, factor=factor)


def _postal(
    sample: pl.Series, masks: pl.DataFrame, counts: dict[str, int], hints: frozenset[str]
) -> list[Evidence]:
    n = sample.len()
    strong = counts["postal_strong"]
    plain_mask = masks.get_column("zip5") | masks.get_column("pin6")
    plain = sample.filter(plain_mask)
    if not strong and plain.len() == 0:
        return []
    accepted = strong
    if plain.len() and ("postal_code" in hints or postal_clustered(plain)):
        accepted += plain.len()
    # Five- and six-digit numbers alone are ambiguous: without a header hint or a
    # geographic clustering they are not called postal codes.
    return [Evidence("postal_code", strong + plain.len(), accepted, n, True)]


def postal_clustered(codes: pl.Series) -> bool:
    """True when numeric codes repeat and cluster by their first three digits, as the
    postal codes of people living in one area do (random numbers neither repeat nor
    cluster)."""
    distinct = codes.n_unique()
    if codes.len() < 20 or distinct == 0:
        return False
    prefixes = codes.str.slice(0, 3).n_unique()
    return codes.len() / distinct >= 3 and distinct / prefixes >= 2


def _coordinates(
    sample: pl.Series, masks: pl.DataFrame, counts: dict[str, int], hints: frozenset[str]
) -> list[Evidence]:
    n = sample.len()
    found = []
    if counts["coord_pair"]:
        pairs = sample.filter(masks.get_column("coord_pair")).str.extract_all(r"-?\d+\.\d+")
        lat = pairs.list.get(0, null_on_oob=True).cast(pl.Float64).to_numpy()
        lon = pairs.list.get(1, null_on_oob=True).cast(pl.Float64).to_numpy()
        ok = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        found.append(Evidence("coordinates", counts["coord_pair"], int(ok.sum()), n, True))
    if counts["decimal"] and counts["decimal"] >= 0.8 * n:
        numbers = sample.filter(masks.get_column("decimal")).cast(pl.Float64).to_numpy()
        # Values mostly within [-1, 1] are ratios or probabilities, not coordinates.
        in_range = (np.abs(numbers) <= 180) & (np.abs(numbers) > 1)
        ok = int(in_range.sum()) if float(in_range.mean()) >= 0.5 else 0
        # A single decimal column in range could be any measurement: header needed.
        found.append(Evidence("coordinates", counts["decimal"], ok, n, True, needs_hint=True))
    return found


def _dates(sample: pl.Series, masks: pl.DataFrame, hints: frozenset[str]) -> Evidence | None:
    parsed: list[pl.Series] = []
    matched = 0
    for index, (_pattern, formats) in enumerate(p.DATE_PATTERNS):
        mask = masks.get_column(f"date{index}")
        count = int(mask.sum())
        if not count:
            continue
        matched += count
        values = sample.filter(mask)
        attempts = [values.str.to_date(fmt, strict=False) for fmt in formats]
        parsed.append(pl.select(pl.coalesce(attempts)).to_series())
    if not matched:
        return None
    dates = pl.concat(parsed).drop_nulls()
    today = dt.date.today()
    plausible = dates.filter((dates.dt.year() >= 1900) & (dates <= today))
    if plausible.len() == 0:
        return Evidence("date_of_birth", matched, 0, sample.len(), True)
    years = plausible.dt.year().to_numpy()
    p10, median, p90 = np.percentile(years, [10, 50, 90])
    birth_like = p90 - p10 >= 15 and median <= today.year - 10
    passed = plausible.len() if birth_like or "date_of_birth" in hints else 0
    factor = 1.0 if "date_of_birth" in hints else 0.8
    return Evidence("date_of_birth", matched, passed, sample.len(), True, factor=factor)
