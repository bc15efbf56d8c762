"""The placeholders of ``_moto_server.py`` resolve Ref/GetAtt of skipped types as AWS does, and
the thin models of ``_moto_models.py`` answer them in the same formats."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import moto_bin_dir

pytestmark = pytest.mark.deploy

ARN_PREFIX = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:"
PROVIDER_ARN = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def _run_check(script: str) -> dict[str, Any]:
    """Run a check script of this folder in the emulator's venv (no AWS_* variables from
    outside) and return the JSON it prints."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    result = subprocess.run(
        [str(moto_bin_dir() / "python"), str(Path(__file__).with_name(script))],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_skipped_types_resolve_to_aws_formats() -> None:
    data = _run_check("_placeholder_check.py")
    assert data["status"] == "CREATE_COMPLETE"
    assert data["display_name"] == f"{ARN_PREFIX}a1"  # a GetAtt inside a created resource
    outputs = dict(data["outputs"])
    # The CodeDeploy application is modelled now (_moto_models): its Ref is the name the
    # emulator generated, STACK-LOGICALID-SUFFIX as CloudFormation generates one.
    app_ref = outputs.pop("AppRef")
    assert app_ref.startswith("Check-App-"), app_ref
    assert len(app_ref) > len("Check-App-")
    # Alarms are modelled too: an unnamed one gets a generated STACK-LOGICALID-SUFFIX name.
    alarm_arn = outputs.pop("AlarmArn")
    assert alarm_arn.startswith(f"{ARN_PREFIX}Check-Unnamed-"), alarm_arn
    assert len(alarm_arn) > len(f"{ARN_PREFIX}Check-Unnamed-")
    assert outputs == {
        "ProviderRef": PROVIDER_ARN,
        "Sub": f"{ARN_PREFIX}a1|{PROVIDER_ARN}",
    }


def test_rollback_restores_the_previous_resources() -> None:
    """The emulator's stack rollback (``_codedeploy_moto._restore``): a replaced task
    definition is the previous revision again, active, and the new one is left for the
    cleanup; an in-place update is undone; an added resource is refused, not half undone."""
    data = _run_check("_rollback_check.py")
    assert data["first"] != data["second"]
    assert data["after"] == data["first"]
    assert data["first_status"] == "ACTIVE"
    assert data["replaced"] == [data["second"]]
    assert data["display_name"] == "one"
    assert "added ['Extra']" in data["added"]
