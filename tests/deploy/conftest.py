"""Fixtures of the emulator deploy test: a moto server, an isolated CDK CLI environment.

moto and boto3 live in their own venv, ``.venv/moto`` (the Makefile builds it from
``tests/deploy/requirements-moto.lock``), so the emulator, its pinned version and its ~40
dependencies (Flask, boto3, cryptography, ...) stay out of the library's development venv and
``requirements.lock``. If the project venv ever has ``moto_server`` itself, that one is used.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "node_modules" / ".bin" / "node"
CDK_CLI = ROOT / "node_modules" / "aws-cdk" / "bin" / "cdk"
CLIENT_SCRIPT = Path(__file__).with_name("_moto_client.py")
SERVER_SCRIPT = Path(__file__).with_name("_moto_server.py")
ACCOUNT = "123456789012"
REGION = "us-east-1"
CDK_TIMEOUT_S = 300


def moto_bin_dir() -> Path:
    """The bin directory holding ``moto_server`` and a Python with boto3."""
    for candidate in (Path(sys.executable).parent, ROOT / ".venv" / "moto" / "bin"):
        if (candidate / "moto_server").exists():
            return candidate
    pytest.fail(
        "moto_server not found in the project venv nor in .venv/moto; run `make setup`",
        pytrace=False,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(proc: subprocess.Popen[Any], timeout: float = 10) -> None:
    """Terminate a process (and its group when it leads one), wait, kill on timeout."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait(timeout=timeout)


@dataclass(frozen=True)
class Moto:
    port: int
    endpoint: str  # http://localhost:PORT: the CLI derives S3 virtual-host addresses from it
    log: Path
    python: Path
    workdir: Path
    procs: list[subprocess.Popen[Any]] = field(default_factory=list)

    def pids(self) -> list[int]:
        return [proc.pid for proc in self.procs]

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/moto-api/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def client(self, *args: str, timeout: float = 120) -> str:
        result = subprocess.run(
            [str(self.python), str(CLIENT_SCRIPT), *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=fake_aws_env(os.environ, self.endpoint),
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"_moto_client {args[0]} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def readback(self, stack: str, label: str) -> dict[str, Any]:
        """moto's state of ``stack``; also kept as ``STACK.LABEL.json`` next to the log."""
        text = self.client("readback", self.endpoint, stack)
        (self.workdir / f"{stack}.{label}.json").write_text(text, encoding="utf-8")
        data: dict[str, Any] = json.loads(text)
        return data


def fake_aws_env(base: Any, endpoint: str, home: Path | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in dict(base).items()
        if not k.startswith(("AWS_", "CDK_")) and k not in {"HOME", "JSII_NODE"}
    }
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_ENDPOINT_URL=endpoint,
        AWS_EC2_METADATA_DISABLED="true",
    )
    if home is not None:
        env.update(
            HOME=str(home),
            CDK_HOME=str(home / ".cdk"),
            AWS_CONFIG_FILE=str(home / "aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"),
        )
    return env


def process_group_members(pgid: int) -> list[int]:
    """PIDs of the live processes (zombies excluded) in process group ``pgid``."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # Fields after the ")" closing the command name: state, ppid, pgrp, ...
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process exited while we looked
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


@contextmanager
def running_emulator(workdir: Path) -> Iterator[Moto]:
    """A moto server on 127.0.0.1 on a free port, plus the custom-resource responder.

    Both run in their own process group and are stopped on exit, whatever happened inside;
    exiting then fails if any process of either group is still alive.
    """
    bindir = moto_bin_dir()
    port = _free_port()
    log = workdir / "moto_server.log"
    moto = Moto(port, f"http://localhost:{port}", log, bindir / "python", workdir)
    procs = moto.procs
    env = fake_aws_env(os.environ, moto.endpoint, workdir)
    with (
        log.open("w", encoding="utf-8") as log_file,
        (workdir / "responder.log").open("w", encoding="utf-8") as responder_log,
    ):
        try:
            procs.append(
                subprocess.Popen(
                    [str(moto.python), str(SERVER_SCRIPT), "-H", "127.0.0.1", "-p", str(port)],
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=workdir,
                    env=env,
                    start_new_session=True,
                )
            )
            _wait_until_up(moto, procs[0])
            # moto runs a custom resource's Lambda only in Docker; without it the stack stays
            # CREATE_IN_PROGRESS forever. The responder sends the cfn-response in its place.
            procs.append(
                subprocess.Popen(
                    [str(moto.python), str(CLIENT_SCRIPT), "respond", moto.endpoint],
                    stdout=responder_log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    cwd=workdir,
                    env=env,
                    start_new_session=True,
                )
            )
            yield moto
        finally:
            for proc in reversed(procs):
                stop_process(proc)
    left = {proc.pid: process_group_members(proc.pid) for proc in procs}
    assert not any(left.values()), f"emulator processes still alive after stopping: {left}"


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Moto]:
    """The emulator for the whole module; always stopped (see ``running_emulator``)."""
    with running_emulator(tmp_path_factory.mktemp("moto")) as emulator:
        yield emulator


def _wait_until_up(moto: Moto, proc: subprocess.Popen[Any], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto_server exited with {proc.returncode}:\n{moto.log_text()}")
        if moto.answers():
            return
        time.sleep(0.2)
    raise RuntimeError(f"moto_server did not answer within {timeout} s:\n{moto.log_text()}")


@dataclass(frozen=True)
class Cdk:
    """The CDK CLI exactly as the Makefile runs it, with a throw-away HOME."""

    moto: Moto
    home: Path
    tmp: Path

    def env(self) -> dict[str, str]:
        env = fake_aws_env(os.environ, self.moto.endpoint, self.home)
        env.update(
            JSII_NODE=str(NODE),
            CDK_DISABLE_VERSION_CHECK="true",
            CDK_DISABLE_CLI_TELEMETRY="true",
        )
        return env

    def run(
        self, *args: str, output: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """The CLI with ``args``; fails the test on a non-zero exit unless ``check`` is False."""
        cmd = [str(NODE), str(CDK_CLI), *args]
        if output is not None:
            cmd += ["--output", str(self.tmp / output)]
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=self.env(),
            stdin=subprocess.DEVNULL,  # as in CI: the CLI must never wait for an answer
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=CDK_TIMEOUT_S)
        except subprocess.TimeoutExpired as timeout:
            stop_process(proc)
            out, _ = proc.communicate()
            raise AssertionError(
                f"cdk {args[0]} timed out after {CDK_TIMEOUT_S} s:\n{out}"
            ) from timeout
        finally:
            stop_process(proc)
        result = subprocess.CompletedProcess(cmd, proc.returncode, out, None)
        if check and result.returncode != 0:
            raise AssertionError(f"cdk {args[0]} exited {result.returncode}:\n{out[-6000:]}")
        return result

    def stacks(self, output: str) -> list[str]:
        """Stack names of the cloud assembly a deploy wrote to ``output``."""
        manifest = json.loads((self.tmp / output / "manifest.json").read_text(encoding="utf-8"))
        return sorted(
            str(a.get("properties", {}).get("stackName", name))
            for name, a in manifest["artifacts"].items()
            if a["type"] == "aws:cloudformation:stack"
        )

    def template(self, output: str, stack: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(
            (self.tmp / output / f"{stack}.template.json").read_text(encoding="utf-8")
        )
        return data


@pytest.fixture(scope="module")
def cdk(moto: Moto, tmp_path_factory: pytest.TempPathFactory) -> Cdk:
    tmp = tmp_path_factory.mktemp("cdk")
    home = tmp / "home"
    home.mkdir()
    return Cdk(moto, home, tmp)
