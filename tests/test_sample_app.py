"""The sample app, built exactly as `cdk synth` builds it (nag packs and built-in validation on)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from ecs_patterns.testing import Finding, assert_no_findings
from tests.conftest import SampleSynthesized


@pytest.fixture(scope="session")
def sample(
    sample_synthesized: SampleSynthesized,
) -> tuple[dict[str, dict[str, Any]], list[Finding]]:
    return sample_synthesized.templates, sample_synthesized.findings


def test_sample_app_has_no_unacknowledged_findings(
    sample: tuple[dict[str, dict[str, Any]], list[Finding]],
) -> None:
    # Four nag packs and aws-cdk-lib's built-in CloudFormation validation, as at `cdk synth`.
    assert_no_findings(sample[1])


def test_sample_stack_snapshot(
    sample: tuple[dict[str, dict[str, Any]], list[Finding]], template_snapshot: SnapshotAssertion
) -> None:
    assert sample[0]["EcsPatternsSample"] == template_snapshot


def test_sample_stack_holds_repository_and_cluster(
    sample: tuple[dict[str, dict[str, Any]], list[Finding]],
) -> None:
    types = {r["Type"] for r in sample[0]["EcsPatternsSample"]["Resources"].values()}
    assert {
        "AWS::ECR::Repository",
        "AWS::ECS::Cluster",
        "AWS::EC2::VPC",
        "AWS::ECS::Service",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::CloudWatch::CompositeAlarm",
        "AWS::SNS::Topic",
        "AWS::CloudWatch::Dashboard",
    } <= types


def test_sample_service_image_comes_from_the_repository_and_context_tag(
    sample: tuple[dict[str, dict[str, Any]], list[Finding]],
) -> None:
    resources = sample[0]["EcsPatternsSample"]["Resources"]
    tasks = [r for r in resources.values() if r["Type"] == "AWS::ECS::TaskDefinition"]
    assert len(tasks) == 2  # the blue/green web service and the rolling API
    for task in tasks:
        image = json.dumps(task["Properties"]["ContainerDefinitions"][0]["Image"])
        assert ":bootstrap" in image  # cdk.json's image_tag
        assert "Repository" in image


def _services(sample: tuple[dict[str, dict[str, Any]], list[Finding]]) -> dict[str, Any]:
    resources = sample[0]["EcsPatternsSample"]["Resources"]
    return {k: r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::ECS::Service"}


def test_sample_web_service_deploys_with_codedeploy_blue_green_and_alarm_rollback(
    sample: tuple[dict[str, dict[str, Any]], list[Finding]],
) -> None:
    resources = sample[0]["EcsPatternsSample"]["Resources"]
    (web,) = [p for k, p in _services(sample).items() if k.startswith("Web")]
    assert web["DeploymentController"] == {"Type": "CODE_DEPLOY"}
    (group,) = [r for r in resources.values() if r["Type"] == "AWS::CodeDeploy::DeploymentGroup"]
    props = group["Properties"]
    assert props["DeploymentConfigName"] == "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"
    assert "DEPLOYMENT_STOP_ON_ALARM" in props["AutoRollbackConfiguration"]["Events"]
    assert len(props["AlarmConfiguration"]["Alarms"]) == 3
    # The release custom resource carries the task definition ARN, so `cdk deploy` of a new
    # image triggers a CodeDeploy deployment.
    releases = [
        r
        for r in resources.values()
        if r["Type"].startswith("Custom::") and "AWS::ECS::Service" in json.dumps(r)
    ]
    assert len(releases) == 1


def test_sample_api_service_deploys_rolling_with_circuit_breaker_and_alarm_rollback(
    sample: tuple[dict[str, dict[str, Any]], list[Finding]],
) -> None:
    (api,) = [p for k, p in _services(sample).items() if k.startswith("Api")]
    assert api["DeploymentController"] == {"Type": "ECS"}
    config = api["DeploymentConfiguration"]
    assert config["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert (config["Alarms"]["Enable"], config["Alarms"]["Rollback"]) == (True, True)
    assert (config["MinimumHealthyPercent"], config["MaximumPercent"]) == (100, 200)


def test_sample_app_sources_exist() -> None:
    service = Path(__file__).resolve().parent.parent / "sample_app" / "service"
    dockerfile = (service / "Dockerfile").read_text(encoding="utf-8")
    assert "USER" in dockerfile
    assert dockerfile.count("FROM ") >= 2


def test_sample_deploy_role_trusts_main_of_the_context_repository_and_pushes_only_its_repo(
    sample: tuple[dict[str, dict[str, Any]], list[Finding]],
) -> None:
    template = sample[0]["EcsPatternsSample"]
    resources = template["Resources"]
    roles = [
        r
        for r in resources.values()
        if r["Type"] == "AWS::IAM::Role"
        and "sts:AssumeRoleWithWebIdentity"
        in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
    ]
    assert len(roles) == 1
    (statement,) = roles[0]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    conditions = statement["Condition"]
    # StringLike because branch prefixes ('release/*') are allowed; here the one subject is exact.
    subjects = conditions["StringLike"]["token.actions.githubusercontent.com:sub"]
    assert subjects == ["repo:ecs-patterns/ecs-patterns:ref:refs/heads/main"]
    assert conditions["StringEquals"]["token.actions.githubusercontent.com:aud"] == (
        "sts.amazonaws.com"
    )
    # ECR push is granted on exactly the sample repository.
    (repo_id,) = [k for k, r in resources.items() if r["Type"] == "AWS::ECR::Repository"]
    push = [
        s
        for r in resources.values()
        if r["Type"] == "AWS::IAM::ManagedPolicy"
        for s in r["Properties"]["PolicyDocument"]["Statement"]
        if "ecr:PutImage" in json.dumps(s["Action"])
    ]
    assert push
    assert all(repo_id in json.dumps(s["Resource"]) for s in push)
    assert "DeployRoleArn" in template["Outputs"]
