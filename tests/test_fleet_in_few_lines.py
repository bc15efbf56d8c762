"""A team builds a web service, a backend it calls, a worker and a job in under 40 lines.

The app is ``tests/apps/fleet.py``, shown on the docs page ``docs/fleet.md`` (included from the
file, so the page cannot drift). It is held to the library's own bar with nothing of its own:
synthesized with the ``cdk.json`` context, aws-cdk-lib's built-in CloudFormation validation, the
four cdk-nag packs and ``EcsHardeningChecks``, zero findings, and not one acknowledgement in
the team's code.
"""

from __future__ import annotations

import io
import runpy
import tokenize
from pathlib import Path
from typing import Any

import aws_cdk
import pytest
from aws_cdk import App, Stack, Validations

import ecs_patterns as ep
from ecs_patterns.testing import (
    add_compliance_packs,
    app_from_cdk_json,
    assert_no_findings,
    synth_findings,
)

ROOT = Path(__file__).resolve().parent.parent
FLEET = ROOT / "tests" / "apps" / "fleet.py"
PAGE = ROOT / "docs" / "fleet.md"
MAX_LINES = 40


def code_lines(source: str) -> list[str]:
    """The lines that hold code: not blank, not only a comment (docstrings count as code)."""
    lines = source.splitlines()
    comment_only = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
        and not lines[token.start[0] - 1][: token.start[1]].strip()
    }
    return [
        line
        for number, line in enumerate(lines, start=1)
        if line.strip() and number not in comment_only
    ]


def test_code_lines_skip_blank_and_comment_lines_only() -> None:
    source = (
        '"""Doc."""\n\n# a comment\nx = 1  # trailing comment\n    # indented comment\ny = "#"\n'
    )
    assert code_lines(source) == ['"""Doc."""', "x = 1  # trailing comment", 'y = "#"']


def test_fleet_is_fewer_than_40_lines_of_the_teams_code() -> None:
    lines = code_lines(FLEET.read_text(encoding="utf-8"))
    assert len(lines) < MAX_LINES, len(lines)
    # ...and it holds every workload kind.
    text = "\n".join(lines)
    for kind in ("FargateWebService", "BackendService", "QueueWorkerService", "ScheduledJob"):
        assert text.count(f"ep.{kind}(") == 1, kind
    assert ".allow_from(web)" in text


def test_fleet_acknowledges_nothing_itself() -> None:
    text = FLEET.read_text(encoding="utf-8").lower()
    for word in ("exempt", "acknowledg", "suppress", "validations", "cdk_nag"):
        assert word not in text, word


@pytest.fixture(scope="module")
def fleet_app(tmp_path_factory: pytest.TempPathFactory) -> App:
    """The fleet's ``App``, built as ``cdk synth`` builds it: with the ``cdk.json`` context.

    The file calls ``App()``, which under the CDK CLI gets its context from ``cdk.json``; here
    ``aws_cdk.App`` is swapped for the same construction while the file runs.
    """
    outdir = tmp_path_factory.mktemp("fleet.out")
    app: App = app_from_cdk_json(ROOT / "cdk.json", outdir=str(outdir))
    calls: list[tuple[Any, ...]] = []

    def app_like_cdk_synth(*args: Any, **kwargs: Any) -> App:
        calls.append((args, kwargs))
        return app

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(aws_cdk, "App", app_like_cdk_synth)
        namespace = runpy.run_path(str(FLEET), run_name="fleet")
    assert calls == [((), {})]  # the file builds exactly one App, with no arguments
    assert id(namespace["app"]) == id(app)  # the module-level app is this one
    return app


def test_fleet_synthesizes_with_zero_findings(fleet_app: App) -> None:
    add_compliance_packs(fleet_app)  # AwsSolutions, NIST 800-53 R5, HIPAA, PCI DSS
    Validations.of(fleet_app).add_plugins(ep.EcsHardeningChecks(fleet_app))
    findings = synth_findings(fleet_app)
    assert_no_findings(findings)
    stacks = {c.node.id for c in fleet_app.node.children if isinstance(c, Stack)}
    assert stacks == {"Platform", "Images", "Web", "Orders", "Worker", "Nightly"}
    # Built-in validation is on, as under `cdk synth` (the CLI turns it off only when asked).
    assert fleet_app.node.try_get_context("@aws-cdk/core:validateAgainstDefaultRules") is True
    for stack in stacks:
        assert (Path(fleet_app.outdir) / f"{stack}.template.json").is_file()


def test_docs_page_shows_the_fleet_file_itself() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert '--8<-- "tests/apps/fleet.py"' in page
