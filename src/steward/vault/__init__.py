"""The vault: a Django app that collects, stores, shows and audits records under the plan.

Only this package and :mod:`steward.server` import Django. Every read of personal data
goes through :mod:`steward.vault.services.access`.
"""
