"""Session-wide fixtures: every stack is synthesized once and shared by all tests."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack
from jsii._kernel.providers import process as jsii_process
from syrupy.assertion import SnapshotAssertion

from ecs_patterns.testing import (
    Finding,
    nag_findings,
    stack_template,
    synth_findings,
    template_snapshot_extension,
)
from sample_app.stacks import build_app
from scripts.checkov_scan import CheckovRun, run_checkov, template_files
from tests.property.profiles import load_profile
from tests.stacks import STACKS

# Every hypothesis test of the suite (tests/property and the others) runs under the project's
# profile: ``small`` for ``make test``, ``deep`` for ``make test-deep`` (tests/property/profiles).
load_profile()

ROOT = Path(__file__).resolve().parent.parent
CDK_CONTEXT: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
ENV = Environment(account="123456789012", region="us-east-1")
CFN_LINT = str(Path(sys.executable).parent / "cfn-lint")


def new_app(outdir: Path | None = None, *, validation: bool = False) -> App:
    """An App with the sample app's context; built-in validation off unless asked for."""
    return App(
        context=dict(CDK_CONTEXT),
        outdir=str(outdir) if outdir is not None else None,
        builtin_cloud_formation_validation=validation,
    )


class KernelCalls:
    """Counts jsii kernel round trips (requests to the Node process) while installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = jsii_process._NodeProcess.send

        def send(process: Any, request: Any, response_type: Any) -> Any:
            self.count += 1
            return original(process, request, response_type)

        monkeypatch.setattr(jsii_process._NodeProcess, "send", send)


def new_stack(name: str = "Test") -> Stack:
    """A fresh stack pinned to the test environment, in an app without validation."""
    return Stack(new_app(), name, env=ENV)


@dataclass(frozen=True)
class Synthesized:
    """All registered test stacks, synthesized once."""

    app: App
    stacks: dict[str, Stack]
    templates: dict[str, dict[str, Any]]
    outdir: Path
    validation_findings: list[Finding]
    nag: list[Finding]


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = new_app(outdir, validation=True)
    stacks = {}
    for name, build in STACKS.items():
        stack = Stack(app, name, env=ENV)
        build(stack)
        stacks[name] = stack
    validation = synth_findings(app)
    templates = {name: stack_template(stack) for name, stack in stacks.items()}
    return Synthesized(
        app=app,
        stacks=stacks,
        templates=templates,
        outdir=outdir,
        validation_findings=validation,
        nag=nag_findings(app),
    )


@dataclass(frozen=True)
class SampleSynthesized:
    """The sample app, synthesized once as `cdk synth` does (nag packs and validation on)."""

    templates: dict[str, dict[str, Any]]
    findings: list[Finding]
    outdir: Path


@pytest.fixture(scope="session")
def sample_synthesized(tmp_path_factory: pytest.TempPathFactory) -> SampleSynthesized:
    outdir = tmp_path_factory.mktemp("sample.out")
    app = build_app(CDK_CONTEXT, outdir=str(outdir))
    findings = synth_findings(app)
    templates = {
        child.node.id: stack_template(child)
        for child in app.node.children
        if isinstance(child, Stack)
    }
    return SampleSynthesized(templates=templates, findings=findings, outdir=outdir)


CHECKOV_CONTROL = Path(__file__).resolve().parent / "checkov_control"
"""A deliberately unsafe template: the negative control that proves the checkov run can fail."""


@pytest.fixture(scope="session")
def checkov_all(synthesized: Synthesized, sample_synthesized: SampleSynthesized) -> CheckovRun:
    """checkov, run once over every synthesized template plus the negative control."""
    return run_checkov(
        template_files([synthesized.outdir, sample_synthesized.outdir, CHECKOV_CONTROL])
    )


@pytest.fixture(scope="session")
def checkov_output(checkov_all: CheckovRun) -> CheckovRun:
    """checkov's results on the synthesized templates only (the control left out)."""
    control = {p.name for p in template_files([CHECKOV_CONTROL])}
    return checkov_all.without_files(control)


@pytest.fixture(scope="session")
def cfn_lint_output(synthesized: Synthesized) -> dict[str, list[str]]:
    """cfn-lint over every synthesized template, once; findings per template file name."""
    files = sorted(str(p) for p in synthesized.outdir.glob("*.template.json"))
    result = subprocess.run(
        [CFN_LINT, "--format", "parseable", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 and not result.stdout:
        raise RuntimeError(f"cfn-lint failed to run (exit {result.returncode}): {result.stderr}")
    per_file: dict[str, list[str]] = {Path(f).name: [] for f in files}
    for line in result.stdout.splitlines():
        name = Path(line.split(":", 1)[0]).name
        per_file.setdefault(name, []).append(line)
    return per_file


@pytest.fixture
def template_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(template_snapshot_extension())
