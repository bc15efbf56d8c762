"""The managed rule groups of the web ACL FargateWebService creates, and their rule actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

__all__ = [
    "DEFAULT_WAF_RULE_OVERRIDES",
    "WAF_MANAGED_RULE_GROUPS",
    "WAF_RULE_ACTIONS",
    "WafRuleAction",
]

WafRuleAction = Literal["count", "allow", "block"]
"""What a rule of a managed rule group does with a request it matches."""
WAF_RULE_ACTIONS: tuple[WafRuleAction, ...] = ("count", "allow", "block")
WAF_MANAGED_RULE_GROUPS = ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet")
"""The AWS managed rule groups of the web ACL the library creates, in priority order."""
DEFAULT_WAF_RULE_OVERRIDES: Mapping[str, Mapping[str, WafRuleAction]] = {
    # Blocks every request body over 8 KB: uploads and larger JSON APIs would get 403s.
    "AWSManagedRulesCommonRuleSet": {"SizeRestrictions_BODY": "count"},
}
"""Rule actions the created web ACL sets unless ``waf_rule_overrides`` says otherwise."""
