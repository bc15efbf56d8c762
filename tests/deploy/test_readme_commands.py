"""The README's "Deploying" commands are the ones the emulator deploy test runs.

Not marked ``deploy``: a plain text check that runs with the unit tests.
"""

from __future__ import annotations

import re
import shlex

from tests.deploy.conftest import ACCOUNT, CDK_CLI, NODE, REGION, ROOT
from tests.deploy.test_deploy_emulator import BOOTSTRAP_ARGS, DEPLOY_ARGS, FIRST_TAG

CDK_PREFIX = "node_modules/.bin/node node_modules/aws-cdk/bin/cdk"


def _deploying_commands() -> list[list[str]]:
    """The ``$CDK ...`` lines of the README's Deploying section, placeholders filled in."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Deploying\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the Deploying section has no sh code block"
    lines = block.group(1).splitlines()
    assert lines[0] == f'CDK="{CDK_PREFIX}"', lines[0]
    filled = (
        line.replace("<account>", ACCOUNT).replace("<region>", REGION).replace("<tag>", FIRST_TAG)
        for line in lines[1:]
    )
    return [shlex.split(line)[1:] for line in filled if line.startswith("$CDK ")]


def test_readme_deploy_commands_are_the_tests() -> None:
    assert _deploying_commands() == [
        list(BOOTSTRAP_ARGS),
        [*DEPLOY_ARGS, "-c", f"image_tag={FIRST_TAG}"],
    ]


def test_the_test_runs_the_pinned_cli() -> None:
    assert f"{NODE.relative_to(ROOT)} {CDK_CLI.relative_to(ROOT)}" == CDK_PREFIX
