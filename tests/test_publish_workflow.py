"""The publish workflow: schema-valid, scripts parse, and it publishes with trusted publishing.

Linted like the release workflow (tests/test_workflow.py): SchemaStore's GitHub workflow schema
vendored in check-jsonschema (offline), ``bash -n`` over every ``run:`` script, step-output
references, action pins; each with a negative control. On top: the PyPI upload action is pinned
by commit, only the publish job may ask for an OIDC token, no stored secret is used, and the tag
check really refuses a tag that is not the package version.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.test_workflow import EXPRESSION, PINNED_ACTION, Workflow, dump, load, schema_errors

ROOT = Path(__file__).resolve().parent.parent
PUBLISH = ROOT / ".github" / "workflows" / "publish.yml"
PYPI_ACTION = "pypa/gh-action-pypi-publish"
PINNED_BY_COMMIT = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@[0-9a-f]{40}$")
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


@pytest.fixture(scope="module")
def workflow() -> Workflow:
    return load(PUBLISH)


def all_steps(workflow: Workflow) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step_named(workflow: Workflow, fragment: str) -> dict[str, Any]:
    (step,) = [s for s in all_steps(workflow) if fragment in s.get("name", "")]
    return step


def script_errors(workflow: Workflow) -> list[str]:
    bash = shutil.which("bash")
    assert bash is not None
    errors = []
    for step in all_steps(workflow):
        if "run" in step:
            script = EXPRESSION.sub("EXPR", step["run"])
            result = subprocess.run(
                [bash, "-n"], input=script, capture_output=True, text=True, check=False
            )
            if result.returncode != 0:
                errors.append(f"{step.get('name')}: {result.stderr.strip()}")
    return errors


def pin_errors(workflow: Workflow) -> list[str]:
    """The upload action pinned by commit; every other action to a major version tag."""
    errors = []
    for step in all_steps(workflow):
        uses = step.get("uses")
        if uses is None:
            continue
        pattern = PINNED_BY_COMMIT if uses.startswith(PYPI_ACTION + "@") else PINNED_ACTION
        if not pattern.match(uses):
            errors.append(uses)
    return errors


# --- lint ------------------------------------------------------------------------------------


def test_workflow_is_valid_against_the_github_workflow_schemas() -> None:
    assert schema_errors(PUBLISH) == []


def _bad_id_token(w: Workflow) -> None:
    w["jobs"]["publish"]["permissions"]["id-token"] = "writ"


def _no_timeout(w: Workflow) -> None:
    del w["jobs"]["publish"]["timeout-minutes"]


def _needs_is_a_number(w: Workflow) -> None:
    w["jobs"]["publish"]["needs"] = 1


@pytest.mark.parametrize("breakage", [_bad_id_token, _no_timeout, _needs_is_a_number])
def test_fails_schema_check_on_a_broken_copy(
    workflow: Workflow, tmp_path: Path, breakage: Any
) -> None:
    broken = copy.deepcopy(workflow)
    breakage(broken)
    assert schema_errors(dump(broken, tmp_path / "publish.yml")) != []


def test_round_tripped_copy_still_passes(workflow: Workflow, tmp_path: Path) -> None:
    assert schema_errors(dump(copy.deepcopy(workflow), tmp_path / "publish.yml")) == []


def test_run_scripts_parse(workflow: Workflow) -> None:
    assert script_errors(workflow) == []


def test_fails_script_check_on_an_unclosed_quote(workflow: Workflow) -> None:
    broken = copy.deepcopy(workflow)
    step_named(broken, "tag names")["run"] += 'echo "unclosed\n'
    assert script_errors(broken) != []


def test_pypi_action_is_pinned_by_commit_and_the_others_by_major_version(
    workflow: Workflow,
) -> None:
    assert pin_errors(workflow) == []
    (upload,) = [s for s in all_steps(workflow) if s.get("uses", "").startswith(PYPI_ACTION)]
    assert PINNED_BY_COMMIT.match(upload["uses"])


def test_fails_pin_check_on_a_branch_pinned_pypi_action(workflow: Workflow) -> None:
    broken = copy.deepcopy(workflow)
    step_named(broken, "Upload to PyPI")["uses"] = f"{PYPI_ACTION}@release/v1"
    assert pin_errors(broken) == [f"{PYPI_ACTION}@release/v1"]


def test_the_pinned_commit_is_named_in_a_comment() -> None:
    text = PUBLISH.read_text(encoding="utf-8")
    assert re.search(rf"uses: {PYPI_ACTION}@[0-9a-f]{{40}} # v\d+\.\d+\.\d+$", text, re.M)


# --- what publishing does ----------------------------------------------------------------------


def test_runs_only_on_version_tags(workflow: Workflow) -> None:
    assert workflow["on"] == {"push": {"tags": ["v*"]}}


def test_only_the_publish_job_gets_an_oidc_token(workflow: Workflow) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in workflow["jobs"]["build"]
    assert workflow["jobs"]["publish"]["permissions"] == {"id-token": "write"}


def test_publishes_through_trusted_publishing_without_stored_secrets(workflow: Workflow) -> None:
    upload = step_named(workflow, "Upload to PyPI")
    assert set(upload.get("with", {})) <= {"packages-dir", "repository-url", "attestations"}
    assert "secrets." not in PUBLISH.read_text(encoding="utf-8")
    assert workflow["jobs"]["publish"]["environment"]["name"] == "pypi"


def test_publishes_what_the_build_job_built_and_checked(workflow: Workflow) -> None:
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]
    assert publish["needs"] == "build"
    assert step_named(workflow, "Build the wheel")["run"] == "make dist"
    upload = step_named(workflow, "Keep the distributions")
    download = step_named(workflow, "Fetch the distributions")
    assert upload["with"]["name"] == download["with"]["name"]
    assert upload["with"]["path"] == download["with"]["path"] == "dist/"
    assert step_named(workflow, "Upload to PyPI")["with"]["packages-dir"] == "dist/"
    assert not any("uses" in s and "checkout" in s["uses"] for s in publish["steps"])
    assert build["steps"][0]["with"]["persist-credentials"] is False
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\ndist:") :].split("\n\n")[0]
    assert "-m build" in recipe
    assert "twine check --strict dist/*" in recipe


def _run_tag_check(workflow: Workflow, tag: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", step_named(workflow, "tag names")["run"]],
        cwd=ROOT,
        env={"GITHUB_REF_NAME": tag, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_tag_check_accepts_the_package_version(workflow: Workflow) -> None:
    result = _run_tag_check(workflow, f"v{VERSION}")
    assert result.returncode == 0, result.stderr


def test_the_tag_check_refuses_another_version(workflow: Workflow) -> None:
    result = _run_tag_check(workflow, "v9.9.9")
    assert result.returncode != 0
    assert f"does not match the package version {VERSION}" in result.stderr


def test_the_package_version_is_the_one_the_code_reports() -> None:
    import ecs_patterns

    assert ecs_patterns.__version__ == VERSION
