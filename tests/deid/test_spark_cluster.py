"""The Spark engine against a real standalone cluster: a master and two workers started
on loopback from PySpark's own ``spark-class``, and ``steward deid risk --engine spark
--master spark://...`` run as a separate process (its own driver), whose report must be
the Polars engine's byte for byte, and ``steward deid anonymize`` whose output rows,
written by the workers, must be the Polars engine's.

Skipped, with the reason, only when PySpark or Java is missing (CI has both).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.deid.conftest import NO_PYSPARK, pyspark_installed

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).parents[2] / "examples" / "deid" / "service-requests.csv"
WORKERS = 2
READY_SECONDS = 90.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _spark_class() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent / "bin" / "spark-class"


def _alive_workers(ui_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=2) as answer:
            state = json.load(answer)
    except OSError:
        return 0
    return sum(1 for worker in state.get("workers", []) if worker.get("state") == "ALIVE")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``spark://127.0.0.1:<port>`` of a master with two one-core workers."""
    if not pyspark_installed():
        pytest.skip(NO_PYSPARK)
    if shutil.which("java") is None:
        pytest.skip("the Spark cluster needs Java 17 (apt-get install openjdk-17-jre-headless)")
    logs = tmp_path_factory.mktemp("spark-cluster")
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    port, ui = _free_port(), _free_port()
    master = f"spark://127.0.0.1:{port}"
    spark_class = str(_spark_class())
    commands = [
        [spark_class, "org.apache.spark.deploy.master.Master",
         "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui)],
        *(
            [spark_class, "org.apache.spark.deploy.worker.Worker", master,
             "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
             "--webui-port", str(_free_port()), "--work-dir", str(logs / f"work{n}")]
            for n in range(WORKERS)
        ),
    ]  # fmt: skip
    processes = []
    try:
        for n, command in enumerate(commands):
            log = (logs / f"process{n}.log").open("wb")
            processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=log))
            if n == 0:
                time.sleep(0.5)  # let the master bind before the workers call it
        deadline = time.monotonic() + READY_SECONDS
        while _alive_workers(ui) < WORKERS:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                text = "\n".join(
                    (logs / f"process{n}.log").read_text(errors="replace")[-800:]
                    for n in range(len(commands))
                )
                pytest.fail(f"the Spark cluster did not start:\n{text}")
            time.sleep(0.5)
        yield master
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _risk(*extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-c", "from steward.cli.main import run; run()",
        "deid", "risk", str(EXAMPLE), "--qi", "age,postal_code",
        "--sensitive", "request_type", "--format", "json", *extra,
    ]  # fmt: skip
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_risk_on_a_standalone_cluster_is_the_polars_report(cluster: str) -> None:
    on_polars = _risk()
    on_cluster = _risk("--engine", "spark", "--master", cluster)
    assert on_polars.returncode == 0, on_polars.stderr[-1000:]
    assert on_cluster.returncode == 0, on_cluster.stderr[-2000:]
    assert json.loads(on_cluster.stdout) == json.loads(on_polars.stdout)
    assert on_cluster.stdout == on_polars.stdout


def _anonymize(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-c", "from steward.cli.main import run; run()",
        "deid", "anonymize", str(EXAMPLE), "--qi", "district,age,postal_code,opened_on",
        "--k", "3", "--max-suppression", "0.05", "--out", str(out), *extra,
    ]  # fmt: skip
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def _sorted(table: pl.DataFrame) -> pl.DataFrame:
    return table.sort(table.columns, nulls_last=False)


def test_anonymize_on_a_standalone_cluster_writes_the_polars_rows(
    cluster: str, tmp_path: Path
) -> None:
    """The workers run the recoding (Polars, in their own Python processes) and write
    the parts; the rows, the levels printed and the hierarchies written are Polars's."""
    (tmp_path / "polars").mkdir()
    (tmp_path / "cluster").mkdir()
    on_polars = _anonymize(tmp_path / "polars" / "out.parquet")
    on_cluster = _anonymize(
        tmp_path / "cluster" / "out.parquet", "--engine", "spark", "--master", cluster
    )
    assert on_polars.returncode == 0, on_polars.stderr[-1000:]
    assert on_cluster.returncode == 0, on_cluster.stderr[-2000:]
    parts = sorted((tmp_path / "cluster" / "out.parquet").glob("part-*.parquet"))
    assert parts
    written = pl.concat([pl.read_parquet(part) for part in parts])
    expected = pl.read_parquet(tmp_path / "polars" / "out.parquet")
    assert_frame_equal(_sorted(written), _sorted(expected))
    table = on_polars.stdout.split("hierarchies used:")[0]
    assert table == on_cluster.stdout.split("hierarchies used:")[0]
    for name in ("district", "age", "postal_code", "opened_on"):
        hierarchy = f"{name}_hierarchy.csv"
        assert (tmp_path / "cluster" / hierarchy).read_bytes() == (
            tmp_path / "polars" / hierarchy
        ).read_bytes()


def test_an_unreachable_master_is_a_clear_error() -> None:
    if not pyspark_installed():
        pytest.skip(NO_PYSPARK)
    refused = _risk("--engine", "spark", "--master", f"spark://127.0.0.1:{_free_port()}")
    assert refused.returncode == 2
    assert "Traceback" not in refused.stderr
    assert "cannot reach the Spark master" in refused.stderr
    malformed = _risk("--engine", "spark", "--master", "spark://nohost")
    assert malformed.returncode == 2
    assert "give spark://host:port" in malformed.stderr


def test_a_malformed_file_is_refused_without_quoting_it() -> None:
    """Spark's own log and its parsers' messages quote the record they fail on; the
    command says what is wrong and prints no value, on stdout or stderr."""
    if not pyspark_installed():
        pytest.skip(NO_PYSPARK)
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        bad = Path(folder) / "people.jsonl"
        bad.write_text('{"age": 30}\n{"age": 40, "name": "Secretina Quill"\n', encoding="utf-8")
        command = [
            sys.executable, "-c", "from steward.cli.main import run; run()",
            "deid", "risk", str(bad), "--qi", "age", "--engine", "spark",
        ]  # fmt: skip
        env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"}
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 2
    assert "a malformed record" in done.stderr
    assert "Secretina" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
