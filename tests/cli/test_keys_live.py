"""Key work on a running vault, done the way an administrator does it: ``steward keys``
in another process while ``steward serve`` takes intake.

* Rotating, rewrapping and retiring several times while residents keep submitting
  loses nothing: after a restart every acknowledged record (every 201 receipt)
  decrypts, on SQLite and on PostgreSQL.
* Shredding a person's key in another process shows their record as erased through
  the running server at once, and every other record and page keeps working.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.live_vault import (
    LiveVault,
    answers,
    clean_env,
    postgres_answers,
    postgres_database,
)

DATASET = "service_request"
EXPORTED = ("full_name", "email", "phone", "street_address", "district", "request_type", "details")
ROUNDS = 3


@pytest.fixture(params=["sqlite", "postgresql"])
def vault(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveVault]:
    if request.param == "sqlite":
        live = LiveVault(tmp_path)
        live.init_keys()
        yield live
        live.stop()
        return
    if not postgres_answers():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    with postgres_database("steward_keys_live") as url:
        live = LiveVault(tmp_path, url)
        live.init_keys()
        yield live
        live.stop()


class Residents(threading.Thread):
    """Submits intake forms through the public API, one after another, until stopped;
    keeps every acknowledged receipt (201) with the answers it acknowledged."""

    def __init__(self, vault: LiveVault) -> None:
        super().__init__(daemon=True)
        self.vault = vault
        self.stopping = threading.Event()
        self.receipts: dict[str, dict[str, str]] = {}
        self.refused: list[tuple[int, object]] = []

    def run(self) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            sent = answers(number)
            try:
                status, body = self.vault.request(
                    "POST", f"/api/intake/{DATASET}", {"answers": sent}
                )
            except OSError as error:
                self.refused.append((0, str(error)))
                continue
            if status == 201:
                self.receipts[body["reference"]] = sent
            else:
                self.refused.append((status, body))

    def wait_for_more(self, count: int = 5, timeout: float = 60) -> None:
        """Block until ``count`` more records were acknowledged (intake keeps going)."""
        target = len(self.receipts) + count
        deadline = time.monotonic() + timeout
        while len(self.receipts) < target:
            assert time.monotonic() < deadline, f"intake stalled: {self.refused[-3:]}"
            assert self.is_alive()
            time.sleep(0.05)


def _retire(vault: LiveVault, below: int) -> None:
    """Retire below ``below``, rewrapping again while a server keeps adding old keys."""
    for _ in range(5):
        retired = vault.keys("retire", "--below", str(below))
        if retired.returncode == 0:
            return
        assert "rewrap" in retired.stderr, retired.stderr
        assert vault.keys("rewrap").returncode == 0
    raise AssertionError(f"retire --below {below} kept refusing: {retired.stderr}")


PURPOSE = {"email": "follow_up", "phone": "follow_up"}
"""The purpose each masked field is revealed for (others: handling the request)."""


def _clear(vault: LiveVault, token: str, reference: str) -> dict[str, str]:
    """Every field of a case in clear, as the privacy officer reads and reveals them
    (a masked value is revealed for its purpose; an unreadable one shows its marker)."""
    code, record = vault.request("GET", f"/api/records/{reference}", token=token)
    assert code == 200, record
    clear = {}
    for field in record["fields"]:
        name = field["name"]
        if name not in EXPORTED:
            continue
        if not field["masked"] or field["unreadable"]:
            clear[name] = field["shown"]
            continue
        asked = {
            "field": name,
            "purpose": PURPOSE.get(name, "service_delivery"),
            "reason": "checking the keys after a rotation",
        }
        code, shown = vault.request("POST", f"/api/records/{reference}/reveal", asked, token=token)
        assert code == 200, shown
        clear[name] = shown["value"]
    return clear


def test_rotating_while_serving_loses_no_acknowledged_record(vault: LiveVault) -> None:
    token = vault.token("privacy_officer", "po-export")
    vault.start()
    residents = Residents(vault)
    residents.start()
    try:
        residents.wait_for_more(10)
        for version in range(2, 2 + ROUNDS):
            rotated = vault.keys("rotate")
            assert rotated.returncode == 0, rotated.stderr
            residents.wait_for_more()
            rewrapped = vault.keys("rewrap")
            assert rewrapped.returncode == 0, rewrapped.stderr
            residents.wait_for_more()
            _retire(vault, version)
            residents.wait_for_more()
    finally:
        residents.stopping.set()
        residents.join(timeout=60)
    assert residents.refused == []
    status = vault.keys("status")
    assert status.returncode == 0, status.stdout + status.stderr
    assert "MISSING" not in status.stdout
    vault.stop()

    vault.start()  # a fresh process: nothing is left in any memory
    assert len(residents.receipts) >= 10 + 3 * ROUNDS
    for reference, sent in residents.receipts.items():
        clear = _clear(vault, token, reference)
        assert {f: clear[f] for f in EXPORTED} == {f: sent[f] for f in EXPORTED}
    for reference in list(residents.receipts)[:: max(1, len(residents.receipts) // 20)]:
        code, record = vault.request("GET", f"/api/records/{reference}", token=token)
        assert code == 200, record
        assert [f["name"] for f in record["fields"] if f["unreadable"]] == []
    code, page = vault.request("GET", f"/api/datasets/{DATASET}/records?limit=200", token=token)
    assert code == 200
    assert all(not f["unreadable"] for item in page["items"] for f in item["fields"])


def _subject_of(vault: LiveVault, reference: str) -> str:
    """The subject id of a record, read from the database as the erasure service would."""
    key = uuid.UUID(reference)
    if vault.database_url:
        import psycopg

        with psycopg.connect(vault.database_url) as pg:
            row = pg.execute("SELECT subject_id FROM vault_record WHERE id = %s", (key,))
            found = row.fetchone()
        assert found is not None
        return str(found[0])
    with sqlite3.connect(vault.data_dir / "steward.sqlite3") as db:
        hit = db.execute("SELECT subject_id FROM vault_record WHERE id = ?", (key.hex,))
        found = hit.fetchone()
    db.close()
    assert found is not None
    return str(uuid.UUID(found[0]))


SHRED = """
import sys
from pathlib import Path
from steward.crypto import FileKeyProvider, KeyRing, SqliteSubjectKeyStore
keys = Path(sys.argv[1])
store = SqliteSubjectKeyStore(keys / "subject-keys.sqlite3")
ring = KeyRing(FileKeyProvider(keys / "kek.json"), store)
assert ring.shred(sys.argv[2])
"""
"""Another process destroying one person's key, as the erasure of that person does."""


def test_a_key_shredded_in_another_process_erases_the_record_at_once(vault: LiveVault) -> None:
    token = vault.token("privacy_officer", "po-read")
    vault.start()
    references = []
    for number in (1, 2):
        code, receipt = vault.request(
            "POST", f"/api/intake/{DATASET}", {"answers": answers(number)}
        )
        assert code == 201, receipt
        references.append(receipt["reference"])
    gone, kept = references
    assert _clear(vault, token, gone)["full_name"] == answers(1)["full_name"]
    subprocess.run(
        [sys.executable, "-c", SHRED, str(vault.keys_dir), _subject_of(vault, gone)],
        env=clean_env(),
        check=True,
        timeout=60,
    )

    after = {reference: _clear(vault, token, reference) for reference in (gone, kept)}
    assert after[gone]["full_name"] == "[erased]"
    assert after[gone]["district"] == answers(1)["district"]  # a clear field stays
    assert after[kept]["full_name"] == answers(2)["full_name"]
    assert answers(1)["full_name"] not in str(after)

    code, record = vault.request("GET", f"/api/records/{gone}", token=token)
    assert code == 200, record
    shown = {f["name"]: f for f in record["fields"]}
    assert shown["full_name"]["unreadable"] == "erased"
    assert shown["details"]["unreadable"] == "erased"  # fully masked, still not hidden
    assert shown["district"]["unreadable"] is None
    assert not shown["full_name"]["can_reveal"]

    code, page = vault.request("GET", f"/api/datasets/{DATASET}/records", token=token)
    assert code == 200
    assert len(page["items"]) == 2

    code, refused = vault.request(
        "POST",
        f"/api/records/{gone}/reveal",
        {"field": "email", "purpose": "follow_up", "reason": "calling the resident back"},
        token=token,
    )
    assert code == 410, refused
    assert "erased" in refused["detail"]
    code, revealed = vault.request(
        "POST",
        f"/api/records/{kept}/reveal",
        {"field": "email", "purpose": "follow_up", "reason": "calling the resident back"},
        token=token,
    )
    assert (code, revealed["value"]) == (200, answers(2)["email"])
    assert "Traceback" not in vault.stop()
