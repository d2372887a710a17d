"""The safeguards of the second half of the data's life: erasure, people's own rights,
disclosures, incidents and oversight, and the web log. Each says whether Steward
enforces it today; those not enforced yet name the issue that builds them.

Part of :mod:`steward.policy.safeguard_catalogue`, in the order documents list them.
Plain Python: no web framework, no database.
"""

from __future__ import annotations

from steward.policy.model import Notification
from steward.policy.safeguard_entry import Safeguard, node_id, uses_consent, with_disclosure

LIFECYCLE_ENTRIES: tuple[Safeguard, ...] = (
    Safeguard(
        "erasure",
        "erasing a person's data on request",
        True,
        lambda plan: plan.rights.erasure,
        (
            node_id(
                "vault/test_erasure_service.py",
                "test_one_asks_another_approves_and_the_person_is_gone",
            ),
            node_id("vault/test_rules_erasure.py", "test_the_erasure_rule"),
            node_id(
                "cli/test_erase_restore.py",
                "test_an_erasure_approved_after_a_backup_holds_in_the_restored_sqlite_vault",
            ),
            node_id(
                "vault/browser/test_erasure_approval.py",
                "test_one_officer_asks_another_approves_and_the_case_shows_erased",
            ),
            node_id(
                "vault/test_demo_audit_scan.py",
                "test_no_submitted_value_appears_anywhere_in_the_audit_log",
            ),
        ),
        claims=("erases your data on request", "erases a person's data on request"),
    ),
    Safeguard(
        "rights_self_service",
        "people seeing, correcting and exporting their own data with their access code",
        True,
        lambda plan: plan.rights.access or plan.rights.export or plan.rights.correction,
        (
            node_id(
                "vault/test_own_data.py",
                "test_a_person_sees_their_values_in_clear_and_never_staff_only_fields",
            ),
            node_id(
                "vault/test_own_data.py",
                "test_a_direct_correction_is_stored_registered_and_audited",
            ),
            node_id(
                "vault/test_own_data.py", "test_a_json_copy_holds_records_consents_and_requests"
            ),
            node_id(
                "vault/test_own_data_pages.py",
                "test_a_session_never_reaches_another_persons_record",
            ),
            node_id("vault/test_code_sign_in.py", "test_the_code_opens_the_persons_session"),
            node_id(
                "vault/test_code_sign_in.py",
                "test_five_wrong_tries_lock_the_code_until_the_window_passes",
            ),
        ),
        claims=("with your access code", "with their access code"),
    ),
    Safeguard(
        "consent_withdrawal",
        "withdrawing consent, taking effect at once",
        True,
        lambda plan: plan.rights.withdraw_consent and uses_consent(plan),
        (
            node_id(
                "vault/test_consent_withdrawal.py",
                "test_withdrawing_service_updates_deletes_nothing_but_ends_the_purpose",
            ),
            node_id(
                "vault/test_consent_withdrawal.py",
                "test_withdrawing_help_desk_assistance_deletes_what_was_kept_only_for_it",
            ),
            node_id(
                "vault/test_consent_withdrawal.py",
                "test_the_history_keeps_both_answers_and_a_later_yes_counts_again",
            ),
        ),
        claims=("change your mind", "withdrawing consent"),
    ),
    Safeguard(
        "disclosure_grounds",
        "refusing any disclosure without one of the allowed legal grounds",
        True,
        with_disclosure(lambda plan: True),
        (
            node_id("vault/test_rules_disclosure.py", "test_opening"),
            node_id(
                "vault/test_rules_disclosure.py",
                "test_a_plan_without_a_disclosure_section_discloses_nothing",
            ),
            node_id(
                "vault/test_disclosure_service.py",
                "test_bad_input_is_refused_and_nothing_is_stored",
            ),
            node_id(
                "vault/test_egress_routes.py", "test_no_route_gives_a_persons_values_to_anyone_else"
            ),
        ),
        claims=("refuses a disclosure without",),
    ),
    Safeguard(
        "disclosure_approval",
        "approval of every disclosure by someone other than the person who asked",
        True,
        with_disclosure(
            lambda plan: bool(
                plan.disclosure
                and plan.disclosure.approver_roles
                and plan.disclosure.approver_not_requester
            )
        ),
        (
            node_id("vault/test_rules_disclosure.py", "test_steps"),
            node_id(
                "vault/test_disclosure_service.py",
                "test_a_court_order_is_approved_by_another_officer_and_nothing_leaves_before",
            ),
            node_id(
                "vault/browser/test_court_order_disclosure.py",
                "test_a_court_order_goes_from_request_to_the_transparency_report",
            ),
        ),
        claims=("approved by", "who approves", "approval"),
    ),
    Safeguard(
        "disclosure_notice",
        "telling people when their data is disclosed",
        True,
        with_disclosure(
            lambda plan: (
                plan.disclosure is not None
                and plan.disclosure.notify_subject is not Notification.NEVER
            )
        ),
        (
            node_id("vault/test_rules_disclosure_notice.py", "test_decide_notice"),
            node_id(
                "vault/test_disclosure_notices.py",
                "test_a_person_is_told_at_once_and_delivery_waits",
            ),
            node_id(
                "vault/test_disclosure_notices.py",
                "test_a_prohibition_holds_notices_until_it_ends_then_the_job_sends_them",
            ),
            node_id(
                "vault/test_own_notices.py",
                "test_a_person_sees_their_notice_and_objects_on_the_page",
            ),
        ),
        claims=("is told before", "we tell you before"),
    ),
    Safeguard(
        "encrypted_delivery",
        "disclosed data delivered encrypted, through a download that expires",
        True,
        with_disclosure(lambda plan: bool(plan.disclosure and plan.disclosure.delivery.encrypted)),
        (
            node_id("vault/test_deliveries.py", "test_nothing_is_stored_in_clear"),
            node_id(
                "vault/test_deliveries.py",
                "test_a_link_works_until_its_expiry_and_not_a_moment_after",
            ),
            node_id("vault/test_deliveries.py", "test_fetches_are_limited_counted_and_audited"),
            node_id(
                "crypto/test_delivery_package.py",
                "test_changing_any_byte_of_header_or_body_is_detected",
            ),
        ),
        claims=("delivered encrypted", "expires after"),
    ),
    Safeguard(
        "disclosure_register",
        "a register of every disclosure",
        True,
        with_disclosure(lambda plan: bool(plan.disclosure and plan.disclosure.keep_register)),
        (
            node_id(
                "vault/test_egress_register.py", "test_every_entry_of_the_period_is_in_the_register"
            ),
            node_id(
                "vault/test_disclosure_service.py", "test_a_refused_request_is_kept_with_its_reason"
            ),
        ),
        claims=("register of every disclosure", "reviews the register"),
    ),
    Safeguard(
        "transparency_report",
        "a published transparency report on disclosures",
        True,
        with_disclosure(
            lambda plan: bool(plan.disclosure and plan.disclosure.publish_transparency_report)
        ),
        (
            node_id("vault/test_egress_register.py", "test_the_report_counts_exactly"),
            node_id("vault/test_egress_register.py", "test_the_public_report_names_nobody"),
            node_id(
                "vault/test_rules_transparency.py",
                "test_the_tally_counts_each_request_once_and_each_person_once",
            ),
        ),
        claims=("transparency report",),
    ),
    Safeguard(
        "aggregates_only",
        "donors and stakeholders receiving counts only, small groups suppressed",
        True,
        lambda plan: any(r.aggregates_only for r in plan.recipients),
        (
            node_id("vault/test_rules_small_cells.py", "test_cross_tabs_never_leak"),
            node_id(
                "vault/test_aggregate_pages.py",
                "test_the_public_page_gives_nothing_back_to_an_attacker",
            ),
            node_id(
                "vault/test_aggregate_releases.py",
                "test_a_cross_tab_counts_live_records_only_and_protects_small_cells",
            ),
            node_id("vault/test_rules_disclosure.py", "test_opening"),
        ),
        claims=("counts only", "aggregates only"),
    ),
    Safeguard(
        "deidentified_extracts",
        "analysts receiving only de-identified extracts with a measured re-identification risk",
        True,
        lambda plan: any(r.deidentified_only for r in plan.recipients),
        (
            node_id("vault/test_extracts.py", "test_the_lab_gets_k10_and_nothing_identifying"),
            node_id(
                "vault/test_extracts.py", "test_an_extract_that_cannot_meet_its_target_is_withheld"
            ),
            node_id(
                "vault/test_rules_extract_release.py",
                "test_release_only_when_the_measured_risk_meets_the_target",
            ),
            node_id("vault/test_extract_matrix.py", "test_extract_matrix"),
        ),
        claims=("de-identified extracts only", "works only on extracts"),
    ),
    Safeguard(
        "incident_register",
        "a register of security incidents",
        True,
        lambda plan: (
            plan.operations.incidents is not None and plan.operations.incidents.keep_register
        ),
        (
            node_id("vault/test_incident_service.py", "test_the_checklist_notes_and_closing"),
            node_id(
                "vault/test_incident_service.py", "test_what_the_oversight_body_and_others_see"
            ),
            node_id("vault/test_incident_pages.py", "test_every_page_and_endpoint_by_role"),
            node_id("vault/test_rules_incident.py", "test_who_handles_and_reads"),
        ),
        claims=("register of incidents", "incident register"),
    ),
    Safeguard(
        "breach_deadlines",
        "a clock on the deadlines for notifying the authority and the people affected",
        True,
        lambda plan: plan.operations.incidents is not None,
        (
            node_id("vault/test_rules_incident.py", "test_deadlines_from_detection"),
            node_id("vault/test_rules_incident.py", "test_clock_states"),
            node_id("vault/test_incident_service.py", "test_the_clocks_of_an_incident"),
        ),
        claims=("is notified within", "are notified within"),
    ),
    Safeguard(
        "vulnerability_clock",
        "a clock on the deadline for disclosing reported vulnerabilities",
        True,
        lambda plan: plan.operations.vulnerability_disclosure is not None,
        (
            node_id("vault/test_rules_vulnerability_clock.py", "test_disclosure_date"),
            node_id("vault/test_rules_vulnerability_clock.py", "test_moving_the_date"),
            node_id("vault/test_vulnerability_service.py", "test_a_report_disclosed_on_day_21"),
        ),
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
            node_id(
                "cli/test_backup_live.py",
                "test_a_backup_of_a_serving_sqlite_vault_restores_every_acknowledged_record",
            ),
            node_id("cli/test_backup_cli.py", "test_restore_into_an_empty_folder_then_verify"),
            node_id(
                "cli/test_jobs_cli.py",
                "test_run_due_takes_the_backup_and_the_drill_the_plan_asks_for",
            ),
            node_id(
                "vault/test_backup_pruning.py",
                "test_backups_past_retention_are_deleted_but_never_the_newest",
            ),
            node_id("vault/test_jobs.py", "test_the_privacy_officer_sees_a_missed_backup"),
        ),
        claims=("backups are made", "backups are encrypted", "encrypted backups"),
    ),
    Safeguard(
        "web_log_limits",
        "web server logs limited to the plan's fields and deleted after its period",
        True,
        lambda plan: bool(plan.operations.web_logs.keep),
        (
            node_id(
                "vault/browser/test_web_log_session.py",
                "test_after_a_browser_session_the_logs_hold_only_the_plans_fields",
            ),
            node_id(
                "server/test_web_log_served.py",
                "test_faults_and_hostile_requests_leave_only_date_and_country",
            ),
            node_id(
                "server/test_web_log.py", "test_each_field_appears_only_when_the_plan_lists_it"
            ),
            node_id("vault/test_rules_web_log.py", "test_a_line_holds_exactly_the_kept_fields"),
            node_id(
                "server/test_web_log.py", "test_the_scheduled_job_deletes_the_days_past_retention"
            ),
            node_id(
                "server/test_geoip.py", "test_the_lookup_works_offline_from_the_package_folder_only"
            ),
            node_id(
                "server/test_nginx_logs.py", "test_the_example_configuration_writes_no_access_log"
            ),
        ),
        claims=("logs keep only", "logs never keep", "logs are deleted after"),
    ),
)
