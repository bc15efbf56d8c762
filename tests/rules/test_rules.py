"""The EcsPatterns hardening pack: pure checks on dicts, and the cdk-nag pack on real stacks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Acknowledgment, App, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs

import ecs_patterns as ep
from ecs_patterns.rules import (
    RULE_IDS,
    RULES,
    Compliance,
    EcsHardeningChecks,
    circuit_breaker,
    container_health_check,
    container_image_pinned,
    container_non_root_user,
    container_plaintext_secrets,
    container_readonly_root_filesystem,
    fargate_task_size,
    is_unresolved,
    log_group_encryption,
    log_group_retention,
    looks_secret,
    spot_only_capacity,
    target_group_deregistration_delay,
    target_group_health_check_speed,
)
from ecs_patterns.testing import Finding, assert_no_findings, nag_findings
from tests.conftest import ENV, Synthesized, new_app

OK = Compliance.COMPLIANT
BAD = Compliance.NON_COMPLIANT
NA = Compliance.NOT_APPLICABLE

TD = "AWS::ECS::TaskDefinition"
SVC = "AWS::ECS::Service"
LOGS = "AWS::Logs::LogGroup"
TG = "AWS::ElasticLoadBalancingV2::TargetGroup"
REF: dict[str, Any] = {"Ref": "Param"}
GOOD_CONTAINER: dict[str, Any] = {
    "Name": "app",
    "Image": "public.ecr.aws/nginx/nginx:1.27",
    "User": "1000:1000",
    "ReadonlyRootFilesystem": True,
    "HealthCheck": {"Command": ["CMD", "true"]},
}


def task(**container: Any) -> dict[str, Any]:
    """A task definition with one container: GOOD_CONTAINER with ``container`` merged in."""
    merged = {**GOOD_CONTAINER, **container}
    return {"ContainerDefinitions": [{k: v for k, v in merged.items() if v is not None}]}


def ecr_image(tag: object) -> dict[str, Any]:
    """An ECR image reference as CDK renders it (Fn::Join), with ``tag`` after the colon."""
    return {
        "Fn::Join": [
            "",
            [
                {"Fn::Select": [4, {"Fn::Split": [":", {"Fn::GetAtt": ["Repo", "Arn"]}]}]},
                ".dkr.ecr.us-east-1.",
                {"Ref": "AWS::URLSuffix"},
                "/",
                {"Ref": "Repo"},
                ":",
                tag,
            ],
        ]
    }


# --- pure checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("nginx:1.27", OK),
        ("nginx@sha256:" + "a" * 64, OK),
        ("localhost:5000/team/app:v2", OK),
        ("nginx:latest", BAD),
        ("nginx", BAD),
        ("localhost:5000/team/app", BAD),
        (ecr_image("v1.2.3"), OK),
        (ecr_image("latest"), BAD),
        (ecr_image({"Ref": "ImageTag"}), NA),
        ({"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/r:abc"}, OK),
        ({"Fn::Sub": "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/r:${Tag}"}, NA),
        ({"Fn::Join": ["", ["repo@", {"Ref": "Digest"}]]}, OK),
        ({"Fn::Join": ["", ["registry/", {"Ref": "Name"}]]}, NA),
        (REF, NA),
    ],
)
def test_image_pinned(image: object, expected: Compliance) -> None:
    assert container_image_pinned(TD, task(Image=image)) is expected


@pytest.mark.parametrize(
    ("value", "expected"), [(True, OK), ("true", OK), (False, BAD), (None, BAD), (REF, NA)]
)
def test_readonly_root_filesystem(value: object, expected: Compliance) -> None:
    assert container_readonly_root_filesystem(TD, task(ReadonlyRootFilesystem=value)) is expected


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("1000", OK),
        ("1000:1000", OK),
        ("app", OK),
        (None, BAD),
        ("root", BAD),
        ("0", BAD),
        ("0:0", BAD),
        ("root:wheel", BAD),
        (REF, NA),
    ],
)
def test_non_root_user(user: object, expected: Compliance) -> None:
    assert container_non_root_user(TD, task(User=user)) is expected


def test_health_check() -> None:
    assert container_health_check(TD, task()) is OK
    assert container_health_check(TD, task(HealthCheck=None)) is BAD
    assert container_health_check(TD, task(HealthCheck=None, Essential=True)) is BAD
    assert container_health_check(TD, task(HealthCheck=None, Essential=False)) is OK
    assert container_health_check(TD, task(HealthCheck=None, Essential=REF)) is NA


def test_any_bad_container_makes_the_task_bad() -> None:
    props = {"ContainerDefinitions": [GOOD_CONTAINER, {**GOOD_CONTAINER, "User": "root"}]}
    assert container_non_root_user(TD, props) is BAD
    assert container_non_root_user(TD, {"ContainerDefinitions": [GOOD_CONTAINER, REF]}) is NA
    assert container_non_root_user(TD, {"ContainerDefinitions": REF}) is NA


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("DB_PASSWORD", True),
        ("client_secret", True),
        ("GITHUB_TOKEN", True),
        ("STRIPE_API_KEY", True),
        ("DB_SECRET_ARN", False),
        ("TOKEN_URL", False),
        ("LOG_LEVEL", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert looks_secret(name) is secret
    env = [{"Name": "PORT", "Value": "8080"}, {"Name": name, "Value": "x"}]
    expected = BAD if secret else OK
    assert container_plaintext_secrets(TD, task(Environment=env)) is expected


def test_plaintext_secrets_ignores_token_names_and_secrets_block() -> None:
    assert container_plaintext_secrets(TD, task()) is OK
    assert container_plaintext_secrets(TD, task(Environment=[{"Name": REF, "Value": "x"}])) is OK
    assert container_plaintext_secrets(TD, task(Environment=REF)) is NA
    secrets = [{"Name": "DB_PASSWORD", "ValueFrom": "arn:aws:secretsmanager:..."}]
    assert container_plaintext_secrets(TD, task(Secrets=secrets)) is OK


WINDOWS = {"OperatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}


def fargate(cpu: object, memory: object, **extra: Any) -> dict[str, Any]:
    return {"RequiresCompatibilities": ["FARGATE"], "Cpu": cpu, "Memory": memory, **extra}


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (fargate("256", "512"), OK),
        (fargate("1024", "8192"), OK),
        (fargate("1 vCPU", "2 GB"), OK),
        (fargate(512, 4096), OK),
        (fargate("256", "4096"), BAD),
        (fargate("300", "1024"), BAD),
        (fargate("4 vCPU", "4 GB"), BAD),
        (fargate(REF, "512"), NA),
        (fargate("256", {"Fn::FindInMap": ["M", "k", "v"]}), NA),
        ({"RequiresCompatibilities": ["EC2"], "Cpu": "256", "Memory": "4096"}, NA),
        (fargate("256", "4096", RuntimePlatform=WINDOWS), NA),
        (fargate("256", "512", RuntimePlatform={"CpuArchitecture": "ARM64"}), OK),
    ],
)
def test_fargate_task_size(props: dict[str, Any], expected: Compliance) -> None:
    assert fargate_task_size(TD, props) is expected


def deployment(**config: Any) -> dict[str, Any]:
    return {"DeploymentConfiguration": config}


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (deployment(DeploymentCircuitBreaker={"Enable": True, "Rollback": True}), OK),
        (deployment(DeploymentCircuitBreaker={"Enable": False, "Rollback": False}), BAD),
        (deployment(MaximumPercent=200), BAD),
        ({}, BAD),
        ({"DeploymentController": {"Type": "ECS"}}, BAD),
        ({"DeploymentController": {"Type": "CODE_DEPLOY"}}, NA),
        ({"DeploymentController": {"Type": "EXTERNAL"}}, NA),
        ({"DeploymentController": {"Type": REF}}, NA),
        # ECS-native blue/green, linear and canary: ECS supports the breaker for them too.
        (deployment(Strategy="BLUE_GREEN"), BAD),
        (deployment(Strategy="CANARY"), BAD),
        (deployment(Strategy="LINEAR", DeploymentCircuitBreaker={"Enable": True}), OK),
        (deployment(Strategy=REF), BAD),
        (deployment(Strategy="ROLLING"), BAD),
        (deployment(DeploymentCircuitBreaker={"Enable": REF, "Rollback": True}), NA),
    ],
)
def test_circuit_breaker(props: dict[str, Any], expected: Compliance) -> None:
    assert circuit_breaker(SVC, props) is expected


def strategy(*items: tuple[object, object]) -> dict[str, Any]:
    return {
        "CapacityProviderStrategy": [
            {"CapacityProvider": p, "Weight": 1, **({} if b is None else {"Base": b})}
            for p, b in items
        ]
    }


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (strategy(("FARGATE", 1), ("FARGATE_SPOT", None)), OK),
        (strategy(("FARGATE", "2"), ("FARGATE_SPOT", None)), OK),
        (strategy(("FARGATE", None)), OK),
        (strategy(("FARGATE_SPOT", None)), BAD),
        (strategy(("FARGATE", 0), ("FARGATE_SPOT", None)), BAD),
        (strategy(("FARGATE", REF), ("FARGATE_SPOT", None)), NA),
        (strategy((REF, 1)), NA),
        ({"LaunchType": "FARGATE"}, NA),
    ],
)
def test_spot_only(props: dict[str, Any], expected: Compliance) -> None:
    assert spot_only_capacity(SVC, props) is expected


def test_spot_only_checks_the_cluster_default_strategy() -> None:
    assoc = "AWS::ECS::ClusterCapacityProviderAssociations"
    props = strategy(("FARGATE_SPOT", None))["CapacityProviderStrategy"]
    assert spot_only_capacity(assoc, {"DefaultCapacityProviderStrategy": props}) is BAD
    assert spot_only_capacity(LOGS, {"DefaultCapacityProviderStrategy": props}) is NA


def test_log_group() -> None:
    assert log_group_retention(LOGS, {"RetentionInDays": 30}) is OK
    assert log_group_retention(LOGS, {"RetentionInDays": REF}) is OK
    assert log_group_retention(LOGS, {}) is BAD
    assert log_group_encryption(LOGS, {"KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}) is OK
    assert log_group_encryption(LOGS, {"RetentionInDays": 30}) is BAD


def attributes(delay: object) -> dict[str, Any]:
    return {
        "TargetType": "ip",
        "TargetGroupAttributes": [
            {"Key": "stickiness.enabled", "Value": "false"},
            {"Key": "deregistration_delay.timeout_seconds", "Value": delay},
        ],
    }


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (attributes("30"), OK),
        (attributes("60"), OK),
        (attributes(61), BAD),
        ({"TargetType": "ip"}, BAD),
        (attributes(REF), NA),
        ({"TargetType": "lambda"}, NA),
    ],
)
def test_deregistration_delay(props: dict[str, Any], expected: Compliance) -> None:
    assert target_group_deregistration_delay(TG, props) is expected


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"HealthCheckIntervalSeconds": 10, "HealthyThresholdCount": 3}, OK),
        ({"HealthCheckIntervalSeconds": 5, "HealthyThresholdCount": 6}, OK),
        ({"HealthCheckIntervalSeconds": 10, "HealthyThresholdCount": 5}, BAD),
        ({}, BAD),
        ({"HealthCheckIntervalSeconds": REF, "HealthyThresholdCount": 2}, NA),
        ({"TargetType": "lambda"}, NA),
        ({"HealthCheckEnabled": False}, NA),
    ],
)
def test_health_check_speed(props: dict[str, Any], expected: Compliance) -> None:
    assert target_group_health_check_speed(TG, props) is expected


def test_checks_ignore_other_resource_types() -> None:
    for rule in RULES:
        assert rule.check("AWS::SQS::Queue", {}) is NA


def test_is_unresolved() -> None:
    assert is_unresolved({"Ref": "X"})
    assert is_unresolved({"Fn::GetAtt": ["X", "Arn"]})
    assert is_unresolved("{{resolve:ssm:/p}}")
    assert not is_unresolved({"Enable": True})
    assert not is_unresolved("nginx:1.27")


def test_rule_ids_are_unique_and_prefixed() -> None:
    assert len(set(RULE_IDS)) == len(RULES) == 12
    assert all(rule_id.startswith("EcsPatterns-") for rule_id in RULE_IDS)
    assert all(rule.info and rule.explanation for rule in RULES)


# --- the pack on real stacks --------------------------------------------------------------------


@dataclass(frozen=True)
class BadApp:
    app: App
    task_definition: ecs.FargateTaskDefinition
    service: ecs.FargateService


def build_bad(app: App, name: str = "Bad") -> BadApp:
    """Plain aws-cdk-lib: nginx:latest as root, writable root fs, no health check, Spot only."""
    stack = Stack(app, name, env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    cluster = ecs.Cluster(stack, "Cluster", vpc=vpc)
    task_definition = ecs.FargateTaskDefinition(stack, "Task")
    task_definition.add_container("web", image=ecs.ContainerImage.from_registry("nginx:latest"))
    service = ecs.FargateService(
        stack,
        "Service",
        cluster=cluster,
        task_definition=task_definition,
        capacity_provider_strategies=[
            ecs.CapacityProviderStrategy(capacity_provider="FARGATE_SPOT", weight=1)
        ],
    )
    return BadApp(app, task_definition, service)


def by_rule(findings: list[Finding]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in findings:
        out.setdefault(f.rule, set()).add(f.construct_path)
    return out


@pytest.fixture(scope="module")
def bad() -> BadApp:
    return build_bad(new_app())


EXPECTED_BAD = {
    "EcsPatterns-ImagePinned": {"Bad/Task/Resource"},
    "EcsPatterns-ReadonlyRootFilesystem": {"Bad/Task/Resource"},
    "EcsPatterns-NonRootUser": {"Bad/Task/Resource"},
    "EcsPatterns-ContainerHealthCheck": {"Bad/Task/Resource"},
    "EcsPatterns-CircuitBreaker": {"Bad/Service/Service"},
    "EcsPatterns-SpotOnly": {"Bad/Service/Service"},
}


def test_pack_reports_the_bad_stack(bad: BadApp) -> None:
    findings = nag_findings(bad.app, packs=[EcsHardeningChecks(bad.app)])
    assert by_rule(findings) == EXPECTED_BAD
    severities = {f.rule: f.severity for f in findings}
    assert severities["EcsPatterns-NonRootUser"] == "error"
    assert severities["EcsPatterns-SpotOnly"] == "warning"
    assert {f.plugin for f in findings} == {"EcsPatterns"}


def test_acknowledging_one_rule_removes_exactly_that_finding() -> None:
    bad = build_bad(new_app())
    Validations.of(bad.task_definition).acknowledge(
        Acknowledgment(id="EcsPatterns-NonRootUser", reason="image drops privileges itself")
    )
    findings = nag_findings(bad.app, packs=[EcsHardeningChecks(bad.app)])
    expected = {k: v for k, v in EXPECTED_BAD.items() if k != "EcsPatterns-NonRootUser"}
    assert by_rule(findings) == expected


def test_plugin_qualified_acknowledgement_works_without_synth() -> None:
    bad = build_bad(new_app())
    Validations.of(bad.task_definition).acknowledge(
        Acknowledgment(id="EcsPatterns::EcsPatterns-ImagePinned", reason="pinned by CI")
    )
    findings = nag_findings(bad.app, packs=[EcsHardeningChecks(bad.app)])
    expected = {k: v for k, v in EXPECTED_BAD.items() if k != "EcsPatterns-ImagePinned"}
    assert by_rule(findings) == expected


def test_library_helper_acknowledges_on_the_single_resource() -> None:
    from ecs_patterns import Exemption, exempt

    bad = build_bad(new_app())
    exempt(
        bad.service,
        Exemption(nag=["EcsPatterns-SpotOnly"], reason="batch worker, interruptions are fine"),
    )
    rules = by_rule(nag_findings(bad.app, packs=[EcsHardeningChecks(bad.app)]))
    assert "EcsPatterns-SpotOnly" not in rules
    assert rules["EcsPatterns-CircuitBreaker"] == {"Bad/Service/Service"}


def test_pack_reports_through_synth_validation_report(tmp_path: Any) -> None:
    from ecs_patterns.testing import synth_findings

    app = new_app(tmp_path)
    build_bad(app)
    Validations.of(app).add_plugins(EcsHardeningChecks(app))
    findings = [f for f in synth_findings(app) if f.plugin == "EcsPatterns"]
    assert by_rule(findings) == EXPECTED_BAD
    assert (tmp_path / "validation-report.json").exists()


def test_hardened_plain_task_definition_passes() -> None:
    app = new_app()
    stack = Stack(app, "Good", env=ENV)
    task_definition = ecs.FargateTaskDefinition(stack, "Task", cpu=512, memory_limit_mib=1024)
    task_definition.add_container(
        "web",
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
        user="101:101",
        readonly_root_filesystem=True,
        health_check=ecs.HealthCheck(command=["CMD-SHELL", "true"]),
        environment={"LOG_LEVEL": "info"},
    )
    assert_no_findings(nag_findings(app, packs=[EcsHardeningChecks(app)]))


def test_fargate_cluster_stacks_have_no_findings() -> None:
    app = new_app()
    ep.FargateCluster(Stack(app, "Defaults", env=ENV), "Cluster")
    ep.FargateCluster(
        Stack(app, "OnDemand", env=ENV),
        "Cluster",
        ep.ClusterProps(default_capacity=ep.CapacityStrategy.on_demand_only(base=1)),
    )
    assert_no_findings(nag_findings(app, packs=[EcsHardeningChecks(app)]))


def test_registered_library_stacks_pass_the_pack(synthesized: Synthesized) -> None:
    app = synthesized.app
    assert_no_findings(nag_findings(app, packs=[EcsHardeningChecks(app)]))
