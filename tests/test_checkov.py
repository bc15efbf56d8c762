"""checkov over every synthesized template: zero failed checks; each skip is one check, one
resource, with a comment; a deliberately unsafe template proves the run can fail."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import CfnResource, Stack
from aws_cdk import aws_s3 as s3

from ecs_patterns import ConfigurationError, Exemption, exempt
from sample_app.stacks import SAMPLE_REPOSITORY_STACK, SAMPLE_SERVICES_STACK
from scripts.checkov_scan import CheckovRun
from tests.conftest import CHECKOV_CONTROL, SampleSynthesized, Synthesized, new_stack
from tests.stacks import STACKS

TEMPLATES = sorted(
    f"{name}.template.json" for name in [*STACKS, SAMPLE_REPOSITORY_STACK, SAMPLE_SERVICES_STACK]
)


def _skips(template: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Logical id -> {check id: comment} from ``Metadata.checkov.skip``."""
    return {
        logical_id: {s["id"]: s["comment"] for s in r["Metadata"]["checkov"]["skip"]}
        for logical_id, r in template["Resources"].items()
        if "checkov" in r.get("Metadata", {})
    }


def _of_type(template: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == resource_type}


def test_checkov_scanned_every_template_once(checkov_output: CheckovRun) -> None:
    assert list(checkov_output.files) == TEMPLATES
    assert checkov_output.parsing_errors == ()
    scanned = {c.file for c in checkov_output.checks}
    assert scanned == set(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES)
def test_checkov_no_failed_checks(checkov_output: CheckovRun, template: str) -> None:
    failed = [str(c) for c in checkov_output.only_file(template) if c.result == "FAILED"]
    assert failed == []


def test_checkov_fails_the_negative_control(checkov_all: CheckovRun) -> None:
    # The control holds an unlogged bucket, SSH open to the internet and a plain-HTTP listener:
    # the same single run must report them, or a clean result above would prove nothing.
    (control,) = CHECKOV_CONTROL.glob("*.template.json")
    failed = {(c.check_id, c.logical_id) for c in checkov_all.failed if c.file == control.name}
    assert {
        ("CKV_AWS_18", "UnloggedBucket"),
        ("CKV_AWS_24", "SshFromAnywhere"),
        ("CKV_AWS_2", "PlainHttpListener"),
    } <= failed


def test_every_skip_is_reported_as_skipped_with_its_comment(
    synthesized: Synthesized, sample_synthesized: SampleSynthesized, checkov_output: CheckovRun
) -> None:
    skipped = {
        (c.file, c.logical_id, c.check_id): c.comment for c in checkov_output.with_result("SKIPPED")
    }
    written = {
        (f"{name}.template.json", logical_id, check_id): comment
        for name, template in {**synthesized.templates, **sample_synthesized.templates}.items()
        for logical_id, checks in _skips(template).items()
        for check_id, comment in checks.items()
    }
    assert written
    assert {k: v for k, v in skipped.items() if k in written} == written
    assert all(len(comment) > 60 for comment in written.values())


def test_vpc_restrict_sg_provider_skips_only_the_lambda_placement_checks(
    synthesized: Synthesized,
) -> None:
    template = synthesized.templates["ClusterDefaults"]
    skips = _skips(template)
    (handler,) = [
        k for k in _of_type(template, "AWS::Lambda::Function") if "VpcRestrictDefaultSG" in k
    ]
    assert set(skips[handler]) == {"CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117"}


def test_access_log_bucket_skips_only_its_own_access_logging(synthesized: Synthesized) -> None:
    template = synthesized.templates["ServiceDefaults"]
    skips = _skips(template)
    (bucket,) = _of_type(template, "AWS::S3::Bucket")
    assert set(skips[bucket]) == {"CKV_AWS_18"}


def test_https_service_skips_port_80_only_for_the_redirect(synthesized: Synthesized) -> None:
    template = synthesized.templates["ServiceDefaults"]
    skips = _skips(template)
    listeners = _of_type(template, "AWS::ElasticLoadBalancingV2::Listener")
    assert not set(listeners) & set(skips)  # HTTPS and redirect listeners pass as they are
    (group,) = [k for k in _of_type(template, "AWS::EC2::SecurityGroup") if "LoadBalancer" in k]
    assert set(skips[group]) == {"CKV_AWS_260"}
    assert "redirect" in skips[group]["CKV_AWS_260"]


def test_plain_http_opt_in_skips_the_listener_tls_checks(synthesized: Synthesized) -> None:
    template = synthesized.templates["ServiceMinimal"]
    skips = _skips(template)
    (listener,) = _of_type(template, "AWS::ElasticLoadBalancingV2::Listener")
    assert set(skips[listener]) == {"CKV_AWS_2", "CKV_AWS_103"}
    assert "allow_plain_http=True" in skips[listener]["CKV_AWS_2"]


def _bucket_metadata(stack: Stack) -> Any:
    (bucket,) = [c for c in stack.node.find_all() if isinstance(c, s3.CfnBucket)]
    return bucket.get_metadata("checkov")


def test_exempt_writes_one_sorted_checkov_entry_per_check_and_replaces_a_comment() -> None:
    stack = new_stack()
    bucket = s3.Bucket(stack, "B")
    exempt(bucket, Exemption(checkov=["CKV_AWS_21"], reason="first comment"))
    exempt(
        bucket,
        Exemption(checkov=["CKV_AWS_18"], reason="logging comment"),
        Exemption(checkov=["CKV_AWS_21"], reason="second comment"),
    )
    assert _bucket_metadata(stack) == {
        "skip": [
            {"id": "CKV_AWS_18", "comment": "logging comment"},
            {"id": "CKV_AWS_21", "comment": "second comment"},
        ]
    }


def test_exemption_rejects_an_empty_reason_or_a_malformed_checkov_id() -> None:
    with pytest.raises(ConfigurationError, match="reason="):
        Exemption(checkov=["CKV_AWS_18"], reason="  ")
    with pytest.raises(ConfigurationError, match="checkov='AwsSolutions-S1'"):
        Exemption(checkov=["AwsSolutions-S1"], reason="a comment")


def test_exempt_needs_a_cloudformation_resource() -> None:
    stack = new_stack()
    with pytest.raises(TypeError, match="no CloudFormation resource"):
        exempt(stack, Exemption(checkov=["CKV_AWS_18"], reason="a comment"))
    assert not [c for c in stack.node.find_all() if isinstance(c, CfnResource)]
