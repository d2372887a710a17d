"""Vault services: collect, access, auditing. Views and the API call these, never the cipher."""
