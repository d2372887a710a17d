"""The vault: a Django app that collects, stores, shows and audits records under the plan.

Only this package and :mod:`steward.server` import Django. Every read of personal data
goes through :mod:`steward.vault.services.access`.

Django imports this package while it loads its apps, so nothing here is imported until
it is used (:mod:`steward._lazy`): :class:`DatabaseAuditStore` needs the app registry.
The services are in :mod:`steward.vault.services`, the pure decisions in
:mod:`steward.vault.rules`, the HTTP API in :mod:`steward.vault.api`.
"""

from typing import TYPE_CHECKING

from steward._lazy import lazy_exports

if TYPE_CHECKING:
    from steward.vault.audit_store import DatabaseAuditStore
    from steward.vault.runtime import PlanHasErrors, Vault, get_vault, use_vault
else:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            "audit_store": ["DatabaseAuditStore"],
            "runtime": ["PlanHasErrors", "Vault", "get_vault", "use_vault"],
        },
    )

__all__ = ["DatabaseAuditStore", "PlanHasErrors", "Vault", "get_vault", "use_vault"]
