"""Reports of de-identification runs: self-contained HTML with inline SVG plots.

:func:`write` writes the report of an anonymization search; it is imported when first
used (:mod:`steward._lazy`), because the plots load matplotlib.
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports

if TYPE_CHECKING:
    from steward.deid.report.html import write
else:
    __getattr__, __dir__ = lazy_exports(__name__, {"html": ["write"]})

__all__ = ["write"]
