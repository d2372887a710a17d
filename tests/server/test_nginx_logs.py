"""nginx's own logs stay within the plan: the shipped example writes no access log on
either server, and the minimal format that docs/running.md gives (for an organization
that must keep one) writes the day and the status only.

The test nginx is told to write its default access log into the test's folder (Debian's
default is /var/log/nginx/access.log), so a server that forgets ``access_log off`` is
seen.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.server.stack import (
    NGINX,
    NO_NGINX,
    ROOT,
    Browser,
    Vault,
    free_port,
    render_example,
    running_nginx,
)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(NGINX is None, reason=NO_NGINX)]

AGENT = "StewardProbe/7.3 (nginx log test)"
REFERRER = "https://campaign.example/newsletter"
NGINX_BLOCK = re.compile(r"```nginx\n(.*?)```", re.DOTALL)


def _visit(http_port: int, https_port: int, cert: Path, record: uuid.UUID) -> None:
    sent = {"User-Agent": AGENT, "Referer": REFERRER}
    assert Browser(http_port).get(f"/staff/records/{record}/", headers=sent).status == 301
    secure = Browser(https_port, cert=cert)
    assert secure.get("/staff/login/", headers=sent).status == 200
    assert secure.get(f"/staff/records/{record}/", headers=sent).status == 302


def test_the_example_configuration_writes_no_access_log(deployment: Vault) -> None:
    _visit(deployment.http_port, deployment.https_port, deployment.cert, uuid.uuid4())
    default_log = deployment.cert.parent / "nginx" / "access.log"
    assert not default_log.exists() or default_log.read_text() == ""


def documented_minimal_log() -> tuple[str, str]:
    """The two nginx snippets of docs/running.md: the format, and the access_log line."""
    text = (ROOT / "docs" / "running.md").read_text()
    section = text[text.index("### nginx's own logs") :]
    blocks = NGINX_BLOCK.findall(section)
    assert len(blocks) >= 2, "docs/running.md no longer shows the minimal nginx log"
    return blocks[0], blocks[1].strip()


def test_the_documented_minimal_format_keeps_the_day_and_status_only(
    deployment: Vault, tmp_path: Path
) -> None:
    http_port, https_port = free_port(), free_port()
    site = render_example(
        http_port=http_port,
        https_port=https_port,
        upstream_port=deployment.waitress_port,
        cert=deployment.cert,
        key=deployment.cert.with_suffix(".key"),
    )
    header, access_log = documented_minimal_log()
    written = tmp_path / "steward-access.log"
    access_log = access_log.replace("/var/log/nginx/steward-access.log", str(written))
    where = site.rindex("access_log off;")  # the https server's
    site = header + site[:where] + access_log + site[where + len("access_log off;") :]
    record = uuid.uuid4()
    start = datetime.now(UTC)
    with running_nginx(tmp_path / "nginx", site, https_port):
        _visit(http_port, https_port, deployment.cert, record)
    end = datetime.now(UTC)

    lines = written.read_text().splitlines()
    days = {start.date().isoformat(), end.date().isoformat()}
    assert [line.split(" ")[1] for line in lines] == ["200", "302"]
    assert {line.split(" ")[0] for line in lines} <= days
    text = written.read_text()
    minutes = {(start + timedelta(minutes=n)).strftime("%H:%M") for n in range(-1, 3)}
    for leak in ("127.0.0.1", AGENT, "campaign.example", str(record), "/staff", *minutes):
        assert leak not in text
    assert (tmp_path / "nginx" / "access.log").read_text() == ""  # the plain http server


def test_a_request_that_fails_at_nginx_leaves_no_address_or_path(
    deployment: Vault, tmp_path: Path
) -> None:
    """Steward not answering: nginx answers 502, and its error logs (the site's and the
    main one, kept at ``warn`` here) name neither the client nor the request."""
    http_port, https_port = free_port(), free_port()
    site_errors = tmp_path / "site-error.log"
    site = render_example(
        http_port=http_port,
        https_port=https_port,
        upstream_port=free_port(),  # nothing listens there
        cert=deployment.cert,
        key=deployment.cert.with_suffix(".key"),
        error_log=site_errors,
    )
    record = uuid.uuid4()
    with running_nginx(tmp_path / "nginx", site, https_port):
        secure = Browser(https_port, cert=deployment.cert)
        answer = secure.get(f"/staff/records/{record}/", headers={"User-Agent": AGENT})
        assert answer.status == 502
    for log in (site_errors, tmp_path / "nginx" / "error.log"):
        text = log.read_text() if log.exists() else ""
        for leak in ("127.0.0.1", "client:", str(record), "/staff", AGENT):
            assert leak not in text, f"{log.name}: {text}"
