"""docs/compliance.md is generated from the session's synthesized stacks and must be current."""

from __future__ import annotations

import pytest

from scripts.checkov_scan import CheckovRun
from scripts.compliance_report import (
    REPORT,
    Assembly,
    Outcome,
    evaluate,
    hardening_matrix,
    nag_matrix,
    read_assembly,
    render,
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
