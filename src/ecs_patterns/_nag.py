"""Narrow cdk-nag v3 acknowledgements: one rule (or one finding), one resource, one reason."""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnResource, Validations
from constructs import IConstruct

__all__ = ["acknowledge", "cfn_lint_ignore"]


def acknowledge(construct: IConstruct, rule_ids: list[str], reason: str) -> None:
    """Acknowledge ``rule_ids`` on the CloudFormation resource behind ``construct``.

    ``construct`` may be an L1 resource or an L2 whose ``node.default_child`` is one; the
    acknowledgement is placed on that single resource, never on a parent scope, so it cannot
    hide a finding on any other resource.
    """
    target = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(target, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to acknowledge on")
    Validations.of(target).acknowledge(
        *(Acknowledgment(id=rule_id, reason=reason) for rule_id in rule_ids)
    )


def cfn_lint_ignore(resource: CfnResource, rule_ids: list[str]) -> None:
    """Skip cfn-lint ``rule_ids`` on this one resource (``Metadata.cfn-lint.config``)."""
    existing = resource.get_metadata("cfn-lint") or {}
    ignored = sorted({*existing.get("config", {}).get("ignore_checks", []), *rule_ids})
    resource.add_metadata("cfn-lint", {"config": {"ignore_checks": ignored}})
