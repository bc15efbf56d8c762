"""The release handler's API timeouts fit inside its Lambda timeout (fast, in-process).

A stalled API call must surface in ``is_complete`` as a transient error ("not finished, ask
again"), not outlast the function: a Lambda timeout is reported by the provider framework to
CloudFormation as a failure of the whole release.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from botocore.config import Config  # type: ignore[import-untyped,unused-ignore]

from ecs_patterns.release._handler import index
from ecs_patterns.release._release import _HANDLER_TIMEOUT

EVENT = {
    "RequestType": "Update",
    "LogicalResourceId": "Release",
    "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/App/0a1b",
    "PhysicalResourceId": "d-ABCDEFGH1",
    "ResourceProperties": {"ApplicationName": "app", "DeploymentGroupName": "group"},
    "Data": {"DeploymentId": "d-ABCDEFGH1", "Action": index.ACTION_DEPLOY},
}


def test_call_budget_fits_well_inside_the_function_timeout() -> None:
    config = index._CONFIG
    assert config.connect_timeout == index.CONNECT_TIMEOUT_S
    assert config.read_timeout == index.READ_TIMEOUT_S
    assert config.retries == {"mode": "standard", "total_max_attempts": index.TOTAL_ATTEMPTS}
    budget = index.TOTAL_ATTEMPTS * (index.CONNECT_TIMEOUT_S + index.READ_TIMEOUT_S)
    assert budget + 1 <= index.CALL_BUDGET_S  # standard mode backs off up to 1 s before a retry
    # One stalled call plus the rest of a poll's calls: at most half the function's time.
    assert _HANDLER_TIMEOUT.to_seconds() / 2 >= index.CALL_BUDGET_S


def test_every_client_uses_the_bounded_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for name, client in index._clients().items():
        config = client.meta.config
        assert (config.connect_timeout, config.read_timeout) == (
            index.CONNECT_TIMEOUT_S,
            index.READ_TIMEOUT_S,
        ), name
        assert config.retries["total_max_attempts"] == index.TOTAL_ATTEMPTS, name


@pytest.fixture
def stalled_endpoint() -> Iterator[str]:
    """127.0.0.1: accepts connections, reads the request, never answers; closed by the test."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.1)
    stop = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()
    assert not thread.is_alive()


def test_a_stalled_api_means_ask_again(
    stalled_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the same retry policy in a scaled-down time, a stall ends in "not complete"."""
    for key, value in {
        "AWS_ENDPOINT_URL": stalled_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    scaled = Config(
        connect_timeout=0.2,
        read_timeout=0.3,
        retries={"mode": "standard", "total_max_attempts": index.TOTAL_ATTEMPTS},
    )
    monkeypatch.setattr(index, "_CONFIG", scaled)
    started = time.monotonic()
    assert index.is_complete(dict(EVENT)) == {"IsComplete": False}
    assert time.monotonic() - started < 5
