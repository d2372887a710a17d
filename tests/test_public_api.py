"""Each package's public surface is its ``__all__``: pinned here, name by name.

A package's surface is what other layers may import from it (the import rule is in
``test_layer_imports.py``). Tests may import submodules directly. To change a surface,
change the package's ``__init__`` and the table below together.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import types
from pathlib import Path

import pytest

import steward

SRC = Path(steward.__file__).resolve().parent
PLAIN_LAYERS = (
    "steward.policy",
    "steward.crypto",
    "steward.audit",
    "steward.deid",
    "steward.synthetic",
    "steward.pdf",
)
PURE_PACKAGES = ("steward.vault.rules",)
"""Plain Python besides the plain layers: the vault's pure decisions."""

SURFACES: dict[str, str] = {
    "steward": "StewardError __version__",
    "steward.audit": """
        AuditConflictError AuditEntry AuditError AuditEvent AuditEventError AuditLog AuditReadError
        AuditStore AuditWriteError CanonicalEncodingError Checkpoint CheckpointSchedule
        ConsistencyProof EntryFormatError FileAuditStore InclusionProof KeyFileError LastCheckpoint
        LogIntegrityError MemoryAuditStore NoteFormatError Outcome Problem ProofCheck ProofError
        ProofFileError ProofVerificationError RecordBuilder ReferenceHasher SignatureError
        SigningKey VerificationReport VerifiedPrefix VerifierKey canonical_json
        check_proof_document checkpoint_due consistency_document exactly extend_prefix hash_prefix
        inclusion_document leaf_hash load_private_key load_public_key open_checkpoint open_note
        parse_canonical parse_checkpoint read_checkpoint_notes root_hash save_private_key
        save_public_key sign_checkpoint sign_note verify_consistency verify_inclusion verify_log
        write_checkpoint_copies
    """,
    "steward.cli": "",
    "steward.crypto": """
        BlindIndexer CryptoError DecryptionError EnvKeyProvider ErasureLedger FileErasureLedger
        FileKeyProvider KEK_FILE LEDGER_FILE LedgerEntry MemoryErasureLedger KekStatus
        KekVersion KeyProvider KeyRetiredError KeyRing KeyRingStatus KeyShreddedError KeyState
        KeyStoreBusyError KeyStoreError MalformedCiphertextError MemorySubjectKeyStore Normalization
        ReadOnlyKeyProviderError Rewrap RotatableKeyProvider SUBJECT_KEYS_FILE SealedSubmission
        SqliteSubjectKeyStore StaleKekVersionError SubjectKeyStore UnknownKeyError UnsealResult
        WrappedKey backup_kek_version decrypt_stream encrypt_stream key_id_of load_private_key
        new_passphrase open_keyring open_package OpenedPackage pack_for_key pack_with_passphrase
        PackageHeader public_key_from_text read_package_header
        public_key_to_text read_batch read_private_file read_public_key save_private_key
        seal seal_submission unseal unseal_batch write_private_file
    """,
    "steward.deid": """
        AnonymizeRequest ApplyRequest ClassTable DEFAULT_SAMPLE DataFileError DeidError
        PolarsEngine RedactRequest RiskRequest RiskResult ScanRequest ScanResult SparkEngine
        collect column_names read_table read_table_spark require_columns run_anonymize
        run_apply run_redact run_risk run_scan spark_session
    """,
    "steward.deid.redact": """
        FileRedaction RedactedText Span check_region find_spans redact_expr redact_file
        redact_series redact_text resolve_kinds
    """,
    "steward.deid.report": "write",
    "steward.deid.requests": "",
    "steward.deid.risk": """
        AttackerRisk CellSize RiskReport SensitiveDomain SensitiveRisk SizeBucket SmallCells
        classes_below distinct_l distinct_per_class emd_per_class entropy_l entropy_per_class
        estimated_population is_numeric journalist_risk k_of marketer_risk matched_population
        measure_risk prosecutor_risk record_risk records_below recursive_c sample_uniqueness
        sensitive_domain size_histogram small_cells t_closeness unique_records
    """,
    "steward.deid.scan": """
        ColumnReport DEFAULT_SAMPLE KindFinding Role ScanReport masked_examples scan_column
        scan_file scan_frame to_json to_table
    """,
    "steward.deid.search": "Anonymization CodedHierarchy METRICS MetricName Settings "
    "UsedHierarchy anonymize find_hierarchies from_rows hierarchies_for write_hierarchies",
    "steward.deid.transforms": """
        Applied DeidKeys LoadedRecipe RecipeError add_noise apply_recipe derive_keys drop
        load_keys load_recipe manifest_path mask
        offset_days pseudonym pseudonymize run_recipe shift_dates suppress top_bottom_code
    """,
    "steward.policy": """
        BUILT_IN_CATEGORIES Change Decision Duration LoadedPlan Plan PlanLoadError PlanSyntaxError
        PlanUnreadableError Position PositionMap Problem Tier consent_purposes decide diff_plans
        erasure_approvers erasure_needs_second_person erasure_requesters explain format_location
        held_purposes load_plan load_plan_text needed_consents only_consent
        parse_duration parse_yaml plan_json_schema rights_officer_roles schema_problems
        self_service_role
    """,
    "steward.policy.checks": """
        ALL_RULES Area CheckContext CheckReport Finding Issue PLACEHOLDER_RULES RULES_BY_ID Rule
        Severity run_checks
    """,
    "steward.pdf": "PdfError RefusingFetcher html_to_pdf",
    "steward.policy.documents": """
        DocumentWriteError build_context contact_line markdown_to_html notice_view prepare_folder
        purpose_labels render_documents render_html render_markdown render_pdfs role_view
        write_atomically write_documents Provenance provenance_markdown provenance_of
        write_collection with_pdfs
    """,
    "steward.policy.model": """
        ASSIGNING_SCOPES AccountClosure Action Backups Cases CategoryDefinition CommunityAlerts
        Complaints Contact
        Contract ContractKind Cookie Dataset DatasetKind DatasetRouting Delivery Disclosure
        EmailNotice ErasureApproval ExpiryAction FieldSpec Governance Grant HostedBy Hosting
        Identifier IdentifierRole
        Incidents InputKind Jurisdiction Lawfulness LegalBasis LegalGround Location LogField
        MINIMAL_LOG_FIELDS Masking Minors MinorsPolicy Notification Operations Organization
        OrganizationKind Origin OversightBody Plan PlanModel Purpose Questionnaire Recipient
        RecipientKind Regulator Retention RetentionTrigger Rights Role Routing Scope Source Subject
        Team Training VulnerabilityDisclosure WebLogs country_of
        CollectedFrom DataSource OrganizationRole ServedController SpecialCondition
        TransferSafeguard
    """,
    "steward.policy.scaffold": """
        Answers AnswersError HostingAnswer PrivacyOfficerAnswer Scaffold SourceAnswer TODO
        answer_message load_answers parse_answers render scaffold split_list
    """,
    "steward.server": """
        DEFAULT_HEADERS ProxySettingError ServerConfig TrustedProxies database_settings
        proxy_warnings sqlite_path trusted_proxies waitress_setup
    """,
    "steward.synthetic": "Persona fake_consents fake_submission fake_value new_faker new_persona",
    "steward.vault": "DatabaseAuditStore PlanHasErrors Vault get_vault use_vault",
    "steward.vault.api": "api",
    "steward.vault.migrations": "",
    "steward.vault.rules": """
        Assessment Assigner Candidate Case Change ConsentState DEFAULT_ACCOUNT_FAILURES
        DEFAULT_ADDRESS_FAILURES DEFAULT_COOL_OFF DEFAULT_INTERVAL DEFAULT_REPORTS Failures
        FrequencyError HIDDEN
        Health History LockoutPolicy MAX_VALUE_CHARS RETRY_AFTER_SECONDS Reach RecordFacts
        SignInLock Submission Unreadable asks_age assess backups_to_prune check_submission
        decide_assignment decide_reveal default_grace duration_interval explained in_scope is_busy
        is_due mask may_assign missing_team needs_plaintext parse_frequency reveal_purposes route
        short_reason shown_as sign_in_lock spec_normalization unknown_team unreadable_because
        value_problem
        window_start
        Standing acknowledgement_refusal listing_refusal standing
        COUNTRY_LOCAL COUNTRY_UNKNOWN UNMATCHED WebVisit keeps_nothing logs_request
        web_log_country web_log_entry web_log_fields web_log_file web_log_file_day
        web_log_files_to_prune web_log_route web_log_text
        PeriodError period_between
    """,
    "steward.vault.services": """
        AccessDenied AccessService AccountError Actor AuditUnavailable BACKUP_JOB_NAME BackupError
        CaseService CheckpointRefused CreatedBackup DRILL_JOB_NAME DatabaseRef DatasetAccess
        InvalidValue JobContext JobRunnerThread MAX_OFFSET MAX_PAGE MinorRefused NotFound
        RecordView SESSION_OBJECT SubmissionRejected UnknownRole ValueUnreadable VerifyReport
        access_ended account_of actor_from_request audit authenticate configured_policy
        create_account create_backup create_demo_accounts create_token disable_account job_statuses
        keys_dir list_accounts list_tokens load_residents lockout_policy login_actor open_sealed
        prepare_backup_dir prune_backups recent_runs record_refusal record_run record_success
        request_lock reset_password restore_backup reveal_choices revoke_token run_due runner_name
        sign_now staff_actor staff_role standard_jobs store_checkpoint_if_due stored_backups submit
        unlock_account verifier_key verify_backup
        Acknowledgement AcknowledgementList account_standings acknowledgement_history plan_text
        read_acknowledgements ErasureService ErasureView actor_by_password reissue_code
        PurgeResult ReplayReport anonymize_records erase_subject purge_fields purge_records
        replay_ledger RetentionStatus read_retention_status RETENTION_JOB_NAME SweepReport
        sweep_retention DatasetCounts dataset_counts
        ImportFileError ImportRefused ImportSource ImportSummary import_file list_imports
        read_import_file RequestClosed RightsQueue
        DisclosureView decide_disclosure deliver_disclosure list_disclosures open_disclosure
        ExtractRefused deliver_extract expire_extracts make_extract shown_manifest
        visible_extracts AggregateReleaseService ReleaseView
        Published publish_report open_sealed_reports
    """,
    "steward.vault.views": "",
}


def packages() -> list[str]:
    """Every package under ``src/steward``, by its dotted name."""
    return sorted(
        ".".join(init.parent.relative_to(SRC.parent).parts) for init in SRC.rglob("__init__.py")
    )


def test_every_package_has_a_pinned_surface() -> None:
    assert set(SURFACES) == set(packages())


@pytest.mark.parametrize("package", packages())
def test_surface_is_exactly_the_pinned_names(package: str) -> None:
    module = importlib.import_module(package)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported)), f"{package}.__all__ lists a name twice"
    assert sorted(exported) == sorted(SURFACES[package].split())


@pytest.mark.parametrize("package", packages())
def test_every_exported_name_resolves_to_its_value(package: str) -> None:
    """Lazy names too: each is importable, listed by dir(), and never a submodule that
    shadows the value of the same name."""
    module = importlib.import_module(package)
    for name in module.__all__:
        value = getattr(module, name)
        assert not isinstance(value, types.ModuleType), f"{package}.{name} is a module"
        assert name in dir(module)


def _plain_packages() -> list[str]:
    roots = PLAIN_LAYERS + PURE_PACKAGES
    return [
        name
        for name in packages()
        if any(name == root or name.startswith(f"{root}.") for root in roots)
    ]


def test_the_plain_layers_are_known() -> None:
    layers = {name.split(".")[1] for name in packages() if name != "steward"}
    assert layers == {
        "audit",
        "cli",
        "crypto",
        "deid",
        "pdf",
        "policy",
        "server",
        "synthetic",
        "vault",
    }


@pytest.mark.parametrize("package", _plain_packages())
def test_plain_layers_do_not_import_django(package: str) -> None:
    """The package and each of its modules, in a fresh interpreter (this test process has
    Django loaded for the vault)."""
    code = (
        "import importlib, pkgutil, sys\n"
        f"package = importlib.import_module({package!r})\n"
        "for info in pkgutil.iter_modules(package.__path__, package.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "    if 'django' in sys.modules:\n"
        "        sys.exit(f'{info.name} imports Django')\n"
        "sys.exit('django' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
