"""The visitor's country, from geoip2fast's bundled database, with no network at all.

The lookups use the real database in the installed package (pinned to geoip2fast 1.2.x,
whose data is MaxMind GeoLite2 of June 2024). The offline test runs in a fresh process
that refuses every network call through Python's audit hooks.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from steward.server import geoip
from steward.server.geoip import visitor_country

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("address", "country"),
    [
        ("81.2.69.160", "GB"),  # MaxMind's own test network, London
        ("193.0.6.139", "NL"),  # RIPE NCC, Amsterdam
        ("8.8.8.8", "US"),
        ("2001:67c:2e8:22::c100:68b", "NL"),  # RIPE NCC over IPv6
        ("::ffff:81.2.69.160", "GB"),  # IPv4 written as IPv6 (a dual-stack socket)
        (" 81.2.69.160 ", "GB"),
    ],
)
def test_a_public_address_gives_its_country(address: str, country: str) -> None:
    assert visitor_country(address) == country


def _never(address: str) -> str:
    raise AssertionError(f"the database was asked about a non-public address {address}")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.1.1",
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "::1",
        "fe80::1%eth0",
        "fd00::5",
        "::ffff:192.168.0.7",
        "224.0.0.1",
    ],
)
def test_a_local_address_is_local_and_never_looked_up(address: str) -> None:
    assert visitor_country(address, lookup=_never) == "local"


@pytest.mark.parametrize(
    "address", [None, "", "unknown", "81.2.69.160, 10.0.0.1", "999.1.1.1", "'; DROP"]
)
def test_no_address_or_a_broken_one_is_unknown(address: str | None) -> None:
    assert visitor_country(address, lookup=_never) == "unknown"


@pytest.mark.parametrize(
    ("answer", "country"),
    [
        ("GB", "GB"),
        ("", "unknown"),
        ("--", "unknown"),
        ("81.2.69.160", "unknown"),
        ("gb", "unknown"),
    ],
)
def test_only_a_country_code_comes_back_from_the_lookup(answer: str, country: str) -> None:
    assert visitor_country("81.2.69.160", lookup=lambda _: answer) == country


def test_a_failing_lookup_is_unknown() -> None:
    def broken(address: str) -> str:
        raise OSError(f"cannot read the data for {address}")

    assert visitor_country("81.2.69.160", lookup=broken) == "unknown"


def test_a_database_that_cannot_load_says_so_once_without_the_address(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def missing() -> object:
        calls.append(1)
        raise FileNotFoundError("geoip2fast ships no geoip2fast-ipv6.dat.gz")

    monkeypatch.setattr(geoip, "load_bundled_database", missing)
    database = geoip._Database()
    with caplog.at_level(logging.WARNING, logger="steward.server.geoip"):
        assert visitor_country("81.2.69.160", lookup=database.lookup) == "unknown"
        assert visitor_country("8.8.8.8", lookup=database.lookup) == "unknown"
    assert calls == [1]
    assert [r.getMessage() for r in caplog.records] == [
        "the country database could not be loaded (FileNotFoundError); web log lines say "
        "'unknown' for the country"
    ]


OFFLINE = """
import json, os, sys

def no_network(event, args):
    if event.startswith(("socket.", "urllib.", "http.", "ftplib.", "smtplib.")):
        raise RuntimeError(f"network use refused: {event}")

sys.addaudithook(no_network)
before = {k: os.environ.get(k) for k in ("PYTHONWARNINGS", "PYTHONIOENCODING")}
from steward.server.geoip import database_info, visitor_country
answers = [visitor_country(a) for a in ("81.2.69.160", "2001:67c:2e8:22::c100:68b", "10.0.0.1")]
info = database_info()
after = {k: os.environ.get(k) for k in before}
print(json.dumps({"answers": answers, "source": info["source_info"],
                  "path": info["database_fullpath"], "environment": before == after}))
"""


def test_the_lookup_works_offline_from_the_package_folder_only(tmp_path: Path) -> None:
    """No network call is allowed at all; a file of the database's name planted in the
    working folder is not read (geoip2fast would look there first for a bare name)."""
    (tmp_path / "geoip2fast-ipv6.dat.gz").write_bytes(b"not a database: a planted file")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEWARD_", "DJANGO_"))}
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["answers"] == ["GB", "NL", "local"]
    assert result["source"].startswith("MAXMIND:GeoLite2-Country-IPv4IPv6")
    assert Path(result["path"]).parent.name == "geoip2fast"
    assert not Path(result["path"]).is_relative_to(tmp_path)
    assert result["environment"], "importing geoip2fast changed the process's environment"
