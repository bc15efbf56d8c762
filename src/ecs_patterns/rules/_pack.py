"""EcsHardeningChecks: the library's cdk-nag v3 pack running the pure checks of ``_checks``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

import jsii
from aws_cdk import CfnResource, Stack, Validations
from cdk_nag import IApplyRule, NagMessageLevel, NagPack, NagRuleCompliance
from constructs import IConstruct

from ._checks import RULES, Compliance, Level, Rule

__all__ = ["PACK_NAME", "RULE_IDS", "EcsHardeningChecks", "resolved_properties"]

PACK_NAME = "EcsPatterns"
"""The pack name and rule id prefix: rule ids are ``EcsPatterns-<Suffix>``."""

RULE_IDS: tuple[str, ...] = tuple(f"{PACK_NAME}-{rule.suffix}" for rule in RULES)
"""Every rule id of the pack, e.g. ``EcsPatterns-NonRootUser``."""

_BY_TYPE: dict[str, tuple[Rule, ...]] = {}
for _rule in RULES:
    for _type in _rule.resource_types:
        _BY_TYPE[_type] = (*_BY_TYPE.get(_type, ()), _rule)

_COMPLIANCE = {
    Compliance.COMPLIANT: NagRuleCompliance.COMPLIANT,
    Compliance.NON_COMPLIANT: NagRuleCompliance.NON_COMPLIANT,
    Compliance.NOT_APPLICABLE: NagRuleCompliance.NOT_APPLICABLE,
}
# aws-cdk-lib < 2.262.1 wrote 'annotation::', later versions 'Annotation::' (as cdk-nag notes).
_ANNOTATION = re.compile(r"^annotation::", re.IGNORECASE)
_LEVEL = {Level.ERROR: NagMessageLevel.ERROR, Level.WARN: NagMessageLevel.WARN}


def resolved_properties(node: CfnResource) -> dict[str, Any]:
    """The resource's CloudFormation ``Properties`` with every resolvable token resolved.

    Reads the L1's typed properties (like cdk-nag's own rules); raw ``add_property_override``
    escape hatches are not visible here.
    """
    stack = Stack.of(node)
    rendered = node._render_properties(stack.resolve(node._cfn_properties))
    resolved = stack.resolve(rendered)
    return dict(resolved) if isinstance(resolved, Mapping) else {}


def _plugin_qualified_acknowledgements(node: CfnResource) -> set[str]:
    """Ids acknowledged as ``EcsPatterns::<rule id>`` on ``node`` or an ancestor.

    aws-cdk-lib suggests (and honours at synth time) the plugin-qualified form; cdk-nag's own
    check only knows the bare id, so the pack honours the qualified form itself and both forms
    behave the same under ``validate_scope`` and at synth.
    """
    key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    prefix = f"{PACK_NAME}::"
    found: set[str] = set()
    current: IConstruct | None = node
    while current is not None:
        for entry in current.node.metadata:
            if entry.type == key and isinstance(entry.data, Mapping):
                for qualified in entry.data:
                    rule_id = _ANNOTATION.sub("", str(qualified))
                    if rule_id.startswith(prefix):
                        found.add(rule_id[len(prefix) :])
        current = current.node.scope
    return found


@jsii.implements(IApplyRule)
class _AppliedRule:
    """One rule applied to one resource, its outcome computed in Python beforehand."""

    def __init__(self, rule: Rule, node: CfnResource, result: Compliance) -> None:
        self._rule = rule
        self._node = node
        self._result = result

    @property
    def rule_suffix_override(self) -> str | None:
        return self._rule.suffix

    @property
    def info(self) -> str:
        return self._rule.info

    @property
    def explanation(self) -> str:
        return self._rule.explanation

    @property
    def level(self) -> NagMessageLevel:
        return _LEVEL[self._rule.level]

    @property
    def node(self) -> CfnResource:
        return self._node

    def rule(self, node: CfnResource) -> NagRuleCompliance | list[str]:
        return _COMPLIANCE[self._result]


class EcsHardeningChecks(NagPack):
    """cdk-nag v3 pack for ECS task hardening, with rule ids ``EcsPatterns-<Suffix>``.

    Register it like any cdk-nag pack, ``Validations.of(app).add_plugins(EcsHardeningChecks(app))``,
    or run it directly with ``validate_scope(scope)``. Findings are acknowledged like any
    cdk-nag finding: ``Validations.of(construct).acknowledge(Acknowledgment(id=
    "EcsPatterns-NonRootUser", reason=...))`` on the resource (or an ancestor).
    """

    def __init__(
        self,
        scope: IConstruct | None = None,
        *,
        verbose: bool | None = None,
        write_suppressions_to_cloud_formation: bool | None = None,
    ) -> None:
        super().__init__(
            scope,
            verbose=verbose,
            write_suppressions_to_cloud_formation=write_suppressions_to_cloud_formation,
        )
        self._pack_name = PACK_NAME

    @property
    def name(self) -> str:
        return PACK_NAME

    def _check_resource(self, node: CfnResource) -> None:
        rules = _BY_TYPE.get(node.cfn_resource_type)
        if not rules:
            return
        resource_type = node.cfn_resource_type
        properties = resolved_properties(node)
        acknowledged: set[str] | None = None
        for rule in rules:
            result = rule.check(resource_type, properties)
            if result is Compliance.NON_COMPLIANT:
                if acknowledged is None:
                    acknowledged = _plugin_qualified_acknowledgements(node)
                if f"{PACK_NAME}-{rule.suffix}" in acknowledged:
                    continue
            if result is not Compliance.NOT_APPLICABLE:
                self._apply_rule(cast(IApplyRule, _AppliedRule(rule, node, result)))
