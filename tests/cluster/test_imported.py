"""A service on a cluster the library did not create (FargateCluster.from_existing)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Template

import ecs_patterns as ep
from ecs_patterns.testing import assert_no_findings, nag_findings, synth_findings
from scripts.checkov_scan import run_checkov
from tests.conftest import CFN_LINT, ENV, new_app, new_stack

CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
IMAGE = "public.ecr.aws/nginx/nginx:1.27"


def _imported(stack: Stack, **handle: Any) -> tuple[ep.ImportedCluster, ec2.IVpc]:
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        vpc_cidr_block="10.40.0.0/16",
        availability_zones=["us-east-1a", "us-east-1b"],
        public_subnet_ids=["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
        private_subnet_ids=["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
    )
    exec_group = handle.pop("exec_group", None)
    cluster = ecs.Cluster.from_cluster_attributes(
        stack,
        "Existing",
        cluster_name="platform",
        vpc=vpc,
        security_groups=[],
        execute_command_configuration=ecs.ExecuteCommandConfiguration(
            logging=ecs.ExecuteCommandLogging.OVERRIDE,
            log_configuration=ecs.ExecuteCommandLogConfiguration(
                cloud_watch_log_group=exec_group, cloud_watch_encryption_enabled=True
            ),
        )
        if exec_group is not None
        else None,
    )
    return ep.FargateCluster.from_existing(stack, "Platform", cluster=cluster, **handle), vpc


def _service(
    stack: Stack,
    cluster: ep.ImportedCluster,
    *,
    container: dict[str, Any] | None = None,
    load_balancer: dict[str, Any] | None = None,
    **props: Any,
) -> ep.FargateWebService:
    return ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(IMAGE), **(container or {})
            ),
            load_balancer=ep.LoadBalancerOptions(
                certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN),
                **(load_balancer or {}),
            ),
            cluster=cluster,
            **props,
        ),
    )


def _warnings(construct: Any) -> list[str]:
    return [str(e.data) for e in construct.node.metadata if e.type == "aws:cdk:warning"]


def test_service_on_an_imported_cluster_passes_every_checker(tmp_path: Path) -> None:
    app = new_app(tmp_path, validation=True)
    stack = Stack(app, "Imported", env=ENV)
    handle, _ = _imported(stack)
    service = _service(stack, handle)
    assert service.cluster is handle
    assert service.service.cluster.cluster_name == handle.cluster.cluster_name == "platform"
    assert_no_findings(nag_findings(stack))
    assert_no_findings(nag_findings(stack, packs=[ep.EcsHardeningChecks(stack)]))
    assert_no_findings(synth_findings(app))
    template_file = tmp_path / "Imported.template.json"
    lint = subprocess.run(
        [CFN_LINT, "--format", "parseable", str(template_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.stdout == ""
    assert lint.returncode == 0, lint.stderr
    assert [str(c) for c in run_checkov([template_file]).failed] == []


def test_nothing_is_added_to_the_imported_cluster_or_vpc() -> None:
    stack = new_stack()
    handle, _ = _imported(stack)
    _service(stack, handle)
    template = Template.from_stack(stack)
    for kind in (
        "AWS::ECS::Cluster",
        "AWS::ECS::ClusterCapacityProviderAssociations",
        "AWS::EC2::VPC",
        "AWS::EC2::FlowLog",
    ):
        template.resource_count_is(kind, 0)
    (service,) = template.find_resources("AWS::ECS::Service").values()
    assert service["Properties"]["Cluster"] == "platform"
    assert service["Properties"]["NetworkConfiguration"]["AwsvpcConfiguration"]["Subnets"] == [
        "subnet-0bbbbbbbbbbbbbbb1",
        "subnet-0bbbbbbbbbbbbbbb2",
    ]


def test_unknown_capacity_means_fargate_only_with_a_warning() -> None:
    stack = new_stack()
    handle, _ = _imported(stack)
    _service(stack, handle)
    (service,) = Template.from_stack(stack).find_resources("AWS::ECS::Service").values()
    assert service["Properties"]["CapacityProviderStrategy"] == [
        {"CapacityProvider": "FARGATE", "Weight": 1}
    ]
    assert any("ImportedClusterCapacity" in w for w in _warnings(handle))


def test_given_capacity_is_used_without_a_warning() -> None:
    stack = new_stack()
    handle, _ = _imported(stack, default_capacity=ep.CapacityStrategy())
    _service(stack, handle)
    (service,) = Template.from_stack(stack).find_resources("AWS::ECS::Service").values()
    providers = [s["CapacityProvider"] for s in service["Properties"]["CapacityProviderStrategy"]]
    assert providers == ["FARGATE", "FARGATE_SPOT"]
    assert _warnings(handle) == []


def test_without_a_key_one_rotating_key_per_handle_encrypts_the_logs() -> None:
    stack = new_stack()
    handle, _ = _imported(stack)
    _service(stack, handle)
    template = Template.from_stack(stack)
    (key_id,) = template.find_resources(
        "AWS::KMS::Key", {"Properties": {"EnableKeyRotation": True}}
    )
    assert key_id.startswith("Platform")
    for group in template.find_resources("AWS::Logs::LogGroup").values():
        assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_a_given_key_is_used_and_none_is_created() -> None:
    stack = new_stack()
    key = kms.Key.from_key_arn(
        stack, "Key", "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    handle, _ = _imported(stack, key=key)
    assert handle.key is key
    _service(stack, handle)
    Template.from_stack(stack).resource_count_is("AWS::KMS::Key", 0)


def test_ecs_exec_is_refused_without_an_exec_log_group() -> None:
    stack = new_stack()
    handle, _ = _imported(stack)
    with pytest.raises(ep.ConfigurationError) as raised:
        _service(
            stack,
            handle,
            placement=ep.PlacementOptions(enable_execute_command=True),
            container={"readonly_root_filesystem": False},
        )
    assert raised.value.props == ("placement.enable_execute_command",)
    assert "exec_log_group=" in str(raised.value)


def test_ecs_exec_with_a_given_exec_log_group_scopes_session_logs_to_it() -> None:
    stack = new_stack()
    group = logs.LogGroup.from_log_group_name(stack, "ExecLogs", "platform-exec")
    handle, _ = _imported(stack, exec_group=group)
    service = _service(
        stack,
        handle,
        placement=ep.PlacementOptions(enable_execute_command=True),
        container={"readonly_root_filesystem": False},
    )
    assert handle.exec_log_group is not None
    assert handle.exec_log_group.log_group_name == "platform-exec"
    policy = service.task_role.policy
    assert policy is not None
    document = Stack.of(policy).resolve(policy.document.to_json())
    log_grants = [s for s in document["Statement"] if "logs:PutLogEvents" in s["Action"]]
    assert any(":log-group:platform-exec:*" in str(s["Resource"]) for s in log_grants)
    # The session-log wildcard is exempted on that group's streams only.
    assert nag_findings(stack) == []


def test_exec_log_group_without_the_cluster_exec_configuration_is_rejected() -> None:
    stack = new_stack()
    group = logs.LogGroup.from_log_group_name(stack, "ExecLogs", "platform-exec")
    with pytest.raises(ep.ConfigurationError) as raised:
        _imported(stack, exec_log_group=group)
    assert raised.value.props == ("exec_log_group",)


def test_internal_load_balancer_admits_the_imported_vpc_cidr() -> None:
    stack = new_stack()
    handle, _ = _imported(stack)
    assert handle.known_vpc_cidr is None
    _service(stack, handle, load_balancer={"internet_facing": False})
    groups = Template.from_stack(stack).find_resources("AWS::EC2::SecurityGroup")
    cidrs = {
        rule.get("CidrIp")
        for group in groups.values()
        for rule in group["Properties"].get("SecurityGroupIngress", [])
    }
    assert "10.40.0.0/16" in cidrs


def test_vpc_defaults_to_the_cluster_vpc() -> None:
    stack = new_stack()
    handle, vpc = _imported(stack)
    assert handle.vpc.vpc_id == vpc.vpc_id == "vpc-0123456789abcdef0"


def test_from_existing_rejects_a_cluster_name_string() -> None:
    stack = new_stack()
    with pytest.raises(ep.ConfigurationError) as raised:
        ep.FargateCluster.from_existing(stack, "Platform", cluster="platform")  # type: ignore[arg-type]
    assert raised.value.props == ("cluster",)


def test_service_runs_from_an_imported_repository() -> None:
    stack = new_stack()
    repository = ecr.Repository.from_repository_name(stack, "Repo", "team/web")
    service = ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(repository=repository, image_tag="prod-0123abc"),
            load_balancer=ep.LoadBalancerOptions(
                certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
            ),
        ),
    )
    template = Template.from_stack(stack).to_json()
    (task,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::ECS::TaskDefinition"]
    image = task["Properties"]["ContainerDefinitions"][0]["Image"]
    assert "team/web:prod-0123abc" in str(image)
    assert service.execution_role.policy is not None
    assert nag_findings(stack) == []


def test_fails_on_two_services_with_the_same_name_on_one_imported_cluster() -> None:
    stack = new_stack()
    cluster, _ = _imported(stack)
    certificate = acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)

    def service(id: str, name: str) -> ep.FargateWebService:
        return ep.FargateWebService(
            stack,
            id,
            ep.WebServiceProps(
                container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
                load_balancer=ep.LoadBalancerOptions(certificate=certificate),
                cluster=cluster,
                placement=ep.PlacementOptions(service_name=name, enable_execute_command=False),
            ),
        )

    service("Web", "web")
    with pytest.raises(ep.ConfigurationError, match="service_name") as err:
        service("Web2", "web")
    assert "Web" in str(err.value)
