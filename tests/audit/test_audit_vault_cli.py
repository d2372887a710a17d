"""``steward audit`` on the vault's own log, with a real server writing it.

A ``steward serve`` subprocess takes public intake (on the suite's engine: SQLite, or
PostgreSQL when ``STEWARD_TEST_DATABASE_URL`` names it), and the audit commands run as
separate processes with the same options as ``serve``: verify, checkpoint, export,
prove; then a proof is checked offline after the database is gone, and a log cut
short in the database is caught against stored, exported and witness checkpoints.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.audit.served_vault import (
    ScratchDatabase,
    hammer,
    scratch_database,
    served,
    suite_engine,
)
from tests.cli.live_vault import steward

pytestmark = pytest.mark.slow
NO_INLINE = {"STEWARD_AUDIT_CHECKPOINT_ENTRIES": "0"}


def _audit(
    folder: Path, keys: Path, database: ScratchDatabase, *args: str, **env: str
) -> tuple[int, str]:
    result = steward("audit", *args, "--keys-dir", str(keys), *database.options, cwd=folder, **env)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout + result.stderr


def _intake(ports: list[int], count: int) -> None:
    outcomes, _ = hammer(ports, 1, count)
    assert [o.status for o in outcomes] == [201] * count


def test_the_vault_log_is_verified_checkpointed_exported_and_proved_offline(
    tmp_path: Path, vault_keys: Path, pg_admin: str | None
) -> None:
    keys = vault_keys
    proofs = tmp_path / "proofs"
    proofs.mkdir()
    with scratch_database(suite_engine(), tmp_path, pg_admin) as database:
        with served(tmp_path, keys, database, count=1, env=NO_INLINE) as servers:
            _intake(servers.ports, 6)
            code, out = _audit(tmp_path, keys, database, "checkpoint", "--out", "kept.note")
            assert code == 0, out
            assert out.startswith("steward-audit\n6\n")
            _intake(servers.ports, 6)
            code, out = _audit(tmp_path, keys, database, "checkpoint", "--if-due")
            assert code == 0, out
            assert "no checkpoint due" in out  # 6 new entries, seconds after the last one
            code, out = _audit(tmp_path, keys, database, "verify", "--json")
        assert code == 0, out
        report = json.loads(out)
        assert (report["ok"], report["entries"], report["checkpoints_stored"]) == (True, 12, 1)
        assert report["signatures_checked"] is True

        inclusion = proofs / "inclusion.json"
        code, out = _audit(tmp_path, keys, database, "prove", "--index", "8", "--out",
                           str(inclusion))  # fmt: skip
        assert code == 0, out
        consistency = proofs / "consistency.json"
        code, out = _audit(tmp_path, keys, database, "prove", "--old-size", "6", "--out",
                           str(consistency))  # fmt: skip
        assert code == 0, out
        exported = tmp_path / "exported"
        code, out = _audit(tmp_path, keys, database, "checkpoints", "--out", str(exported))
        assert code == 0, out
        assert "2 checkpoints stored" in out
        names = sorted(path.name for path in exported.iterdir())
        assert names == ["checkpoint-000000000006.note", "checkpoint-000000000012.note"]
    # The database is gone (dropped, or its folder removed): only files and the key remain.
    if database.engine == "sqlite":
        shutil.rmtree(tmp_path / "data")  # the database files, and the web log beside them
    public = str(keys / "audit-signing.pub")
    offline = tmp_path / "elsewhere"
    offline.mkdir()

    def check(*args: str) -> tuple[int, str]:
        done = steward("audit", "check-proof", *args, "--public-key", public, cwd=offline)
        assert "Traceback" not in done.stderr
        return done.returncode, done.stdout + done.stderr

    code, out = check(str(inclusion))
    assert code == 0, out
    assert "valid: entry 8 is in the log of 12 entries signed by steward-audit" in out
    code, out = check(str(consistency), "--checkpoint", str(tmp_path / "kept.note"))
    assert code == 0, out
    assert "log of 6 entries" in out
    assert "kept.note" in out

    forged = json.loads(inclusion.read_text())
    forged["entry"] = forged["entry"].replace("record.create", "record.delete")
    (proofs / "forged.json").write_text(json.dumps(forged))
    code, out = check(str(proofs / "forged.json"))
    assert code == 1
    assert "INVALID" in out
    assert "does not match its leaf hash" in out

    broken = json.loads(consistency.read_text())
    broken["path"][0] = "00" * 32
    (proofs / "broken.json").write_text(json.dumps(broken))
    assert check(str(proofs / "broken.json"))[0] == 1

    (proofs / "garbage.json").write_text("{not json")
    code, out = check(str(proofs / "garbage.json"))
    assert code == 2
    assert "not a proof file" in out


def test_a_log_cut_short_in_the_database_is_caught_against_any_checkpoint(
    tmp_path: Path, vault_keys: Path, vault_database: ScratchDatabase
) -> None:
    keys, database = vault_keys, vault_database
    witness = tmp_path / "witness"
    settings = {**NO_INLINE, "STEWARD_AUDIT_WITNESS_DIR": str(witness)}
    with served(tmp_path, keys, database, count=1, env=settings) as servers:
        _intake(servers.ports, 10)
        code, out = _audit(tmp_path, keys, database, "checkpoint", "--out", "kept.note",
                           **settings)  # fmt: skip
        assert code == 0, out
        assert (witness / "checkpoint-000000000010.note").is_file()

        # Someone with the database deletes the newest audit rows.
        database.execute("DELETE FROM vault_auditentryrow WHERE seq >= 7")
        code, out = _audit(tmp_path, keys, database, "verify")
        assert code == 1, out
        assert "damaged at entry 7 (truncated)" in out
        assert "stored checkpoint 1 covers 10 entries but the log holds 7" in out

        code, out = _audit(tmp_path, keys, database, "checkpoint", **settings)
        assert code == 1
        assert "no checkpoint was signed" in out

        # ...and the checkpoints stored beside them: only copies kept elsewhere tell.
        database.execute("DELETE FROM vault_auditcheckpointrow")
        assert _audit(tmp_path, keys, database, "verify")[0] == 0
        for extra, source in (
            (["--checkpoint", str(tmp_path / "kept.note")], "kept.note"),
            (["--checkpoint", str(witness)], "checkpoint-000000000010.note"),
            ([], "checkpoint-000000000010.note"),  # the vault's own witness setting
        ):
            env = settings if not extra else {}
            code, out = _audit(tmp_path, keys, database, "verify", *extra, **env)
            assert code == 1, (extra, out)
            assert "(truncated)" in out
            assert source in out
