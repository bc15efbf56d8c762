"""docs/compliance.md is generated from the session's synthesized stacks and must be current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from cdk_nag import (
    AwsSolutionsChecks,
    HIPAASecurityChecks,
    IApplyRule,
    NagRuleCompliance,
    NIST80053R5Checks,
    PCIDSS321Checks,
)

from sample_app.stacks import SAMPLE_REPOSITORY_STACK, SAMPLE_SERVICES_STACK
from scripts.checkov_scan import CheckovRun
from scripts.compliance_report import (
    OPT_IN_ONLY,
    REPORT,
    Assembly,
    Outcome,
    StackTemplate,
    evaluate,
    hardening_matrix,
    nag_matrix,
    read_assembly,
    render,
    unused_acknowledgements,
)
from tests.conftest import SampleSynthesized, Synthesized
from tests.stacks import STACKS


@pytest.fixture(scope="session")
def assembly(synthesized: Synthesized, sample_synthesized: SampleSynthesized) -> Assembly:
    return read_assembly(synthesized.outdir, sample_synthesized.outdir)


@pytest.fixture(scope="session")
def outcomes(assembly: Assembly) -> list[Outcome]:
    return evaluate(assembly, [nag_matrix(assembly), hardening_matrix(assembly)])


def test_compliance_report_is_current(
    assembly: Assembly, outcomes: list[Outcome], checkov_output: CheckovRun
) -> None:
    expected = render(outcomes, assembly, checkov_output)
    current = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
    assert current == expected, "docs/compliance.md is stale: run `make compliance-report`"


def test_report_covers_every_registered_stack_and_the_sample(assembly: Assembly) -> None:
    assert set(assembly.stacks) == {*STACKS, SAMPLE_REPOSITORY_STACK, SAMPLE_SERVICES_STACK}


def test_rule_outcomes_agree_with_synthesis(outcomes: list[Outcome]) -> None:
    # The harness proves synthesis reports no unacknowledged finding; the per-rule evaluation
    # of the rebuilt tree must agree, or the report would describe a different tree.
    disagreements = [
        f"{o.rule} {r.stack}/{r.path}: {r.status} {r.reason}"
        for o in outcomes
        for r in o.resources
        if r.status not in ("satisfied", "acknowledged")
    ]
    assert disagreements == []


def test_each_pack_has_rules_that_apply_and_are_satisfied(outcomes: list[Outcome]) -> None:
    for pack in ("AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321", "EcsPatterns"):
        mine = [o for o in outcomes if o.pack == pack]
        assert any(o.status == "satisfied" for o in mine), pack


def test_known_acknowledgement_is_reported_with_its_reason(outcomes: list[Outcome]) -> None:
    (route,) = [o for o in outcomes if o.rule == "NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW"]
    acked = [r for r in route.resources if r.status == "acknowledged"]
    assert acked
    assert all(r.path.endswith("DefaultRoute") and "Public" in r.path for r in acked)
    assert all(r.reason.startswith("Public subnets hold only") for r in acked)


def test_container_insights_rule_is_satisfied_on_every_cluster(outcomes: list[Outcome]) -> None:
    (insights,) = [o for o in outcomes if o.rule == "AwsSolutions-ECS4"]
    assert insights.status == "satisfied"
    assert insights.resource_types == ["AWS::ECS::Cluster"]
    assert len(insights.resources) >= 5


def test_every_acknowledgement_hides_a_real_finding(
    assembly: Assembly, outcomes: list[Outcome]
) -> None:
    # An acknowledgement on a resource where the rule is compliant would be stale or misplaced.
    assert unused_acknowledgements(assembly, outcomes) == []


def _tiny_assembly(acks: dict[str, dict[str, str]], name: str = "S") -> Assembly:
    template = {
        "Resources": {
            "BucketA": {"Type": "AWS::S3::Bucket"},
            "BucketB": {"Type": "AWS::S3::Bucket"},
        }
    }
    stack = StackTemplate(
        name=name,
        template_file=Path(f"{name}.template.json"),
        template=template,
        paths={"BucketA": f"{name}/Logs/A/Resource", "BucketB": f"{name}/Data/B/Resource"},
        acknowledgements={f"{name}/{path}": a for path, a in acks.items()},
        fqns={},
    )
    return Assembly(stacks={name: stack})


def _tiny_matrix(results: dict[str, Any], name: str = "S") -> dict[str, Any]:
    return {
        "packs": {"AwsSolutions": {"AwsSolutions-S1": {"level": "Error", "info": "No logs."}}},
        "stacks": {name: {"results": {"AwsSolutions": {"AwsSolutions-S1": results}}}},
    }


def test_evaluate_honours_an_ancestor_acknowledgement_and_flags_the_rest() -> None:
    assembly = _tiny_assembly({"Logs": {"AwsSolutions-S1": "log bucket"}})
    matrix = _tiny_matrix({"BucketA": "Non-Compliant", "BucketB": "Non-Compliant"})
    (outcome,) = evaluate(assembly, [matrix])
    assert [(r.path, r.status, r.reason) for r in outcome.resources] == [
        ("Data/B/Resource", "not compliant", ""),
        ("Logs/A/Resource", "acknowledged", "log bucket"),
    ]
    assert outcome.status == "not compliant"


def test_evaluate_acknowledges_findings_one_by_one() -> None:
    assembly = _tiny_assembly({"Logs/A/Resource": {"AwsSolutions-S1[Resource::*]": "why"}})
    matrix = _tiny_matrix({"BucketA": ["Action::s3:*", "Resource::*"], "BucketB": "Compliant"})
    (outcome,) = evaluate(assembly, [matrix])
    assert [(r.path, r.finding, r.status) for r in outcome.resources] == [
        ("Data/B/Resource", "", "satisfied"),
        ("Logs/A/Resource", "Resource::*", "acknowledged"),
        ("Logs/A/Resource", "Action::s3:*", "not compliant"),
    ]


def test_unused_acknowledgement_is_reported() -> None:
    assembly = _tiny_assembly(
        {"Data/B/Resource": {"AwsSolutions-S1": "stale", "CloudFormation-Validate::W1": "x"}}
    )
    outcomes = evaluate(assembly, [_tiny_matrix({"BucketB": "Compliant"})])
    assert unused_acknowledgements(assembly, outcomes) == ["S/Data/B/Resource: AwsSolutions-S1"]


class _Recording:
    """Mixin: record every non-N/A rule outcome instead of reporting violations (slow: jsii)."""

    PACK = ""
    outcomes: dict[tuple[str, str, str], Any]
    stack: Stack

    def _apply_rule(self, params: IApplyRule) -> None:
        result = params.rule(params.node)
        if result == NagRuleCompliance.NOT_APPLICABLE:
            return
        if isinstance(result, list):
            value: Any = sorted(result) if result else "Compliant"
        else:
            value = "Compliant" if result == NagRuleCompliance.COMPLIANT else "Non-Compliant"
        logical_id = str(self.stack.resolve(params.node.logical_id))
        self.outcomes[(self.PACK, params.info, logical_id)] = value


class _AwsSolutions(_Recording, AwsSolutionsChecks):
    PACK = "AwsSolutions"


class _Nist(_Recording, NIST80053R5Checks):
    PACK = "NIST.800.53.R5"


class _Hipaa(_Recording, HIPAASecurityChecks):
    PACK = "HIPAA.Security"


class _Pci(_Recording, PCIDSS321Checks):
    PACK = "PCI.DSS.321"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ServiceMaximal", "GitHubOidcDefaults"])
def test_rebuilt_tree_gives_the_rule_outcomes_of_the_real_tree(
    synthesized: Synthesized, assembly: Assembly, name: str
) -> None:
    # nag_matrix.js evaluates a tree rebuilt from the cloud assembly; here the same rules run
    # on the real construct tree through a jsii override (about 1.6 ms per rule per resource).
    stack = synthesized.stacks[name]
    real: dict[tuple[str, str, str], Any] = {}
    for pack_class in (_AwsSolutions, _Nist, _Hipaa, _Pci):
        pack = pack_class()
        pack.outcomes, pack.stack = real, stack
        pack.validate_scope(stack)
    matrix = nag_matrix(Assembly(stacks={name: assembly.stacks[name]}))
    rebuilt = {
        (pack, matrix["packs"][pack][rule]["info"], logical_id): result
        for pack, rules in matrix["stacks"][name]["results"].items()
        for rule, per_resource in rules.items()
        for logical_id, result in per_resource.items()
    }
    assert len(real) > 100
    assert rebuilt == real


@pytest.mark.parametrize(
    ("stack", "status"), [("ServiceDefaults", "acknowledged"), ("ServiceMinimal", OPT_IN_ONLY)]
)
def test_acknowledgement_outside_a_defaults_stack_is_a_non_default_choice(
    stack: str, status: str
) -> None:
    assembly = _tiny_assembly({"Logs/A/Resource": {"AwsSolutions-S1": "why"}}, name=stack)
    matrix = _tiny_matrix({"BucketA": "Non-Compliant", "BucketB": "Compliant"}, name=stack)
    (outcome,) = evaluate(assembly, [matrix])
    assert outcome.status == status
