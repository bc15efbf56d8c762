"""Clusters the library did not create: what a workload needs from a cluster, and an import.

A workload (``FargateWebService`` today) runs on a :class:`ClusterHandle`: the ECS cluster, its
VPC, the KMS key for the workload's logs, the default capacity strategy and the ECS Exec session
log group. :class:`FargateCluster` is one; :meth:`FargateCluster.from_existing` makes an
:class:`ImportedCluster` from an ``ecs.ICluster`` made elsewhere.
"""

from __future__ import annotations

from typing import Protocol, cast

from aws_cdk import Annotations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from ..core._capacity import CapacityStrategy
from ..core._logs import logs_kms_key
from ..core._validation import Checks

__all__ = ["ClusterHandle", "ImportedCluster"]


class ClusterHandle(IConstruct, Protocol):
    """What a workload reads from the cluster it runs on (``WebServiceProps.cluster``).

    A construct, implemented by :class:`FargateCluster` (a cluster this library created) and
    :class:`ImportedCluster` (one it did not, from :meth:`FargateCluster.from_existing`).
    """

    @property
    def cluster(self) -> ecs.ICluster:
        """The ECS cluster services are created in."""
        ...

    @property
    def vpc(self) -> ec2.IVpc:
        """The cluster's VPC: tasks run in its private subnets (``PRIVATE_WITH_EGRESS``)."""
        ...

    @property
    def key(self) -> kms.IKey:
        """KMS key for the log groups a workload creates (usable by CloudWatch Logs)."""
        ...

    @property
    def default_capacity(self) -> CapacityStrategy:
        """The capacity strategy of a service that names none."""
        ...

    @property
    def exec_log_group(self) -> logs.ILogGroup | None:
        """The cluster's ECS Exec session log group, or None when unknown (no ECS Exec)."""
        ...

    @property
    def known_vpc_cidr(self) -> str | None:
        """The VPC's CIDR as a literal when the library chose it, else None (ask the VPC)."""
        ...


def _configured_exec_log_group(cluster: ecs.ICluster) -> logs.ILogGroup | None:
    """The session log group of the cluster's ECS Exec configuration, if it was imported."""
    configuration = cluster.execute_command_configuration
    log_configuration = configuration.log_configuration if configuration is not None else None
    group = log_configuration.cloud_watch_log_group if log_configuration is not None else None
    # aws-cdk-lib types it as a reference; every log group construct is a full ILogGroup.
    return cast(logs.ILogGroup, group) if hasattr(group, "log_group_name") else None


class ImportedCluster(Construct):
    """An ECS cluster made elsewhere (another stack, another team, the console), as a handle.

    Make one with :meth:`FargateCluster.from_existing`. What the library cannot know about an
    imported cluster, and what it does about it:

    * **Capacity providers**: whether FARGATE and FARGATE_SPOT are associated with the cluster
      (a service naming a provider the cluster lacks fails to create). Give
      ``default_capacity`` matching the cluster's providers; without it, services use
      ``CapacityStrategy.on_demand_only()`` (FARGATE only, which the cluster must have
      associated) and the warning ``ecs-patterns:ImportedClusterCapacity`` says so.
    * **The KMS key** for log groups: give ``key`` (its policy must let CloudWatch Logs use
      it); without it, a new key with yearly rotation is created here, retained on delete, and
      every service on this handle encrypts its logs with it.
    * **ECS Exec**: the cluster's exec configuration (session key, log group) is known only if
      the cluster was imported with it (``ecs.Cluster.from_cluster_attributes(...,
      execute_command_configuration=...)``; aws-cdk-lib grants the task role from it). A
      service with ``enable_execute_command=True`` is refused unless that configuration names
      a CloudWatch log group (``exec_log_group``, read from it by default).
    * **Container Insights**: unknown and left as it is. ``ServiceMonitoring``'s running-task
      alarm reads Container Insights metrics: turn it on for the cluster
      (``aws ecs update-cluster-settings --settings name=containerInsights,value=enhanced``).

    Nothing is added to the cluster or its VPC (no flow logs, no capacity providers).

    Attributes:
        cluster, vpc, key, default_capacity, exec_log_group: see :class:`ClusterHandle`.
        known_vpc_cidr: always None (the VPC is asked for its CIDR).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        cluster: ecs.ICluster,
        vpc: ec2.IVpc | None = None,
        key: kms.IKey | None = None,
        default_capacity: CapacityStrategy | None = None,
        exec_log_group: logs.ILogGroup | None = None,
    ) -> None:
        checks = Checks("FargateCluster.from_existing")
        checks.check(
            hasattr(cluster, "cluster_arn") and hasattr(cluster, "cluster_name"),
            "cluster",
            cluster,
            "an ecs.ICluster",
            "Import the cluster with ecs.Cluster.from_cluster_attributes(scope, id, "
            "cluster_name=..., vpc=...) or ecs.Cluster.from_cluster_arn(...).",
        )
        checks.check(
            vpc is None or hasattr(vpc, "vpc_id"),
            "vpc",
            vpc,
            "an ec2.IVpc",
            "Import the VPC with ec2.Vpc.from_lookup(scope, id, vpc_id=...) or "
            "ec2.Vpc.from_vpc_attributes(...).",
        )
        checks.check(
            default_capacity is None or isinstance(default_capacity, CapacityStrategy),
            "default_capacity",
            default_capacity,
            "a CapacityStrategy",
            "Pass e.g. CapacityStrategy.on_demand_only() for a cluster with FARGATE only.",
        )
        configured = (
            _configured_exec_log_group(cluster)
            if hasattr(cluster, "execute_command_configuration")
            else None
        )
        checks.check(
            exec_log_group is None or configured is not None,
            "exec_log_group",
            exec_log_group,
            "only for a cluster imported with its execute_command_configuration",
            "Import the cluster with ecs.Cluster.from_cluster_attributes(..., "
            "execute_command_configuration=ecs.ExecuteCommandConfiguration(...)) naming this "
            "log group: aws-cdk-lib grants the task role the session logging it describes.",
        )
        checks.done()
        super().__init__(scope, id)
        exec_log_group = exec_log_group if exec_log_group is not None else configured
        self._cluster = cluster
        self._vpc = vpc if vpc is not None else cluster.vpc
        self._key: kms.IKey = key if key is not None else logs_kms_key(self, "Key")
        self._exec_log_group = exec_log_group
        if default_capacity is None:
            Annotations.of(self).add_warning_v2(
                "ecs-patterns:ImportedClusterCapacity",
                "The capacity providers of an imported cluster are unknown: services use "
                "FARGATE only, which the cluster must have associated. Pass default_capacity= "
                "to FargateCluster.from_existing to use FARGATE_SPOT as well.",
            )
            default_capacity = CapacityStrategy.on_demand_only()
        self._default_capacity = default_capacity

    @property
    def cluster(self) -> ecs.ICluster:
        return self._cluster

    @property
    def vpc(self) -> ec2.IVpc:
        return self._vpc

    @property
    def key(self) -> kms.IKey:
        return self._key

    @property
    def default_capacity(self) -> CapacityStrategy:
        return self._default_capacity

    @property
    def exec_log_group(self) -> logs.ILogGroup | None:
        return self._exec_log_group

    @property
    def known_vpc_cidr(self) -> str | None:
        return None
