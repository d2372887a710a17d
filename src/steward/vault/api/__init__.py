"""The HTTP API (django-ninja). It goes through the same access service as the pages.

:data:`api` is the :class:`ninja.NinjaAPI` the server mounts at ``/api/``; it is built
when first used (:mod:`steward._lazy`), after Django has loaded its apps.
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports

if TYPE_CHECKING:
    from steward.vault.api.router import api
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "router": ["api"],
        },
    )

__all__ = ["api"]
