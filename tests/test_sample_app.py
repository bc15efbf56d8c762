"""The sample app, built exactly as `cdk synth` builds it (nag packs and built-in validation on)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from ecs_patterns.testing import Finding, assert_no_findings
from sample_app.stacks import (
    SAMPLE_REPOSITORY_NAME,
    SAMPLE_REPOSITORY_STACK,
    SAMPLE_SERVICES_STACK,
)
from tests.conftest import SampleSynthesized

Templates = dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def sample(
    sample_synthesized: SampleSynthesized,
) -> tuple[Templates, list[Finding]]:
    return sample_synthesized.templates, sample_synthesized.findings


def test_sample_app_has_no_unacknowledged_findings(
    sample: tuple[Templates, list[Finding]],
) -> None:
    # Four nag packs and aws-cdk-lib's built-in CloudFormation validation, as at `cdk synth`.
    assert_no_findings(sample[1])


def _types(template: dict[str, Any]) -> set[str]:
    return {r["Type"] for r in template["Resources"].values()}


def test_sample_app_is_two_stacks_repository_first(sample_synthesized: SampleSynthesized) -> None:
    assert set(sample_synthesized.templates) == {SAMPLE_REPOSITORY_STACK, SAMPLE_SERVICES_STACK}
    manifest = json.loads((sample_synthesized.outdir / "manifest.json").read_text("utf-8"))
    artifacts = manifest["artifacts"]
    # `cdk deploy --all` deploys a stack's dependencies first.
    assert SAMPLE_REPOSITORY_STACK in artifacts[SAMPLE_SERVICES_STACK]["dependencies"]
    assert SAMPLE_SERVICES_STACK not in artifacts[SAMPLE_REPOSITORY_STACK].get("dependencies", [])
    # Both stacks are written, so `cdk synth` / `cdk deploy` find both templates.
    for stack in (SAMPLE_REPOSITORY_STACK, SAMPLE_SERVICES_STACK):
        assert (sample_synthesized.outdir / f"{stack}.template.json").is_file()


def test_sample_repository_stack_snapshot(
    sample: tuple[Templates, list[Finding]], template_snapshot: SnapshotAssertion
) -> None:
    assert sample[0][SAMPLE_REPOSITORY_STACK] == template_snapshot


def test_sample_services_stack_snapshot(
    sample: tuple[Templates, list[Finding]], template_snapshot: SnapshotAssertion
) -> None:
    assert sample[0][SAMPLE_SERVICES_STACK] == template_snapshot


def test_sample_repository_stack_holds_only_the_repository_and_the_deploy_role(
    sample: tuple[Templates, list[Finding]],
) -> None:
    template = sample[0][SAMPLE_REPOSITORY_STACK]
    repositories = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::ECR::Repository"
    ]
    assert [r["RepositoryName"] for r in repositories] == [SAMPLE_REPOSITORY_NAME]
    types = _types(template)
    assert {"AWS::IAM::Role", "AWS::IAM::OIDCProvider"} <= types
    # Nothing that pulls an image or runs: the stack deploys before any image exists.
    assert not {t for t in types if t.startswith(("AWS::ECS::", "AWS::EC2::", "AWS::Elastic"))}
    assert "DeployRoleArn" in template["Outputs"]


def test_sample_services_stack_holds_cluster_services_and_monitoring_but_no_repository(
    sample: tuple[Templates, list[Finding]],
) -> None:
    types = _types(sample[0][SAMPLE_SERVICES_STACK])
    assert {
        "AWS::ECS::Cluster",
        "AWS::EC2::VPC",
        "AWS::ECS::Service",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::CloudWatch::CompositeAlarm",
        "AWS::SNS::Topic",
        "AWS::CloudWatch::Dashboard",
    } <= types
    assert "AWS::ECR::Repository" not in types
    assert "AWS::IAM::OIDCProvider" not in types


def test_sample_service_image_comes_from_the_repository_stack_and_context_tag(
    sample: tuple[Templates, list[Finding]],
) -> None:
    exports = {
        o["Export"]["Name"]
        for o in sample[0][SAMPLE_REPOSITORY_STACK]["Outputs"].values()
        if "Export" in o
    }
    resources = sample[0][SAMPLE_SERVICES_STACK]["Resources"]
    tasks = [r for r in resources.values() if r["Type"] == "AWS::ECS::TaskDefinition"]
    assert len(tasks) == 2  # the blue/green web service and the rolling API
    for task in tasks:
        image = json.dumps(task["Properties"]["ContainerDefinitions"][0]["Image"])
        assert ":bootstrap" in image  # cdk.json's image_tag
        imported = set(re.findall(r'"Fn::ImportValue": "([^"]+)"', image))
        assert imported, image  # the repository's name and ARN, imported from its stack
        assert imported <= exports
    # The execution roles may pull from the imported repository ARN only.
    pulls = [
        s
        for r in resources.values()
        if r["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
        for s in r["Properties"]["PolicyDocument"]["Statement"]
        if "ecr:BatchGetImage" in json.dumps(s["Action"])
    ]
    assert len(pulls) == 2
    for statement in pulls:
        (name,) = re.findall(r'"Fn::ImportValue": "([^"]+)"', json.dumps(statement["Resource"]))
        assert name in exports


def _services(sample: tuple[Templates, list[Finding]]) -> dict[str, Any]:
    resources = sample[0][SAMPLE_SERVICES_STACK]["Resources"]
    return {k: r["Properties"] for k, r in resources.items() if r["Type"] == "AWS::ECS::Service"}


def test_sample_web_service_deploys_with_codedeploy_blue_green_and_alarm_rollback(
    sample: tuple[Templates, list[Finding]],
) -> None:
    resources = sample[0][SAMPLE_SERVICES_STACK]["Resources"]
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
    sample: tuple[Templates, list[Finding]],
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
    sample: tuple[Templates, list[Finding]],
) -> None:
    template = sample[0][SAMPLE_REPOSITORY_STACK]
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
