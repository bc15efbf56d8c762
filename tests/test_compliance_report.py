"""docs/compliance.md is generated from the session's synthesized stacks and must be current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scripts.checkov_scan import CheckovRun
from scripts.compliance_report import (
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
    assert set(assembly.stacks) == {*STACKS, "EcsPatternsSample"}


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


def _tiny_assembly(acks: dict[str, dict[str, str]]) -> Assembly:
    template = {
        "Resources": {
            "BucketA": {"Type": "AWS::S3::Bucket"},
            "BucketB": {"Type": "AWS::S3::Bucket"},
        }
    }
    stack = StackTemplate(
        name="S",
        template_file=Path("S.template.json"),
        template=template,
        paths={"BucketA": "S/Logs/A/Resource", "BucketB": "S/Data/B/Resource"},
        acknowledgements=acks,
        fqns={},
    )
    return Assembly(stacks={"S": stack})


def _tiny_matrix(results: dict[str, Any]) -> dict[str, Any]:
    return {
        "packs": {"AwsSolutions": {"AwsSolutions-S1": {"level": "Error", "info": "No logs."}}},
        "stacks": {"S": {"results": {"AwsSolutions": {"AwsSolutions-S1": results}}}},
    }


def test_evaluate_honours_an_ancestor_acknowledgement_and_flags_the_rest() -> None:
    assembly = _tiny_assembly({"S/Logs": {"AwsSolutions-S1": "log bucket"}})
    matrix = _tiny_matrix({"BucketA": "Non-Compliant", "BucketB": "Non-Compliant"})
    (outcome,) = evaluate(assembly, [matrix])
    assert [(r.path, r.status, r.reason) for r in outcome.resources] == [
        ("Data/B/Resource", "not compliant", ""),
        ("Logs/A/Resource", "acknowledged", "log bucket"),
    ]
    assert outcome.status == "not compliant"


def test_evaluate_acknowledges_findings_one_by_one() -> None:
    assembly = _tiny_assembly({"S/Logs/A/Resource": {"AwsSolutions-S1[Resource::*]": "why"}})
    matrix = _tiny_matrix({"BucketA": ["Action::s3:*", "Resource::*"], "BucketB": "Compliant"})
    (outcome,) = evaluate(assembly, [matrix])
    assert [(r.path, r.finding, r.status) for r in outcome.resources] == [
        ("Data/B/Resource", "", "satisfied"),
        ("Logs/A/Resource", "Resource::*", "acknowledged"),
        ("Logs/A/Resource", "Action::s3:*", "not compliant"),
    ]


def test_unused_acknowledgement_is_reported() -> None:
    assembly = _tiny_assembly(
        {"S/Data/B/Resource": {"AwsSolutions-S1": "stale", "CloudFormation-Validate::W1": "x"}}
    )
    outcomes = evaluate(assembly, [_tiny_matrix({"BucketB": "Compliant"})])
    assert unused_acknowledgements(assembly, outcomes) == ["S/Data/B/Resource: AwsSolutions-S1"]
