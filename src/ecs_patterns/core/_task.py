"""HardenedTask: the hardened Fargate task every workload kind runs (roles, app container,
encrypted logs, optional tracing sidecar)."""

from __future__ import annotations

from typing import cast

from aws_cdk import Annotations, Size
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from . import _exemptions as core_exemptions
from ._compliance import exempt
from ._iam import XRAY_WRITE_ACTIONS, ManagedPolicyRole, wildcard_exemptions
from ._jsii import shared
from ._logs import encrypted_log_group
from ._option_checks import check_health_check_command, check_task_fits
from ._options import (
    DEFAULT_LOG_BUFFER_SIZE,
    OTEL_COLLECTOR_CPU,
    OTEL_COLLECTOR_IMAGE,
    OTEL_COLLECTOR_MEMORY_MIB,
    ContainerOptions,
    LoggingOptions,
    TaskOptions,
    buffer_size_bytes,
)
from ._validation import Checks

__all__ = [
    "OTEL_CONTAINER_NAME",
    "HardenedTask",
    "aws_logs_driver",
    "default_health_check_command",
]

_SCRATCH_VOLUME = "tmp"
_OTEL_SCRATCH_VOLUME = "otel-tmp"
OTEL_CONTAINER_NAME = "aws-otel-collector"
OTEL_COLLECTOR_USER = "10001"
_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"


def aws_logs_driver(
    logging: LoggingOptions, stream_prefix: str, log_group: logs.ILogGroup
) -> ecs.LogDriver:
    """The awslogs driver with the delivery mode and buffer chosen explicitly.

    ECS made ``non-blocking`` the default on 25 June 2025 (with a 10 MiB buffer); the library
    states the mode either way so an account setting (``defaultLogDriverMode``) cannot change
    it, and sizes the buffer (:class:`LoggingOptions`).
    """
    non_blocking = logging.driver_mode == ecs.AwsLogDriverMode.NON_BLOCKING
    size = (
        logging.max_buffer_size if logging.max_buffer_size is not None else DEFAULT_LOG_BUFFER_SIZE
    )
    size_bytes = buffer_size_bytes(size) if non_blocking else None
    return ecs.LogDriver.aws_logs(
        stream_prefix=stream_prefix,
        log_group=log_group,
        mode=logging.driver_mode,
        # Size is immutable: one shared instance per value saves a jsii round trip per use.
        max_buffer_size=shared(("Size.bytes", size_bytes), lambda: Size.bytes(size_bytes))
        if size_bytes is not None
        else None,
    )


def default_health_check_command(port: int, path: str, *, tls: bool = False) -> list[str]:
    """The container health check used unless ``HealthCheck.command`` is given.

    Images differ in what they carry: curl (Amazon Linux, most full images), BusyBox wget
    (Alpine), python3 (Python images, including slim ones that have neither). The shell tries
    each in turn; the first that answers 2xx makes the check pass, and a missing program just
    falls through to the next. Images without a shell (distroless, scratch) need their own
    ``["CMD", ...]`` command. With ``tls`` the app's certificate is not verified, as a load
    balancer does not verify target certificates either.
    """
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


class HardenedTask(Construct):
    """A hardened Fargate task definition with its app container, for any workload kind.

    * separate execution and task roles (:class:`ManagedPolicyRole`): every grant lands in a
      customer-managed policy holding exactly what was granted (pull from the named
      repository, read the named secrets, write the task's log group);
    * the app container as a non-root user on a read-only root filesystem with a writable
      ``/tmp``, a health check, and ``awslogs`` to a log group encrypted with ``key`` and with
      finite retention (:func:`encrypted_log_group`);
    * a named port mapping (``port_name``) only when the container has a port, and then an
      HTTP health check of ``health_check.path`` unless a command is given; a container
      without a port needs ``health_check.command``;
    * with ``TaskOptions(tracing=True)`` an ADOT collector sidecar with hard limits, allowed to
      send traces to X-Ray.

    The compliance findings it causes itself are acknowledged on the resource, each with its
    reason: ``AwsSolutions-ECS2`` for a non-empty environment (names that look like secrets are
    refused), ``EcsPatterns-ReadonlyRootFilesystem`` when the root filesystem is made writable
    explicitly, ``AwsSolutions-IAM5`` for the account-wide ECR login token of a repository
    image and for the X-Ray actions of the tracing sidecar. Example::

        task = HardenedTask(stack, "Worker", key=cluster.key, container=ContainerOptions(
            image=ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/busybox:1.36"),
            health_check=HealthCheck(command=["CMD", "/bin/true"]),
        ))

    Attributes:
        task_definition: the ``ecs.FargateTaskDefinition``.
        container: the app ``ecs.ContainerDefinition``.
        sidecar: the tracing sidecar, or None without tracing.
        log_group: the encrypted log group of the containers.
        execution_role / task_role: the two :class:`ManagedPolicyRole` roles.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        container: ContainerOptions,
        task: TaskOptions | None = None,
        key: kms.IKey,
        port_name: str = "http",
    ) -> None:
        task = task if task is not None else TaskOptions()
        checks = Checks("HardenedTask")
        check_task_fits(checks, task, container)
        check_health_check_command(checks, container)
        checks.done()
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
            retention=container.logging.retention,
            removal_policy=container.logging.removal_policy,
        )
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "TaskDefinition",
            cpu=task.cpu,
            memory_limit_mib=task.memory_mib,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=task.cpu_architecture,
                operating_system_family=shared(
                    "OperatingSystemFamily.LINUX", lambda: ecs.OperatingSystemFamily.LINUX
                ),
            ),
            ephemeral_storage_gib=task.ephemeral_storage_gib,
            execution_role=self.execution_role,
            task_role=self.task_role,
            # The app container's scratch volume (_scratch mounts it): given here rather than
            # by add_volume, one round trip fewer, the same task definition.
            volumes=[ecs.Volume(name=_SCRATCH_VOLUME)],
        )
        self.container = self._app_container(container, port_name)
        self.sidecar: ecs.ContainerDefinition | None = None
        if task.tracing:
            self.sidecar = self._otel_sidecar(container.logging)
            self.container.add_container_dependencies(
                ecs.ContainerDependency(
                    container=self.sidecar, condition=ecs.ContainerDependencyCondition.START
                )
            )
        if not container.readonly_root_filesystem:
            Annotations.of(self).add_warning_v2(
                "ecs-patterns:WritableRootFilesystem",
                "readonly_root_filesystem=False: the app can modify its own image files. Keep "
                "it True in production unless ECS Exec is needed.",
            )
        exempt(
            self.task_definition,
            *core_exemptions.task_definition(
                readonly_root_filesystem=container.readonly_root_filesystem,
                environment=container.environment,
            ),
        )
        if (policy := self.execution_role.policy) is not None:
            # Only this task's grants are in it yet: known without reading the document.
            exempt(
                policy,
                *wildcard_exemptions(
                    policy,
                    [core_exemptions.ECR_LOGIN],
                    statements=self.execution_role.routed_statements(),
                ),
            )

    def _image(self, options: ContainerOptions) -> ecs.ContainerImage:
        if options.repository is not None and options.image_tag is not None:
            # Grant through the repository (repository-scoped pull; an EcrRepository adds its
            # key) and hand aws-cdk-lib an image that needs no further grant.
            options.repository.grant_pull(self.execution_role)
            return ecs.ContainerImage.from_registry(
                f"{options.repository.repository_uri}:{options.image_tag}"
            )
        assert options.image is not None  # guaranteed by ContainerOptions
        return options.image

    def _app_container(self, options: ContainerOptions, port_name: str) -> ecs.ContainerDefinition:
        port = options.port
        health = options.health_check
        if health.command is not None:
            command = list(health.command)
        else:
            assert port is not None  # refused in __init__ otherwise
            command = default_health_check_command(port, health.path)
        port_mappings = (
            [
                ecs.PortMapping(
                    name=port_name,
                    container_port=port,
                    protocol=ecs.Protocol.TCP,
                    app_protocol=shared(
                        "AppProtocol.http", lambda: cast(ecs.AppProtocol, ecs.AppProtocol.http)
                    ),
                )
            ]
            if port is not None
            else None
        )
        container = self.task_definition.add_container(
            "App",
            container_name=options.name,
            image=self._image(options),
            essential=True,
            port_mappings=port_mappings,
            health_check=ecs.HealthCheck(
                command=command,
                interval=health.interval,
                timeout=health.timeout,
                retries=health.retries,
                start_period=health.start_period,
            ),
            readonly_root_filesystem=options.readonly_root_filesystem,
            user=options.user,
            memory_reservation_mib=options.memory_reservation_mib,
            environment=dict(options.environment) or None,
            secrets=dict(options.secrets) or None,
            logging=aws_logs_driver(options.logging, "ecs", self.log_group),
            stop_timeout=options.stop_timeout,
            command=list(options.command) if options.command is not None else None,
            entry_point=list(options.entry_point) if options.entry_point is not None else None,
        )
        self._scratch(container, _SCRATCH_VOLUME, volume_exists=True)
        # aws-cdk-lib grants each secret to the execution role when the container is built;
        # ManagedPolicyRole puts those statements in its managed policy (exactly these secrets).
        return container

    def _otel_sidecar(self, logging: LoggingOptions) -> ecs.ContainerDefinition:
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
            logging=aws_logs_driver(logging, "otel", self.log_group),
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

    def _scratch(
        self, container: ecs.ContainerDefinition, volume: str, *, volume_exists: bool = False
    ) -> None:
        """A writable, task-local volume at /tmp, so a read-only root filesystem still works.

        ``volume_exists``: the task definition was created with the volume already."""
        if not volume_exists:
            self.task_definition.add_volume(name=volume)
        container.add_mount_points(
            ecs.MountPoint(container_path="/tmp", source_volume=volume, read_only=False)
        )
