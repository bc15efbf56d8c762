"""Narrow acknowledgements: one rule (or one finding, or one check), one resource, one reason.

``acknowledge`` is for cdk-nag v3 packs, ``cfn_lint_ignore`` for cfn-lint, ``checkov_skip`` for
checkov; each writes on the single CloudFormation resource behind a construct.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from aws_cdk import Acknowledgment, CfnResource, Validations
from constructs import IConstruct

__all__ = ["acknowledge", "acknowledge_many", "cfn_lint_ignore", "checkov_skip"]


# Plain kernel calls, no memo by jsii reference: remembering the L1, its Validations and the
# metadata written saved 4 round trips per default FargateWebService and no CPU beyond the
# machine's noise (benchmarks/README.md, "Speed-ups kept and removed"), and the metadata memo
# had to assume that nothing else writes the "cfn-lint" and "checkov" keys.


def _resource(construct: IConstruct) -> CfnResource:
    if isinstance(construct, CfnResource):
        return construct
    target = construct.node.default_child
    if not isinstance(target, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to acknowledge on")
    return target


def _validations(target: CfnResource) -> Validations:
    return Validations.of(target)


def _metadata(resource: CfnResource, key: str) -> Any:
    return resource.get_metadata(key)


def _write_metadata(resource: CfnResource, key: str, value: Any) -> None:
    resource.add_metadata(key, value)


def acknowledge(construct: IConstruct, rule_ids: Sequence[str], reason: str) -> None:
    """Acknowledge ``rule_ids`` on the CloudFormation resource behind ``construct``.

    ``construct`` may be an L1 resource or an L2 whose ``node.default_child`` is one; the
    acknowledgement is placed on that single resource, never on a parent scope, so it cannot
    hide a finding on any other resource.
    """
    acknowledge_many(construct, [(rule_ids, reason)])


def acknowledge_many(construct: IConstruct, entries: Sequence[tuple[Sequence[str], str]]) -> None:
    """Several ``(rule_ids, reason)`` acknowledgements on the one resource behind ``construct``.

    The same as one :func:`acknowledge` call per entry (aws-cdk-lib records each rule on its
    own), in a single request to the jsii kernel. Measured (benchmarks/README.md, "Speed-ups
    kept and removed"): 11 round trips and about 7 ms of CPU per default ``FargateWebService``.
    Couples to ``Validations.acknowledge`` taking several acknowledgements in one call, pinned
    by tests/test_round_trips.py (one call records what separate calls record).
    """
    _validations(_resource(construct)).acknowledge(
        *(
            Acknowledgment(id=rule_id, reason=reason)
            for rule_ids, reason in entries
            for rule_id in rule_ids
        )
    )


def cfn_lint_ignore(resource: CfnResource, rule_ids: list[str]) -> None:
    """Skip cfn-lint ``rule_ids`` on this one resource (``Metadata.cfn-lint.config``)."""
    existing = _metadata(resource, "cfn-lint") or {}
    ignored = sorted({*existing.get("config", {}).get("ignore_checks", []), *rule_ids})
    _write_metadata(resource, "cfn-lint", {"config": {"ignore_checks": ignored}})


def checkov_skip(construct: IConstruct, check_id: str, comment: str) -> None:
    """Skip checkov's ``check_id`` on the CloudFormation resource behind ``construct``.

    Writes ``Metadata.checkov.skip: [{id, comment}]`` on that single resource (an L1, or the
    ``node.default_child`` of an L2), which checkov reports as a skipped check with the comment.
    One call, one check: the comment must say why this resource is an inherent exception, in
    words a security reviewer would accept. Calling it again for the same check replaces the
    comment; skips are kept sorted by id so templates are stable.

    Checks that checkov runs on every ``AWS::Lambda::Function`` (custom-resource providers,
    deployment hooks) are the usual candidates: CKV_AWS_115 (reserved concurrency),
    CKV_AWS_116 (dead-letter queue), CKV_AWS_117 (inside a VPC) and CKV_AWS_173 (environment
    variables encrypted with a customer-managed key).
    """
    if not re.fullmatch(r"CKV2?_[A-Z0-9]+_\d+", check_id):
        raise ValueError(f"check_id={check_id!r} is not a checkov check id like 'CKV_AWS_117'")
    if not comment.strip():
        raise ValueError(f"checkov_skip({check_id}) needs a comment saying why it is skipped")
    target = _resource(construct)
    existing = _metadata(target, "checkov") or {}
    skips = {str(s["id"]): str(s["comment"]) for s in existing.get("skip", [])}
    skips[check_id] = comment
    _write_metadata(
        target, "checkov", {"skip": [{"id": i, "comment": c} for i, c in sorted(skips.items())]}
    )
