"""The layout the docs recommend for many services: one cluster stack, one stack per service.

The service stacks reference the shared FargateCluster (VPC, subnets, cluster, KMS key) through
CDK's cross-stack references (exports and imports); nothing in a service stack writes back into
the cluster stack, so there is no cycle and each service stack deploys on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Match, Template

import ecs_patterns as ep
from ecs_patterns.testing import assert_no_findings, nag_findings, synth_findings

from .conftest import ENV, new_app

CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"


@dataclass(frozen=True)
class Layout:
    app: App
    shared: Stack
    services: list[Stack]
    findings: list[Any]


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    app = new_app(Path(tmp_path_factory.mktemp("cross-stack")), validation=True)
    shared = Stack(app, "SharedCluster", env=ENV)
    cluster = ep.FargateCluster(shared, "Cluster", ep.ClusterProps())
    services = []
    for name in ("Orders", "Payments"):
        stack = Stack(app, name, env=ENV)
        ep.FargateWebService(
            stack,
            "Web",
            ep.WebServiceProps(
                container=ep.ContainerOptions(
                    image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
                ),
                load_balancer=ep.LoadBalancerOptions(
                    certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
                ),
                cluster=cluster,
            ),
        )
        services.append(stack)
    findings = [*nag_findings(app), *synth_findings(app)]
    return Layout(app, shared, services, findings)


def test_service_stacks_import_the_cluster_and_depend_only_on_the_cluster_stack(
    layout: Layout,
) -> None:
    for stack in layout.services:
        template = Template.from_stack(stack)
        template.has_resource_properties(
            "AWS::ECS::Service",
            {"Cluster": {"Fn::ImportValue": Match.string_like_regexp("SharedCluster:")}},
        )
        template.resource_count_is("AWS::EC2::VPC", 0)
        template.resource_count_is("AWS::ECS::Cluster", 0)
        assert [d.stack_name for d in stack.dependencies] == ["SharedCluster"]
    assert layout.shared.dependencies == []


def test_the_cluster_stack_exports_what_the_services_use(layout: Layout) -> None:
    outputs = Template.from_stack(layout.shared).find_outputs("*")
    exported = {o["Export"]["Name"] for o in outputs.values()}
    assert any("ClusterKey" in name for name in exported)  # exec and log encryption
    assert any("PrivateSubnet" in name for name in exported)
    assert len(exported) >= 5


def test_the_layout_passes_the_packs_and_the_builtin_validation(layout: Layout) -> None:
    assert_no_findings(layout.findings)


def _platform_and_team() -> tuple[App, ep.FargateCluster, Stack]:
    app = new_app()
    platform = Stack(app, "Platform", env=ENV)
    cluster = ep.FargateCluster(platform, "Cluster", ep.ClusterProps())
    return app, cluster, Stack(app, "Team", env=ENV)


def _exec_container() -> ep.ContainerOptions:
    return ep.ContainerOptions(
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
        readonly_root_filesystem=False,  # the ECS Exec agent writes there
    )


def _imports_of(stack: Stack, action: str) -> set[str]:
    """The export names a statement granting ``action`` in ``stack`` imports."""
    template = Template.from_stack(stack).to_json()
    found: set[str] = set()
    for resource in template["Resources"].values():
        if resource["Type"] not in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
            continue
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
            if action in str(statement["Action"]):
                text = str(statement["Resource"])
                found |= {part.split("'")[0] for part in text.split("'Fn::ImportValue': '")[1:]}
    return found


def test_a_worker_with_task_protection_on_a_cluster_of_another_stack_leaves_no_finding() -> None:
    """The acknowledged 'task/<cluster>/*' wildcard names the cluster as cdk-nag reports it
    at synthesis: through the platform stack's export, an import in the worker's stack."""
    app, cluster, team = _platform_and_team()
    ep.QueueWorkerService(
        team,
        "Worker",
        ep.QueueWorkerProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
                health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
            ),
            cluster=cluster,
            task_protection=True,
        ),
    )
    assert nag_findings(app) == []
    assert _imports_of(team, "ecs:UpdateTaskProtection")  # the finding id quotes the import


def test_a_web_service_with_ecs_exec_on_a_cluster_of_another_stack_leaves_no_finding() -> None:
    """The acknowledged session-log wildcard (the exec log group's streams) names the log
    group as cdk-nag reports it at synthesis: through the platform stack's export."""
    app, cluster, team = _platform_and_team()
    ep.FargateWebService(
        team,
        "Web",
        ep.WebServiceProps(
            container=_exec_container(),
            load_balancer=ep.LoadBalancerOptions(
                certificate=acm.Certificate.from_certificate_arn(team, "Cert", CERT_ARN)
            ),
            cluster=cluster,
            placement=ep.PlacementOptions(enable_execute_command=True),
        ),
    )
    assert nag_findings(app) == []
    assert _imports_of(team, "logs:PutLogEvents")


def test_a_backend_with_ecs_exec_on_a_cluster_of_another_stack_leaves_no_finding() -> None:
    """The backend shares the web service's session-log acknowledgement."""
    app, cluster, team = _platform_and_team()
    ep.BackendService(
        team,
        "Orders",
        ep.BackendServiceProps(
            container=_exec_container(),
            cluster=cluster,
            placement=ep.PlacementOptions(enable_execute_command=True),
        ),
    )
    assert nag_findings(app) == []
    assert _imports_of(team, "logs:PutLogEvents")
