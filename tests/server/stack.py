"""A real deployment for the server tests: nginx (the shipped example configuration) with
a throw-away certificate, in front of a real ``steward serve``, on loopback ports.

(No tests here.) Nothing touches root-owned paths: nginx gets its own prefix, pid,
logs and temporary folders under the test's folder, and runs in the foreground.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import re
import secrets
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
CITY = ROOT / "examples" / "city-constituent-services.yaml"
EXAMPLE_CONFIG = ROOT / "docs" / "examples" / "nginx-steward.conf"
PASSWORD_LINE = re.compile(r"^[A-Za-z0-9]{20}$", re.MULTILINE)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ALERT = re.compile(r'<p role="alert">(.*?)</p>', re.DOTALL)


def find_nginx() -> str | None:
    """The nginx binary (Debian installs it in /usr/sbin, which may not be on PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


NGINX = find_nginx()
NO_NGINX = "nginx is not installed (CI installs Debian's nginx-light: apt-get install nginx-light)"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the test suite's Django and Steward settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEWARD_", "DJANGO_"))}
    return {**env, "PYTHONPATH": str(ROOT / "src"), **extra}


def steward(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``steward`` command from this checkout in a fresh process."""
    return subprocess.run(
        [sys.executable, "-c", "from steward.cli.main import run; run()", *args],
        cwd=ROOT,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# --- certificate ------------------------------------------------------------------


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "steward test proxy")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "proxy.pem", folder / "proxy.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


# --- nginx ------------------------------------------------------------------------


def render_example(
    *,
    http_port: int,
    https_port: int,
    upstream_port: int,
    cert: Path,
    key: Path,
    error_log: Path | None = None,
) -> str:
    """The shipped example configuration with loopback ports and the test's certificate.

    Only ports, the certificate paths, the site's error log (``error_log``, by default
    ``site-error.log`` beside the certificate) and the redirect's port change; each piece
    must be found exactly once, so the documentation cannot drift away from what is tested.
    """
    text = EXAMPLE_CONFIG.read_text()
    replacements = [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        (
            "return 301 https://$host$request_uri;",
            f"return 301 https://$host:{https_port}$request_uri;",
        ),
        ("/etc/ssl/certs/steward.example.org.pem", str(cert)),
        ("/etc/ssl/private/steward.example.org.key", str(key)),
        ("/var/log/nginx/error.log", str(error_log or cert.parent / "site-error.log")),
    ]
    for old, new in replacements:
        assert text.count(old) == 1, f"{EXAMPLE_CONFIG.name} no longer holds {old!r} once"
        text = text.replace(old, new)
    return text


def main_config(folder: Path, site: Path) -> str:
    """A minimal nginx main configuration that includes ``site``, all paths in ``folder``.

    ``master_process off`` keeps nginx one process under the test's own user, so it
    never switches to a user that cannot read the test's folder.
    """
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    return "\n".join(
        [
            "master_process off;",
            f"pid {folder / 'nginx.pid'};",
            f"error_log {folder / 'error.log'} warn;",
            "events { worker_connections 128; }",
            "http {",
            # Where a server without its own access_log would write (Debian's default is
            # /var/log/nginx/access.log): the tests read it to see that nothing is.
            f"    access_log {folder / 'access.log'};",
            *(f"    {name}_temp_path {path};" for name, path in temp.items()),
            f"    include {site};",
            "}",
            "",
        ]
    ).replace("body_temp_path", "client_body_temp_path")


@contextmanager
def running_nginx(folder: Path, site_text: str, https_port: int) -> Iterator[None]:
    """nginx in the foreground with ``site_text`` as its site, until the block ends."""
    assert NGINX is not None, NO_NGINX
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / "steward.conf"
    site.write_text(site_text)
    conf = folder / "nginx.conf"
    conf.write_text(main_config(folder, site))
    error_log = folder / "error.log"
    command = [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(error_log)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        wait_for_port(https_port, process, lambda: error_log.read_text(errors="replace"))
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for_port(port: int, process: subprocess.Popen[bytes], why: object) -> None:
    """Wait until something accepts connections on ``port`` (or ``process`` ends)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the process ended early: {why() if callable(why) else why}")
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after two minutes")


# --- the vault --------------------------------------------------------------------


@dataclass
class Vault:
    """A served vault: its options, ports, accounts and the database it uses."""

    options: list[str]
    database_url: str
    waitress_port: int
    http_port: int
    https_port: int
    cert: Path
    passwords: dict[str, str] = field(default_factory=dict)

    def attempt_addresses(self) -> set[str]:
        """The client addresses django-axes recorded failed sign-ins from."""
        query = "SELECT DISTINCT ip_address FROM axes_accessattempt"
        if self.database_url.startswith("sqlite:///"):
            with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as db:
                return {str(row[0]) for row in db.execute(query)}
        import psycopg

        with psycopg.connect(self.database_url) as db:
            return {str(row[0]) for row in db.execute(query)}


@contextmanager
def server_database(folder: Path) -> Iterator[str]:
    """SQLite in ``folder``, or a fresh PostgreSQL database (dropped afterwards) when the
    suite runs on PostgreSQL (``STEWARD_TEST_DATABASE_URL``)."""
    suite_url = os.environ.get("STEWARD_TEST_DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        yield f"sqlite:///{folder / 'data' / 'steward.sqlite3'}"
        return
    import psycopg

    admin_url = urlsplit(suite_url)._replace(path="/postgres").geturl()
    name = f"steward_proxy_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(admin_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def add_account(vault: Vault, username: str, role: str = "caseworker", team: str = "north") -> str:
    """Create an account with ``steward staff add``; returns its one-time password."""
    added = steward("staff", "add", username, "--role", role, "--team", team, *vault.options)
    assert added.returncode == 0, added.stderr
    (found,) = PASSWORD_LINE.findall(added.stdout)
    password = str(found)
    vault.passwords[username] = password
    return password


@contextmanager
def proxied_vault(folder: Path, accounts: list[str], **env: str) -> Iterator[Vault]:
    """Keys, accounts, ``steward serve --trusted-proxy 127.0.0.1`` and nginx in front."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = folder / "keys"
    made = steward("keys", "init", "--keys-dir", str(keys), "--no-intake-key")
    assert made.returncode == 0, made.stderr
    cert, key = make_certificate(folder)
    with server_database(folder) as url:
        vault = Vault(
            options=["--plan", str(CITY), "--keys-dir", str(keys), "--database-url", url],
            database_url=url,
            waitress_port=free_port(),
            http_port=free_port(),
            https_port=free_port(),
            cert=cert,
        )
        for username in accounts:
            add_account(vault, username)
        command = [
            sys.executable, "-c", "from steward.cli.main import run; run()", "serve",
            *vault.options, "--port", str(vault.waitress_port), "--trusted-proxy", "127.0.0.1",
        ]  # fmt: skip
        log = folder / "serve.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                command, cwd=folder, env=clean_env(**env), stdout=out, stderr=subprocess.STDOUT
            )
        try:
            wait_for_port(vault.waitress_port, server, lambda: log.read_text(errors="replace"))
            site = render_example(
                http_port=vault.http_port,
                https_port=vault.https_port,
                upstream_port=vault.waitress_port,
                cert=cert,
                key=key,
            )
            with running_nginx(folder / "nginx", site, vault.https_port):
                yield vault
        finally:
            server.terminate()
            server.wait(timeout=20)


# --- a browser, as far as these tests need one ----------------------------------------


@dataclass
class Reply:
    """One HTTP answer: status, headers (repeatable), body text."""

    status: int
    headers: list[tuple[str, str]]
    text: str

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def alerts(self) -> list[str]:
        """The text of the page's alerts, tags removed, spaces collapsed."""
        return [" ".join(re.sub(r"<[^>]+>", "", text).split()) for text in ALERT.findall(self.text)]


@dataclass
class Browser:
    """A client with its own source address and cookie jar, speaking to one origin."""

    port: int
    source: str = "127.0.0.1"
    cert: Path | None = None  # HTTPS, trusting this certificate; None: plain HTTP
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        scheme = "https" if self.cert else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        connection: http.client.HTTPConnection
        if self.cert is not None:
            context = ssl.create_default_context(cafile=str(self.cert))
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.port, context=context, source_address=(self.source, 0), timeout=60
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, source_address=(self.source, 0), timeout=60
            )
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            reply = Reply(response.status, response.getheaders(), response.read().decode())
        finally:
            connection.close()
        for cookie in reply.all("Set-Cookie"):
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return reply

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def sign_in(self, username: str, password: str, headers: dict[str, str] | None = None) -> Reply:
        """Fetch the sign-in form, then post it with its CSRF token, as a browser would."""
        form = self.get("/staff/login/")
        assert form.status == 200, (form.status, form.text[:300])
        token = CSRF_FIELD.search(form.text)
        assert token is not None
        body = urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        )
        sent = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": f"{self.origin}/staff/login/",
            **(headers or {}),
        }
        return self.request("POST", "/staff/login/", body=body, headers=sent)
