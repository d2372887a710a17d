"""The safeguards a document can state or a risk rating can count: each one, whether
Steward enforces it today, for which plans, and the tests that prove it.

:mod:`steward.policy.safeguards` reads this table; add or flip an entry here (or in
:mod:`steward.policy.safeguard_lifecycle`, for erasure, rights, disclosures, incidents
and the web log) when a feature lands, with the tests that prove it.

Plain Python: no web framework, no database.
"""

from __future__ import annotations

from steward.policy.model import Masking
from steward.policy.safeguard_entry import (
    Safeguard,
    always,
    collected_fields,
    node_id,
    uses_consent,
)
from steward.policy.safeguard_lifecycle import LIFECYCLE_ENTRIES

__all__ = ["ENTRIES", "Safeguard"]

_COLLECT_STORE_ACCESS_KEEP: tuple[Safeguard, ...] = (
    # -- enforced today ------------------------------------------------------------------
    Safeguard(
        "field_encryption",
        "every personal answer encrypted at rest under the person's own key",
        True,
        lambda plan: any(s.encrypted for s in collected_fields(plan)),
        (
            node_id(
                "vault/test_collect.py",
                "test_a_submission_is_stored_encrypted_with_clear_counting_fields",
            ),
            node_id("crypto/test_keyring.py", "test_each_subject_has_its_own_key"),
        ),
    ),
    Safeguard(
        "blind_index",
        "look-ups by keyed blind index, without decrypting",
        True,
        lambda plan: any(s.searchable for s in collected_fields(plan)),
        (
            node_id(
                "vault/test_access_service.py",
                "test_search_by_blind_index_respects_scope_and_is_audited",
            ),
            node_id("crypto/test_blind_index.py", "test_each_field_has_its_own_key"),
        ),
    ),
    Safeguard(
        "masking",
        "values masked until someone allowed reveals them",
        True,
        lambda plan: any(s.masking is not Masking.NONE for s in collected_fields(plan)),
        (
            node_id("vault/test_rules_masking.py", "test_mask"),
            node_id(
                "vault/test_access_service.py", "test_a_caseworker_sees_an_assigned_case_masked"
            ),
        ),
    ),
    Safeguard(
        "reveal_with_reason",
        "each reveal for a purpose the role holds, with a stated reason, audited",
        True,
        lambda plan: any(s.masking is not Masking.NONE for s in collected_fields(plan)),
        (
            node_id("vault/test_rules_reveal.py", "test_reveal_decision_table"),
            node_id(
                "vault/test_reveal_purposes.py",
                "test_a_consent_purpose_needs_the_persons_agreement_not_withdrawn",
            ),
        ),
    ),
    Safeguard(
        "write_needs_sight",
        "changes only by roles that can see the value they replace",
        True,
        always,
        (
            node_id("policy/test_access.py", "test_a_role_writes_only_what_it_can_see"),
            node_id(
                "vault/test_write_needs_sight.py",
                "test_the_api_refuses_to_overwrite_a_field_the_role_cannot_see",
            ),
        ),
    ),
    Safeguard(
        "need_to_know",
        "each role reaches only the fields and records its grants and scope allow",
        True,
        always,
        (
            node_id("policy/test_access.py", "test_decision_matches_table"),
            node_id("vault/test_rules_scope.py", "test_in_scope"),
            node_id(
                "vault/test_access_service.py", "test_scope_hides_cases_assigned_to_someone_else"
            ),
        ),
    ),
    Safeguard(
        "audit_log",
        "a hash-chained audit log of every read, reveal, change and refusal, with signed "
        "checkpoints",
        True,
        always,
        (
            node_id("audit/test_audit_log.py", "test_entries_are_numbered_and_chained"),
            node_id(
                "audit/test_audit_log.py", "test_checkpoint_is_signed_stored_and_matches_the_root"
            ),
            node_id(
                "vault/test_access_service.py",
                "test_reads_fail_closed_when_the_audit_log_cannot_be_written",
            ),
        ),
    ),
    Safeguard(
        "personal_accounts",
        "one personal account per person, never a shared one",
        True,
        always,
        (
            node_id("vault/test_accounts.py", "test_one_account_per_person"),
            node_id(
                "vault/test_accounts.py",
                "test_generic_role_named_or_malformed_user_names_are_refused",
            ),
        ),
    ),
    Safeguard(
        "mfa",
        "multi-factor sign-in for the roles that require it",
        True,
        lambda plan: any(r.mfa for r in plan.roles),
        (
            node_id("vault/test_staff_login.py", "test_mfa_enrollment_then_verification"),
            node_id(
                "vault/test_staff_login.py",
                "test_an_mfa_role_never_reaches_case_pages_without_the_second_factor",
            ),
            node_id(
                "vault/test_access_service.py", "test_mfa_roles_are_refused_without_a_second_factor"
            ),
        ),
    ),
    Safeguard(
        "lockout",
        "sign-in locked after repeated wrong passwords",
        True,
        always,
        (
            node_id(
                "vault/test_staff_login.py",
                "test_five_failures_lock_the_account_even_with_the_right_password",
            ),
        ),
    ),
    Safeguard(
        "session_limits",
        "sessions that end when idle and after a fixed time",
        True,
        always,
        (
            node_id("vault/test_sessions.py", "test_an_idle_session_ends"),
            node_id(
                "vault/test_sessions.py", "test_a_session_ends_at_its_absolute_limit_even_when_busy"
            ),
        ),
    ),
    Safeguard(
        "role_expiry",
        "temporary access that ends on its date",
        True,
        lambda plan: any(r.temporary for r in plan.roles),
        (
            node_id("policy/test_access.py", "test_expired_temporary_role_may_do_nothing"),
            node_id("vault/test_staff_login.py", "test_expired_temporary_access_cannot_sign_in"),
        ),
    ),
    Safeguard(
        "service_tokens",
        "API tokens bound to one role, stored only as a hash, with an expiry",
        True,
        always,
        (
            node_id(
                "vault/test_api_tokens.py", "test_a_token_is_shown_once_and_stored_as_its_sha256"
            ),
            node_id(
                "vault/test_api_tokens.py",
                "test_unknown_malformed_expired_and_revoked_tokens_are_refused",
            ),
        ),
    ),
    Safeguard(
        "intake_minimization",
        "intake forms that refuse any question the plan does not declare",
        True,
        always,
        (
            node_id("vault/test_rules_intake.py", "test_refusals"),
            node_id(
                "vault/test_intake_submit.py",
                "test_undeclared_fields_are_refused_with_a_400_listing_them",
            ),
        ),
    ),
    Safeguard(
        "never_recorded",
        "answers marked never recorded refused on every path",
        True,
        lambda plan: any(spec.never for _, _, _, spec in plan.fields()),
        (
            node_id(
                "vault/test_intake_submit.py", "test_a_never_field_is_refused_even_when_crafted"
            ),
            node_id("policy/test_access.py", "test_never_field_is_refused_to_everyone"),
            node_id("cli/test_import_cli.py", "test_a_never_field_is_refused"),
        ),
    ),
    Safeguard(
        "consent_per_purpose",
        "a separate opt-in per consent-based purpose, never ticked in advance, recorded",
        True,
        uses_consent,
        (
            node_id("vault/test_collect.py", "test_consent_is_recorded_per_purpose"),
            node_id(
                "vault/test_intake_pages.py",
                "test_opt_ins_are_offered_per_consent_purpose_and_never_ticked",
            ),
            node_id(
                "vault/test_intake_needed_consent.py",
                "test_leaving_the_needed_box_empty_points_at_the_box",
            ),
        ),
    ),
    Safeguard(
        "minors_rule",
        "the plan's rule for children applied at intake",
        True,
        lambda plan: plan.minors is not None,
        (
            node_id(
                "vault/test_intake_submit.py",
                "test_a_child_is_kindly_refused_when_the_plan_refuses_minors",
            ),
            node_id(
                "vault/test_intake_submit.py",
                "test_a_guardian_plan_asks_for_and_requires_the_guardian_box",
            ),
        ),
    ),
    Safeguard(
        "sealed_intake",
        "sealed intake: answers encrypted on arrival to a key the server does not hold",
        True,
        lambda plan: any(d.sealed for d in plan.datasets),
        (
            node_id(
                "vault/test_intake_submit.py",
                "test_a_sealed_form_says_so_and_stores_only_a_sealed_blob",
            ),
            node_id("crypto/test_sealed.py", "test_seal_and_unseal"),
        ),
    ),
    Safeguard(
        "no_tracking",
        "pages that load no scripts, trackers or outside resources",
        True,
        always,
        (node_id("vault/test_sessions.py", "test_security_headers_and_csp"),),
    ),
    Safeguard(
        "plan_acknowledgement",
        "every staff member acknowledges each version of the plan before their first access, "
        "recorded by the vault",
        True,
        lambda plan: plan.governance.team_acknowledgement,
        (
            node_id("vault/test_plan_acknowledgement.py", "test_the_gate"),
            node_id(
                "vault/test_plan_acknowledgement.py",
                "test_a_changed_plan_is_acknowledged_again_before_any_record",
            ),
            node_id(
                "vault/test_acknowledgement_list.py",
                "test_the_privacy_officer_sees_who_acknowledged_which_version",
            ),
            node_id(
                "vault/browser/test_plan_acknowledgement.py",
                "test_a_new_caseworker_acknowledges_the_plan_before_the_case_list",
            ),
        ),
        claims=("records who acknowledged", "acknowledge every new version"),
    ),
    Safeguard(
        "retention_sweep",
        "deleting or reducing data automatically when its retention period ends",
        True,
        lambda plan: any(p.retention is not None for p in plan.purposes),
        (
            node_id("vault/test_rules_retention.py", "test_retention_decision"),
            node_id(
                "vault/test_retention_sweep.py", "test_the_sweep_follows_each_purpose_to_its_end"
            ),
            node_id(
                "vault/test_retention_sweep.py",
                "test_the_sweep_is_a_daily_job_that_records_its_run",
            ),
            node_id(
                "vault/test_closing_retention.py",
                "test_closing_a_help_desk_ticket_deletes_its_details_at_once",
            ),
            node_id(
                "cli/test_erasure_ledger_restore.py",
                "test_a_restored_sqlite_backup_forgets_the_erased_again",
            ),
        ),
        claims=("deleted automatically", "when its retention period ends"),
    ),
    Safeguard(
        "case_closure",
        "deleting a closed case's data once the retention periods counted from it end",
        True,
        lambda plan: plan.rights.on_account_closure.value == "delete",
        (
            node_id(
                "vault/test_closing_retention.py",
                "test_closing_a_help_desk_ticket_deletes_its_details_at_once",
            ),
            node_id(
                "vault/test_closing_retention.py",
                "test_after_five_years_the_closed_ticket_is_only_a_count",
            ),
            node_id(
                "vault/test_retention_sweep.py", "test_the_sweep_follows_each_purpose_to_its_end"
            ),
            node_id("vault/test_notice_promises.py", "test_a_vault_keeps_each_retention_sentence"),
        ),
        claims=("when a case closes, its data is deleted",),
    ),
    Safeguard(
        "case_closure_anonymized",
        "anonymizing a closed case's data once the retention periods counted from it end",
        True,
        lambda plan: plan.rights.on_account_closure.value == "anonymize",
        (
            node_id(
                "vault/test_rules_retention.py",
                "test_a_closed_case_ends_anonymized_when_the_plan_says",
            ),
            node_id(
                "vault/test_retention_sweep.py",
                "test_a_plan_that_anonymizes_closed_cases_keeps_no_link",
            ),
        ),
        claims=("when a case closes, its data is anonymized",),
    ),
)

ENTRIES: tuple[Safeguard, ...] = _COLLECT_STORE_ACCESS_KEEP + LIFECYCLE_ENTRIES
"""Every safeguard, in the order documents list them."""
