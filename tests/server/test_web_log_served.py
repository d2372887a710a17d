"""A real ``steward serve`` under the city plan (web logs keep date and country), given
requests that carry an address, a user agent, a referrer and personal values, with
faults forced in a page and in the API, a malformed proxy header, a refused host and a
refused form: the web log holds exactly date and country per request, and neither it
nor the server's standard error holds anything else."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.server.served import served_vault
from tests.server.stack import CITY, CSRF_FIELD, Browser, steward

pytestmark = pytest.mark.slow

SECRET = "Zebulon Quartermaine"
ADDRESS = "77 Wobblewick Lane"
VISITOR = "81.2.69.160"  # London, in the bundled country database
AGENT = "StewardProbe/7.3 (web log test)"
REFERRER = "https://campaign.example/newsletter?id=42"

FAULTS = f"""
import steward.cli.serve as _serve
_run_server = _serve.run_server

def _with_faults(*args, **kwargs):
    import steward.vault.views.intake as intake
    from steward.vault.services.access import AccessService

    def fail(*a, **k):
        raise RuntimeError("{SECRET} at {ADDRESS}: " + repr(a)[:400])

    intake.submit = fail
    AccessService.get_record = fail
    return _run_server(*args, **kwargs)

_serve.run_server = _with_faults
"""

ANSWERS = {
    "full_name": SECRET,
    "email": "zebulon@example.org",
    "street_address": ADDRESS,
    "district": "North",
    "request_type": "pothole",
    "details": "Deep pothole, call 0161 496 0000",
}


def _times_between(start: datetime, end: datetime) -> list[str]:
    """Every ``HH:MM`` from ``start`` to ``end``, in UTC and in this machine's zone."""
    found = []
    moment = start - timedelta(minutes=1)
    while moment <= end + timedelta(minutes=1):
        found += [moment.strftime("%H:%M"), moment.astimezone().strftime("%H:%M")]
        moment += timedelta(minutes=1)
    return found


def test_faults_and_hostile_requests_leave_only_date_and_country(tmp_path: Path) -> None:
    start = datetime.now(UTC)
    with served_vault(tmp_path / "vault", CITY, {}, prelude=FAULTS) as vault:
        made = steward(
            "tokens", "create", "officer-tool", "--role", "privacy_officer", *vault.options
        )
        assert made.returncode == 0, made.stderr
        token = made.stdout.strip().splitlines()[-1]
        visitor = Browser(vault.port)
        sent = {"X-Forwarded-For": VISITOR, "User-Agent": AGENT, "Referer": REFERRER}
        record = uuid.uuid4()

        # 1. The form, then a submission that fails inside the view (500).
        form = visitor.get("/intake/service_request/", headers=sent)
        assert form.status == 200
        csrf = CSRF_FIELD.search(form.text)
        assert csrf is not None
        body = urlencode({**ANSWERS, "csrfmiddlewaretoken": csrf.group(1)})
        posted = visitor.request(
            "POST", "/intake/service_request/", body=body,
            headers={**sent, "Content-Type": "application/x-www-form-urlencoded",
                     "Origin": visitor.origin, "Referer": f"{visitor.origin}/"},
        )  # fmt: skip
        assert posted.status == 500
        # 2. The API, failing while it reads a record.
        api = {**sent, "Authorization": f"Bearer {token}"}
        assert visitor.get(f"/api/records/{record}", headers=api).status == 500
        # 3. A form posted from another site (CSRF), a host not served, a page not found.
        refused = visitor.request(
            "POST", "/intake/service_request/", body=body,
            headers={**sent, "Content-Type": "application/x-www-form-urlencoded",
                     "Origin": "https://campaign.example"},
        )  # fmt: skip
        assert refused.status == 403
        assert visitor.get("/", headers={**sent, "Host": "evil.example"}).status == 400
        assert visitor.get(f"/staff/records/{record}/nothing/", headers=sent).status == 404
        # 4. A proxy header waitress cannot read: refused before the vault (no web log line).
        broken = {**sent, "X-Forwarded-For": f'{VISITOR}, "10.9.8.7'}
        assert visitor.get("/", headers=broken).status == 400
        # 5. A visitor on this machine (no forwarded address): country "local".
        assert Browser(vault.port).get("/").status == 200
    end = datetime.now(UTC)

    lines = vault.web_log_lines()
    days = {(start + timedelta(days=n)).date().isoformat() for n in range((end - start).days + 1)}
    assert len(lines) == 7
    assert all(list(line) == ["date", "country"] for line in lines), lines
    assert {line["date"] for line in lines} <= days
    assert [line["country"] for line in lines] == ["GB"] * 6 + ["local"]
    assert oct(vault.web_log_dir.stat().st_mode & 0o777) == "0o700"

    stderr = vault.stderr()
    assert "Internal Server Error (500) in view intake-form (RuntimeError)" in stderr
    assert "API error RuntimeError in get_record" in stderr
    assert "Bad Request (400) in view unknown" in stderr  # the refused host
    assert re.search(r'Malformed proxy header "X-Forwarded-For" from "<address>"', stderr)
    written = {
        "web log": vault.web_log_text(),
        "standard error": stderr,
        "standard output": vault.stdout(),
    }
    for where, text in written.items():
        leaks = [VISITOR, "10.9.8.7", AGENT, "StewardProbe", "campaign.example", "evil.example",
                 str(record), record.hex, "/staff/records", "/api/records", "Traceback",
                 *ANSWERS.values(), "zebulon", "Wobblewick", token]  # fmt: skip
        found = [leak for leak in leaks if leak in text]
        assert found == [], f"{where} holds {found}:\n{text[-3000:]}"
        if where != "standard output":  # which prints the address it listens on
            assert "127.0.0.1" not in text.replace(f"http://127.0.0.1:{vault.port}", "")
            assert not [t for t in _times_between(start, end) if t in text], where
