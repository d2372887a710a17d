"""The requests of the de-identification engine, and the functions that carry them out.

A caller (the command line, the vault's extracts, a notebook) describes what it wants
as a request (``RiskRequest`` and ``ScanRequest`` in :mod:`.measuring`;
``AnonymizeRequest``, ``ApplyRequest`` and ``RedactRequest`` in :mod:`.transforming`)
and hands it to one function (``run_risk``, ``run_scan``, ``run_anonymize``,
``run_apply``, ``run_redact``), which checks it, reads the source once, and returns
plain results. Every name is imported from :mod:`steward.deid`; ``run_apply`` and
``run_redact`` live beside the recipe runner (:mod:`steward.deid.transforms.run`) and
the file redaction (:mod:`steward.deid.redact.files`) whose work they are.
"""

__all__: list[str] = []
