"""The safeguards a document can state or a risk rating can count: each one, whether
Steward enforces it today, for which plans, and the tests that prove it.

:mod:`steward.policy.safeguards` reads this table; add or flip an entry here when a
feature lands, with the tests that prove it.

Plain Python: no web framework, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from steward.policy.model import LegalBasis, Masking, Notification, Plan


@dataclass(frozen=True)
class Safeguard:
    """One protective behaviour a document can state or a risk rating can count.

    Attributes:
        id: stable identifier documents refer to.
        name: what it does, as a noun phrase for lists ("encryption at rest ...").
        enforced: whether Steward carries it out today.
        applies: whether a plan uses (or asks for) it.
        proven_by: pytest node ids of tests that show it working (enforced entries).
        issue: the issue that tracks the work (entries not enforced yet).
        claims: phrases documents use when they state it; a document may use them for a
            safeguard not enforced only in a sentence marked :data:`PLANNED`.
    """

    id: str
    name: str
    enforced: bool
    applies: Callable[[Plan], bool]
    proven_by: tuple[str, ...] = ()
    issue: int | None = None
    claims: tuple[str, ...] = ()


def _always(plan: Plan) -> bool:
    del plan
    return True


def _fields(plan: Plan) -> list:  # type: ignore[type-arg]
    return [spec for _, _, _, spec in plan.fields() if spec.collected]


def _consent(plan: Plan) -> bool:
    return any(p.legal_basis is LegalBasis.CONSENT for p in plan.purposes)


def _disclosure(test: Callable[[Plan], bool]) -> Callable[[Plan], bool]:
    return lambda plan: plan.disclosure is not None and test(plan)


def _node(path: str, test: str) -> str:
    """The pytest node id of ``test`` in ``tests/<path>``."""
    return f"tests/{path}::{test}"


ENTRIES: tuple[Safeguard, ...] = (
    # -- enforced today ------------------------------------------------------------------
    Safeguard(
        "field_encryption",
        "every personal answer encrypted at rest under the person's own key",
        True,
        lambda plan: any(s.encrypted for s in _fields(plan)),
        (
            _node(
                "vault/test_collect.py",
                "test_a_submission_is_stored_encrypted_with_clear_counting_fields",
            ),
            _node("crypto/test_keyring.py", "test_each_subject_has_its_own_key"),
        ),
    ),
    Safeguard(
        "blind_index",
        "look-ups by keyed blind index, without decrypting",
        True,
        lambda plan: any(s.searchable for s in _fields(plan)),
        (
            _node(
                "vault/test_access_service.py",
                "test_search_by_blind_index_respects_scope_and_is_audited",
            ),
            _node("crypto/test_blind_index.py", "test_each_field_has_its_own_key"),
        ),
    ),
    Safeguard(
        "masking",
        "values masked until someone allowed reveals them",
        True,
        lambda plan: any(s.masking is not Masking.NONE for s in _fields(plan)),
        (
            _node("vault/test_rules_masking.py", "test_mask"),
            _node("vault/test_access_service.py", "test_a_caseworker_sees_an_assigned_case_masked"),
        ),
    ),
    Safeguard(
        "reveal_with_reason",
        "each reveal for a purpose the role holds, with a stated reason, audited",
        True,
        lambda plan: any(s.masking is not Masking.NONE for s in _fields(plan)),
        (
            _node("vault/test_rules_reveal.py", "test_reveal_decision_table"),
            _node(
                "vault/test_reveal_purposes.py",
                "test_a_consent_purpose_needs_the_persons_agreement_not_withdrawn",
            ),
        ),
    ),
    Safeguard(
        "write_needs_sight",
        "changes only by roles that can see the value they replace",
        True,
        _always,
        (
            _node("policy/test_access.py", "test_a_role_writes_only_what_it_can_see"),
            _node(
                "vault/test_write_needs_sight.py",
                "test_the_api_refuses_to_overwrite_a_field_the_role_cannot_see",
            ),
        ),
    ),
    Safeguard(
        "need_to_know",
        "each role reaches only the fields and records its grants and scope allow",
        True,
        _always,
        (
            _node("policy/test_access.py", "test_decision_matches_table"),
            _node("vault/test_rules_scope.py", "test_in_scope"),
            _node(
                "vault/test_access_service.py", "test_scope_hides_cases_assigned_to_someone_else"
            ),
        ),
    ),
    Safeguard(
        "audit_log",
        "a hash-chained audit log of every read, reveal, change and refusal, with signed "
        "checkpoints",
        True,
        _always,
        (
            _node("audit/test_audit_log.py", "test_entries_are_numbered_and_chained"),
            _node(
                "audit/test_audit_log.py", "test_checkpoint_is_signed_stored_and_matches_the_root"
            ),
            _node(
                "vault/test_access_service.py",
                "test_reads_fail_closed_when_the_audit_log_cannot_be_written",
            ),
        ),
    ),
    Safeguard(
        "personal_accounts",
        "one personal account per person, never a shared one",
        True,
        _always,
        (
            _node("vault/test_accounts.py", "test_one_account_per_person"),
            _node(
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
            _node("vault/test_staff_login.py", "test_mfa_enrollment_then_verification"),
            _node(
                "vault/test_staff_login.py",
                "test_an_mfa_role_never_reaches_case_pages_without_the_second_factor",
            ),
            _node(
                "vault/test_access_service.py", "test_mfa_roles_are_refused_without_a_second_factor"
            ),
        ),
    ),
    Safeguard(
        "lockout",
        "sign-in locked after repeated wrong passwords",
        True,
        _always,
        (
            _node(
                "vault/test_staff_login.py",
                "test_five_failures_lock_the_account_even_with_the_right_password",
            ),
        ),
    ),
    Safeguard(
        "session_limits",
        "sessions that end when idle and after a fixed time",
        True,
        _always,
        (
            _node("vault/test_sessions.py", "test_an_idle_session_ends"),
            _node(
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
            _node("policy/test_access.py", "test_expired_temporary_role_may_do_nothing"),
            _node("vault/test_staff_login.py", "test_expired_temporary_access_cannot_sign_in"),
        ),
    ),
    Safeguard(
        "service_tokens",
        "API tokens bound to one role, stored only as a hash, with an expiry",
        True,
        _always,
        (
            _node(
                "vault/test_api_tokens.py", "test_a_token_is_shown_once_and_stored_as_its_sha256"
            ),
            _node(
                "vault/test_api_tokens.py",
                "test_unknown_malformed_expired_and_revoked_tokens_are_refused",
            ),
        ),
    ),
    Safeguard(
        "intake_minimization",
        "intake forms that refuse any question the plan does not declare",
        True,
        _always,
        (
            _node("vault/test_rules_intake.py", "test_refusals"),
            _node(
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
            _node("vault/test_intake_submit.py", "test_a_never_field_is_refused_even_when_crafted"),
            _node("policy/test_access.py", "test_never_field_is_refused_to_everyone"),
            _node("cli/test_import_cli.py", "test_a_never_field_is_refused"),
        ),
    ),
    Safeguard(
        "consent_per_purpose",
        "a separate opt-in per consent-based purpose, never ticked in advance, recorded",
        True,
        _consent,
        (
            _node("vault/test_collect.py", "test_consent_is_recorded_per_purpose"),
            _node(
                "vault/test_intake_pages.py",
                "test_opt_ins_are_offered_per_consent_purpose_and_never_ticked",
            ),
            _node(
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
            _node(
                "vault/test_intake_submit.py",
                "test_a_child_is_kindly_refused_when_the_plan_refuses_minors",
            ),
            _node(
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
            _node(
                "vault/test_intake_submit.py",
                "test_a_sealed_form_says_so_and_stores_only_a_sealed_blob",
            ),
            _node("crypto/test_sealed.py", "test_seal_and_unseal"),
        ),
    ),
    Safeguard(
        "no_tracking",
        "pages that load no scripts, trackers or outside resources",
        True,
        _always,
        (_node("vault/test_sessions.py", "test_security_headers_and_csp"),),
    ),
    Safeguard(
        "plan_acknowledgement",
        "every staff member acknowledges each version of the plan before their first access, "
        "recorded by the vault",
        True,
        lambda plan: plan.governance.team_acknowledgement,
        (
            _node("vault/test_plan_acknowledgement.py", "test_the_gate"),
            _node(
                "vault/test_plan_acknowledgement.py",
                "test_a_changed_plan_is_acknowledged_again_before_any_record",
            ),
            _node(
                "vault/test_acknowledgement_list.py",
                "test_the_privacy_officer_sees_who_acknowledged_which_version",
            ),
            _node(
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
            _node("vault/test_rules_retention.py", "test_retention_decision"),
            _node(
                "vault/test_retention_sweep.py", "test_the_sweep_follows_each_purpose_to_its_end"
            ),
            _node(
                "vault/test_retention_sweep.py",
                "test_the_sweep_is_a_daily_job_that_records_its_run",
            ),
            _node(
                "vault/test_closing_retention.py",
                "test_closing_a_help_desk_ticket_deletes_its_details_at_once",
            ),
            _node(
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
            _node(
                "vault/test_closing_retention.py",
                "test_closing_a_help_desk_ticket_deletes_its_details_at_once",
            ),
            _node(
                "vault/test_closing_retention.py",
                "test_after_five_years_the_closed_ticket_is_only_a_count",
            ),
            _node(
                "vault/test_retention_sweep.py", "test_the_sweep_follows_each_purpose_to_its_end"
            ),
            _node("vault/test_notice_promises.py", "test_a_vault_keeps_each_retention_sentence"),
        ),
        claims=("when a case closes, its data is deleted",),
    ),
    Safeguard(
        "case_closure_anonymized",
        "anonymizing a closed case's data once the retention periods counted from it end",
        True,
        lambda plan: plan.rights.on_account_closure.value == "anonymize",
        (
            _node(
                "vault/test_rules_retention.py",
                "test_a_closed_case_ends_anonymized_when_the_plan_says",
            ),
            _node(
                "vault/test_retention_sweep.py",
                "test_a_plan_that_anonymizes_closed_cases_keeps_no_link",
            ),
        ),
        claims=("when a case closes, its data is anonymized",),
    ),
    # -- not enforced yet ----------------------------------------------------------------
    Safeguard(
        "erasure",
        "erasing a person's data on request",
        True,
        lambda plan: plan.rights.erasure,
        (
            _node(
                "vault/test_erasure_service.py",
                "test_one_asks_another_approves_and_the_person_is_gone",
            ),
            _node("vault/test_rules_erasure.py", "test_the_erasure_rule"),
            _node(
                "cli/test_erase_restore.py",
                "test_an_erasure_approved_after_a_backup_holds_in_the_restored_sqlite_vault",
            ),
            _node(
                "vault/browser/test_erasure_approval.py",
                "test_one_officer_asks_another_approves_and_the_case_shows_erased",
            ),
            _node(
                "vault/test_demo_audit_scan.py",
                "test_no_submitted_value_appears_anywhere_in_the_audit_log",
            ),
        ),
        claims=("erases your data on request", "erases a person's data on request"),
    ),
    Safeguard(
        "rights_self_service",
        "people seeing, correcting and exporting their own data with their access code",
        False,
        lambda plan: plan.rights.access or plan.rights.export or plan.rights.correction,
        issue=10,
        claims=("with your access code", "with their access code"),
    ),
    Safeguard(
        "consent_withdrawal",
        "withdrawing consent, taking effect at once",
        False,
        lambda plan: plan.rights.withdraw_consent and _consent(plan),
        issue=10,
        claims=("change your mind", "withdrawing consent"),
    ),
    Safeguard(
        "disclosure_grounds",
        "refusing any disclosure without one of the allowed legal grounds",
        False,
        _disclosure(lambda plan: True),
        issue=11,
        claims=("refuses a disclosure without",),
    ),
    Safeguard(
        "disclosure_approval",
        "approval of every disclosure by someone other than the person who asked",
        False,
        _disclosure(lambda plan: bool(plan.disclosure and plan.disclosure.approver_roles)),
        issue=11,
        claims=("approved by", "who approves", "approval"),
    ),
    Safeguard(
        "disclosure_notice",
        "telling people when their data is disclosed",
        False,
        _disclosure(
            lambda plan: (
                plan.disclosure is not None
                and plan.disclosure.notify_subject is not Notification.NEVER
            )
        ),
        issue=11,
        claims=("is told before", "we tell you before"),
    ),
    Safeguard(
        "encrypted_delivery",
        "disclosed data delivered encrypted, through a download that expires",
        False,
        _disclosure(lambda plan: bool(plan.disclosure and plan.disclosure.delivery.encrypted)),
        issue=11,
        claims=("delivered encrypted", "expires after"),
    ),
    Safeguard(
        "disclosure_register",
        "a register of every disclosure",
        False,
        _disclosure(lambda plan: bool(plan.disclosure and plan.disclosure.keep_register)),
        issue=11,
        claims=("register of every disclosure", "reviews the register"),
    ),
    Safeguard(
        "transparency_report",
        "a published transparency report on disclosures",
        False,
        _disclosure(
            lambda plan: bool(plan.disclosure and plan.disclosure.publish_transparency_report)
        ),
        issue=11,
        claims=("transparency report",),
    ),
    Safeguard(
        "aggregates_only",
        "donors and stakeholders receiving counts only, small groups suppressed",
        False,
        lambda plan: any(r.aggregates_only for r in plan.recipients),
        issue=11,
        claims=("counts only", "aggregates only"),
    ),
    Safeguard(
        "deidentified_extracts",
        "analysts receiving only de-identified extracts with a measured re-identification risk",
        False,
        lambda plan: any(r.deidentified_only for r in plan.recipients),
        issue=11,
        claims=("de-identified extracts only", "works only on extracts"),
    ),
    Safeguard(
        "incident_register",
        "a register of security incidents",
        False,
        lambda plan: (
            plan.operations.incidents is not None and plan.operations.incidents.keep_register
        ),
        issue=12,
        claims=("register of incidents", "incident register"),
    ),
    Safeguard(
        "breach_deadlines",
        "a clock on the deadlines for notifying the authority and the people affected",
        False,
        lambda plan: plan.operations.incidents is not None,
        issue=12,
        claims=("is notified within", "are notified within"),
    ),
    Safeguard(
        "vulnerability_clock",
        "a clock on the deadline for disclosing reported vulnerabilities",
        False,
        lambda plan: plan.operations.vulnerability_disclosure is not None,
        issue=12,
        claims=("are told within",),
    ),
    Safeguard(
        "oversight_review",
        "review reminders for the plan and for the oversight body",
        False,
        lambda plan: (
            plan.organization.oversight_body is not None or plan.governance.review_every is not None
        ),
        issue=12,
        claims=("reviews the register", "review reminders"),
    ),
    Safeguard(
        "backups",
        "scheduled encrypted backups, kept for the plan's period, with restore drills",
        True,
        lambda plan: plan.operations.backups is not None and plan.operations.backups.enabled,
        (
            _node(
                "cli/test_backup_live.py",
                "test_a_backup_of_a_serving_sqlite_vault_restores_every_acknowledged_record",
            ),
            _node("cli/test_backup_cli.py", "test_restore_into_an_empty_folder_then_verify"),
            _node(
                "cli/test_jobs_cli.py",
                "test_run_due_takes_the_backup_and_the_drill_the_plan_asks_for",
            ),
            _node(
                "vault/test_backup_pruning.py",
                "test_backups_past_retention_are_deleted_but_never_the_newest",
            ),
            _node("vault/test_jobs.py", "test_the_privacy_officer_sees_a_missed_backup"),
        ),
        claims=("backups are made", "backups are encrypted", "encrypted backups"),
    ),
    Safeguard(
        "web_log_limits",
        "web server logs limited to the plan's fields and deleted after its period",
        True,
        lambda plan: bool(plan.operations.web_logs.keep),
        (
            _node(
                "vault/browser/test_web_log_session.py",
                "test_after_a_browser_session_the_logs_hold_only_the_plans_fields",
            ),
            _node(
                "server/test_web_log_served.py",
                "test_faults_and_hostile_requests_leave_only_date_and_country",
            ),
            _node("server/test_web_log.py", "test_each_field_appears_only_when_the_plan_lists_it"),
            _node("vault/test_rules_web_log.py", "test_a_line_holds_exactly_the_kept_fields"),
            _node(
                "server/test_web_log.py", "test_the_scheduled_job_deletes_the_days_past_retention"
            ),
            _node(
                "server/test_geoip.py", "test_the_lookup_works_offline_from_the_package_folder_only"
            ),
            _node(
                "server/test_nginx_logs.py", "test_the_example_configuration_writes_no_access_log"
            ),
        ),
        claims=("logs keep only", "logs never keep", "logs are deleted after"),
    ),
)
"""Every safeguard, in the order documents list them."""
