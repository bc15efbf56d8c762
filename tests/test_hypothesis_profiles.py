"""Every hypothesis test runs under the project profiles; `make test-deep` deepens them all."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from hypothesis import settings

from tests.property.profiles import PROFILE

ROOT = Path(__file__).resolve().parent.parent


def _recipe(target: str) -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert match is not None, target
    return [line.strip() for line in match.group(1).splitlines()]


def test_hypothesis_tests_outside_tests_property_run_under_the_project_profile() -> None:
    # This module is outside tests/property, as tests/web/test_routing.py is.
    current = settings.default
    assert current is not None
    assert current.max_examples == PROFILE.props_examples
    assert current.derandomize is PROFILE.derandomize
    assert (current.database is None) is PROFILE.derandomize


def test_make_test_deep_runs_every_hypothesis_test_with_the_deep_profile() -> None:
    (command,) = _recipe("test-deep")
    args = shlex.split(command)
    assert args[0] == "ECS_PATTERNS_HYPOTHESIS_PROFILE=deep"
    pytest_args = args[args.index("$(BIN)/pytest") + 1 :]
    assert pytest_args[pytest_args.index("-m") + 1] == "hypothesis"
    paths = [ROOT / a for a in pytest_args if not a.startswith("-") and a != "hypothesis"]
    with_given = [
        path
        for path in (ROOT / "tests").rglob("test_*.py")
        if "@given(" in path.read_text(encoding="utf-8")
    ]
    assert ROOT / "tests" / "web" / "test_routing.py" in with_given
    assert ROOT / "tests" / "property" / "test_props_properties.py" in with_given
    for path in with_given:
        assert any(path.is_relative_to(p) for p in paths), path


def test_make_unit_keeps_the_small_profile() -> None:
    (command,) = _recipe("unit")
    assert "HYPOTHESIS_PROFILE" not in command
