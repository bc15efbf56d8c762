"""One service name per cluster: the same cluster imported twice is still one cluster."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_cdk import App, Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from constructs import Construct

import ecs_patterns as ep
from tests.conftest import ENV, new_app

IMAGE = "public.ecr.aws/nginx/nginx:1.27"
ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/platform"
NAMESPACE = "arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-0123456789abcdef"


def _vpc(scope: Construct) -> ec2.IVpc:
    return ec2.Vpc.from_vpc_attributes(
        scope,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        vpc_cidr_block="10.40.0.0/16",
        availability_zones=["us-east-1a", "us-east-1b"],
        public_subnet_ids=["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
        private_subnet_ids=["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
    )


def _by_name(stack: Stack, id: str, name: str = "platform") -> ep.ImportedCluster:
    scope = Construct(stack, f"{id}Import")
    cluster = ecs.Cluster.from_cluster_attributes(
        scope, "Cluster", cluster_name=name, vpc=_vpc(scope), security_groups=[]
    )
    return ep.FargateCluster.from_existing(
        stack, id, cluster=cluster, default_capacity=ep.CapacityStrategy.on_demand_only()
    )


def _by_arn(stack: Stack, id: str, arn: str = ARN) -> ep.ImportedCluster:
    scope = Construct(stack, f"{id}Import")
    # The name is the ARN's; a service reads the VPC from the cluster, hence the attributes.
    cluster = ecs.Cluster.from_cluster_attributes(
        scope,
        "Cluster",
        cluster_arn=arn,
        cluster_name=arn.rsplit("/", 1)[1],
        vpc=_vpc(scope),
        security_groups=[],
    )
    return ep.FargateCluster.from_existing(
        stack, id, cluster=cluster, default_capacity=ep.CapacityStrategy.on_demand_only()
    )


def _web(stack: Stack, id: str, cluster: ep.FargateCluster | ep.ImportedCluster, name: str) -> None:
    ep.FargateWebService(
        stack,
        id,
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(allow_plain_http=True),
            cluster=cluster,
            placement=ep.PlacementOptions(service_name=name, enable_execute_command=False),
        ),
    )


def _worker(stack: Stack, id: str, cluster: ep.FargateCluster, name: str) -> None:
    ep.QueueWorkerService(
        stack,
        id,
        ep.QueueWorkerProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(IMAGE),
                health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
            ),
            cluster=cluster,
            placement=ep.PlacementOptions(service_name=name, enable_execute_command=False),
        ),
    )


def _backend(stack: Stack, id: str, cluster: ep.FargateCluster, name: str) -> None:
    ep.BackendService(
        stack,
        id,
        ep.BackendServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            cluster=cluster,
            service_connect=ep.ServiceConnectServerOptions(namespace=NAMESPACE),
            placement=ep.PlacementOptions(service_name=name, enable_execute_command=False),
        ),
    )


Kind = Callable[[Stack, str, ep.FargateCluster, str], None]
# Workers and backends run on a FargateCluster; a web service on an imported cluster too.
ON_CREATED: dict[str, Kind] = {"web": _web, "worker": _worker, "backend": _backend}


def _stack(app: App, name: str, env: Environment | None = ENV) -> Stack:
    return Stack(app, name, env=env)


def _created(stack: Stack) -> ep.FargateCluster:
    return ep.FargateCluster(stack, "Cluster", ep.ClusterProps(cluster_name="platform"))


def test_the_same_cluster_imported_twice_by_name_is_one_cluster() -> None:
    stack = _stack(new_app(), "Test")
    _web(stack, "First", _by_name(stack, "One"), "orders")
    with pytest.raises(ep.ConfigurationError, match="service_name") as err:
        _web(stack, "Second", _by_name(stack, "Two"), "orders")
    assert err.value.props == ("placement.service_name",)
    assert "Test/First" in str(err.value)


def test_an_import_by_arn_and_one_by_name_in_another_stack_are_one_cluster() -> None:
    app = new_app()
    one, two = _stack(app, "One"), _stack(app, "Two")
    _web(one, "First", _by_arn(one, "Platform"), "orders")
    with pytest.raises(ep.ConfigurationError, match="service_name"):
        _web(two, "Second", _by_name(two, "Platform"), "orders")


@pytest.mark.parametrize("kind", sorted(ON_CREATED))
def test_a_created_cluster_with_a_literal_name_is_the_imported_cluster_of_that_name(
    kind: str,
) -> None:
    app = new_app()
    platform, team = _stack(app, "PlatformStack"), _stack(app, "Team")
    ON_CREATED[kind](platform, "Orders", _created(platform), "orders")
    with pytest.raises(ep.ConfigurationError, match="service_name") as err:
        _web(team, "Web", _by_arn(team, "Platform"), "orders")
    assert "PlatformStack/Orders" in str(err.value)


@pytest.mark.parametrize("kind", sorted(ON_CREATED))
def test_an_imported_cluster_is_the_created_cluster_of_that_name(kind: str) -> None:
    app = new_app()
    platform, team = _stack(app, "PlatformStack"), _stack(app, "Team")
    _web(team, "Web", _by_name(team, "Platform"), "orders")
    with pytest.raises(ep.ConfigurationError, match="service_name") as err:
        ON_CREATED[kind](platform, "Orders", _created(platform), "orders")
    assert "Team/Web" in str(err.value)


def test_other_clusters_names_and_environments_are_free() -> None:
    app = new_app()
    stack = _stack(app, "Test")
    _web(stack, "Web", _by_name(stack, "One"), "orders")
    # Another name on the same cluster, the same name on another cluster.
    _web(stack, "Web2", _by_name(stack, "Two"), "billing")
    _web(stack, "Web3", _by_name(stack, "Three", name="other"), "orders")
    # The same cluster name in another account or region is another cluster.
    elsewhere = _stack(app, "Elsewhere", Environment(account="210987654321", region="us-east-1"))
    _web(elsewhere, "Web", _by_name(elsewhere, "One"), "orders")
    _web(stack, "Web4", _by_arn(stack, "Four", ARN.replace("us-east-1", "eu-west-1")), "orders")


def test_stacks_without_an_account_are_told_apart_by_stack() -> None:
    app = new_app()
    # No account (a web service's access logs need the region).
    anywhere = Environment(region="us-east-1")
    one, two = _stack(app, "One", anywhere), _stack(app, "Two", anywhere)
    _web(one, "Web", _by_name(one, "First"), "orders")
    # Two stacks without an environment may deploy to two accounts: no clash is assumed.
    _web(two, "Web", _by_name(two, "First"), "orders")
    # Within one stack the account and region are the same, whatever they are.
    with pytest.raises(ep.ConfigurationError, match="service_name"):
        _web(one, "Web2", _by_name(one, "Second"), "orders")


def test_clusters_of_unknown_identity_are_told_apart_by_handle() -> None:
    stack = _stack(new_app(), "Test")
    first, second = ep.FargateCluster(stack, "A"), ep.FargateCluster(stack, "B")
    _worker(stack, "Worker", first, "orders")
    _worker(stack, "Worker2", second, "orders")
    with pytest.raises(ep.ConfigurationError, match="service_name"):
        _backend(stack, "Backend", first, "orders")
