"""Staff pages, mounted at ``/staff/``."""

from django.urls import path

from steward.vault.views import (
    staff,
    staff_acknowledge,
    staff_audit,
    staff_auth,
    staff_case_list,
    staff_case_status,
    staff_cases,
    staff_codes_urls,
    staff_disclosure_urls,
    staff_erasure,
    staff_extract_urls,
    staff_jobs,
    staff_mfa,
    staff_oversight_urls,
    staff_register_urls,
    staff_retention,
    staff_rights_urls,
    staff_statistics_urls,
    staff_tables,
)

app_name = "staff"

urlpatterns = [
    path("", staff_case_list.case_list, name="cases"),
    path("login/", staff_auth.login_view, name="login"),
    path("logout/", staff_auth.logout_view, name="logout"),
    path("password/", staff_auth.password_view, name="password"),
    path("mfa/", staff_mfa.mfa_view, name="mfa"),
    path("records/<uuid:record_id>/", staff.record_page, name="record"),
    path("records/<uuid:record_id>/reveal/<slug:field>/", staff.reveal, name="reveal"),
    path("records/<uuid:record_id>/close/", staff_case_status.close, name="close"),
    path("records/<uuid:record_id>/reopen/", staff_case_status.reopen, name="reopen"),
    path("queue/", staff_cases.queue, name="queue"),
    path("records/<uuid:record_id>/assign/", staff_cases.assign, name="assign"),
    path("audit/", staff_audit.audit_browser, name="audit"),
    path("audit/verify/", staff_audit.audit_verify, name="audit-verify"),
    path("jobs/", staff_jobs.jobs_page, name="jobs"),
    path("erasure/", staff_erasure.erasure_list, name="erasure"),
    path(
        "erasure/<int:request_id>/<slug:step>/",
        staff_erasure.erasure_step,
        name="erasure-step",
    ),
    path("records/<uuid:record_id>/erase/", staff_erasure.erase_form, name="erase"),
    path("retention/", staff_retention.retention_page, name="retention"),
    path("tables/", staff_tables.tables_page, name="tables"),
    path("datasets/<slug:dataset_id>/add/", staff_tables.add_row_page, name="add-row"),
    path("acknowledge/", staff_acknowledge.acknowledge_view, name="acknowledge"),
    path("acknowledgements/", staff_acknowledge.acknowledgements_page, name="acknowledgements"),
    *staff_rights_urls.urlpatterns,
    *staff_codes_urls.urlpatterns,
    *staff_disclosure_urls.urlpatterns,
    *staff_extract_urls.urlpatterns,
    *staff_statistics_urls.urlpatterns,
    *staff_register_urls.urlpatterns,
    *staff_oversight_urls.urlpatterns,
]
