"""Test stacks for ServiceMonitoring, each around a minimal, hardened Fargate fixture service.

The fixture service is built with plain aws-cdk-lib (the library's own service pattern is not
needed to monitor a service). The load balancer and its listener are imported, as a shared ALB
owned by another stack would be, so the stacks hold only the service, its target group and the
monitoring.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

import ecs_patterns as ep
from ecs_patterns.core._logs import encrypted_log_group

PORT = 8080
ALB_ARN = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shared/0123456789abcdef"
)
LISTENER_ARN = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
    "listener/app/shared/0123456789abcdef/fedcba9876543210"
)
ALB_SECURITY_GROUP = "sg-0a1b2c3d4e5f60718"


def _cluster(stack: Stack) -> ep.FargateCluster:
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        vpc_cidr_block="10.0.0.0/16",
        availability_zones=["us-east-1a", "us-east-1b"],
        private_subnet_ids=["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
    )
    return ep.FargateCluster(stack, "Cluster", ep.ClusterProps(vpc=vpc))


def fargate_service(scope: Construct, id: str, cluster: ep.FargateCluster) -> ecs.FargateService:
    """A nag-clean Fargate service: encrypted logs, least-privilege roles, private subnets."""
    log_group = encrypted_log_group(
        scope,
        f"{id}Logs",
        key=cluster.key,
        retention=logs.RetentionDays.ONE_YEAR,
        removal_policy=RemovalPolicy.RETAIN,
    )
    tasks = iam.ServicePrincipal("ecs-tasks.amazonaws.com")
    execution_role = iam.Role(scope, f"{id}ExecutionRole", assumed_by=tasks)
    # A managed policy instead of CDK's inline default policy (IAMNoInlinePolicy).
    iam.ManagedPolicy(
        scope,
        f"{id}ExecutionPolicy",
        roles=[execution_role],
        statements=[
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        ],
    )
    task_definition = ecs.FargateTaskDefinition(
        scope,
        f"{id}Task",
        cpu=256,
        memory_limit_mib=512,
        execution_role=execution_role.without_policy_updates(),
        task_role=iam.Role(scope, f"{id}TaskRole", assumed_by=tasks),
    )
    task_definition.add_container(
        "web",
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27"),
        essential=True,
        readonly_root_filesystem=True,
        user="101",
        port_mappings=[ecs.PortMapping(container_port=PORT, name="http")],
        logging=ecs.LogDrivers.aws_logs(stream_prefix="ecs", log_group=log_group),
        health_check=ecs.HealthCheck(
            command=["CMD-SHELL", f"curl -f http://localhost:{PORT}/health || exit 1"],
            interval=Duration.seconds(30),
            timeout=Duration.seconds(5),
            retries=3,
            start_period=Duration.seconds(60),
        ),
    )
    security_group = ec2.SecurityGroup(
        scope, f"{id}SecurityGroup", vpc=cluster.vpc, description=f"{id} tasks"
    )
    return ecs.FargateService(
        scope,
        id,
        cluster=cluster.cluster,
        task_definition=task_definition,
        desired_count=2,
        min_healthy_percent=100,
        max_healthy_percent=200,
        circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
        capacity_provider_strategies=cluster.default_capacity.to_cdk(),
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        assign_public_ip=False,
        security_groups=[security_group],
    )


def defaults(stack: Stack) -> None:
    cluster = _cluster(stack)
    service = fargate_service(stack, "Web", cluster)
    ep.ServiceMonitoring(stack, "Monitoring", ep.MonitoringProps(service=service))


def with_alb(stack: Stack) -> None:
    cluster = _cluster(stack)
    web = fargate_service(stack, "Web", cluster)
    worker = fargate_service(stack, "Worker", cluster)

    alb = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        stack,
        "SharedAlb",
        load_balancer_arn=ALB_ARN,
        security_group_id=ALB_SECURITY_GROUP,
        vpc=cluster.vpc,
    )
    listener = elbv2.ApplicationListener.from_application_listener_attributes(
        stack,
        "SharedListener",
        listener_arn=LISTENER_ARN,
        security_group=ec2.SecurityGroup.from_security_group_id(
            stack, "SharedAlbSecurityGroup", ALB_SECURITY_GROUP
        ),
    )
    target_group = elbv2.ApplicationTargetGroup(
        stack,
        "WebTargets",
        vpc=cluster.vpc,
        port=PORT,
        protocol=elbv2.ApplicationProtocol.HTTP,
        target_type=elbv2.TargetType.IP,
        deregistration_delay=Duration.seconds(30),
        health_check=elbv2.HealthCheck(
            path="/health",
            healthy_http_codes="200",
            interval=Duration.seconds(10),
            healthy_threshold_count=2,
        ),
        targets=[web.load_balancer_target(container_name="web", container_port=PORT)],
    )
    elbv2.ApplicationListenerRule(
        stack,
        "WebRule",
        listener=listener,
        priority=10,
        conditions=[elbv2.ListenerCondition.path_patterns(["/web/*"])],
        target_groups=[target_group],
    )

    shared = cloudwatch.Dashboard(stack, "SharedDashboard", dashboard_name="platform-services")
    web_monitoring = ep.ServiceMonitoring(
        stack,
        "WebMonitoring",
        ep.MonitoringProps(
            service=web,
            target_group=target_group,
            load_balancer=alb,
            email_subscriptions=["oncall@example.com"],
            https_subscriptions=["https://hooks.example.com/alarms"],
            alarm_name_prefix="prod-web",
            min_running_tasks=2,
            latency_p99_threshold=Duration.millis(500),
            dashboard=shared,
            deployment_alarm_rollback=True,
        ),
    )
    ep.ServiceMonitoring(
        stack,
        "WorkerMonitoring",
        ep.MonitoringProps(
            service=worker,
            topic=web_monitoring.topic,
            alarm_name_prefix="prod-worker",
            evaluation_periods=5,
            datapoints_to_alarm=3,
            cpu_threshold_percent=90,
            notify_on_task_failure=False,
            dashboard=shared,
        ),
    )


def ingress(stack: Stack) -> None:
    """The load-balancer-level alarms of a shared load balancer, once, with every default."""
    alb = elbv2.ApplicationLoadBalancer.from_application_load_balancer_attributes(
        stack, "SharedAlb", load_balancer_arn=ALB_ARN, security_group_id=ALB_SECURITY_GROUP
    )
    ep.IngressMonitoring(
        stack,
        "IngressMonitoring",
        ep.IngressMonitoringProps(load_balancer=alb, email_subscriptions=["oncall@example.com"]),
    )


STACKS = {
    "MonitoringDefaults": defaults,
    "MonitoringWithAlb": with_alb,
    "MonitoringIngress": ingress,
}
