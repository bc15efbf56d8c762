"""The sample HTTP service answers /health, served on 127.0.0.1 and always stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_app.service.app import (
    HEARTBEAT_CHECK,
    HEARTBEAT_FILE,
    HEARTBEAT_MAX_AGE_SECONDS,
    main,
    run_job,
    serve,
    work,
)


@pytest.fixture
def base_url() -> Iterator[str]:
    server = serve("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_health_answers_200_ok(base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}/health", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok"}


def test_unknown_path_is_404(base_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{base_url}/nope", timeout=5)
    assert err.value.code == 404


def test_worker_beats_until_stopped_and_the_health_check_reads_the_beat(tmp_path: Path) -> None:
    heartbeat = tmp_path / "heartbeat"
    assert work(str(heartbeat), interval=0, rounds=2) == 0
    check = HEARTBEAT_CHECK.replace(HEARTBEAT_FILE, str(heartbeat))
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0
    old = time.time() - HEARTBEAT_MAX_AGE_SECONDS - 5
    os.utime(heartbeat, (old, old))
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 1


def test_health_check_fails_without_a_heartbeat(tmp_path: Path) -> None:
    check = HEARTBEAT_CHECK.replace(HEARTBEAT_FILE, str(tmp_path / "missing"))
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode != 0


def test_job_run_beats_and_exits_0(tmp_path: Path) -> None:
    heartbeat = tmp_path / "heartbeat"
    assert run_job(str(heartbeat)) == 0
    assert heartbeat.exists()


def test_unknown_role_exits_2() -> None:
    assert main("nope") == 2
