"""The release artifacts: ``python -m build`` makes a wheel and an sdist that ``twine check``
accepts, and the wheel, installed into a fresh virtual environment, synthesizes a small app.

The build tools come from ``.venv-docs`` (``requirements-docs.lock``; ``make unit`` creates it).
Kept fast: the package is built without build isolation from the pinned setuptools, and the
fresh venv sees the library's dependencies through a ``.pth`` line naming the test
environment's site-packages, so pip resolves the wheel's requirements against the installed
aws-cdk-lib, constructs and cdk-nag with ``--no-index`` instead of unpacking them again. Only
the ``.pth`` line is shared: the test environment's own ``.pth`` files (the editable install of
``src/``) are not processed there, and the test checks that ``ecs_patterns`` is imported from
the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import ecs_patterns as ep

ROOT = Path(__file__).resolve().parent.parent
DOCS_PYTHON = ROOT / ".venv-docs" / "bin" / "python"
TWINE = ROOT / ".venv-docs" / "bin" / "twine"

# The small app a team would write, run with the wheel installed: it builds the library's
# ServiceDefaults test stack (imported from the checkout's tests/stacks, whose ``ecs_patterns``
# is then the wheel's) and prints, as JSON, where ecs_patterns came from, its nag findings and
# the template as the snapshot helper writes it.
APP = """
import json, sys
sys.path.append(sys.argv[1])  # the checkout, for tests.stacks (it holds no ecs_patterns)
from aws_cdk import Environment, Stack
import ecs_patterns as ep
from ecs_patterns.release._release import HANDLER_DIR  # CodeDeployRelease's Lambda code
from ecs_patterns.testing import (
    app_from_cdk_json, nag_findings, stack_template, template_snapshot_extension,
)
from tests.stacks.service import defaults

app = app_from_cdk_json("cdk.json", outdir="cdk.out")
stack = Stack(app, "ServiceDefaults", env=Environment(account="123456789012", region="us-east-1"))
defaults(stack)
print(json.dumps({
    "module": ep.__file__,
    "release_handler": str(HANDLER_DIR / "index.py"),
    "release_handler_exists": (HANDLER_DIR / "index.py").is_file(),
    "version": ep.__version__,
    "findings": [str(f) for f in nag_findings(app)],
    "snapshot": template_snapshot_extension()().serialize(stack_template(stack)),
}))
"""
SNAPSHOT = ROOT / "tests" / "__snapshots__" / "test_harness" / "test_snapshot[ServiceDefaults].json"


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path


def run(*args: str | Path, cwd: Path | None = None) -> str:
    # Without PYTHONPATH: a checkout's src on it would make pip see ecs_patterns as installed
    # in the fresh venv and skip the wheel.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, (
        f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Dist:
    if not DOCS_PYTHON.exists():
        pytest.skip(".venv-docs is missing: `make docs` (or `make unit`) creates it")
    # Built from a copy, so the build leaves no egg-info or build/ in the checkout.
    project = tmp_path_factory.mktemp("project")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, project / name)
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    run(DOCS_PYTHON, "-m", "build", "--no-isolation", "--outdir", out, project)
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return Dist(wheel=wheel, sdist=sdist)


def test_twine_accepts_the_wheel_and_the_sdist(dist: Dist) -> None:
    output = run(TWINE, "check", "--strict", dist.wheel, dist.sdist)
    assert output.count("PASSED") == 2


def test_the_wheel_ships_the_type_marker_and_the_release_handler(dist: Dist) -> None:
    names = set(zipfile.ZipFile(dist.wheel).namelist())
    assert "ecs_patterns/py.typed" in names
    assert "ecs_patterns/release/_handler/index.py" in names
    assert "ecs_patterns/testing.py" in names
    assert not any(name.startswith(("tests/", "sample_app/")) for name in names)
    assert dist.wheel.name == f"ecs_patterns-{ep.__version__}-py3-none-any.whl"


@pytest.fixture(scope="module")
def installed_app(dist: Dist, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    (Path(purelib) / "test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet",
        "--disable-pip-version-check", "--no-index", "--no-cache-dir", dist.wheel,
    )  # fmt: skip
    work = tmp_path_factory.mktemp("team-app")
    shutil.copy2(ROOT / "cdk.json", work / "cdk.json")
    (work / "app.py").write_text(APP, encoding="utf-8")
    output = run(python, "-I", "app.py", ROOT, cwd=work)
    result: dict[str, Any] = json.loads(output.splitlines()[-1])
    result["purelib"] = purelib
    return result


def test_the_app_imports_the_installed_wheel(installed_app: dict[str, Any]) -> None:
    assert installed_app["module"].startswith(installed_app["purelib"] + "/ecs_patterns/")
    assert installed_app["version"] == ep.__version__


def test_the_installed_release_handler_is_where_codedeployrelease_bundles_it_from(
    installed_app: dict[str, Any],
) -> None:
    assert installed_app["release_handler"].startswith(installed_app["purelib"] + "/")
    assert installed_app["release_handler_exists"] is True


def test_the_app_synthesizes_with_no_finding(installed_app: dict[str, Any]) -> None:
    assert installed_app["findings"] == []


def test_the_wheel_builds_the_reviewed_snapshot(installed_app: dict[str, Any]) -> None:
    # The same template as the source tree's: the committed snapshot of this stack.
    assert installed_app["snapshot"] == SNAPSHOT.read_text(encoding="utf-8")
