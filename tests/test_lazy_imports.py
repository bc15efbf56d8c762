"""Importing ecs_patterns is cheap, and each construct loads only what it needs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import ecs_patterns
from ecs_patterns import rules


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_import_loads_only_the_lazy_export_helper_nor_cdk_nag() -> None:
    loaded = _modules_after("import ecs_patterns")
    library = {m for m in loaded if m.startswith("ecs_patterns.")}
    assert library == {"ecs_patterns.core", "ecs_patterns.core._lazy"}
    assert "cdk_nag" not in loaded
    assert "aws_cdk" not in loaded


def test_core_modules_load_only_what_they_need() -> None:
    loaded = _modules_after("import ecs_patterns.core._errors")
    assert {m for m in loaded if m.startswith("ecs_patterns.")} == {
        "ecs_patterns.core",
        "ecs_patterns.core._errors",
        "ecs_patterns.core._lazy",
    }
    assert "aws_cdk" not in loaded


def test_a_rolling_service_does_not_load_codedeploy_release_monitoring_or_cdk_nag() -> None:
    loaded = _modules_after(
        "import ecs_patterns\necs_patterns.FargateWebService\necs_patterns.WebServiceProps"
    )
    assert "ecs_patterns.web._service" in loaded
    unused = {
        "cdk_nag",
        "ecs_patterns.release",
        "ecs_patterns.release._release",
        "ecs_patterns.monitoring",
        "ecs_patterns.monitoring._monitoring",
        "ecs_patterns.github",
        "ecs_patterns.github._github_oidc",
        "ecs_patterns.rules._pack",
        "ecs_patterns.core.deployment._codedeploy",
        "ecs_patterns.core.deployment._ecs_native",
        "aws_cdk.aws_codedeploy",
        "aws_cdk.aws_lambda",
        "aws_cdk.aws_stepfunctions",
        "aws_cdk.custom_resources",
        "aws_cdk.aws_cloudwatch",
    }
    assert unused & loaded == set()


def test_a_scheduled_job_does_not_load_services_monitoring_or_cdk_nag() -> None:
    loaded = _modules_after(
        "import ecs_patterns\necs_patterns.ScheduledJob\necs_patterns.ScheduledJobProps"
    )
    assert "ecs_patterns.job._job" in loaded
    unused = {
        "cdk_nag",
        "ecs_patterns.web",
        "ecs_patterns.worker",
        "ecs_patterns.monitoring",
        "ecs_patterns.release",
        "aws_cdk.aws_codedeploy",
        "aws_cdk.aws_lambda",
    }
    assert unused & loaded == set()


def test_the_pack_loads_cdk_nag_when_used() -> None:
    loaded = _modules_after("from ecs_patterns import EcsHardeningChecks")
    assert {"cdk_nag", "ecs_patterns.rules._pack"} <= loaded


@pytest.mark.parametrize("name", ecs_patterns.__all__)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(ecs_patterns, name)
    assert value is not None
    assert name in dir(ecs_patterns)
    assert getattr(ecs_patterns, name) is value  # cached after the first lookup


@pytest.mark.parametrize("name", rules.__all__)
def test_every_rules_name_resolves(name: str) -> None:
    assert getattr(rules, name) is not None
    assert name in dir(rules)


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'FargateWebServce'"):
        _ = ecs_patterns.FargateWebServce
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = rules.Nope
    with pytest.raises(ImportError):
        exec("from ecs_patterns import FargateWebServce")


def test_dir_lists_each_public_name_once() -> None:
    _ = ecs_patterns.FargateWebService  # cached in the module's globals now
    names = dir(ecs_patterns)
    assert len(names) == len(set(names))
    assert set(ecs_patterns.__all__) <= set(names)
