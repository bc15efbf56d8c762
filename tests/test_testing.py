"""The public test helpers: the normalizer masks only noise, and every checker can fail."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import CfnResource, Stack
from aws_cdk import aws_ecs as ecs

from ecs_patterns.testing import (
    HASH_MASK,
    Finding,
    assert_no_findings,
    nag_findings,
    normalize_template,
    synth_findings,
)
from tests.conftest import CFN_LINT, ENV, new_app

HASH = "a" * 64


def test_normalize_masks_asset_hashes_everywhere() -> None:
    template: dict[str, Any] = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Code": {"S3Key": f"{HASH}.zip"}},
                "Metadata": {"aws:asset:path": f"asset.{HASH}"},
            }
        }
    }
    out = normalize_template(template)
    assert out["Resources"]["Fn"]["Properties"]["Code"]["S3Key"] == f"{HASH_MASK}.zip"
    assert out["Resources"]["Fn"]["Metadata"]["aws:asset:path"] == f"asset.{HASH_MASK}"
    assert template["Resources"]["Fn"]["Properties"]["Code"]["S3Key"] == f"{HASH}.zip"


def test_normalize_drops_bootstrap_and_cdk_metadata_only() -> None:
    template = {
        "Parameters": {"BootstrapVersion": {"Type": "String"}, "Tag": {"Type": "String"}},
        "Rules": {"CheckBootstrapVersion": {}},
        "Conditions": {"CDKMetadataAvailable": {}},
        "Resources": {
            "CDKMetadata": {"Type": "AWS::CDK::Metadata"},
            "Q": {"Type": "AWS::SQS::Queue"},
        },
    }
    out = normalize_template(template)
    assert out == {
        "Parameters": {"Tag": {"Type": "String"}},
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
    }


def test_normalize_keeps_short_hex_logical_id_suffixes() -> None:
    template = {"Resources": {"RoleDefaultPolicy5FFB7DAB": {"Type": "AWS::IAM::Policy"}}}
    assert normalize_template(template) == template


def test_builtin_validation_reports_an_invalid_property(tmp_path: Path) -> None:
    # Negative control: the harness really sees what CloudFormation would reject.
    app = new_app(tmp_path, validation=True)
    stack = Stack(app, "Bad", env=ENV)
    CfnResource(stack, "Queue", type="AWS::SQS::Queue", properties={"VisibilityTimeout": 99999999})
    findings = synth_findings(app)
    assert any(f.construct_path == "Bad/Queue" and f.severity == "error" for f in findings)


def test_nag_packs_report_a_cluster_without_container_insights() -> None:
    app = new_app()
    stack = Stack(app, "Plain", env=ENV)
    ecs.Cluster(stack, "Cluster")
    rules = {f.rule for f in nag_findings(app)}
    assert "AwsSolutions-ECS4" in rules
    assert "NIST.800.53.R5-VPCFlowLogsEnabled" in rules


def test_cfn_lint_reports_an_invalid_template(tmp_path: Path) -> None:
    bad = tmp_path / "bad.template.json"
    bad.write_text(
        json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"Nope": 1}}}})
    )
    result = subprocess.run(
        [CFN_LINT, "--format", "parseable", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "E3002" in result.stdout


def test_assert_no_findings_lists_each_finding() -> None:
    finding = Finding(
        plugin="P", rule="R1", severity="error", construct_path="S/X", description="bad"
    )
    with pytest.raises(
        AssertionError, match=r"1 unacknowledged finding\(s\):\n  \[error\] R1 at S/X"
    ):
        assert_no_findings([finding])
    assert_no_findings([finding], ignore=lambda f: f.rule == "R1")
