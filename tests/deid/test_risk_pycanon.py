"""Property tests: k, distinct l, entropy l and t-closeness agree with pycanon.

pycanon (Sáinz-Pardo Díaz & López García) computes from a pandas DataFrame, record by
record; we compute from the Polars engine's class aggregates. Differences in definition:

* pycanon's ``entropy_l_diversity`` returns ``int(min exp(H))`` (floored); ours returns
  the real number, so we compare with its floor (allowing a rounding ulp either way).
* pycanon picks the distance by the pandas dtype: numeric dtypes get the ordered EMD,
  string dtypes the equal distance. We pick by whether every value parses as a number.
  They agree when numbers are held as numbers and text is not numeric, which is what
  these tests generate; a text column of digits would be ordered for us and categorical
  for pycanon (use ``ordered=False`` to match it).
* pycanon's ordered EMD divides by ``m - 1`` and fails when ``m = 1``; ours gives 0.
* pycanon's recursive (c, l) sorts counts ascending, unlike Machanavajjhala et al.; it is
  not compared.
"""

from __future__ import annotations

import math

import pandas as pd
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from pycanon import anonymity

from steward.deid.engine import PolarsEngine
from steward.deid.risk import distinct_l, entropy_l, k_of, t_closeness

QI = ["q1", "q2"]

rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c"]),
        st.sampled_from(["x", "y"]),
        st.sampled_from(["flu", "cold", "cancer", "hiv"]),
        st.integers(min_value=0, max_value=6),
    ),
    min_size=1,
    max_size=30,
)


def _frames(data: list[tuple[str, str, str, int]]) -> tuple[pd.DataFrame, pl.LazyFrame]:
    columns = {
        "q1": [r[0] for r in data],
        "q2": [r[1] for r in data],
        "disease": [r[2] for r in data],
        "salary": [r[3] for r in data],
    }
    frame = pd.DataFrame(columns)
    frame["disease"] = frame["disease"].astype(object)
    return frame, pl.DataFrame(columns).lazy()


@settings(max_examples=60)
@given(rows)
def test_k_and_l_agree(data: list[tuple[str, str, str, int]]) -> None:
    frame, lazy = _frames(data)
    classes = PolarsEngine().classes(lazy, QI, ["disease"])
    assert k_of(classes.sizes) == anonymity.k_anonymity(frame, QI)
    assert distinct_l(classes.sensitive["disease"]) == anonymity.l_diversity(frame, QI, ["disease"])
    ours = entropy_l(classes.sensitive["disease"])
    theirs = anonymity.entropy_l_diversity(frame, QI, ["disease"])
    assert theirs in {math.floor(ours - 1e-9), math.floor(ours + 1e-9)}


@settings(max_examples=60)
@given(rows)
def test_categorical_t_agrees(data: list[tuple[str, str, str, int]]) -> None:
    frame, lazy = _frames(data)
    classes = PolarsEngine().classes(lazy, QI, ["disease"])
    theirs = anonymity.t_closeness(frame, QI, ["disease"])
    assert math.isclose(t_closeness(classes.sensitive["disease"]), theirs, abs_tol=1e-9)


@settings(max_examples=60)
@given(rows)
def test_numeric_t_agrees(data: list[tuple[str, str, str, int]]) -> None:
    frame, lazy = _frames(data)
    classes = PolarsEngine().classes(lazy, QI, ["salary"])
    ours = t_closeness(classes.sensitive["salary"])
    if frame["salary"].nunique() < 2:
        assert ours == 0.0  # pycanon divides by m - 1 = 0 here
        return
    theirs = anonymity.t_closeness(frame, QI, ["salary"])
    assert math.isclose(ours, theirs, abs_tol=1e-9)
