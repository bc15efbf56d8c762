"""Test stacks for ScheduledJob."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns

import ecs_patterns as ep

JOB_IMAGE = "public.ecr.aws/docker/library/busybox:1.36"
HEALTH = ep.HealthCheck(command=["CMD", "/bin/true"])
NIGHTLY = "cron(0 3 * * ? *)"


def defaults(stack: Stack) -> None:
    ep.ScheduledJob(
        stack,
        "Job",
        ep.ScheduledJobProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(JOB_IMAGE), health_check=HEALTH
            ),
            schedule=ep.ScheduleOptions(expression=NIGHTLY),
        ),
    )


def custom(stack: Stack) -> None:
    """A shared cluster, on-demand capacity, overlap allowed, a rate in a time zone, a flexible
    window, a given topic and dead-letter key, tracing, DESTROY."""
    cluster = ep.FargateCluster(stack, "Cluster")
    key = kms.Key(stack, "TopicKey", enable_key_rotation=True)
    topic = sns.Topic(stack, "OnCall", master_key=key, enforce_ssl=True)
    ep.ScheduledJob(
        stack,
        "Job",
        ep.ScheduledJobProps(
            cluster=cluster,
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(JOB_IMAGE),
                health_check=HEALTH,
                environment={"REPORT_BUCKET": "reports"},
                stop_timeout=Duration.seconds(120),
            ),
            task=ep.TaskOptions(cpu=512, memory_mib=1024, tracing=True),
            schedule=ep.ScheduleOptions(
                expression="cron(0/15 8-17 ? * MON-FRI *)",
                time_zone="Europe/Berlin",
                flexible_window=Duration.minutes(5),
                retry_attempts=3,
                max_event_age=Duration.minutes(10),
                dead_letter_key=cluster.key,
                dead_letter_removal_policy=RemovalPolicy.DESTROY,
            ),
            run=ep.RunOptions(
                max_run_time=Duration.minutes(10),
                allow_overlap=True,
                start_attempts=5,
                capacity=ep.CapacityStrategy.on_demand_only(),
            ),
            alarms=ep.JobAlarmOptions(topic=topic),
        ),
    )


STACKS = {"JobDefaults": defaults, "JobCustom": custom}
