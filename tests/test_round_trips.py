"""Fewer jsii round trips per service, without changing what is synthesized.

Every request from Python to the jsii kernel is a round trip between processes (about 1 ms of
CPU each in a default FargateWebService, per the breakdown of ``benchmarks/synth.py``). These
tests pin the helpers that save them and the count per service, so a change that adds round
trips is seen in review; the snapshots prove the templates stay the same.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

import ecs_patterns as ep
from ecs_patterns.core._compliance import Exemption, WildcardAllowance, exempt
from ecs_patterns.core._iam import ManagedPolicyRole, wildcard_exemptions
from ecs_patterns.core._jsii import jsii_ref, shared

from .conftest import ENV, KernelCalls, new_app, new_stack

CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
ACKNOWLEDGED = "aws:cdk:acknowledged-rules"

# Kernel requests made by one more default FargateWebService on a shared FargateCluster, in a
# stack of its own (the layout `make bench` measures). 91 before the shared values and batched
# acknowledgements; 76 with a memo of the L1 and its Validations by jsii reference, removed
# because its 4 round trips saved no CPU beyond the machine's noise (benchmarks/README.md,
# "Speed-ups kept and removed"); 80 then, 75 since the service's stack is taken without
# Stack.of when it is the scope, the scratch volume is given to the task definition and the
# execution role's wildcard check reads its known statements instead of the resolved document.
# Raise it only for a feature that needs the calls.
ROUND_TRIPS_PER_SERVICE = 75

# The same for one more default FargateWebService routed on a SharedIngress by its host name
# (the fleet layout `make bench` measures), its stack included. 44 before the ingress's import
# ids were read once per ingress, the service's stack taken without Stack.of when it is the
# scope, the stack's environment read in one request, the rule given its target group instead
# of a forward action built from Python, the scratch volume given to the task definition and
# the execution role's wildcard check done on its known statements (benchmarks/README.md, "The
# fleet"). Raise it only for a feature that needs the calls.
ROUTED_ROUND_TRIPS_PER_SERVICE = 35


def test_shared_builds_each_value_once_per_key() -> None:
    built: list[int] = []

    def build(days: int) -> Duration:
        built.append(days)
        return Duration.days(days)

    first = shared(("test_round_trips", 11), lambda: build(11))
    again = shared(("test_round_trips", 11), lambda: build(11))
    other = shared(("test_round_trips", 12), lambda: build(12))
    assert again is first
    assert jsii_ref(other) != jsii_ref(first)
    assert built == [11, 12]
    assert first.to_days() == 11
    assert other.to_days() == 12


def _acknowledged(bucket: s3.Bucket) -> list[dict[str, str]]:
    cfn = bucket.node.default_child
    assert cfn is not None
    return [dict(entry.data) for entry in cfn.node.metadata if entry.type == ACKNOWLEDGED]


def test_one_exempt_call_records_what_separate_calls_record() -> None:
    stack = new_stack("ExemptMany")
    exemptions = [
        Exemption(
            nag=["AwsSolutions-S1", "NIST.800.53.R5-S3BucketLoggingEnabled"],
            reason="first reason",
        ),
        Exemption(nag=["PCI.DSS.321-S3BucketReplicationEnabled"], reason="second reason"),
    ]
    one_call = s3.Bucket(stack, "OneCall")
    exempt(one_call, *exemptions)
    separate = s3.Bucket(stack, "Separate")
    for exemption in exemptions:
        exempt(separate, exemption)
    # aws-cdk-lib records one entry per rule, under its annotation-qualified id.
    assert _acknowledged(one_call) == [
        {"Annotation::AwsSolutions-S1": "first reason"},
        {"Annotation::NIST.800.53.R5-S3BucketLoggingEnabled": "first reason"},
        {"Annotation::PCI.DSS.321-S3BucketReplicationEnabled": "second reason"},
    ]
    assert _acknowledged(separate) == _acknowledged(one_call)


def test_one_exempt_call_is_one_kernel_request_per_checker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stack = new_stack("ExemptRoundTrips")
    bucket = s3.Bucket(stack, "B")
    cfn = bucket.node.default_child
    assert cfn is not None
    exempt(bucket, Exemption(nag=["AwsSolutions-S1"], reason="first call"))
    calls = KernelCalls(monkeypatch)
    exempt(
        bucket,
        Exemption(nag=["AwsSolutions-S10"], checkov=["CKV_AWS_18"], reason="one"),
        Exemption(nag=["NIST.800.53.R5-S3BucketLoggingEnabled"], cfn_lint=["W3005"], reason="two"),
    )
    # The L1 behind the L2 and its Validations (no memo: it saved no CPU beyond the noise,
    # benchmarks/README.md), one acknowledge request for every nag id, and per metadata key
    # one read and one write.
    assert calls.count <= 8


def test_one_more_service_costs_a_bounded_number_of_round_trips(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = new_app()
    cluster = ep.FargateCluster(Stack(app, "Shared", env=ENV), "Cluster")
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")

    def add_service(name: str) -> None:
        stack = Stack(app, name, env=ENV)
        ep.FargateWebService(
            stack,
            "Web",
            ep.WebServiceProps(
                container=ep.ContainerOptions(image=image),
                load_balancer=ep.LoadBalancerOptions(
                    certificate=acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
                ),
                cluster=cluster,
            ),
        )

    add_service("First")  # modules, shared values and the cluster's answers come first
    calls = KernelCalls(monkeypatch)
    add_service("Second")
    assert 0 < calls.count <= ROUND_TRIPS_PER_SERVICE, (
        f"one more FargateWebService made {calls.count} jsii round trips "
        f"(budget {ROUND_TRIPS_PER_SERVICE})"
    )


def test_one_more_routed_service_costs_a_bounded_number_of_round_trips(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = new_app()
    platform = Stack(app, "Platform", env=ENV)
    ingress = ep.SharedIngress(
        platform,
        "Ingress",
        ep.SharedIngressProps(
            cluster=ep.FargateCluster(platform, "Cluster"),
            certificates=[acm.Certificate.from_certificate_arn(platform, "Cert", CERT_ARN)],
        ),
    )
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")

    def add_service(name: str) -> ep.FargateWebService:
        return ep.FargateWebService(
            Stack(app, name, env=ENV),
            "Web",
            ep.WebServiceProps(
                container=ep.ContainerOptions(image=image),
                ingress=ep.IngressRoute(ingress=ingress, hosts=[f"{name.lower()}.example.com"]),
            ),
        )

    add_service("First")  # modules, shared values, the ingress's ids and exports come first
    calls = KernelCalls(monkeypatch)
    second = add_service("Second")
    assert 0 < calls.count <= ROUTED_ROUND_TRIPS_PER_SERVICE, (
        f"one more routed FargateWebService made {calls.count} jsii round trips "
        f"(budget {ROUTED_ROUND_TRIPS_PER_SERVICE})"
    )
    assert second.route_priority is not None
    assert second.target_group is not None


def _role_with_grants(stack: Stack, *resources: str) -> ManagedPolicyRole:
    role = ManagedPolicyRole(
        stack, "Role", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"), description="t"
    )
    for resource in resources:
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["ecr:GetAuthorizationToken"], resources=[resource])
        )
    return role


def test_a_role_knows_the_statements_of_the_policy_it_created() -> None:
    stack = new_stack("Routed")
    role = _role_with_grants(stack, "*", "arn:aws:s3:::bucket")
    statements = role.routed_statements()
    assert statements is not None
    assert [s.resources for s in statements] == [["*"], ["arn:aws:s3:::bucket"]]
    given = ManagedPolicyRole(
        stack,
        "Given",
        assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        description="t",
        policy=iam.ManagedPolicy(stack, "Policy"),
    )
    assert given.routed_statements() is None  # a policy given may hold other statements


@pytest.mark.parametrize(
    ("resource", "allowance_resource", "exempted"),
    [
        ("*", "*", True),  # the allowance's wildcard: exempted without the document shortcut
        ("arn:aws:s3:::bucket", "*", False),  # no resource can match: nothing to exempt
        ("arn:aws:s3:::bucket/${aws:username}", "arn:aws:s3:::bucket/<aws:username>", True),
    ],
)
def test_known_statements_give_the_same_exemptions_as_the_document(
    resource: str, allowance_resource: str, exempted: bool
) -> None:
    stack = new_stack("Known")
    role = _role_with_grants(stack, resource)
    assert role.policy is not None
    allowance = WildcardAllowance(
        actions=frozenset({"ecr:GetAuthorizationToken"}), resource=allowance_resource, reason="r"
    )
    from_document = wildcard_exemptions(role.policy, [allowance])
    known = wildcard_exemptions(role.policy, [allowance], statements=role.routed_statements())
    assert known == from_document
    assert bool(known) is exempted


def test_a_token_resource_reads_the_document_when_an_allowance_names_a_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stack = new_stack("Token")
    bucket = s3.Bucket(stack, "Bucket")
    role = _role_with_grants(stack, bucket.bucket_arn)
    assert role.policy is not None
    reference = WildcardAllowance(
        actions=frozenset({"ecr:GetAuthorizationToken"}),
        resource="<Bucket83908E77.Arn>",
        reason="r",
    )
    wildcard = replace(reference, resource="*")
    statements = role.routed_statements()
    assert wildcard_exemptions(role.policy, [reference], statements=statements) == (
        wildcard_exemptions(role.policy, [reference])
    )
    assert wildcard_exemptions(role.policy, [reference], statements=statements)
    calls = KernelCalls(monkeypatch)
    # A token is never a literal '*': one read of the statement's resources, no document.
    assert wildcard_exemptions(role.policy, [wildcard], statements=statements) == ()
    assert calls.count == 1
