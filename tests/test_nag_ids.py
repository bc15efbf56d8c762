"""``nag_findings()`` names every finding as ``cdk synth`` does, cross-stack references included.

A finding whose id quotes a value from another stack (AwsSolutions-IAM5 on ``arn/*`` of a bucket
in a producer stack) used to get one id from ``nag_findings()`` (the in-stack form,
``<Bucket83908E77.Arn>``, because the packs ran on the unsynthesized tree) and another from
``cdk synth`` (the export name with its hash, because validation runs after cross-stack
references have become exports and imports), so a team had to acknowledge both. The test runs
the same two-stack app through the real, pinned CDK CLI and through the helpers in process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecs_patterns.testing import Finding, nag_findings, synth_findings
from tests.apps.cross_stack_finding import build_app

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules" / ".bin" / "node"
CDK_CLI = ROOT / "node_modules" / "aws-cdk" / "bin" / "cdk"


def ids(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.rule, f.construct_path) for f in findings}


@pytest.fixture(scope="module")
def cli_findings(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    """``cdk synth`` of the app by the pinned CLI; the findings from its validation report."""
    work = tmp_path_factory.mktemp("cli")
    (work / "cdk.json").write_text(
        json.dumps({"app": f"{sys.executable} -m tests.apps.cross_stack_finding"}),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "JSII_NODE": str(NODE),
        "CDK_DISABLE_VERSION_CHECK": "true",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "HOME": str(work),  # no user settings, no notices cache
    }
    result = subprocess.run(
        [str(NODE), str(CDK_CLI), "synth", "--quiet", "--no-notices", "--output", "out"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = work / "out" / "validation-report.json"
    assert result.returncode != 0, "the finding must fail cdk synth"
    assert report.exists(), result.stdout + result.stderr
    plugins = json.loads(report.read_text(encoding="utf-8"))["pluginReports"]
    return {
        (violation["ruleName"], construct["constructPath"])
        for plugin in plugins
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    }


def test_cdk_synth_names_the_finding_by_the_export(cli_findings: set[tuple[str, str]]) -> None:
    rules = {rule for rule, _ in cli_findings}
    assert any(
        rule.startswith("AwsSolutions-IAM5[Resource::Producer:ExportsOutput") for rule in rules
    )


def test_nag_findings_names_every_finding_as_cdk_synth(
    cli_findings: set[tuple[str, str]], tmp_path: Path
) -> None:
    from cdk_nag import AwsSolutionsChecks

    app = build_app(outdir=str(tmp_path))
    assert ids(nag_findings(app, packs=[AwsSolutionsChecks(app)])) == cli_findings


def test_nag_findings_on_one_stack_names_the_finding_as_cdk_synth(
    cli_findings: set[tuple[str, str]], tmp_path: Path
) -> None:
    from cdk_nag import AwsSolutionsChecks

    app = build_app(outdir=str(tmp_path))
    consumer = app.node.find_child("Consumer")
    assert ids(nag_findings(consumer, packs=[AwsSolutionsChecks(consumer)])) == cli_findings


def test_synth_findings_names_every_finding_as_cdk_synth(
    cli_findings: set[tuple[str, str]], tmp_path: Path
) -> None:
    assert ids(synth_findings(build_app(outdir=str(tmp_path)))) == cli_findings
