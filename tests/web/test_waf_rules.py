"""The created web ACL: a default that lets large bodies through, and per-rule overrides."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Template

import ecs_patterns as ep
from tests.conftest import new_stack
from tests.stacks.service import IMAGE


def _groups(**kwargs: Any) -> dict[str, dict[str, Any]]:
    stack = new_stack("Waf")
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE), allow_plain_http=True, **kwargs
        ),
    )
    (acl,) = Template.from_stack(stack).find_resources("AWS::WAFv2::WebACL").values()
    return {
        r["Name"]: r["Statement"]["ManagedRuleGroupStatement"] for r in acl["Properties"]["Rules"]
    }


def test_default_counts_the_common_rule_sets_8kb_body_limit_instead_of_blocking() -> None:
    # SizeRestrictions_BODY blocks every body over 8 KB (uploads, larger JSON) on every service.
    groups = _groups()
    assert groups["AWSManagedRulesCommonRuleSet"]["RuleActionOverrides"] == [
        {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}
    ]
    assert "RuleActionOverrides" not in groups["AWSManagedRulesKnownBadInputsRuleSet"]


def test_overrides_set_rules_of_the_managed_groups_by_name() -> None:
    groups = _groups(
        waf_rule_overrides={
            "AWSManagedRulesCommonRuleSet": {
                "SizeRestrictions_BODY": "block",
                "NoUserAgent_HEADER": "count",
            },
            "AWSManagedRulesKnownBadInputsRuleSet": {"Host_localhost_HEADER": "allow"},
        }
    )
    # Every override is written, "block" too (the group's own action, stated explicitly).
    assert groups["AWSManagedRulesCommonRuleSet"]["RuleActionOverrides"] == [
        {"Name": "NoUserAgent_HEADER", "ActionToUse": {"Count": {}}},
        {"Name": "SizeRestrictions_BODY", "ActionToUse": {"Block": {}}},
    ]
    assert groups["AWSManagedRulesKnownBadInputsRuleSet"]["RuleActionOverrides"] == [
        {"Name": "Host_localhost_HEADER", "ActionToUse": {"Allow": {}}}
    ]


def test_fails_an_unknown_group_an_unknown_action_or_an_empty_rule_name() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        ep.WebServiceProps(
            image=ecs.ContainerImage.from_registry(IMAGE),
            allow_plain_http=True,
            waf_rule_overrides={
                "AWSManagedRulesSQLiRuleSet": {"SQLi_BODY": "count"},
                "AWSManagedRulesCommonRuleSet": {
                    "SizeRestrictions_BODY": "COUNTS",  # type: ignore[dict-item]
                    "": "count",
                },
            },
        )
    text = str(err.value)
    assert err.value.props == ("waf_rule_overrides",) * 3
    assert "AWSManagedRulesSQLiRuleSet" in text
    assert "COUNTS" in text


def test_fails_overrides_when_the_library_creates_no_web_acl() -> None:
    overrides: dict[str, dict[str, Literal["count", "allow", "block"]]] = {
        "AWSManagedRulesCommonRuleSet": {"SizeRestrictions_BODY": "block"}
    }
    for other in ({"waf": False}, {"web_acl_arn": "arn:aws:wafv2:us-east-1:1:regional/webacl/a/b"}):
        with pytest.raises(ep.ConfigurationError) as err:
            ep.WebServiceProps(
                image=ecs.ContainerImage.from_registry(IMAGE),
                allow_plain_http=True,
                waf_rule_overrides=overrides,
                **other,
            )
        assert "waf_rule_overrides" in err.value.props
