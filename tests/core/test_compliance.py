"""exempt(): one call per resource writes every checker's ids, each with its reason."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import aws_s3 as s3

import ecs_patterns as ep
from ecs_patterns.testing import nag_findings
from tests.conftest import new_stack

ACKNOWLEDGED = "aws:cdk:acknowledged-rules"


def _bucket(name: str = "B") -> tuple[s3.Bucket, Any]:
    bucket = s3.Bucket(new_stack(), name)
    cfn = bucket.node.default_child
    assert cfn is not None
    return bucket, cfn


def test_one_call_writes_nag_checkov_and_cfn_lint_on_the_one_resource() -> None:
    bucket, cfn = _bucket()
    ep.exempt(
        bucket,
        ep.Exemption(
            nag=["AwsSolutions-S1"], checkov=["CKV_AWS_18"], reason="log bucket of log buckets"
        ),
        ep.Exemption(cfn_lint=["W3045", "W3005"], reason="lint noise on this bucket"),
    )
    acks = [dict(e.data) for e in cfn.node.metadata if e.type == ACKNOWLEDGED]
    assert acks == [{"Annotation::AwsSolutions-S1": "log bucket of log buckets"}]
    assert bucket.node.metadata == []  # on the L1 resource, not on the L2 scope
    assert cfn.get_metadata("checkov") == {
        "skip": [{"id": "CKV_AWS_18", "comment": "log bucket of log buckets"}]
    }
    assert cfn.get_metadata("cfn-lint") == {"config": {"ignore_checks": ["W3005", "W3045"]}}
    rules = {f.rule for f in nag_findings(bucket.stack)}
    assert "AwsSolutions-S1" not in rules
    assert "AwsSolutions-S10" in rules  # nothing else is hidden


def test_a_second_call_adds_to_what_is_there() -> None:
    bucket, cfn = _bucket()
    ep.exempt(bucket, ep.Exemption(cfn_lint=["W3005"], reason="first"))
    ep.exempt(bucket, ep.Exemption(cfn_lint=["W3045"], reason="second"))
    assert cfn.get_metadata("cfn-lint") == {"config": {"ignore_checks": ["W3005", "W3045"]}}


def test_no_exemption_writes_nothing() -> None:
    bucket, cfn = _bucket()
    ep.exempt(bucket)
    assert cfn.get_metadata("checkov") is None
    assert [e for e in cfn.node.metadata if e.type == ACKNOWLEDGED] == []


@pytest.mark.parametrize(
    ("kwargs", "prop"),
    [
        ({"reason": "why", "nag": "AwsSolutions-S1"}, "nag"),
        ({"reason": "why", "checkov": "CKV_AWS_18"}, "checkov"),
        ({"reason": "why"}, "nag"),
        ({"reason": " ", "nag": ["AwsSolutions-S1"]}, "reason"),
        ({"reason": "why", "cfn_lint": ["lint"]}, "cfn_lint"),
        ({"reason": "why", "nag": [" AwsSolutions-S1"]}, "nag"),
    ],
)
def test_exemption_rejects_what_no_checker_could_read(kwargs: dict[str, Any], prop: str) -> None:
    with pytest.raises(ep.ConfigurationError) as raised:
        ep.Exemption(**kwargs)
    assert raised.value.props == (prop,)


def test_only_exempt_writes_acknowledgements_and_checker_metadata() -> None:
    """Build code exempts through ``exempt``; no module acknowledges or writes skips itself."""
    import re
    from pathlib import Path

    import ecs_patterns

    root = Path(ecs_patterns.__file__).parent
    writer = root / "core" / "_compliance.py"
    pattern = re.compile(
        r"^(?!\s*(#|``|cdk-nag finding)).*"
        r"(Acknowledgment\(|\.acknowledge\(|add_metadata\(|cfn_lint_ignore|checkov_skip)"
    )
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        if path != writer
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.match(line)
    ]
    assert offenders == []
