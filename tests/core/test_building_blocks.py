"""The public building blocks alone make a compliant custom workload.

A queue-less "custom worker" (no port, no load balancer) is built from FargateCluster,
HardenedTask and a plain ``ecs.FargateService``, with no acknowledgement of its own, and passes
the four cdk-nag packs, EcsHardeningChecks, aws-cdk-lib's built-in validation, cfn-lint and
checkov.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template

import ecs_patterns as ep
from ecs_patterns.testing import Finding, assert_no_findings, nag_findings, synth_findings
from scripts.checkov_scan import run_checkov
from tests.conftest import CFN_LINT, ENV, new_app, new_stack

WORKER_IMAGE = "public.ecr.aws/docker/library/busybox:1.36"


def custom_worker(stack: Stack) -> ecs.FargateService:
    """A worker service from the building blocks alone: no acknowledgement is made here."""
    cluster = ep.FargateCluster(stack, "Cluster")
    task = ep.HardenedTask(
        stack,
        "WorkerTask",
        key=cluster.key,
        container=ep.ContainerOptions(
            image=ecs.ContainerImage.from_registry(WORKER_IMAGE),
            health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
            environment={"QUEUE_NAME": "jobs"},
        ),
        task=ep.TaskOptions(cpu=512, memory_mib=1024, tracing=True),
    )
    return ecs.FargateService(
        stack,
        "Worker",
        cluster=cluster.cluster,
        task_definition=task.task_definition,
        desired_count=1,
        capacity_provider_strategies=cluster.default_capacity.to_cdk(),
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        assign_public_ip=False,
        circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
        enable_ecs_managed_tags=True,
        propagate_tags=ecs.PropagatedTagSource.SERVICE,
    )


@dataclass(frozen=True)
class Worker:
    stack: Stack
    template_file: Path
    template: dict[str, Any]
    validation: list[Finding]


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Worker:
    outdir = tmp_path_factory.mktemp("worker.out")
    app = new_app(outdir, validation=True)
    stack = Stack(app, "CustomWorker", env=ENV)
    custom_worker(stack)
    validation = synth_findings(app)
    path = outdir / "CustomWorker.template.json"
    template: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return Worker(stack=stack, template_file=path, template=template, validation=validation)


def _of_type(template: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [r for r in template["Resources"].values() if r["Type"] == resource_type]


def test_the_worker_passes_the_four_nag_packs_and_the_hardening_checks(worker: Worker) -> None:
    assert_no_findings(nag_findings(worker.stack))
    assert_no_findings(nag_findings(worker.stack, packs=[ep.EcsHardeningChecks(worker.stack)]))


def test_the_worker_passes_builtin_validation(worker: Worker) -> None:
    assert_no_findings(worker.validation)
    assert _of_type(worker.template, "AWS::ECS::Service")


def test_the_worker_passes_cfn_lint(worker: Worker) -> None:
    result = subprocess.run(
        [CFN_LINT, "--format", "parseable", str(worker.template_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_the_worker_passes_checkov(worker: Worker) -> None:
    run = run_checkov([worker.template_file])
    assert run.checks, "checkov checked nothing"
    assert [str(c) for c in run.checks if c.result == "FAILED"] == []


def test_the_worker_container_is_hardened_without_a_port(worker: Worker) -> None:
    template = worker.template
    (definition,) = _of_type(template, "AWS::ECS::TaskDefinition")
    app, sidecar = definition["Properties"]["ContainerDefinitions"]
    assert "PortMappings" not in app
    assert app["HealthCheck"]["Command"] == ["CMD", "/bin/true"]
    assert app["User"] == "1000:1000"
    assert app["ReadonlyRootFilesystem"] is True
    assert app["MountPoints"][0]["ContainerPath"] == "/tmp"
    assert app["LogConfiguration"]["LogDriver"] == "awslogs"
    assert sidecar["Name"] == "aws-otel-collector"
    (group,) = _of_type(template, "AWS::Logs::LogGroup")[:1]
    assert "KmsKeyId" in group["Properties"]
    assert definition["Properties"]["ExecutionRoleArn"] != definition["Properties"]["TaskRoleArn"]
    assert _of_type(template, "AWS::IAM::Policy") == []  # every grant in a managed policy
    (service,) = _of_type(template, "AWS::ECS::Service")
    network = service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"


def test_a_container_without_a_port_needs_a_health_check_command() -> None:
    stack = new_stack("NoPort")
    cluster = ep.FargateCluster(stack, "Cluster")
    with pytest.raises(ep.ConfigurationError) as raised:
        ep.HardenedTask(
            stack,
            "Task",
            key=cluster.key,
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(WORKER_IMAGE)),
        )
    assert raised.value.props_class == "HardenedTask"
    assert raised.value.props == ("container.health_check.command",)
    assert stack.node.try_find_child("Task") is None  # refused before anything was built


def test_a_container_with_a_port_gets_a_named_mapping_and_the_http_check() -> None:
    stack = new_stack("WithPort")
    cluster = ep.FargateCluster(stack, "Cluster")
    task = ep.HardenedTask(
        stack,
        "Task",
        key=cluster.key,
        port_name="api",
        container=ep.ContainerOptions(
            image=ecs.ContainerImage.from_registry(WORKER_IMAGE),
            port=9000,
            health_check=ep.HealthCheck(path="/ready"),
        ),
    )
    assert task.sidecar is None
    (definition,) = Template.from_stack(stack).find_resources("AWS::ECS::TaskDefinition").values()
    (app,) = definition["Properties"]["ContainerDefinitions"]
    assert app["PortMappings"][0]["Name"] == "api"
    assert app["PortMappings"][0]["ContainerPort"] == 9000
    shell, command = app["HealthCheck"]["Command"]
    assert shell == "CMD-SHELL"
    assert command.count("http://localhost:9000/ready") == 3  # curl, wget or python3


def test_the_task_checks_tracing_room_itself() -> None:
    stack = new_stack("Tracing")
    cluster = ep.FargateCluster(stack, "Cluster")
    with pytest.raises(ep.ConfigurationError) as raised:
        ep.HardenedTask(
            stack,
            "Task",
            key=cluster.key,
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(WORKER_IMAGE), port=8080
            ),
            task=ep.TaskOptions(tracing=True),
        )
    assert raised.value.props == ("task.cpu", "task.memory_mib")


def test_an_imported_repository_is_pulled_with_a_repository_scoped_grant() -> None:
    stack = new_stack("Imported")
    cluster = ep.FargateCluster(stack, "Cluster")
    repository = ecr.Repository.from_repository_name(stack, "Repo", "team/worker")
    task = ep.HardenedTask(
        stack,
        "Task",
        key=cluster.key,
        container=ep.ContainerOptions(
            repository=repository,
            image_tag="prod-1a2b3c4",
            health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
        ),
    )
    policy = task.execution_role.policy
    assert policy is not None
    document = stack.resolve(policy.document.to_json())
    pull = next(s for s in document["Statement"] if "ecr:BatchGetImage" in s["Action"])
    assert "repository/team/worker" in json.dumps(pull["Resource"])
    assert isinstance(repository, ep.ImageRepository)
    assert isinstance(task.execution_role, iam.Role)


def test_the_encrypted_log_group_refuses_infinite_retention() -> None:
    stack = new_stack("Logs")
    cluster = ep.FargateCluster(stack, "Cluster")
    with pytest.raises(ep.ConfigurationError) as raised:
        ep.encrypted_log_group(
            stack, "Logs", key=cluster.key, retention=logs.RetentionDays.INFINITE
        )
    assert raised.value.props == ("retention",)
    group = ep.encrypted_log_group(stack, "Finite", key=cluster.key)
    logical_id = stack.get_logical_id(group.node.default_child)  # type: ignore[arg-type]
    properties = Template.from_stack(stack).to_json()["Resources"][logical_id]["Properties"]
    assert properties["RetentionInDays"] == 365
    assert "KmsKeyId" in properties


def test_an_ecr_repository_with_its_own_key_also_grants_decryption() -> None:
    stack = new_stack("OwnKey")
    cluster = ep.FargateCluster(stack, "Cluster")
    key = kms.Key(stack, "RepoKey", enable_key_rotation=True)
    repository = ep.EcrRepository(stack, "Repo", ep.RepositoryProps(encryption_key=key))
    task = ep.HardenedTask(
        stack,
        "Task",
        key=cluster.key,
        container=ep.ContainerOptions(repository=repository, image_tag="prod-1a2b3c4", port=8080),
    )
    assert task.execution_role.policy is not None
    document = stack.resolve(task.execution_role.policy.document.to_json())
    actions = {a for s in document["Statement"] for a in _as_list(s["Action"])}
    assert {"ecr:BatchGetImage", "kms:Decrypt"} <= actions


def test_a_managed_policy_role_puts_every_grant_in_its_managed_policy() -> None:
    stack = new_stack("Role")
    role = ep.ManagedPolicyRole(
        stack,
        "Role",
        assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        description="A worker's own permissions",
    )
    assert role.policy is None  # created on the first grant
    queue = sqs.Queue(stack, "Queue", enforce_ssl=True)
    queue.grant_consume_messages(role)
    template = Template.from_stack(stack)
    assert template.find_resources("AWS::IAM::Policy") == {}
    assert role.policy is not None
    (policy,) = template.find_resources("AWS::IAM::ManagedPolicy").values()
    actions = {
        a
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        for a in _as_list(s["Action"])
    }
    assert "sqs:ReceiveMessage" in actions


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
