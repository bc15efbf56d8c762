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
    PATH_PREFIX_VARIABLE,
    SERVICE_NAME_VARIABLE,
    main,
    routed_paths,
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


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_root_answers_the_default_name(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SERVICE_NAME_VARIABLE, raising=False)
    monkeypatch.delenv(PATH_PREFIX_VARIABLE, raising=False)
    status, body = _get(f"{base_url}/")
    assert (status, body["service"]) == (200, "sample-web")
    assert _get(f"{base_url}/api")[0] == 404  # no prefix: only / and /health


def test_routed_service_answers_its_paths_with_its_name(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SERVICE_NAME_VARIABLE, "api")
    monkeypatch.setenv(PATH_PREFIX_VARIABLE, "/api")
    # What the listener rule's patterns (/api, /api/*) send it, query strings included.
    for path in ("/api", "/api/", "/api/orders/7", "/api/orders?page=2"):
        status, body = _get(f"{base_url}{path}")
        assert (status, body["service"]) == (200, "api"), path
        assert body["path"] == path.split("?")[0]
    for path in ("/apix", "/catalog", "/nope"):
        assert _get(f"{base_url}{path}")[0] == 404, path
    assert _get(f"{base_url}/health") == (200, {"status": "ok"})
    assert _get(f"{base_url}/health?probe=1") == (200, {"status": "ok"})


def test_routed_paths_are_the_prefix_and_everything_beneath_it() -> None:
    assert routed_paths("/catalog") == ("/catalog", "/catalog/*")


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
