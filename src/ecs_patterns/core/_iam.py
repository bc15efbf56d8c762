"""IAM shared by the constructs: roles whose grants land in managed policies, and the
wildcard resources that IAM cannot scope (exempted one finding at a time, with a reason)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from aws_cdk import Stack, Token
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from ._compliance import Exemption, WildcardAllowance
from ._exemptions import ECR_LOGIN, EXEC_CHANNELS, EXEC_DESCRIBE_LOG_GROUPS
from ._validation import may_hold_token

__all__ = [
    "ECR_LOGIN",
    "EXEC_CHANNELS",
    "EXEC_DESCRIBE_LOG_GROUPS",
    "XRAY_WRITE_ACTIONS",
    "ManagedPolicyRole",
    "WildcardAllowance",
    "flatten_reference",
    "reference_in",
    "wildcard_exemptions",
]

# Sending trace segments and telemetry and reading sampling rules: what AWS X-Ray's write access
# needs. None of these actions supports resource-level permissions.
XRAY_WRITE_ACTIONS = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
)


class ManagedPolicyRole(iam.Role):
    """An IAM role whose grants all land in a customer-managed policy, never an inline one.

    The NIST 800-53, HIPAA and PCI packs flag inline policies (IAMNoInlinePolicy). aws-cdk-lib
    grants (``repository.grant_pull(role)``, the awslogs driver, task secrets, ECS Exec) call
    ``add_to_principal_policy``; here that adds the statement to ``policy``: the one given, or
    else a managed policy attached to this role, created on the first grant as a child of the
    role, so anything that depends on the role also waits for its permissions. Inside
    :meth:`routing_unscoped`, statements whose only resource is ``*`` go to a separate policy
    instead (one that can carry an acknowledgement for exactly those actions).

    Attributes:
        policy: the managed policy, or None while nothing has been granted.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        description: str,
        policy: iam.ManagedPolicy | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, description=description, **kwargs)
        self._description = description
        self.policy: iam.ManagedPolicy | None = policy
        self._unscoped: iam.ManagedPolicy | None = None
        # The statements added to a policy this role creates (all of that policy's, as long as
        # nothing adds to it directly); None for a policy given, which may hold others.
        self._routed: list[iam.PolicyStatement] | None = [] if policy is None else None
        if policy is not None:
            policy.attach_to_role(self)

    def routed_statements(self) -> Sequence[iam.PolicyStatement] | None:
        """Every statement granted through this role into the policy it created, or None when
        the policy was given (it may hold statements granted elsewhere).

        Complete only while nothing adds to ``policy`` directly (``policy.add_statements``):
        for the constructs' own checks right after their grants."""
        return None if self._routed is None else tuple(self._routed)

    @contextmanager
    def routing_unscoped(self, policy: iam.ManagedPolicy) -> Iterator[None]:
        """While open, statements whose only resource is ``*`` are added to ``policy``."""
        self._unscoped = policy
        try:
            yield
        finally:
            self._unscoped = None

    def add_to_principal_policy(
        self, statement: iam.PolicyStatement
    ) -> iam.AddToPrincipalPolicyResult:
        if self._unscoped is not None and statement.resources == ["*"]:
            target = self._unscoped
        else:
            if self.policy is None:
                self.policy = iam.ManagedPolicy(
                    self, "Policy", description=f"{self._description} (permissions)", roles=[self]
                )
            target = self.policy
            if self._routed is not None:
                self._routed.append(statement)
        target.add_statements(statement)
        return iam.AddToPrincipalPolicyResult(statement_added=True, policy_dependable=target)


def flatten_reference(value: Any) -> str:
    """A resolved CloudFormation value as cdk-nag flattens it in finding ids (``<Id.Attr>``)."""
    if isinstance(value, str):
        return value.replace("${", "<").replace("}", ">")
    if isinstance(value, dict):
        if "Fn::Join" in value:
            delimiter, items = value["Fn::Join"]
            return str(delimiter).join(flatten_reference(i) for i in items)
        if "Fn::Sub" in value:
            return flatten_reference(value["Fn::Sub"])
        if "Fn::GetAtt" in value:
            resource, attribute = value["Fn::GetAtt"]
            return f"<{flatten_reference(resource)}.{flatten_reference(attribute)}>"
        if "Fn::ImportValue" in value:
            return flatten_reference(value["Fn::ImportValue"])
        if "Ref" in value:
            return f"<{flatten_reference(value['Ref'])}>"
    return json.dumps(value)


def reference_in(stack: Stack, owner: IConstruct, value: str) -> str:
    """``value`` (an attribute of ``owner``) as ``stack`` will reference it once synthesized.

    A reference to a resource of another stack becomes, at synthesis, an ``Fn::ImportValue`` of
    an export of that stack, and cdk-nag names a finding by that form; an acknowledgement
    computed before synthesis would name the in-stack ``Ref``/``Fn::GetAtt`` instead and miss
    it. This makes that export now (CDK reuses it for the reference itself, so the template is
    the same) and returns its import. Literals, values of ``stack`` itself and tokens that are
    no resource attribute are returned unchanged.
    """
    if not Token.is_unresolved(value):
        return value
    producer = Stack.of(owner)
    if producer is stack:
        return value
    resolved = producer.resolve(value)
    if not (isinstance(resolved, dict) and ("Ref" in resolved or "Fn::GetAtt" in resolved)):
        return value
    return producer.export_value(value)


def wildcard_exemptions(
    policy: iam.ManagedPolicy,
    allowances: Sequence[WildcardAllowance],
    *,
    statements: Sequence[iam.PolicyStatement] | None = None,
) -> tuple[Exemption, ...]:
    """One exemption per ``AwsSolutions-IAM5[Resource::...]`` finding of ``policy`` that an
    allowance covers, and nothing else: a wildcard statement with any other action stays a
    finding. Pass the result to ``exempt(policy, ...)``.

    ``statements``: every statement ``policy`` holds, when the caller knows them
    (:meth:`ManagedPolicyRole.routed_statements`). When none of their resources can be an
    allowance's, there is nothing to exempt and the resolved document is not read: one round
    trip per statement instead of four (a default service's execution role holds only the log
    group grant). A resource that is a token can only be an allowance's that names a reference
    (``<...>``); a literal one, only the same text.
    """
    if statements is not None and not any(
        _may_match(resource, allowances)
        for statement in statements
        for resource in statement.resources
    ):
        return ()
    document: dict[str, Any] = Stack.of(policy).resolve(policy.document.to_json()) or {}
    reasons: dict[str, list[str]] = {}
    for statement in document.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        actions = set(_as_list(statement.get("Action")))
        for resource in map(flatten_reference, _as_list(statement.get("Resource"))):
            for allowance in allowances:
                if resource == allowance.resource and actions <= allowance.actions:
                    reported = allowance.reported_as or resource
                    found = reasons.setdefault(f"AwsSolutions-IAM5[Resource::{reported}]", [])
                    if allowance.reason not in found:
                        found.append(allowance.reason)
    return tuple(
        Exemption(nag=[finding], reason=_sentence("; ".join(why)))
        for finding, why in reasons.items()
    )


def _may_match(resource: str, allowances: Sequence[WildcardAllowance]) -> bool:
    """Whether ``resource`` (unresolved) can flatten to the resource of one of ``allowances``:
    the same literal text, or, if it may hold a token, any allowance naming a reference."""
    token = may_hold_token(resource)
    return any(
        flatten_reference(resource) == allowance.resource or (token and "<" in allowance.resource)
        for allowance in allowances
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
