"""Scale limits: resources and template bytes per service, and how many services fit in a stack.

For each variant (deployment strategy, with or without ServiceMonitoring) this synthesizes, in
one process, a stack holding a shared FargateCluster (and its VPC) plus 1 service and a stack
holding the cluster plus 2 services. The difference is the marginal cost of one service; the
rest is the stack's fixed part. From those it computes how many services fit in one stack under
CloudFormation's quotas: 500 resources per stack and 1 MB (1,048,576 bytes) per template read
from S3 (as `cdk deploy` uploads it), on the template file exactly as the CDK writes it.

Run with ``make scale`` (or ``python benchmarks/scale.py``). Not a test: it prints a Markdown
table for benchmarks/README.md. Counting is deterministic; no timing is involved.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import App, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs

import ecs_patterns as ep

ROOT = Path(__file__).resolve().parent.parent
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
MAX_RESOURCES = 500
MAX_TEMPLATE_BYTES = 1_048_576
ENV = Environment(account="123456789012", region="us-east-1")

AddService = Callable[[Stack, str, ep.FargateCluster], None]


def _web(
    stack: Stack, id: str, cluster: ep.FargateCluster, **extra: object
) -> ep.FargateWebService:
    return ep.FargateWebService(
        stack,
        id,
        ep.WebServiceProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
            ),
            load_balancer=ep.LoadBalancerOptions(
                certificate=acm.Certificate.from_certificate_arn(stack, f"{id}Cert", CERT_ARN)
            ),
            cluster=cluster,
            **extra,  # type: ignore[arg-type]
        ),
    )


def _rolling(stack: Stack, id: str, cluster: ep.FargateCluster) -> None:
    _web(stack, id, cluster)


def _monitored(stack: Stack, id: str, cluster: ep.FargateCluster, **extra: object) -> None:
    web = _web(stack, id, cluster, **extra)
    ep.ServiceMonitoring(
        stack,
        f"{id}Monitoring",
        ep.MonitoringProps(
            service=web.service, target_group=web.target_group, load_balancer=web.load_balancer
        ),
    )


def _codedeploy(stack: Stack, id: str, cluster: ep.FargateCluster) -> None:
    _web(stack, id, cluster, deployment=ep.CodeDeployBlueGreen())


def _codedeploy_monitored(stack: Stack, id: str, cluster: ep.FargateCluster) -> None:
    web = _web(stack, id, cluster, deployment=ep.CodeDeployBlueGreen())
    ep.ServiceMonitoring(
        stack,
        f"{id}Monitoring",
        ep.MonitoringProps(
            service=web.service,
            target_group=web.target_group,
            alternate_target_group=web.green_target_group,
            load_balancer=web.load_balancer,
            deployment_alarm_rollback=True,
            deployment_group=web.deployment_group,
        ),
    )


def _ecs_native(stack: Stack, id: str, cluster: ep.FargateCluster) -> None:
    _web(stack, id, cluster, deployment=ep.EcsNativeBlueGreen())


def _worker(stack: Stack, id: str, cluster: ep.FargateCluster, **scaling: object) -> None:
    ep.QueueWorkerService(
        stack,
        id,
        ep.QueueWorkerProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(
                    "public.ecr.aws/docker/library/busybox:1.36"
                ),
                health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
            ),
            scaling=ep.BacklogScalingOptions(**scaling),  # type: ignore[arg-type]
            cluster=cluster,
        ),
    )


def _worker_from_zero(stack: Stack, id: str, cluster: ep.FargateCluster) -> None:
    _worker(stack, id, cluster, min_capacity=0)


def _backend(stack: Stack, id: str, cluster: ep.FargateCluster, **props: object) -> None:
    ep.BackendService(
        stack,
        id,
        ep.BackendServiceProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
            ),
            cluster=cluster,
            **props,  # type: ignore[arg-type]
        ),
    )


def _backend_blue_green(stack: Stack, id: str, cluster: ep.FargateCluster) -> None:
    _backend(stack, id, cluster, deployment=ep.EcsNativeBlueGreen())


def _job(stack: Stack, id: str, cluster: ep.FargateCluster) -> None:
    ep.ScheduledJob(
        stack,
        id,
        ep.ScheduledJobProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(
                    "public.ecr.aws/docker/library/busybox:1.36"
                ),
                health_check=ep.HealthCheck(command=["CMD", "/bin/true"]),
            ),
            schedule=ep.ScheduleOptions(expression="cron(30 2 * * ? *)"),
            cluster=cluster,
        ),
    )


def _variants() -> dict[str, AddService]:
    """The variants measured: each deployment strategy, with and without monitoring, the queue
    worker (with its queues and alarms; from zero it adds the step policy and alarm), the
    backend (the cluster's Service Connect namespace counts as fixed) and the scheduled job
    (schedule, state machine, dead-letter queue and alarms)."""
    return {
        "`Rolling()` (default)": _rolling,
        "`Rolling()` + `ServiceMonitoring`": _monitored,
        "`CodeDeployBlueGreen()`": _codedeploy,
        "`CodeDeployBlueGreen()` + `ServiceMonitoring`": _codedeploy_monitored,
        "`EcsNativeBlueGreen()`": _ecs_native,
        "`QueueWorkerService` (default)": _worker,
        "`QueueWorkerService`, `min_capacity=0`": _worker_from_zero,
        "`BackendService` (default)": _backend,
        "`BackendService`, `EcsNativeBlueGreen()`": _backend_blue_green,
        "`ScheduledJob` (default)": _job,
    }


@dataclass(frozen=True)
class Shape:
    resources: int
    template_bytes: int


def _shape(add: AddService, services: int, outdir: str, name: str) -> Shape:
    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    context = {**context, "@aws-cdk/core:validateAgainstDefaultRules": False}
    app = App(outdir=outdir, context=context)
    stack = Stack(app, name, env=ENV)
    cluster = ep.FargateCluster(stack, "Cluster")
    for i in range(services):
        add(stack, f"Web{i}", cluster)
    app.synth()
    path = Path(outdir) / f"{name}.template.json"
    template = json.loads(path.read_text(encoding="utf-8"))
    return Shape(len(template["Resources"]), path.stat().st_size)


def main() -> None:
    print(
        f"| variant | resources/service | fixed resources (cluster, VPC) "
        f"| services per stack (≤ {MAX_RESOURCES} resources) | template KiB/service "
        f"| services per stack (≤ 1 MB template) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as outdir:
        for index, (label, add) in enumerate(_variants().items()):
            one = _shape(add, 1, outdir, f"V{index}One")
            two = _shape(add, 2, outdir, f"V{index}Two")
            per = two.resources - one.resources
            fixed = one.resources - per
            per_bytes = two.template_bytes - one.template_bytes
            fixed_bytes = one.template_bytes - per_bytes
            by_count = (MAX_RESOURCES - fixed) // per
            by_bytes = (MAX_TEMPLATE_BYTES - fixed_bytes) // per_bytes
            print(
                f"| {label} | {per} | {fixed} | {by_count} | {per_bytes / 1024:.1f} | {by_bytes} |"
            )


if __name__ == "__main__":
    main()
