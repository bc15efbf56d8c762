"""What a real AWS account would reject or regret: each default checked from the template.

Every test here builds a fresh stack (no session fixtures), so the file runs in seconds:
release Lambdas without reserved concurrency, the waiter's log group under
``/aws/vendedlogs/states/``, create-rollback-safe retention and load balancer protection, the
circuit breaker on ECS-native blue/green, alarms that are quiet at create, a closed test
listener, and values refused at synthesis that would fail at deploy.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

import ecs_patterns as ep
from ecs_patterns.testing import nag_findings
from tests.conftest import new_stack
from tests.stacks.monitoring import _cluster, fargate_service
from tests.stacks.release import codedeploy_service, release
from tests.stacks.service import CERTIFICATE_ARN, IMAGE

ROOT = Path(__file__).resolve().parent.parent
Resources = dict[str, dict[str, Any]]


def _resources(stack: Stack, type_: str) -> Resources:
    return dict(Template.from_stack(stack).find_resources(type_))


def _web(stack: Stack, **kwargs: Any) -> ep.FargateWebService:
    props: dict[str, Any] = {
        "image": ecs.ContainerImage.from_registry(IMAGE),
        "certificate": acm.Certificate.from_certificate_arn(stack, "Cert", CERTIFICATE_ARN),
        **kwargs,
    }
    return ep.FargateWebService(stack, "Web", ep.WebServiceProps(**props))


# --- 1. deploys that fail -------------------------------------------------------------------


def test_release_lambdas_reserve_no_concurrency_by_default() -> None:
    stack = new_stack()
    release(stack, codedeploy_service(stack))
    functions = {k: v for k, v in _resources(stack, "AWS::Lambda::Function").items()}
    release_fns = [v for k, v in functions.items() if k.startswith("Release")]
    assert len(release_fns) == 5
    for fn in release_fns:
        assert "ReservedConcurrentExecutions" not in fn["Properties"]
        skips = {s["id"]: s["comment"] for s in fn["Metadata"]["checkov"]["skip"]}
        assert "quota" in skips["CKV_AWS_115"]
    assert nag_findings(stack) == []


def test_waiter_logs_to_a_vendedlogs_group_that_is_encrypted_finite_and_retained() -> None:
    stack = new_stack()
    release(stack, codedeploy_service(stack))
    (machine,) = _resources(stack, "AWS::StepFunctions::StateMachine").values()
    arn = machine["Properties"]["LoggingConfiguration"]["Destinations"][0][
        "CloudWatchLogsLogGroup"
    ]["LogGroupArn"]
    group_id = arn["Fn::GetAtt"][0]
    group = _resources(stack, "AWS::Logs::LogGroup")[group_id]
    name = group["Properties"]["LogGroupName"]["Fn::Join"][1]
    # aws-cdk-lib's own waiter group (aws/aws-cdk#28577): a vended-logs prefix, so Step
    # Functions does not append to the account's CloudWatch Logs resource policy.
    assert name[0].startswith("/aws/vendedlogs/states/")
    assert "KmsKeyId" in group["Properties"]
    assert group["Properties"]["RetentionInDays"] == 365
    # Named, so a failed first create deletes it and a retry can create it again.
    assert (group["DeletionPolicy"], group["UpdateReplacePolicy"]) == (
        "RetainExceptOnCreate",
        "Retain",
    )
    assert nag_findings(stack) == []


def test_codedeploy_strategy_passes_reserved_concurrency_to_the_release() -> None:
    stack = new_stack()
    web = _web(stack, deployment=ep.CodeDeployBlueGreen(release_reserved_concurrency=2))
    assert web.release is not None
    functions = _resources(stack, "AWS::Lambda::Function")
    release_fns = [v for k, v in functions.items() if k.startswith("WebRelease")]
    assert len(release_fns) == 5
    assert {f["Properties"]["ReservedConcurrentExecutions"] for f in release_fns} == {2}


def test_codedeploy_strategy_reserves_nothing_by_default() -> None:
    stack = new_stack()
    _web(stack, deployment=ep.CodeDeployBlueGreen())
    functions = _resources(stack, "AWS::Lambda::Function")
    release_fns = [v for k, v in functions.items() if k.startswith("WebRelease")]
    assert len(release_fns) == 5
    assert all("ReservedConcurrentExecutions" not in f["Properties"] for f in release_fns)


def test_fails_on_a_release_reserved_concurrency_out_of_range() -> None:
    with pytest.raises(ep.ConfigurationError, match="release_reserved_concurrency"):
        ep.CodeDeployBlueGreen(release_reserved_concurrency=0)
