"""Fewer jsii round trips per service, without changing what is synthesized.

Every request from Python to the jsii kernel is a round trip between processes (about 1 ms of
CPU each in a default FargateWebService, per the breakdown of ``benchmarks/synth.py``). These
tests pin the helpers that save them and the count per service, so a change that adds round
trips is seen in review; the snapshots prove the templates stay the same.
"""

from __future__ import annotations

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_s3 as s3

import ecs_patterns as ep
from ecs_patterns.core._compliance import acknowledge, acknowledge_many
from ecs_patterns.core._jsii import jsii_ref, shared

from .conftest import ENV, KernelCalls, new_app, new_stack

CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
ACKNOWLEDGED = "aws:cdk:acknowledged-rules"

# Kernel requests made by one more default FargateWebService on a shared FargateCluster, in a
# stack of its own (the layout `make bench` measures). 91 before the shared values and batched
# acknowledgements; 76 with a memo of the L1 and its Validations by jsii reference, removed
# because its 4 round trips saved no CPU beyond the machine's noise (benchmarks/README.md,
# "Speed-ups kept and removed"). Raise it only for a feature that needs the calls.
ROUND_TRIPS_PER_SERVICE = 80


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


def test_acknowledge_many_records_what_separate_calls_record() -> None:
    stack = new_stack("AcknowledgeMany")
    entries: list[tuple[list[str], str]] = [
        (["AwsSolutions-S1", "NIST.800.53.R5-S3BucketLoggingEnabled"], "first reason"),
        (["PCI.DSS.321-S3BucketReplicationEnabled"], "second reason"),
    ]
    one_call = s3.Bucket(stack, "OneCall")
    acknowledge_many(one_call, entries)
    separate = s3.Bucket(stack, "Separate")
    for rule_ids, reason in entries:
        acknowledge(separate, rule_ids, reason)
    # aws-cdk-lib records one entry per rule, under its annotation-qualified id.
    assert _acknowledged(one_call) == [
        {"Annotation::AwsSolutions-S1": "first reason"},
        {"Annotation::NIST.800.53.R5-S3BucketLoggingEnabled": "first reason"},
        {"Annotation::PCI.DSS.321-S3BucketReplicationEnabled": "second reason"},
    ]
    assert _acknowledged(separate) == _acknowledged(one_call)


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
