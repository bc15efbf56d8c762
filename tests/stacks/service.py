"""Test stacks for FargateWebService."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_servicediscovery as servicediscovery
from aws_cdk import aws_ssm as ssm

import ecs_patterns as ep

CERTIFICATE_ARN = (
    "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
)
IMAGE = "public.ecr.aws/nginx/nginx:1.27"


def _certificate(stack: Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN)


def defaults(stack: Stack) -> None:
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE), certificate=_certificate(stack)
        ),
    )


def maximal(stack: Stack) -> None:
    cluster = ep.FargateCluster(stack, "Cluster")
    repository = ep.EcrRepository(stack, "Repo")
    namespace = servicediscovery.HttpNamespace(stack, "Namespace", name="internal")
    parameter = ssm.StringParameter.from_secure_string_parameter_attributes(
        stack, "ApiKey", parameter_name="/web/api-key"
    )
    secret = secretsmanager.Secret.from_secret_complete_arn(
        stack,
        "DbSecret",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:web/db-AbCdEf",
    )
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            cluster=cluster,
            repository=repository,
            image_tag="prod-1a2b3c4",
            certificate=_certificate(stack),
            cpu=1024,
            memory_mib=2048,
            memory_reservation_mib=1024,
            ephemeral_storage_gib=40,
            tracing=True,
            environment={"LOG_LEVEL": "info"},
            secrets={
                "API_KEY": ecs.Secret.from_ssm_parameter(parameter),
                "DB_PASSWORD": ecs.Secret.from_secrets_manager(secret, "password"),
            },
            readonly_root_filesystem=False,
            enable_execute_command=True,
            service_connect=ep.ServiceConnectOptions(
                namespace=namespace.namespace_arn, discovery_name="web", port=80
            ),
            ingress_cidrs=["203.0.113.0/24"],
            slow_start=Duration.seconds(60),
            min_capacity=3,
            max_capacity=20,
            desired_count=4,
            memory_target_percent=75,
            requests_per_target=1000,
            scheduled_capacity=[
                ep.ScheduledCapacity(
                    schedule=appscaling.Schedule.cron(hour="8", minute="0", week_day="MON-FRI"),
                    min_capacity=6,
                    max_capacity=20,
                ),
                ep.ScheduledCapacity(
                    schedule=appscaling.Schedule.cron(hour="20", minute="0", week_day="MON-FRI"),
                    min_capacity=3,
                    max_capacity=20,
                ),
            ],
            waf_rule_overrides={"AWSManagedRulesCommonRuleSet": {"NoUserAgent_HEADER": "count"}},
            log_max_buffer_size="4m",
            target_protocol=elbv2.ApplicationProtocol.HTTPS,
            tags={"service": "web", "team": "payments"},
        ),
    )


def minimal(stack: Stack) -> None:
    # A development profile: every opt-out of a safe default, each announced and acknowledged.
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE),
            internet_facing=False,
            allow_plain_http=True,
            capacity=ep.CapacityStrategy.on_demand_only(),
            cpu_architecture=ecs.CpuArchitecture.ARM64,
            waf=False,
            deletion_protection=False,
        ),
    )


STACKS = {
    "ServiceDefaults": defaults,
    "ServiceMaximal": maximal,
    "ServiceMinimal": minimal,
}
