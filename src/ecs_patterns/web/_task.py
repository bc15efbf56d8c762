"""The hardened Fargate task of FargateWebService: roles, app container, tracing sidecar."""

from __future__ import annotations

from typing import cast

from aws_cdk import Annotations, Size
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from ..core import _exemptions as core_exemptions
from ..core._compliance import exempt
from ..core._iam import XRAY_WRITE_ACTIONS, ManagedPolicyRole
from ..core._jsii import shared
from ..core._logs import encrypted_log_group
from ._props import (
    DEFAULT_LOG_BUFFER_SIZE,
    OTEL_COLLECTOR_CPU,
    OTEL_COLLECTOR_IMAGE,
    OTEL_COLLECTOR_MEMORY_MIB,
    WebServiceProps,
    buffer_size_bytes,
)

__all__ = ["WebTask", "aws_logs_driver", "default_health_check_command"]

_SCRATCH_VOLUME = "tmp"
_OTEL_SCRATCH_VOLUME = "otel-tmp"
OTEL_CONTAINER_NAME = "aws-otel-collector"
OTEL_COLLECTOR_USER = "10001"
_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"


def aws_logs_driver(
    props: WebServiceProps, stream_prefix: str, log_group: logs.ILogGroup
) -> ecs.LogDriver:
    """The awslogs driver with the delivery mode and buffer chosen explicitly.

    ECS made ``non-blocking`` the default on 25 June 2025 (with a 10 MiB buffer); the library
    states the mode either way so an account setting (``defaultLogDriverMode``) cannot change
    it, and sizes the buffer (``log_max_buffer_size``, see :class:`WebServiceProps`).
    """
    non_blocking = props.log_driver_mode == ecs.AwsLogDriverMode.NON_BLOCKING
    size = (
        props.log_max_buffer_size
        if props.log_max_buffer_size is not None
        else (DEFAULT_LOG_BUFFER_SIZE)
    )
    size_bytes = buffer_size_bytes(size) if non_blocking else None
    return ecs.LogDriver.aws_logs(
        stream_prefix=stream_prefix,
        log_group=log_group,
        mode=props.log_driver_mode,
        # Size is immutable: one shared instance per value saves a jsii round trip per use.
        max_buffer_size=shared(("Size.bytes", size_bytes), lambda: Size.bytes(size_bytes))
        if size_bytes is not None
        else None,
    )


def default_health_check_command(
    port: int, path: str, protocol: elbv2.ApplicationProtocol = elbv2.ApplicationProtocol.HTTP
) -> list[str]:
    """The container health check used unless ``health_check_command`` is given.

    Images differ in what they carry: curl (Amazon Linux, most full images), BusyBox wget
    (Alpine), python3 (Python images, including slim ones that have neither). The shell tries
    each in turn; the first that answers 2xx makes the check pass, and a missing program just
    falls through to the next. Images without a shell (distroless, scratch) need their own
    ``["CMD", ...]`` command. With HTTPS to the targets the app's certificate is not verified,
    as the load balancer does not verify it either.
    """
    tls = protocol == elbv2.ApplicationProtocol.HTTPS
    url = f"{'https' if tls else 'http'}://localhost:{port}{path}"
    context = ", context=ssl._create_unverified_context()" if tls else ""
    python = (
        f"python3 -c \"import ssl, urllib.request; urllib.request.urlopen('{url}', "
        f'timeout=4{context})"'
        if tls
        else f"python3 -c \"import urllib.request; urllib.request.urlopen('{url}', timeout=4)\""
    )
    return [
        "CMD-SHELL",
        " || ".join(
            (
                f"curl -fsS{'k' if tls else ''} -o /dev/null {url}",
                f"wget -q{' --no-check-certificate' if tls else ''} -O /dev/null {url}",
                python,
                "exit 1",
            )
        ),
    ]


class WebTask(Construct):
    """Task definition, roles, log group and containers of a FargateWebService.

    Attributes:
        task_definition, container, sidecar (None without tracing), log_group,
        execution_role, task_role.
    """

    def __init__(self, scope: Construct, id: str, *, props: WebServiceProps, key: kms.IKey) -> None:
        super().__init__(scope, id)
        tasks = shared(
            ("ServicePrincipal", _TASKS_PRINCIPAL), lambda: iam.ServicePrincipal(_TASKS_PRINCIPAL)
        )
        self.execution_role = ManagedPolicyRole(
            self,
            "ExecutionRole",
            assumed_by=tasks,
            description="ECS task execution: pull the image, read the task secrets, write logs",
        )
        self.task_role = ManagedPolicyRole(
            self,
            "TaskRole",
            assumed_by=tasks,
            description="The app's own AWS permissions",
        )
        self.log_group: logs.LogGroup = encrypted_log_group(
            self,
            "Logs",
            key=key,
            retention=props.log_retention,
            removal_policy=props.log_removal_policy,
        )
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "TaskDefinition",
            cpu=props.cpu,
            memory_limit_mib=props.memory_mib,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=props.cpu_architecture,
                operating_system_family=shared(
                    "OperatingSystemFamily.LINUX", lambda: ecs.OperatingSystemFamily.LINUX
                ),
            ),
            ephemeral_storage_gib=props.ephemeral_storage_gib,
            execution_role=self.execution_role,
            task_role=self.task_role,
        )
        self.container = self._app_container(props)
        self.sidecar: ecs.ContainerDefinition | None = None
        if props.tracing:
            self.sidecar = self._otel_sidecar(props)
            self.container.add_container_dependencies(
                ecs.ContainerDependency(
                    container=self.sidecar, condition=ecs.ContainerDependencyCondition.START
                )
            )
        if not props.readonly_root_filesystem:
            Annotations.of(self).add_warning_v2(
                "ecs-patterns:WritableRootFilesystem",
                "readonly_root_filesystem=False: the app can modify its own image files. Keep "
                "it True in production unless ECS Exec is needed.",
            )
        exempt(
            self.task_definition,
            *core_exemptions.task_definition(
                readonly_root_filesystem=props.readonly_root_filesystem,
                environment=props.environment,
            ),
        )

    def _image(self, props: WebServiceProps) -> ecs.ContainerImage:
        if props.repository is not None and props.image_tag is not None:
            # Grant through EcrRepository (repository-scoped pull, plus the key when it has one)
            # and hand aws-cdk-lib an image that needs no further grant.
            props.repository.grant_pull(self.execution_role)
            return ecs.ContainerImage.from_registry(
                f"{props.repository.repository_uri}:{props.image_tag}"
            )
        assert props.image is not None  # guaranteed by WebServiceProps
        return props.image

    def _app_container(self, props: WebServiceProps) -> ecs.ContainerDefinition:
        port = props.container_port
        command = (
            list(props.health_check_command)
            if props.health_check_command is not None
            else default_health_check_command(port, props.health_check_path, props.target_protocol)
        )
        container = self.task_definition.add_container(
            "App",
            container_name=props.container_name,
            image=self._image(props),
            essential=True,
            port_mappings=[
                ecs.PortMapping(
                    name="http",
                    container_port=port,
                    protocol=ecs.Protocol.TCP,
                    app_protocol=shared(
                        "AppProtocol.http", lambda: cast(ecs.AppProtocol, ecs.AppProtocol.http)
                    ),
                )
            ],
            health_check=ecs.HealthCheck(
                command=command,
                interval=props.health_check_interval,
                timeout=props.health_check_timeout,
                retries=props.health_check_retries,
                start_period=props.health_check_start_period,
            ),
            readonly_root_filesystem=props.readonly_root_filesystem,
            user=props.user,
            memory_reservation_mib=props.memory_reservation_mib,
            environment=dict(props.environment) or None,
            secrets=dict(props.secrets) or None,
            logging=aws_logs_driver(props, "ecs", self.log_group),
            stop_timeout=props.stop_timeout,
        )
        self._scratch(container, _SCRATCH_VOLUME)
        # aws-cdk-lib grants each secret to the execution role when the container is built;
        # ManagedPolicyRole puts those statements in its managed policy (exactly these secrets).
        return container

    def _otel_sidecar(self, props: WebServiceProps) -> ecs.ContainerDefinition:
        sidecar = self.task_definition.add_container(
            "OtelCollector",
            container_name=OTEL_CONTAINER_NAME,
            image=ecs.ContainerImage.from_registry(OTEL_COLLECTOR_IMAGE),
            essential=False,
            cpu=OTEL_COLLECTOR_CPU,
            memory_limit_mib=OTEL_COLLECTOR_MEMORY_MIB,
            readonly_root_filesystem=True,
            # The image (FROM scratch, a static binary) declares no USER: run it as a numeric
            # non-root uid, which needs no /etc/passwd entry.
            user=OTEL_COLLECTOR_USER,
            # Traces only (OTLP in, X-Ray out): the permissions below match exactly this config.
            command=["--config=/etc/ecs/ecs-xray.yaml"],
            health_check=ecs.HealthCheck(command=["CMD", "/healthcheck"]),
            logging=aws_logs_driver(props, "otel", self.log_group),
        )
        self._scratch(sidecar, _OTEL_SCRATCH_VOLUME)
        # A child of the task role, so the service waits for it like for the role's own policy.
        tracing_policy = iam.ManagedPolicy(
            self.task_role,
            "TracingPolicy",
            description="ADOT collector sidecar: send traces to AWS X-Ray",
            roles=[self.task_role],
            statements=[
                iam.PolicyStatement(
                    actions=[
                        *XRAY_WRITE_ACTIONS,
                        "xray:GetSamplingStatisticSummaries",
                    ],
                    resources=["*"],
                )
            ],
        )
        exempt(tracing_policy, core_exemptions.TRACING_POLICY)
        return sidecar

    def _scratch(self, container: ecs.ContainerDefinition, volume: str) -> None:
        """A writable, task-local volume at /tmp, so a read-only root filesystem still works."""
        self.task_definition.add_volume(name=volume)
        container.add_mount_points(
            ecs.MountPoint(container_path="/tmp", source_volume=volume, read_only=False)
        )
