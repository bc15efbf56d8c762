"""``app_from_cdk_json``: a test's App gets the context ``cdk synth`` gives the app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Environment, Stack

from ecs_patterns.testing import app_from_cdk_json

ROOT = Path(__file__).resolve().parent.parent
PINNED = Environment(account="123456789012", region="us-east-1")


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_repository_cdk_json_pins_the_availability_zones() -> None:
    app = app_from_cdk_json(ROOT / "cdk.json")
    stack = Stack(app, "Pinned", env=PINNED)
    assert stack.availability_zones == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert app.node.try_get_context("@aws-cdk/core:validateAgainstDefaultRules") is True


def test_a_plain_app_does_not_see_the_pinned_zones() -> None:
    # The reason for the helper: App() alone falls back to dummy zones.
    from aws_cdk import App

    stack = Stack(App(), "Pinned", env=PINNED)
    assert stack.availability_zones != ["us-east-1a", "us-east-1b", "us-east-1c"]


def test_cdk_context_json_is_read_and_cdk_json_wins_over_it(tmp_path: Path) -> None:
    config = write(tmp_path / "cdk.json", {"app": "x", "context": {"a": "cdk.json", "b": 1}})
    write(tmp_path / "cdk.context.json", {"a": "cached", "c": "cached"})
    app = app_from_cdk_json(config)
    assert app.node.try_get_context("a") == "cdk.json"
    assert app.node.try_get_context("b") == 1
    assert app.node.try_get_context("c") == "cached"


def test_explicit_context_wins_and_other_keywords_reach_the_app(tmp_path: Path) -> None:
    config = write(tmp_path / "cdk.json", {"context": {"image_tag": "bootstrap"}})
    app = app_from_cdk_json(config, context={"image_tag": "prod-1"}, outdir=str(tmp_path / "o"))
    assert app.node.try_get_context("image_tag") == "prod-1"
    assert Path(app.outdir) == tmp_path / "o"


def test_a_cdk_json_without_context_gives_an_empty_context(tmp_path: Path) -> None:
    app = app_from_cdk_json(write(tmp_path / "cdk.json", {"app": "python app.py"}))
    assert app.node.try_get_context("image_tag") is None


def test_fails_on_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"cdk\.json not found"):
        app_from_cdk_json(tmp_path / "cdk.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "must hold a JSON object"),
        ('{"context": ["a"]}', "'context' must be an object"),
        ("{not json", "is not valid JSON"),
    ],
)
def test_fails_on_malformed_cdk_json(tmp_path: Path, content: str, message: str) -> None:
    config = tmp_path / "cdk.json"
    config.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        app_from_cdk_json(config)
