"""Nothing lost on ``cdk destroy``: data is retained unless a prop explicitly says otherwise.

Retained by default (DeletionPolicy and UpdateReplacePolicy ``Retain``): the ECR repository
(with its images: no auto-delete custom resource), every log group the library creates (ECS
Exec, VPC flow logs, task logs, WAF logs, a job's state machine log), the ALB access-log bucket,
the library's KMS keys, a queue worker's queues (their messages are unprocessed work) and a
scheduled job's dead-letter queue (the invocations that never started a run).
Named ones (the WAF log group, the release waiter's log group, a job's state machine log group, a
repository with ``repository_name``) are ``RetainExceptOnCreate``: a failed first create deletes
them, so a retry can create them again; the library's own names hold a part generated per stack,
so a redeploy after ``cdk destroy`` never collides with what was kept.
Removed only with ``RepositoryProps(removal_policy=DESTROY)`` (emptied only with
``empty_on_delete=True``), ``ClusterProps(log_removal_policy=DESTROY)``,
``WebServiceProps(log_removal_policy=DESTROY)`` and
``WebServiceProps(access_log_removal_policy=DESTROY)`` (the bucket is never emptied) and
``QueueOptions(removal_policy=DESTROY)`` (the queues and their own key) and
``ScheduleOptions(dead_letter_removal_policy=DESTROY)`` (the dead-letter queue and its own key).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Template

import ecs_patterns as ep
from tests.conftest import Synthesized, new_stack
from tests.stacks import STACKS
from tests.stacks.service import CERTIFICATE_ARN, IMAGE

STATEFUL = frozenset(
    {
        "AWS::ECR::Repository",
        "AWS::Logs::LogGroup",
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::SQS::Queue",
        # Not created today; listed so that adding one is judged the same way.
        "AWS::DynamoDB::Table",
        "AWS::EFS::FileSystem",
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBInstance",
        "AWS::SecretsManager::Secret",
        "AWS::Kinesis::Stream",
        "AWS::Backup::BackupVault",
        "AWS::ElastiCache::ReplicationGroup",
    }
)
"""Resource types that hold data a ``cdk destroy`` would lose."""

STATELESS = frozenset(
    {
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        "AWS::CertificateManager::Certificate",  # DNS-validated: issued again from the record
        "AWS::CloudWatch::Alarm",
        "AWS::CloudWatch::CompositeAlarm",
        "AWS::CloudWatch::Dashboard",
        "AWS::CodeDeploy::Application",
        "AWS::CodeDeploy::DeploymentConfig",
        "AWS::CodeDeploy::DeploymentGroup",
        "AWS::EC2::EIP",
        "AWS::EC2::FlowLog",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::NatGateway",
        "AWS::EC2::Route",
        "AWS::EC2::RouteTable",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::SecurityGroupEgress",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::Subnet",
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::VPC",
        "AWS::EC2::VPCEndpoint",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::ECR::RegistryScanningConfiguration",
        "AWS::ECS::Cluster",
        "AWS::ECS::ClusterCapacityProviderAssociations",
        "AWS::ECS::Service",
        "AWS::ECS::TaskDefinition",
        "AWS::ElasticLoadBalancingV2::Listener",
        "AWS::ElasticLoadBalancingV2::ListenerCertificate",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::Events::Rule",
        "AWS::IAM::ManagedPolicy",
        "AWS::IAM::OIDCProvider",
        "AWS::IAM::Policy",
        "AWS::IAM::Role",
        "AWS::Lambda::Function",
        "AWS::S3::BucketPolicy",
        "AWS::SNS::Subscription",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::Route53::RecordSet",
        "AWS::Scheduler::Schedule",
        "AWS::StepFunctions::StateMachine",
        "AWS::ServiceDiscovery::HttpNamespace",
        "AWS::ServiceDiscovery::PrivateDnsNamespace",
        "AWS::ServiceDiscovery::Service",
        "AWS::WAFv2::LoggingConfiguration",
        "AWS::WAFv2::WebACL",
        "AWS::WAFv2::WebACLAssociation",
        "Custom::EcsCodeDeployRelease",
        "Custom::VpcRestrictDefaultSG",
    }
)
"""Resource types that hold no data: configuration CloudFormation recreates as it was."""

TOPIC_KEY_DESCRIPTION = "ecs-patterns: alarm notification topic"

# Registered stacks that opt out on purpose, and the prop that does it.
OPT_OUTS: dict[tuple[str, str], str] = {
    ("RepositoryCustom", "AWS::ECR::Repository"): "removal_policy=DESTROY, empty_on_delete=True",
    ("WorkerCustom", "AWS::SQS::Queue"): "QueueOptions(removal_policy=DESTROY)",
    ("JobCustom", "AWS::SQS::Queue"): "ScheduleOptions(dead_letter_removal_policy=DESTROY)",
}


def _resources(template: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield from template.get("Resources", {}).items()


def _deliberately_deleted(stack: str, resource: dict[str, Any]) -> bool:
    if (stack, resource["Type"]) in OPT_OUTS:
        return True
    # ServiceMonitoring's topic key: SNS keeps nothing at rest once delivered, so the key is
    # destroyed with the stack (documented in docs/constructs/service-monitoring.md and in
    # alarm_topic).
    description = resource.get("Properties", {}).get("Description")
    return bool(resource["Type"] == "AWS::KMS::Key" and description == TOPIC_KEY_DESCRIPTION)


@pytest.mark.parametrize("name", sorted(STACKS))
def test_every_resource_type_is_classified(synthesized: Synthesized, name: str) -> None:
    """A new resource type must be classified, so a new stateful one cannot slip past Retain."""
    types = {r["Type"] for _, r in _resources(synthesized.templates[name])}
    assert types - STATEFUL - STATELESS == set(), "classify these types in tests/test_destroy.py"


@pytest.mark.parametrize("name", sorted(STACKS))
def test_stateful_resources_are_retained_unless_opted_out(
    synthesized: Synthesized, name: str
) -> None:
    for logical_id, resource in _resources(synthesized.templates[name]):
        if resource["Type"] not in STATEFUL:
            continue
        policies = (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy"))
        if _deliberately_deleted(name, resource):
            assert policies == ("Delete", "Delete"), logical_id
        else:
            assert policies in RETAINED, f"{name}/{logical_id} would be lost"


RETAINED = {("Retain", "Retain"), ("RetainExceptOnCreate", "Retain")}
"""Kept by ``cdk destroy`` and by a replacement. ``RetainExceptOnCreate`` also keeps it, except
when CloudFormation rolls back the create that made it (then it is new and empty)."""

# Properties that give a resource its physical name.
NAME_PROPERTIES = frozenset(
    {
        "BucketName",
        "DashboardName",
        "FileSystemName",
        "KeyAlias",
        "LogGroupName",
        "QueueName",
        "RepositoryName",
        "RoleName",
        "SecretName",
        "StreamName",
        "TableName",
        "TopicName",
    }
)
# Pseudo parameters that are the same when a destroyed stack is deployed again.
_STABLE_PSEUDO = {
    "AWS::AccountId",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackName",
    "AWS::URLSuffix",
}

# Names the user chose, retained on purpose with a warning that says what a redeploy needs.
USER_NAMED: dict[tuple[str, str], str] = {
    ("GitHubOidcImported", "AWS::ECR::Repository"): "ecs-patterns:RetainedNamedRepository",
}


def _fixed(value: Any) -> bool:
    """The name is the same on every deployment of the stack (no generated part)."""
    if isinstance(value, str):
        return True
    if isinstance(value, list):
        return all(_fixed(v) for v in value)
    if isinstance(value, dict):
        if "Ref" in value:
            return value["Ref"] in _STABLE_PSEUDO
        if "Fn::GetAtt" in value:
            return False  # a generated name of another resource, new with every stack
        return all(_fixed(v) for v in value.values())
    return True


@pytest.mark.parametrize("name", sorted(STACKS))
def test_no_retained_resource_with_a_fixed_name_blocks_a_redeploy(
    synthesized: Synthesized, name: str
) -> None:
    """After ``cdk destroy``, deploying the same stack again must not hit "already exists"."""
    for logical_id, resource in _resources(synthesized.templates[name]):
        if resource.get("DeletionPolicy") not in ("Retain", "RetainExceptOnCreate"):
            continue
        names = {
            key: value
            for key, value in resource.get("Properties", {}).items()
            if key in NAME_PROPERTIES and _fixed(value)
        }
        if not names:
            continue
        assert (name, resource["Type"]) in USER_NAMED, f"{name}/{logical_id} keeps {names}"
        # A failed first create still deletes it, so a retry succeeds.
        assert resource["DeletionPolicy"] == "RetainExceptOnCreate", logical_id


def test_user_named_retained_resources_are_announced(synthesized: Synthesized) -> None:
    for (name, _type), warning in USER_NAMED.items():
        stack = synthesized.stacks[name]
        found = [
            entry
            for construct in stack.node.find_all()
            for entry in construct.node.metadata
            if entry.type == "aws:cdk:warning" and warning in str(entry.data)
        ]
        assert found, f"{name}: {warning}"


def _empties(resource: dict[str, Any]) -> bool:
    """Deletes the contents on delete: ECR's EmptyOnDelete, or CDK's auto-delete resources."""
    return resource["Type"] in ("Custom::ECRAutoDeleteImages", "Custom::S3AutoDeleteObjects") or (
        resource["Type"] == "AWS::ECR::Repository"
        and resource.get("Properties", {}).get("EmptyOnDelete") is True
    )


def test_no_registered_stack_empties_a_repository_or_bucket_by_default(
    synthesized: Synthesized,
) -> None:
    emptied = {
        (name, r["Type"])
        for name, template in synthesized.templates.items()
        for _, r in _resources(template)
        if _empties(r)
    }
    # Only the stack that asked for it with empty_on_delete=True.
    assert emptied == {("RepositoryCustom", "AWS::ECR::Repository")}


def test_the_opt_outs_are_exercised(synthesized: Synthesized) -> None:
    """The topic key and the opted-out repository exist, so the exemptions are not dead."""
    deleted = [
        (name, r["Type"])
        for name, template in synthesized.templates.items()
        for _, r in _resources(template)
        if r["Type"] in STATEFUL and _deliberately_deleted(name, r)
    ]
    assert ("RepositoryCustom", "AWS::ECR::Repository") in deleted
    assert ("MonitoringDefaults", "AWS::KMS::Key") in deleted
    assert ("WorkerCustom", "AWS::SQS::Queue") in deleted
    assert ("JobCustom", "AWS::SQS::Queue") in deleted


# --- explicit opt-ins --------------------------------------------------------------------------


def _policies(stack: Stack, type_: str) -> list[tuple[str, str]]:
    found = Template.from_stack(stack).find_resources(type_)
    return sorted(
        (r.get("DeletionPolicy", ""), r.get("UpdateReplacePolicy", "")) for r in found.values()
    )


RETAIN = ("Retain", "Retain")
RETAIN_EXCEPT_ON_CREATE = ("RetainExceptOnCreate", "Retain")
DELETE = ("Delete", "Delete")


def _emptied(stack: Stack) -> list[str]:
    template = Template.from_stack(stack).to_json()
    return sorted(r["Type"] for _, r in _resources(template) if _empties(r))


def test_repository_destroy_alone_deletes_but_never_empties() -> None:
    stack = new_stack()
    ep.EcrRepository(stack, "Repo", ep.RepositoryProps(removal_policy=RemovalPolicy.DESTROY))
    assert _policies(stack, "AWS::ECR::Repository") == [DELETE]
    # CloudFormation refuses to delete a repository that still holds images: nothing is lost.
    assert _emptied(stack) == []


def test_repository_is_emptied_only_with_empty_on_delete() -> None:
    default, opted = new_stack(), new_stack()
    ep.EcrRepository(default, "Repo")
    ep.EcrRepository(
        opted,
        "Repo",
        ep.RepositoryProps(removal_policy=RemovalPolicy.DESTROY, empty_on_delete=True),
    )
    assert _policies(default, "AWS::ECR::Repository") == [RETAIN]
    assert _emptied(default) == []
    assert _policies(opted, "AWS::ECR::Repository") == [DELETE]
    assert _emptied(opted) == ["AWS::ECR::Repository"]


def test_cluster_log_groups_deleted_only_with_log_removal_policy() -> None:
    default, opted = new_stack(), new_stack()
    ep.FargateCluster(default, "Cluster")
    ep.FargateCluster(opted, "Cluster", ep.ClusterProps(log_removal_policy=RemovalPolicy.DESTROY))
    assert _policies(default, "AWS::Logs::LogGroup") == [RETAIN, RETAIN]  # exec + flow logs
    assert _policies(opted, "AWS::Logs::LogGroup") == [DELETE, DELETE]
    # The key stays: logs it encrypted elsewhere (or retained earlier) stay readable.
    assert _policies(opted, "AWS::KMS::Key") == [RETAIN]


def test_service_logs_and_access_log_bucket_deleted_only_when_asked() -> None:
    stack = new_stack()
    cluster = ep.FargateCluster(stack, "Cluster")
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(IMAGE),
                logging=ep.LoggingOptions(removal_policy=RemovalPolicy.DESTROY),
            ),
            load_balancer=ep.LoadBalancerOptions(
                certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN),
                access_log_removal_policy=RemovalPolicy.DESTROY,
            ),
            cluster=cluster,
        ),
    )
    template = Template.from_stack(stack)
    groups = template.find_resources("AWS::Logs::LogGroup")
    by_owner = {
        logical_id: (r.get("DeletionPolicy"), r.get("UpdateReplacePolicy"))
        for logical_id, r in groups.items()
    }
    web = {k: v for k, v in by_owner.items() if k.startswith("Web")}
    assert len(web) == 2  # task logs and WAF logs
    assert set(web.values()) == {DELETE}
    # The cluster's own log groups follow the cluster's props, not the service's.
    assert {v for k, v in by_owner.items() if k.startswith("Cluster")} == {RETAIN}
    assert _policies(stack, "AWS::S3::Bucket") == [DELETE]
    # The bucket is never emptied: CloudFormation cannot delete it while it holds logs.
    assert _emptied(stack) == []


def test_worker_queues_and_their_key_deleted_only_when_asked() -> None:
    image = ecs.ContainerImage.from_registry(IMAGE)
    health = ep.HealthCheck(command=["CMD", "/bin/true"])
    kept, dropped = new_stack("Kept"), new_stack("Dropped")
    for stack, options in (
        (kept, ep.QueueOptions()),
        (dropped, ep.QueueOptions(removal_policy=RemovalPolicy.DESTROY)),
    ):
        ep.QueueWorkerService(
            stack,
            "Worker",
            ep.QueueWorkerProps(
                container=ep.ContainerOptions(image=image, health_check=health), queue=options
            ),
        )
    assert _policies(kept, "AWS::SQS::Queue") == [RETAIN, RETAIN]
    assert _policies(dropped, "AWS::SQS::Queue") == [DELETE, DELETE]
    worker_key = {"Properties": {"Description": "ecs-patterns: worker queue and dead-letter queue"}}
    for stack, expected in ((kept, "Retain"), (dropped, "Delete")):
        (key,) = Template.from_stack(stack).find_resources("AWS::KMS::Key", worker_key).values()
        assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == (expected, expected)


def test_job_dead_letter_queue_and_its_key_deleted_only_when_asked() -> None:
    image = ecs.ContainerImage.from_registry(IMAGE)
    health = ep.HealthCheck(command=["CMD", "/bin/true"])
    kept, dropped = new_stack("KeptJob"), new_stack("DroppedJob")
    for stack, removal in ((kept, RemovalPolicy.RETAIN), (dropped, RemovalPolicy.DESTROY)):
        ep.ScheduledJob(
            stack,
            "Job",
            ep.ScheduledJobProps(
                container=ep.ContainerOptions(image=image, health_check=health),
                schedule=ep.ScheduleOptions(
                    expression="rate(1 day)", dead_letter_removal_policy=removal
                ),
                alarms=None,
            ),
        )
    assert _policies(kept, "AWS::SQS::Queue") == [RETAIN]
    assert _policies(dropped, "AWS::SQS::Queue") == [DELETE]
    job_key = {"Properties": {"Description": "ecs-patterns: scheduled job dead-letter queue"}}
    for stack, expected in ((kept, "Retain"), (dropped, "Delete")):
        (key,) = Template.from_stack(stack).find_resources("AWS::KMS::Key", job_key).values()
        assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == (expected, expected)
