"""BackendService: an internal Fargate service without a load balancer, reached through
Service Connect by the services that declare themselves its clients."""

from __future__ import annotations

import re
import weakref
from dataclasses import replace
from typing import Any

from aws_cdk import Duration, Names, Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_logs as logs
from aws_cdk import aws_servicediscovery as servicediscovery
from constructs import Construct

from ..cluster import FargateCluster
from ..core._capacity import announce_spot_without_base
from ..core._compliance import exempt
from ..core._errors import ConfigurationError, Problem
from ..core._exemptions import (
    EXEC_CHANNELS,
    EXEC_DESCRIBE_LOG_GROUPS,
)
from ..core._iam import ManagedPolicyRole, wildcard_exemptions
from ..core._options import ContainerOptions, LoggingOptions
from ..core._service import (
    autoscale_task_count,
    exec_session_log_allowance,
    order_service_creation,
    private_fargate_service,
)
from ..core._service_names import claim_service_name
from ..core._task import HardenedTask, aws_logs_driver
from ..core.deployment import ServiceTargets
from ._exemptions import CLIENT_INGRESS_DESCRIPTION
from ._props import BackendServiceProps

__all__ = ["BackendService"]

_NAME_RE = re.compile(r"[^a-z0-9-]+")
_SERVICE_CONNECT_LOG_PREFIX = "service-connect"


# Library services made Service Connect clients by allow_from, and their namespace: a
# CfnService's Service Connect configuration cannot be read back before synthesis.
_CLIENT_NAMESPACES: weakref.WeakKeyDictionary[ecs.FargateService, str] = weakref.WeakKeyDictionary()


def _service_connect_namespace(client: Any, service: ecs.FargateService) -> str | None:
    """The namespace a library service already uses for Service Connect, None for none."""
    if service in _CLIENT_NAMESPACES:
        return _CLIENT_NAMESPACES[service]
    if isinstance(client, BackendService):
        return client.namespace
    options = getattr(getattr(client, "props", None), "service_connect", None)
    namespace = getattr(options, "namespace", None)
    return namespace if isinstance(namespace, str) else None


def _discovery_name(construct_id: str) -> str:
    """The construct id as a DNS label: lower case, other characters as '-'."""
    name = _NAME_RE.sub("-", construct_id.lower()).strip("-")[:63].strip("-")
    return name or "backend"


class BackendService(Construct):
    """An internal backend on Fargate: no load balancer, reached through Service Connect.

    Minimal use, one statement plus one per client (a cluster and VPC are created when none
    is given)::

        orders = BackendService(stack, "Orders", BackendServiceProps(
            cluster=cluster,
            container=ContainerOptions(
                image=ecs.ContainerImage.from_registry("public.ecr.aws/.../orders:2.1.0")
            ),
        ))
        orders.allow_from(web)  # web calls http://orders:8080

    What it builds (defaults and why: :class:`BackendServiceProps`):

    * **Task** (:class:`HardenedTask`): the app container on port 8080 (named ``http``, HTTP
      app protocol), non-root, read-only root filesystem, container health check, awslogs to
      an encrypted, finite log group; separate execution and task roles.
    * **Service**: private subnets, no public IP, a security group without ingress until a
      client is allowed (:meth:`allow_from`); the first task on Fargate and further tasks
      1:3 on Fargate and Fargate Spot; rolling deployments with the circuit breaker and
      rollback (or ECS-native blue/green, linear or canary through Service Connect).
    * **Service Connect**: the server side in the cluster's namespace (or one given): the
      named port, a discovery name and client alias, and explicit per-request and idle
      timeouts; the proxy's logs go to the app's log group. Optionally also registered in a
      Cloud Map DNS namespace for clients outside Service Connect.
    * **Scaling**: target tracking on CPU (50 %) and memory (70 %), 2 to 10 tasks.

    Clients are declared by the services that call the backend, with :meth:`allow_from`.

    Attributes:
        props: the props as given.
        cluster: the :class:`FargateCluster` (created or given).
        namespace: the Service Connect namespace, as the name or ARN the service names.
        discovery_name / dns_name / port: the Service Connect name, the client alias and its
            port: clients call ``http://<dns_name>:<port>``.
        service: the ``ecs.FargateService``.
        task_definition / container / log_group: the task's parts.
        execution_role / task_role: the two roles (grants land in managed policies).
        security_group: the tasks' security group.
        scalable_target: the service's ``ecs.ScalableTaskCount`` (add more scaling policies).
        cloud_map_service: the Cloud Map service of ``cloud_map_namespace``, or None.
    """

    def __init__(self, scope: Construct, id: str, props: BackendServiceProps) -> None:
        if props.cluster is not None and props.placement.service_name is not None:
            claim_service_name(
                props.cluster,
                props.placement.service_name,
                f"{scope.node.path}/{id}",
                props_name="BackendServiceProps",
            )
        super().__init__(scope, id)
        self.props = props
        self.cluster = (
            props.cluster if props.cluster is not None else FargateCluster(self, "Cluster")
        )
        connect = props.service_connect
        self.namespace: str = self._namespace()
        self.discovery_name: str = (
            connect.discovery_name if connect.discovery_name is not None else _discovery_name(id)
        )
        self.dns_name: str = (
            connect.dns_name if connect.dns_name is not None else self.discovery_name
        )
        self.port: int = connect.port if connect.port is not None else props.port

        container = props.container
        if container.port is None:
            container = replace(container, port=props.port)
        task = HardenedTask(
            self,
            "Task",
            container=container,
            task=props.task,
            key=self.cluster.key,
            port_name=connect.port_name,
        )
        self.task_definition: ecs.FargateTaskDefinition = task.task_definition
        self.container: ecs.ContainerDefinition = task.container
        self.execution_role: ManagedPolicyRole = task.execution_role
        self.task_role: ManagedPolicyRole = task.task_role
        self.log_group: logs.LogGroup = task.log_group

        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=self.cluster.vpc,
            description="Backend tasks: the app port from the declared clients only",
            allow_all_outbound=True,
        )
        self.service = self._service(props, task)
        self.scalable_target = autoscale_task_count(self.service, props.scaling)
        capacity = props.capacity
        if capacity.may_lose_every_task:
            cfn_service = self.service.node.default_child
            assert isinstance(cfn_service, ecs.CfnService)
            announce_spot_without_base(self, cfn_service)
        props.deployment.attach(
            self,
            ServiceTargets(
                service=self.service,
                task_definition=self.task_definition,
                container_name=props.container.name,
                container_port=props.port,
                capacity=capacity,
                vpc=self.cluster.vpc,
                subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
                security_groups=[self.security_group],
                key=self.cluster.key,
                log_retention=props.container.logging.retention,
                log_removal_policy=props.container.logging.removal_policy,
                scalable_target=self.scalable_target,
                timing=props.health_timing,
            ),
        )
        self.cloud_map_service: servicediscovery.IService | None = None
        if props.cloud_map_namespace is not None:
            self.cloud_map_service = self.service.enable_cloud_map(
                cloud_map_namespace=props.cloud_map_namespace,
                name=self.discovery_name,
                dns_record_type=servicediscovery.DnsRecordType.A,
                dns_ttl=Duration.seconds(10),
            )
        order_service_creation(self.service, task, self.cluster.cluster)
        if (policy := task.task_role.policy) is not None:
            exempt(
                policy,
                *wildcard_exemptions(
                    policy,
                    [
                        EXEC_CHANNELS,
                        EXEC_DESCRIBE_LOG_GROUPS,
                        exec_session_log_allowance(self, self.cluster.exec_log_group),
                    ],
                ),
            )
        for key, value in props.tags.items():
            Tags.of(self).add(key, value)

    # -- clients -----------------------------------------------------------------------------

    def allow_from(self, client: ec2.IConnectable | Construct) -> None:
        """Declare ``client`` a caller of this backend.

        * The backend's security group admits the client's security groups on the app port
          (the rule is created in the client's stack when that differs, so the client's stack
          depends on the backend's and not the other way round).
        * A service built with this library (:class:`FargateWebService`,
          :class:`QueueWorkerService`, :class:`BackendService`) becomes a Service Connect
          client of the backend's namespace (when it has no Service Connect yet; its proxy
          logs go to its own log group) and is created after the backend: running tasks never
          see endpoints added later (ECS developer guide, "Service Connect components"), so
          a client created first would not find the backend until its next deployment.
        * Any other ``ec2.IConnectable`` (a Lambda function in the VPC, an
          ``ecs.FargateService``) only gets the security group rule; make such a service a
          Service Connect client yourself (``service.enable_service_connect(...)``) or reach
          the backend through ``cloud_map_namespace``.

        Raises :class:`ConfigurationError` when a library service already uses Service
        Connect in another namespace (a service has one namespace), or when the client is
        not connectable.
        """
        service = getattr(client, "service", None)
        library = isinstance(service, ecs.FargateService) and isinstance(
            getattr(getattr(client, "props", None), "container", None), ContainerOptions
        )
        connectable = service if library else client
        connections = getattr(connectable, "connections", None)
        if client is self or not isinstance(connections, ec2.Connections):
            raise ConfigurationError(
                "BackendService.allow_from",
                [
                    Problem(
                        prop="client",
                        value=getattr(getattr(client, "node", None), "path", repr(client)),
                        allowed="another service of this library, or an ec2.IConnectable "
                        "(a service, a Lambda function in the VPC)",
                        fix="Pass the calling service, e.g. backend.allow_from(web).",
                    )
                ],
            )
        port = ec2.Port.tcp(self.props.port)
        for peer in connections.security_groups:
            self.security_group.add_ingress_rule(peer, port, CLIENT_INGRESS_DESCRIPTION, True)
        if library:
            assert isinstance(service, ecs.FargateService)
            self._make_client(client, service)

    def _make_client(self, client: Any, service: ecs.FargateService) -> None:
        stack = Stack.of(service)
        current = _service_connect_namespace(client, service)
        ours = self.namespace
        if current is None:
            logging = client.props.container.logging
            assert isinstance(logging, LoggingOptions)
            service.enable_service_connect(
                namespace=ours,
                log_driver=aws_logs_driver(logging, _SERVICE_CONNECT_LOG_PREFIX, client.log_group),
            )
            _CLIENT_NAMESPACES[service] = ours
        elif stack.resolve(current) != stack.resolve(ours):
            raise ConfigurationError(
                "BackendService.allow_from",
                [
                    Problem(
                        prop="client",
                        value=service.node.path,
                        allowed="a service without Service Connect, or one in the backend's "
                        f"namespace ({ours}); a service has one namespace",
                        fix="Give both the same namespace value (e.g. "
                        "namespace.namespace_arn), or call the backend through "
                        "cloud_map_namespace.",
                    )
                ],
            )
        cfn = service.node.default_child
        assert isinstance(cfn, ecs.CfnService)
        own = self.service.node.default_child
        assert isinstance(own, ecs.CfnService)
        cfn.node.add_dependency(own)

    # -- parts -------------------------------------------------------------------------------

    def _namespace(self) -> str:
        """The namespace given, else the cluster's default one (created when missing)."""
        given = self.props.service_connect.namespace
        if given is not None:
            return given
        cluster = self.cluster.cluster
        namespace = cluster.default_cloud_map_namespace
        if namespace is None:
            namespace = cluster.add_default_cloud_map_namespace(
                name=Names.unique_resource_name(self.cluster, max_length=64, separator="-").lower(),
                type=servicediscovery.NamespaceType.HTTP,
                use_for_service_connect=True,
            )
        return namespace.namespace_arn

    def _service(self, props: BackendServiceProps, task: HardenedTask) -> ecs.FargateService:
        placement = props.placement
        connect = props.service_connect
        return private_fargate_service(
            self,
            cluster=self.cluster.cluster,
            task=task,
            placement=placement,
            desired_count=props.effective_desired_count,
            capacity=props.capacity,
            security_group=self.security_group,
            deployment=props.deployment.service_options(),
            service_connect_configuration=ecs.ServiceConnectProps(
                namespace=self.namespace,
                services=[
                    ecs.ServiceConnectService(
                        port_mapping_name=connect.port_name,
                        discovery_name=self.discovery_name,
                        dns_name=self.dns_name,
                        port=self.port,
                        per_request_timeout=connect.per_request_timeout,
                        idle_timeout=connect.idle_timeout,
                    )
                ],
                log_driver=aws_logs_driver(
                    props.container.logging, _SERVICE_CONNECT_LOG_PREFIX, task.log_group
                ),
            ),
        )
