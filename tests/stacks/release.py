"""Test stacks for CodeDeployRelease around a minimal CODE_DEPLOY Fargate service.

The service is plain aws-cdk-lib (``ecs.FargateService`` with the CODE_DEPLOY controller), with
blue and green target groups behind an imported, shared ALB's production and test listeners
and an ``EcsDeploymentGroup``, so the stacks hold exactly what a release needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

import ecs_patterns as ep
from ecs_patterns import Exemption, exempt
from ecs_patterns.core._logs import encrypted_log_group
from ecs_patterns.release._release import CodeDeployRelease

from .monitoring import ALB_SECURITY_GROUP, LISTENER_ARN, PORT, _cluster

TEST_LISTENER_ARN = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
    "listener/app/shared/0123456789abcdef/0a0b0c0d0e0f0a0b"
)
CONTAINER = "web"


@dataclass(frozen=True)
class CodeDeployService:
    """What a CodeDeployRelease needs from the fixture."""

    cluster: ep.FargateCluster
    service: ecs.FargateService
    task_definition: ecs.FargateTaskDefinition
    security_group: ec2.SecurityGroup
    deployment_group: codedeploy.EcsDeploymentGroup


def _task_definition(scope: Construct, cluster: ep.FargateCluster) -> ecs.FargateTaskDefinition:
    log_group = encrypted_log_group(
        scope,
        "WebLogs",
        key=cluster.key,
        retention=logs.RetentionDays.ONE_YEAR,
        removal_policy=RemovalPolicy.RETAIN,
    )
    tasks = iam.ServicePrincipal("ecs-tasks.amazonaws.com")
    execution_role = iam.Role(scope, "WebExecutionRole", assumed_by=tasks)
    iam.ManagedPolicy(
        scope,
        "WebExecutionPolicy",
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
        "WebTask",
        cpu=256,
        memory_limit_mib=512,
        execution_role=execution_role.without_policy_updates(),
        task_role=iam.Role(scope, "WebTaskRole", assumed_by=tasks),
    )
    task_definition.add_container(
        CONTAINER,
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
    return task_definition


def _target_group(scope: Construct, id: str, vpc: ec2.IVpc) -> elbv2.ApplicationTargetGroup:
    return elbv2.ApplicationTargetGroup(
        scope,
        id,
        vpc=vpc,
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
    )


def codedeploy_service(stack: Stack) -> CodeDeployService:
    """A nag-clean CODE_DEPLOY Fargate service with its blue/green deployment group."""
    cluster = _cluster(stack)
    task_definition = _task_definition(stack, cluster)
    security_group = ec2.SecurityGroup(
        stack, "WebSecurityGroup", vpc=cluster.vpc, description="Web tasks"
    )
    service = ecs.FargateService(
        stack,
        "Web",
        cluster=cluster.cluster,
        task_definition=task_definition,
        desired_count=2,
        min_healthy_percent=100,
        max_healthy_percent=200,
        deployment_controller=ecs.DeploymentController(
            type=ecs.DeploymentControllerType.CODE_DEPLOY
        ),
        capacity_provider_strategies=cluster.default_capacity.to_cdk(),
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        assign_public_ip=False,
        security_groups=[security_group],
    )
    alb_security_group = ec2.SecurityGroup.from_security_group_id(
        stack, "SharedAlbSecurityGroup", ALB_SECURITY_GROUP
    )
    listener = elbv2.ApplicationListener.from_application_listener_attributes(
        stack, "ProdListener", listener_arn=LISTENER_ARN, security_group=alb_security_group
    )
    test_listener = elbv2.ApplicationListener.from_application_listener_attributes(
        stack, "TestListener", listener_arn=TEST_LISTENER_ARN, security_group=alb_security_group
    )
    blue = _target_group(stack, "Blue", cluster.vpc)
    green = _target_group(stack, "Green", cluster.vpc)
    blue.add_target(service.load_balancer_target(container_name=CONTAINER, container_port=PORT))
    for id, target in (("ProdRule", listener), ("TestRule", test_listener)):
        elbv2.ApplicationListenerRule(
            stack,
            id,
            listener=target,
            priority=10,
            conditions=[elbv2.ListenerCondition.path_patterns(["/web/*"])],
            target_groups=[blue],
        )
    deployment_group = codedeploy.EcsDeploymentGroup(
        stack,
        "DeploymentGroup",
        service=service,
        blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
            blue_target_group=blue,
            green_target_group=green,
            listener=listener,
            test_listener=test_listener,
            termination_wait_time=Duration.minutes(5),
        ),
        deployment_config=codedeploy.EcsDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTES,
        auto_rollback=codedeploy.AutoRollbackConfig(
            failed_deployment=True, stopped_deployment=True
        ),
    )
    exempt(
        deployment_group.role,
        Exemption(
            nag=[
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                "AWSCodeDeployRoleForECS]"
            ],
            reason="Test fixture: aws-cdk-lib's EcsDeploymentGroup gives its service role AWS's "
            "managed CodeDeploy-for-ECS policy, which AWS maintains as ECS and ELB add actions; "
            "the service pattern owns the production role.",
        ),
    )
    return CodeDeployService(
        cluster=cluster,
        service=service,
        task_definition=task_definition,
        security_group=security_group,
        deployment_group=deployment_group,
    )


def release(stack: Stack, fixture: CodeDeployService, **kwargs: object) -> CodeDeployRelease:
    """A CodeDeployRelease of the fixture service; ``kwargs`` override the defaults."""
    props: dict[str, object] = {
        "deployment_group": fixture.deployment_group,
        "service": fixture.service,
        "task_definition": fixture.task_definition,
        "container_name": CONTAINER,
        "container_port": PORT,
        "capacity_provider_strategies": fixture.cluster.default_capacity.to_cdk(),
        "subnet_ids": fixture.cluster.vpc.select_subnets(
            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
        ).subnet_ids,
        "security_group_ids": [fixture.security_group.security_group_id],
        "log_key": fixture.cluster.key,
        **kwargs,
    }
    return CodeDeployRelease(stack, "Release", **props)  # type: ignore[arg-type]


def defaults(stack: Stack) -> None:
    release(stack, codedeploy_service(stack))


def in_vpc(stack: Stack) -> None:
    """In a VPC, with dynamic scale-in suspended during releases, without reserved concurrency."""
    fixture = codedeploy_service(stack)
    scaling = fixture.service.auto_scale_task_count(min_capacity=2, max_capacity=6)
    scaling.scale_on_cpu_utilization("Cpu", target_utilization_percent=60)
    release(
        stack,
        fixture,
        vpc=fixture.cluster.vpc,
        timeout=Duration.minutes(30),
        scalable_target=scaling,
        reserved_concurrency=None,
    )


STACKS = {"ReleaseDefaults": defaults, "ReleaseInVpc": in_vpc}

__all__ = ["CONTAINER", "STACKS", "CodeDeployService", "codedeploy_service", "release"]
