"""Synthesis property: generated stacks either pass every check or are refused with the prop named.

One example is a batch of stacks (a repository, a cluster, a GitHub deploy role and
``PROFILE.web_stacks`` web services, some with monitoring), built in one App with aws-cdk-lib's
built-in CloudFormation validation on, checked once with the four cdk-nag packs and the library's
EcsHardeningChecks, synthesized once and linted with one cfn-lint run. For each stack, either
building it raises :class:`ecs_patterns.ConfigurationError` naming props of the props class (and
the stack is dropped from the App), or its template has no unacknowledged finding, no built-in
validation finding and no cfn-lint error or warning. Any other exception fails with its type.
"""

from __future__ import annotations

import dataclasses
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from hypothesis import event, given, settings
from hypothesis import strategies as st

import ecs_patterns as ep
from ecs_patterns.testing import Finding, compliance_packs, nag_findings, synth_findings
from tests.conftest import CFN_LINT, ENV, new_app
from tests.property import strategies as gen
from tests.property.profiles import PROFILE
from tests.property.strategies import Spec, build


@dataclasses.dataclass(frozen=True)
class Batch:
    repository: Spec
    cluster: Spec
    github: Spec
    web: list[tuple[Spec, Spec | None]]


@st.composite
def batches(draw: st.DrawFn) -> Batch:
    return Batch(
        repository=draw(gen.repository_specs(bad=False)),
        cluster=draw(gen.cluster_specs(bad=False)),
        github=draw(gen.github_role_specs(bad=False)),
        web=draw(
            st.lists(
                st.tuples(
                    gen.web_service_specs(bad=False),
                    st.one_of(st.none(), gen.monitoring_specs(bad=False)),
                ),
                min_size=PROFILE.web_stacks,
                max_size=PROFILE.web_stacks,
            )
        ),
    )


def expected_findings(spec: Spec) -> set[str]:
    """Findings the documentation announces for an explicit choice, not acknowledged on purpose."""
    expected = set()
    user = spec.get("container.user")
    if user is not None and user.make(None) is None:  # type: ignore[arg-type]
        # ContainerOptions.user: "None keeps the image's own USER; the EcsPatterns-NonRootUser
        # rule cannot see that USER and flags the task".
        expected.add("EcsPatterns-NonRootUser")
    return expected


def _build(
    app: App,
    name: str,
    props_class: Callable[..., Any],
    spec: Spec,
    construct: Callable[[Stack, Any], Any],
) -> Stack | None:
    """Build one stack; None when the props were refused (the stack is removed again)."""
    stack = Stack(app, name, env=ENV)
    refusal: ep.ConfigurationError | None = None
    try:
        construct(stack, props_class(**build(spec, stack)))
    except ep.ConfigurationError as err:
        refusal = err
    except Exception as err:
        pytest.fail(f"{name} ({spec}) raised {type(err).__module__}.{type(err).__name__}: {err}")
    if refusal is not None:
        # A service's monitoring is built in the same stack and may refuse a combination.
        assert gen.refusal_problems(refusal, [props_class, ep.MonitoringProps], spec) == []
        app.node.try_remove_child(name)
        return None
    assert not gen.invalid_props(spec), f"{name} accepted invalid values: {spec}"
    return stack


def _web(monitoring: Spec | None) -> Callable[[Stack, Any], Any]:
    def construct(stack: Stack, props: ep.WebServiceProps) -> None:
        web = ep.FargateWebService(stack, "Web", props)
        if monitoring is not None:
            ep.ServiceMonitoring(
                stack,
                "Monitoring",
                ep.MonitoringProps(
                    service=web.service,
                    target_group=web.target_group,
                    load_balancer=web.load_balancer,
                    **build(monitoring, stack),
                ),
            )

    return construct


def _lint(outdir: Path, names: list[str]) -> list[str]:
    files = [str(outdir / f"{name}.template.json") for name in names]
    result = subprocess.run(
        [CFN_LINT, "--format", "parseable", *files], capture_output=True, text=True, check=False
    )
    if result.returncode != 0 and not result.stdout:
        raise RuntimeError(f"cfn-lint failed to run (exit {result.returncode}): {result.stderr}")
    return result.stdout.splitlines()


@settings(max_examples=PROFILE.synth_examples)
@given(batch=batches())
def test_generated_stacks_pass_every_check_or_name_the_prop(batch: Batch) -> None:
    with tempfile.TemporaryDirectory(prefix="prop-cdk-out-") as tmp:
        outdir = Path(tmp)
        app = new_app(outdir, validation=True)
        stacks: dict[str, Stack | None] = {
            "PropRepository": _build(
                app,
                "PropRepository",
                ep.RepositoryProps,
                batch.repository,
                lambda s, p: ep.EcrRepository(s, "Repo", p),
            ),
            "PropCluster": _build(
                app,
                "PropCluster",
                ep.ClusterProps,
                batch.cluster,
                lambda s, p: ep.FargateCluster(s, "Cluster", p),
            ),
            "PropGitHub": _build(
                app,
                "PropGitHub",
                ep.GitHubDeployRoleProps,
                batch.github,
                lambda s, p: ep.GitHubDeployRole(s, "Deploy", p),
            ),
        }
        expected: dict[str, set[str]] = {}
        for index, (web, monitoring) in enumerate(batch.web):
            name = f"PropWeb{index}"
            stacks[name] = _build(app, name, ep.WebServiceProps, web, _web(monitoring))
            expected[name] = expected_findings(web)
        built = [name for name, stack in stacks.items() if stack is not None]
        event(f"stacks built (not refused): {len(built)} of {len(stacks)}")

        nag = nag_findings(app, packs=[*compliance_packs(app), ep.EcsHardeningChecks(app)])
        try:
            validation = synth_findings(app)
        except Exception as err:
            pytest.fail(f"synthesis raised {type(err).__module__}.{type(err).__name__}: {err}")

        def unexpected(finding: Finding) -> bool:
            stack = finding.construct_path.split("/", 1)[0]
            return finding.rule not in expected.get(stack, set())

        problems = [str(f) for f in [*nag, *validation] if unexpected(f)]
        problems += _lint(outdir, built) if built else []
        assert not problems, "\n".join(problems)
