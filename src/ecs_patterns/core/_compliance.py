"""Exemptions: one call per resource, naming every checker's rule ids with one reason each.

A resource that must differ from a compliance rule (an ALB access-log bucket cannot use SSE-KMS,
an X-Ray policy needs ``Resource: *``) says so once, with :func:`exempt`: each
:class:`Exemption` names the cdk-nag rule ids (or finding ids), the checkov check ids and the
cfn-lint rule ids it covers, and the one reason a security reviewer reads for all of them. The
exemption is written on the single CloudFormation resource behind the construct, never on a
parent scope, so it cannot hide a finding on any other resource.

The library keeps its own reasons as data beside each construct family (``_exemptions``
modules), not interleaved with the build steps; teams use the same call for their resources.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Acknowledgment, CfnResource, Validations
from constructs import IConstruct

from ._errors import ConfigurationError, Problem
from ._typecheck import require_types

__all__ = ["Exemption", "WildcardAllowance", "exempt"]

_CHECKOV_ID = re.compile(r"CKV2?_[A-Z0-9]+_\d+")
_CFN_LINT_ID = re.compile(r"[EWI]\d{4}")


@dataclass(frozen=True, kw_only=True)
class Exemption:
    """Rule ids of cdk-nag, checkov and cfn-lint that one resource is exempt from, and why.

    Example::

        exempt(bucket, Exemption(
            reason="ALB access log delivery supports only SSE-S3 on the destination bucket.",
            nag=["NIST.800.53.R5-S3DefaultEncryptionKMS", "PCI.DSS.321-S3DefaultEncryptionKMS"],
            checkov=["CKV_AWS_145"],
        ))

    Attributes:
        reason: Why this resource is an inherent exception to every rule named, in words a
            security reviewer accepts (what the resource does, why the rule cannot hold, what
            limits the risk instead). Required, never blank: cdk-nag records it with each
            acknowledgement and checkov with each skip.
        nag: cdk-nag v3 rule ids (``AwsSolutions-S1``, ``NIST.800.53.R5-LambdaDLQ``), or one
            finding of a rule (``AwsSolutions-IAM5[Resource::*]``) so that other findings of
            that rule on the same resource stay reported. Also the library's own
            ``EcsPatterns-...`` rules. Default none.
        checkov: checkov check ids (``CKV_AWS_116``), written as ``Metadata.checkov.skip``.
            Default none.
        cfn_lint: cfn-lint rule ids (``W3005``), written as
            ``Metadata.cfn-lint.config.ignore_checks``. Default none.
    """

    reason: str
    nag: Sequence[str] = ()
    checkov: Sequence[str] = ()
    cfn_lint: Sequence[str] = ()

    def __post_init__(self) -> None:
        require_types(self)
        problems: list[Problem] = []
        for name in ("nag", "checkov", "cfn_lint"):
            value = getattr(self, name)
            if isinstance(value, str):
                problems.append(
                    Problem(
                        prop=name,
                        value=value,
                        allowed="a sequence of rule ids",
                        fix=f"Wrap a single id in a list: {name}=[{value!r}].",
                    )
                )
        if problems:
            raise ConfigurationError("Exemption", problems)
        if not isinstance(self.reason, str) or not self.reason.strip():
            problems.append(
                Problem(
                    prop="reason",
                    value=self.reason,
                    allowed="a non-blank explanation",
                    fix="Say why this resource is an inherent exception to the rules, in words "
                    "a security reviewer would accept.",
                )
            )
        if not (self.nag or self.checkov or self.cfn_lint):
            problems.append(
                Problem(
                    prop="nag",
                    value=tuple(self.nag),
                    allowed="at least one rule id in nag, checkov or cfn_lint",
                    fix="Name the rules this reason covers, e.g. nag=['AwsSolutions-S1'].",
                )
            )
        problems += _malformed_ids(
            "checkov", self.checkov, _CHECKOV_ID, "a checkov check id like 'CKV_AWS_117'", "checkov"
        )
        problems += _malformed_ids(
            "cfn_lint", self.cfn_lint, _CFN_LINT_ID, "a cfn-lint rule id like 'W3005'", "cfn-lint"
        )
        for rule_id in self.nag:
            if not isinstance(rule_id, str) or not rule_id.strip() or rule_id != rule_id.strip():
                problems.append(
                    Problem(
                        prop="nag",
                        value=rule_id,
                        allowed="a cdk-nag rule or finding id, e.g. 'AwsSolutions-S1'",
                        fix="Copy the id from cdk-nag's report.",
                    )
                )
        if problems:
            raise ConfigurationError("Exemption", problems)


def _malformed_ids(
    prop: str, ids: Sequence[str], pattern: re.Pattern[str], allowed: str, tool: str
) -> list[Problem]:
    """A :class:`Problem` for each id in ``ids`` that ``pattern`` does not match in full."""
    return [
        Problem(prop=prop, value=rule_id, allowed=allowed, fix=f"Copy the id from {tool}'s report.")
        for rule_id in ids
        if not pattern.fullmatch(rule_id)
    ]


@dataclass(frozen=True, kw_only=True)
class WildcardAllowance:
    """A wildcard resource that may be exempted from AwsSolutions-IAM5, and why.

    ``resource`` is the finding's resource as cdk-nag prints it (``*``, or an ARN with
    references flattened to ``<LogicalId>``); a statement qualifies only when every one of its
    actions is in ``actions``. ``reported_as``, when set, is the resource as cdk-nag reports
    it at synthesis where that differs from the statement read before synthesis: a reference
    to another stack's resource is ``<LogicalId>`` until synthesis turns it into an import of
    that stack's export, which the finding id then names.
    """

    actions: frozenset[str]
    resource: str
    reason: str
    reported_as: str | None = None


def exempt(construct: IConstruct, *exemptions: Exemption) -> None:
    """Exempt the CloudFormation resource behind ``construct`` from the rules each exemption names.

    One call per resource: every checker's ids, each group with its one reason. ``construct``
    is an L1 resource or an L2 whose ``node.default_child`` is one (else ``TypeError``).

    * cdk-nag ids become ``Validations.of(resource).acknowledge(...)``, one acknowledgement per
      id, all in one request to the jsii kernel (measured in benchmarks/README.md, "Speed-ups
      kept and removed": 11 round trips and about 7 ms of CPU per default web service; couples
      to ``Validations.acknowledge`` taking several acknowledgements in one call);
    * checkov ids become ``Metadata.checkov.skip`` entries ``{id, comment}``, kept sorted by id
      (exempting the same check again replaces its comment);
    * cfn-lint ids are added to ``Metadata.cfn-lint.config.ignore_checks``, kept sorted.

    Calling it again on the same resource adds to what is there.
    """
    if not exemptions:
        return
    target = _resource(construct)
    acknowledgments = [
        Acknowledgment(id=rule_id, reason=e.reason) for e in exemptions for rule_id in e.nag
    ]
    if acknowledgments:
        _validations(target).acknowledge(*acknowledgments)
    skips = {check_id: e.reason for e in exemptions for check_id in e.checkov}
    if skips:
        _checkov_skip(target, skips)
    ignored = [rule_id for e in exemptions for rule_id in e.cfn_lint]
    if ignored:
        _cfn_lint_ignore(target, ignored)


def exempt_scope(construct: IConstruct, exemption: Exemption) -> None:
    """cdk-nag ids of ``exemption`` acknowledged on ``construct`` itself, covering its children.

    Only for the one case where the resource does not exist yet when the library acts: the
    capacity provider association aws-cdk-lib adds under an ``ecs.Cluster`` at synthesis.
    Everywhere else use :func:`exempt`, which targets one resource.
    """
    if exemption.checkov or exemption.cfn_lint:
        raise ValueError("exempt_scope covers cdk-nag ids only; use exempt for the others")
    Validations.of(construct).acknowledge(
        *(Acknowledgment(id=rule_id, reason=exemption.reason) for rule_id in exemption.nag)
    )


def _resource(construct: IConstruct) -> CfnResource:
    if isinstance(construct, CfnResource):
        return construct
    target = construct.node.default_child
    if not isinstance(target, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to exempt")
    return target


def _validations(target: CfnResource) -> Validations:
    return Validations.of(target)


def _metadata(resource: CfnResource, key: str) -> Any:
    return resource.get_metadata(key)


def _write_metadata(resource: CfnResource, key: str, value: Any) -> None:
    resource.add_metadata(key, value)


def _cfn_lint_ignore(resource: CfnResource, rule_ids: Sequence[str]) -> None:
    """Skip cfn-lint ``rule_ids`` on this one resource (``Metadata.cfn-lint.config``)."""
    existing = _metadata(resource, "cfn-lint") or {}
    ignored = sorted({*existing.get("config", {}).get("ignore_checks", []), *rule_ids})
    _write_metadata(resource, "cfn-lint", {"config": {"ignore_checks": ignored}})


def _checkov_skip(resource: CfnResource, comments: dict[str, str]) -> None:
    """``Metadata.checkov.skip: [{id, comment}]`` on this one resource, sorted by id.

    checkov reports each as a skipped check with its comment. A check given again replaces its
    comment.
    """
    existing = _metadata(resource, "checkov") or {}
    skips = {str(s["id"]): str(s["comment"]) for s in existing.get("skip", [])}
    skips.update(comments)
    _write_metadata(
        resource, "checkov", {"skip": [{"id": i, "comment": c} for i, c in sorted(skips.items())]}
    )
