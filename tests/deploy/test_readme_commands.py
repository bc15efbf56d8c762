"""The deploy commands of docs/deploying.md are the ones the emulator deploy test runs; the
skipped-types check can fail.

Not marked ``deploy``: plain checks that run with the unit tests, without the emulator.
"""

from __future__ import annotations

import re
import shlex

from tests.deploy.conftest import ACCOUNT, CDK_CLI, NODE, REGION, ROOT
from tests.deploy.test_deploy_emulator import (
    BOOTSTRAP_ARGS,
    DEPLOY_ARGS,
    FIRST_TAG,
    REPOSITORY_DEPLOY_ARGS,
    SKIPPED_BY_MOTO,
    unlisted_skips,
)

CDK_PREFIX = "node_modules/.bin/node node_modules/aws-cdk/bin/cdk"


def _deploying_commands() -> list[list[str]]:
    """The ``$CDK ...`` lines of docs/deploying.md's first section, placeholders filled in."""
    text = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
    section = text.split("# Deploying\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the first section of docs/deploying.md has no sh code block"
    lines = block.group(1).splitlines()
    assert lines[0] == f'CDK="{CDK_PREFIX}"', lines[0]
    filled = (
        line.replace("<account>", ACCOUNT).replace("<region>", REGION).replace("<tag>", FIRST_TAG)
        for line in lines[1:]
    )
    return [shlex.split(line)[1:] for line in filled if line.startswith("$CDK ")]


def test_documented_deploy_commands_are_the_tests() -> None:
    assert _deploying_commands() == [
        list(BOOTSTRAP_ARGS),
        list(REPOSITORY_DEPLOY_ARGS),
        [*DEPLOY_ARGS, "-c", f"image_tag={FIRST_TAG}"],
    ]


def test_the_test_runs_the_pinned_cli() -> None:
    assert f"{NODE.relative_to(ROOT)} {CDK_CLI.relative_to(ROOT)}" == CDK_PREFIX


def test_unlisted_skip_is_reported() -> None:
    """Negative control of test_no_new_types_skipped_by_moto, on moto's log line format."""
    listed = next(iter(SKIPPED_BY_MOTO))
    log = (
        f"WARNING - No Moto CloudFormation support for {listed}\n"
        "WARNING - No Moto CloudFormation support for AWS::Example::Unmodelled\n"
    )
    assert unlisted_skips(log) == ["AWS::Example::Unmodelled"]
    assert unlisted_skips(log.splitlines()[0]) == []
