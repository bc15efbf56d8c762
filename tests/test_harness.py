"""Every registered test stack: snapshot, cdk-nag packs, built-in validation and cfn-lint."""

from __future__ import annotations

import pytest
from syrupy.assertion import SnapshotAssertion

from ecs_patterns.testing import assert_no_findings
from tests.conftest import Synthesized
from tests.stacks import STACKS

NAMES = sorted(STACKS)


@pytest.mark.parametrize("name", NAMES)
def test_snapshot(
    synthesized: Synthesized, template_snapshot: SnapshotAssertion, name: str
) -> None:
    assert synthesized.templates[name] == template_snapshot


@pytest.mark.parametrize("name", NAMES)
def test_no_unacknowledged_nag_findings(synthesized: Synthesized, name: str) -> None:
    assert_no_findings(f for f in synthesized.nag if f.construct_path.startswith(f"{name}/"))


@pytest.mark.parametrize("name", NAMES)
def test_builtin_cloudformation_validation_clean(synthesized: Synthesized, name: str) -> None:
    assert_no_findings(
        f for f in synthesized.validation_findings if f.construct_path.startswith(f"{name}/")
    )


@pytest.mark.parametrize("name", NAMES)
def test_cfn_lint_clean(cfn_lint_output: dict[str, list[str]], name: str) -> None:
    assert cfn_lint_output[f"{name}.template.json"] == []
