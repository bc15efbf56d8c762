"""BackendService: no load balancer, Service Connect server configuration, declared clients,
Cloud Map registration, deployments, scaling, capacity and monitoring, each asserted on the
template."""

from __future__ import annotations

from typing import Any, cast

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_servicediscovery as servicediscovery
from aws_cdk.assertions import Annotations, Match, Template

import ecs_patterns as ep
from tests.conftest import ENV, new_stack
from tests.stacks import backend as backend_stacks
from tests.stacks.service import CERTIFICATE_ARN
from tests.templates import build as _build
from tests.templates import logical_id as _logical_id
from tests.templates import one_resource as _one


def _container(**kwargs: Any) -> ep.ContainerOptions:
    return ep.ContainerOptions(
        image=ecs.ContainerImage.from_registry(backend_stacks.BACKEND_IMAGE), **kwargs
    )


def _worker_container() -> ep.ContainerOptions:
    return ep.ContainerOptions(
        image=ecs.ContainerImage.from_registry(backend_stacks.WORKER_IMAGE),
        health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
    )


@pytest.fixture(scope="module")
def defaults() -> Template:
    return _build(backend_stacks.defaults)[1]


@pytest.fixture(scope="module")
def custom() -> tuple[Stack, Template]:
    return _build(backend_stacks.custom)


def _service(template: Template, name: str) -> dict[str, Any]:
    """The ECS service whose security group's logical id starts with ``name``."""
    for logical_id, resource in template.find_resources("AWS::ECS::Service").items():
        if logical_id.startswith(name):
            return dict(resource)
    raise AssertionError(f"no service {name}")


# -- defaults -------------------------------------------------------------------------------


def test_no_load_balancer_private_subnets_and_no_public_ip(defaults: Template) -> None:
    defaults.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 0)
    defaults.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", 0)
    service = _one(defaults, "AWS::ECS::Service")["Properties"]
    network = service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert all("Private" in subnet["Ref"] for subnet in network["Subnets"])
    assert "LoadBalancers" not in service
    assert "HealthCheckGracePeriodSeconds" not in service


def test_security_group_has_no_ingress_until_a_client_is_declared(defaults: Template) -> None:
    groups = [
        g["Properties"]
        for g in defaults.find_resources("AWS::EC2::SecurityGroup").values()
        if g["Properties"]["GroupDescription"].startswith("Backend tasks")
    ]
    assert len(groups) == 1
    assert "SecurityGroupIngress" not in groups[0]
    defaults.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)


def test_service_connect_server_in_the_clusters_new_namespace(defaults: Template) -> None:
    namespace_id = _logical_id(
        defaults, "AWS::ServiceDiscovery::HttpNamespace", {"Name": Match.any_value()}
    )
    namespace = {"Fn::GetAtt": [namespace_id, "Arn"]}
    cluster = _one(defaults, "AWS::ECS::Cluster")["Properties"]
    assert cluster["ServiceConnectDefaults"] == {"Namespace": namespace}
    connect = _one(defaults, "AWS::ECS::Service")["Properties"]["ServiceConnectConfiguration"]
    assert connect["Enabled"] is True
    assert connect["Namespace"] == namespace
    assert connect["Services"] == [
        {
            "ClientAliases": [{"DnsName": "orders", "Port": 8080}],
            "DiscoveryName": "orders",
            "PortName": "http",
            # Explicit: the API documents no per-request default.
            "Timeout": {"IdleTimeoutSeconds": 300, "PerRequestTimeoutSeconds": 15},
        }
    ]
    assert connect["LogConfiguration"]["Options"]["awslogs-stream-prefix"] == "service-connect"


def test_named_http_port_on_8080(defaults: Template) -> None:
    task = _one(defaults, "AWS::ECS::TaskDefinition")["Properties"]
    (container,) = task["ContainerDefinitions"]
    assert container["PortMappings"] == [
        {"AppProtocol": "http", "ContainerPort": 8080, "Name": "http", "Protocol": "tcp"}
    ]


def test_rolling_with_circuit_breaker_by_default(defaults: Template) -> None:
    deployment = _one(defaults, "AWS::ECS::Service")["Properties"]["DeploymentConfiguration"]
    assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert (deployment["MinimumHealthyPercent"], deployment["MaximumPercent"]) == (100, 200)
    assert "Strategy" not in deployment


def test_spot_by_default_with_an_on_demand_base(defaults: Template) -> None:
    service = _one(defaults, "AWS::ECS::Service")["Properties"]
    assert service["CapacityProviderStrategy"] == [
        {"Base": 1, "CapacityProvider": "FARGATE", "Weight": 1},
        {"CapacityProvider": "FARGATE_SPOT", "Weight": 3},
    ]


def test_cpu_and_memory_target_tracking(defaults: Template) -> None:
    target = _one(defaults, "AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 10)
    policies = defaults.find_resources("AWS::ApplicationAutoScaling::ScalingPolicy")
    tracked = {
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"][
            "PredefinedMetricSpecification"
        ]["PredefinedMetricType"]: p["Properties"]["TargetTrackingScalingPolicyConfiguration"][
            "TargetValue"
        ]
        for p in policies.values()
    }
    assert tracked == {
        "ECSServiceAverageCPUUtilization": 50,
        "ECSServiceAverageMemoryUtilization": 70,
    }


# -- custom ---------------------------------------------------------------------------------


def test_given_namespace_port_alias_and_timeouts(custom: tuple[Stack, Template]) -> None:
    _, template = custom
    namespace_id = _logical_id(
        template, "AWS::ServiceDiscovery::HttpNamespace", {"Name": "internal"}
    )
    connect = _service(template, "Payments")["Properties"]["ServiceConnectConfiguration"]
    assert connect["Namespace"] == {"Fn::GetAtt": [namespace_id, "Arn"]}
    assert connect["Services"] == [
        {
            "ClientAliases": [{"DnsName": "payments.internal", "Port": 80}],
            "DiscoveryName": "payments-sc",
            "PortName": "api",
            "Timeout": {"IdleTimeoutSeconds": 120, "PerRequestTimeoutSeconds": 5},
        }
    ]
    # The given namespace is used: the cluster gets no default one.
    assert "ServiceConnectDefaults" not in _one(template, "AWS::ECS::Cluster")["Properties"]


def test_registered_in_cloud_map_dns(custom: tuple[Stack, Template]) -> None:
    _, template = custom
    discovery = _one(template, "AWS::ServiceDiscovery::Service")["Properties"]
    assert discovery["Name"] == "payments-sc"
    assert discovery["DnsConfig"]["DnsRecords"] == [{"TTL": 10, "Type": "A"}]
    registries = _service(template, "Payments")["Properties"]["ServiceRegistries"]
    assert len(registries) == 1


def test_ecs_native_linear_through_service_connect(custom: tuple[Stack, Template]) -> None:
    _, template = custom
    deployment = _service(template, "Payments")["Properties"]["DeploymentConfiguration"]
    assert deployment["Strategy"] == "LINEAR"
    assert deployment["BakeTimeInMinutes"] == 10
    assert deployment["LinearConfiguration"] == {"StepPercent": 25, "StepBakeTimeInMinutes": 1}
    # ECS supports the circuit breaker with rollback for blue/green, linear and canary too.
    assert deployment["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    assert "LoadBalancers" not in _service(template, "Payments")["Properties"]


def test_no_circuit_breaker_warning_under_blue_green() -> None:
    """The missing circuit breaker is acknowledged for the strategy, not left as a warning."""
    stack = new_stack()
    _backend(stack, deployment=ep.EcsNativeBlueGreen())
    warnings = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp(".*circuitBreaker.*")
    )
    assert warnings == []


def test_library_client_becomes_a_service_connect_client_created_after_the_backend(
    custom: tuple[Stack, Template],
) -> None:
    _, template = custom
    backend_id = next(
        k for k in template.find_resources("AWS::ECS::Service") if k.startswith("Payments")
    )
    worker = _service(template, "Worker")
    connect = worker["Properties"]["ServiceConnectConfiguration"]
    namespace_id = _logical_id(
        template, "AWS::ServiceDiscovery::HttpNamespace", {"Name": "internal"}
    )
    assert connect["Enabled"] is True
    assert connect["Namespace"] == {"Fn::GetAtt": [namespace_id, "Arn"]}
    assert "Services" not in connect  # a client only
    assert connect["LogConfiguration"]["Options"]["awslogs-stream-prefix"] == "service-connect"
    assert backend_id in worker["DependsOn"]


def test_client_security_group_admitted_on_the_app_port(custom: tuple[Stack, Template]) -> None:
    _, template = custom
    rule = _one(template, "AWS::EC2::SecurityGroupIngress")["Properties"]
    assert (rule["FromPort"], rule["ToPort"], rule["IpProtocol"]) == (9000, 9000, "tcp")
    assert rule["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith("WorkerSecurityGroup")
    assert rule["GroupId"]["Fn::GetAtt"][0].startswith("PaymentsSecurityGroup")


def test_monitoring_works_without_load_balancer_metrics(custom: tuple[Stack, Template]) -> None:
    _, template = custom
    metrics = {
        a["Properties"]["MetricName"]
        for a in template.find_resources("AWS::CloudWatch::Alarm").values()
        if "MetricName" in a["Properties"]
    }
    assert metrics == {"CPUUtilization", "MemoryUtilization", "RunningTaskCount"}
    # Alarm rollback on the ECS-native deployment, with the running-task alarm.
    alarms = _service(template, "Payments")["Properties"]["DeploymentConfiguration"]["Alarms"]
    assert (alarms["Enable"], alarms["Rollback"]) == (True, True)
    assert [name.endswith("-RunningTasksLow") for name in alarms["AlarmNames"]] == [True]


def test_tags_reach_the_service(custom: tuple[Stack, Template]) -> None:
    _, template = custom
    tags = _service(template, "Payments")["Properties"]["Tags"]
    assert {"Key": "team", "Value": "payments"} in tags


# -- clients --------------------------------------------------------------------------------


def _backend(stack: Stack, id: str = "Orders", **kwargs: Any) -> ep.BackendService:
    return ep.BackendService(stack, id, ep.BackendServiceProps(container=_container(), **kwargs))


def _web(stack: Stack, cluster: ep.FargateCluster, **kwargs: Any) -> ep.FargateWebService:
    return ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            cluster=cluster,
            container=_container(),
            load_balancer=ep.LoadBalancerOptions(
                certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN)
            ),
            **kwargs,
        ),
    )


def test_web_client_gets_service_connect_in_the_backends_namespace() -> None:
    stack = new_stack()
    cluster = ep.FargateCluster(stack, "Cluster")
    backend = _backend(stack, cluster=cluster)
    web = _web(stack, cluster)
    backend.allow_from(web)
    template = Template.from_stack(stack)
    connect = _service(template, "Web")["Properties"]["ServiceConnectConfiguration"]
    assert (
        connect["Namespace"]
        == _service(template, "Orders")["Properties"]["ServiceConnectConfiguration"]["Namespace"]
    )
    assert "Services" not in connect


def test_a_client_of_two_backends_is_configured_once_and_created_after_both() -> None:
    stack = new_stack()
    cluster = ep.FargateCluster(stack, "Cluster")
    orders, payments = (
        _backend(stack, "Orders", cluster=cluster),
        _backend(stack, "Payments", cluster=cluster),
    )
    worker = ep.QueueWorkerService(
        stack,
        "Worker",
        ep.QueueWorkerProps(cluster=cluster, container=_worker_container(), alarms=None),
    )
    orders.allow_from(worker)
    payments.allow_from(worker)
    template = Template.from_stack(stack)
    # Both backends share the one namespace the cluster got.
    template.resource_count_is("AWS::ServiceDiscovery::HttpNamespace", 1)
    depends = _service(template, "Worker")["DependsOn"]
    services = [
        k for k in template.find_resources("AWS::ECS::Service") if not k.startswith("Worker")
    ]
    assert set(services) <= set(depends)
    template.resource_count_is("AWS::EC2::SecurityGroupIngress", 2)


def test_a_backend_calling_a_backend_keeps_its_server_configuration() -> None:
    stack = new_stack()
    cluster = ep.FargateCluster(stack, "Cluster")
    orders, payments = (
        _backend(stack, "Orders", cluster=cluster),
        _backend(stack, "Payments", cluster=cluster),
    )
    payments.allow_from(orders)
    template = Template.from_stack(stack)
    caller = _service(template, "Orders")
    assert caller["Properties"]["ServiceConnectConfiguration"]["Services"][0]["DiscoveryName"] == (
        "orders"
    )
    assert any(d.startswith("PaymentsService") for d in caller["DependsOn"])


def test_fails_for_a_client_in_another_namespace() -> None:
    stack = new_stack()
    cluster = ep.FargateCluster(stack, "Cluster")
    backend = _backend(stack, cluster=cluster)
    other = servicediscovery.HttpNamespace(stack, "Other", name="other")
    web = _web(
        stack, cluster, service_connect=ep.ServiceConnectOptions(namespace=other.namespace_arn)
    )
    with pytest.raises(ep.ConfigurationError) as err:
        backend.allow_from(web)
    assert err.value.props == ("client",)
    assert "same namespace" in str(err.value)


def test_a_web_client_already_in_the_namespace_is_left_as_is() -> None:
    stack = new_stack()
    cluster = ep.FargateCluster(stack, "Cluster")
    namespace = servicediscovery.HttpNamespace(stack, "Internal", name="internal")
    backend = _backend(
        stack,
        cluster=cluster,
        service_connect=ep.ServiceConnectServerOptions(namespace=namespace.namespace_arn),
    )
    web = _web(
        stack,
        cluster,
        service_connect=ep.ServiceConnectOptions(
            namespace=namespace.namespace_arn, discovery_name="web"
        ),
    )
    backend.allow_from(web)
    connect = _service(Template.from_stack(stack), "Web")["Properties"][
        "ServiceConnectConfiguration"
    ]
    assert connect["Services"][0]["DiscoveryName"] == "web"


def test_a_plain_connectable_gets_only_the_ingress_rule() -> None:
    stack = new_stack()
    backend = _backend(stack)
    group = ec2.SecurityGroup(stack, "Lambda", vpc=backend.cluster.vpc)
    backend.allow_from(group)
    template = Template.from_stack(stack)
    rule = _one(template, "AWS::EC2::SecurityGroupIngress")["Properties"]
    assert rule["SourceSecurityGroupId"]["Fn::GetAtt"][0].startswith("Lambda")
    assert rule["FromPort"] == 8080


def test_fails_for_a_client_that_is_not_connectable() -> None:
    stack = new_stack()
    backend = _backend(stack)
    with pytest.raises(ep.ConfigurationError) as err:
        backend.allow_from(cast(Any, "web"))
    assert err.value.props == ("client",)
    with pytest.raises(ep.ConfigurationError):
        backend.allow_from(backend)


def test_client_in_another_stack_holds_the_rule_so_stacks_do_not_cycle() -> None:
    app = App()
    server_stack = Stack(app, "Server", env=ENV)
    client_stack = Stack(app, "Client", env=ENV)
    cluster = ep.FargateCluster(server_stack, "Cluster")
    backend = _backend(server_stack, cluster=cluster)
    worker = ep.QueueWorkerService(
        client_stack,
        "Worker",
        ep.QueueWorkerProps(cluster=cluster, container=_worker_container(), alarms=None),
    )
    backend.allow_from(worker)
    assembly = app.synth()  # raises on a dependency cycle
    templates = {a.stack_name: a.template for a in assembly.stacks}
    client = next(a for a in assembly.stacks if a.stack_name == "Client")
    assert "Server" in [d.id for d in client.dependencies]

    def ingress(stack: str) -> list[str]:
        resources = templates[stack]["Resources"]
        return [k for k, r in resources.items() if r["Type"] == "AWS::EC2::SecurityGroupIngress"]

    assert len(ingress("Client")) == 1
    assert ingress("Server") == []


# -- deployments ----------------------------------------------------------------------------


def test_blue_green_hooks_through_service_connect() -> None:
    stack = new_stack()
    hook = lambda_.Function(
        stack,
        "Hook",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}"),
    )
    _backend(
        stack,
        deployment=ep.EcsNativeBlueGreen(
            hooks={ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT: hook}
        ),
    )
    deployment = _one(Template.from_stack(stack), "AWS::ECS::Service")["Properties"][
        "DeploymentConfiguration"
    ]
    assert deployment["Strategy"] == "BLUE_GREEN"
    (stage,) = deployment["LifecycleHooks"]
    assert stage["LifecycleStages"] == ["POST_TEST_TRAFFIC_SHIFT"]


def test_discovery_name_from_the_construct_id() -> None:
    stack = new_stack()
    backend = _backend(stack, "Order_Service2")
    assert (backend.discovery_name, backend.dns_name, backend.port) == (
        "order-service2",
        "order-service2",
        8080,
    )


def test_escape_hatches() -> None:
    stack = new_stack()
    backend = _backend(stack, scaling=ep.ScalingOptions(min_capacity=1, max_capacity=3))
    assert isinstance(backend.service, ecs.FargateService)
    assert isinstance(backend.scalable_target, ecs.ScalableTaskCount)
    assert isinstance(backend.security_group, ec2.SecurityGroup)
    assert backend.cloud_map_service is None
    assert backend.container.container_port == 8080
    backend.scalable_target.scale_on_schedule(
        "Night",
        schedule=appscaling.Schedule.cron(hour="1", minute="0"),
        min_capacity=1,
    )
    Template.from_stack(stack).resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 1)
