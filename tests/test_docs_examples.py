"""Every Python example in the documentation (docs/**/*.md) runs.

Convention for a ```` ```python ```` block: it runs in a fresh namespace in which ``app`` (an
``App`` with the repository's ``cdk.json`` context, built by ``app_from_cdk_json``) and ``stack``
(a ``Stack`` in it, pinned to the ``cdk.json`` account and region; only for a block that uses
the name) are bound; the working
directory is the repository root. After the block, ``app`` is synthesized (with aws-cdk-lib's
built-in validation) and must have no unacknowledged finding of the four cdk-nag packs: the
examples are held to the library's own bar. No block is skipped: a fragment is written as a
complete example (a pytest test is run as its definition), and a block marked
```` ```{.python .no-run} ```` fails, as does any other info string mentioning Python (the
Markdown renderer would not show it as code).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from aws_cdk import App, Environment, Stack

import ecs_patterns
from ecs_patterns.testing import app_from_cdk_json, assert_no_findings, nag_findings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ENV = Environment(account="123456789012", region="us-east-1")
RUN = "python"
NO_RUN = "{.python .no-run}"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>.*)$")


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    info: str
    code: str

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(docs: Path = DOCS) -> list[Block]:
    """Every fenced block of every page, with its info string (top-level fences only)."""
    found: list[Block] = []
    for page in sorted(docs.rglob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        index = 0
        while index < len(lines):
            match = FENCE.match(lines[index])
            if match is None:
                index += 1
                continue
            start = index
            end = start + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            found.append(
                Block(
                    page=str(page.relative_to(docs)),
                    line=start + 1,
                    info=match["info"].strip(),
                    code="\n".join(lines[start + 1 : end]),
                )
            )
            index = end + 1
    return found


def names(code: str) -> set[str]:
    """The names a block reads or binds."""
    return {node.id for node in ast.walk(ast.parse(code)) if isinstance(node, ast.Name)}


ALL = blocks()
RUNNABLE = [b for b in ALL if b.info == RUN]


INCLUDE = re.compile(r'^--8<-- "(?P<path>[^"]+)"$')
"""A pymdownx.snippets line: the block shows a repository file, tested where it lives."""


def included_file(block: Block) -> Path | None:
    """The repository file a block consists of (one snippet include line), else None."""
    match = INCLUDE.fullmatch(block.code.strip())
    return ROOT / match["path"] if match else None


def not_run(found: list[Block]) -> list[str]:
    """The Python blocks the docs test would not run: marked no-run, or another info string.

    A no-run block that only includes a repository file is not skipped: its file is linted,
    type-checked and tested in the tree (docs/fleet.md shows tests/apps/fleet.py)."""
    return [
        f"{b.id}: {b.info!r}"
        for b in found
        if "python" in b.info
        and b.info != RUN
        and not (b.info == NO_RUN and included_file(b) is not None)
    ]


def test_the_docs_have_runnable_examples_and_none_skipped() -> None:
    includes = [b for b in ALL if b.info == NO_RUN and included_file(b) is not None]
    assert all(p is not None and p.is_file() for p in map(included_file, includes))
    assert len(RUNNABLE) >= 15
    assert not_run(ALL) == []


def test_a_skipped_or_odd_python_block_is_seen(tmp_path: Path) -> None:
    # Negative control of the check above: a no-run block and an odd info string are reported.
    (tmp_path / "p.md").write_text(
        f"```{NO_RUN}\nx\n```\n```{{.python}}\ny\n```\n```python\nz = 1\n```\n",
        encoding="utf-8",
    )
    assert not_run(blocks(tmp_path)) == [f"p.md:1: {NO_RUN!r}", "p.md:4: '{.python}'"]


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.id for b in RUNNABLE])
def test_example_runs(block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    app = app_from_cdk_json(ROOT / "cdk.json", outdir=str(tmp_path))
    namespace: dict[str, object] = {"__name__": "docs_example", "app": app}
    if "stack" in names(block.code):  # an unused, empty stack would fail the built-in validation
        namespace["stack"] = Stack(app, "Docs", env=ENV)
    exec(compile(block.code, str(DOCS / block.page) + f":{block.line}", "exec"), namespace)
    synthesized = namespace["app"]
    assert isinstance(synthesized, App)
    synthesized.synth()
    assert_no_findings(nag_findings(synthesized))


def test_the_api_page_lists_exactly_the_public_names() -> None:
    page = (DOCS / "api" / "ecs_patterns.md").read_text(encoding="utf-8")
    members = re.findall(r"^ {8}- (\S+)$", page, flags=re.M)
    assert members == list(ecs_patterns.__all__)


def test_block_extraction_sees_info_strings_and_code(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text(
        "text\n```python\nx = 1\n```\n\n```{.python .no-run}\ny\n```\n```sh\nls\n```\n",
        encoding="utf-8",
    )
    found = blocks(tmp_path)
    assert [(b.line, b.info, b.code) for b in found] == [
        (2, "python", "x = 1"),
        (6, "{.python .no-run}", "y"),
        (9, "sh", "ls"),
    ]
    ast.parse(found[0].code)


DOCS_VENV_BIN = ROOT / ".venv-docs" / "bin"


@pytest.mark.parametrize(
    ("page", "complaints"),
    [
        ("See [the page](missing.md) and [the section](#no-such-heading).",
         ["missing.md", "no-such-heading"]),
        ("See [the class][ecs_patterns.NoSuchName].", ["ecs_patterns.NoSuchName"]),
        ("See [the class][ecs_patterns.FargateWebService].", []),
    ],
    ids=["link-and-anchor", "api-reference", "control-valid-reference"],
)  # fmt: skip
def test_the_strict_docs_build_fails_on_a_broken_reference(
    tmp_path: Path, page: str, complaints: list[str]
) -> None:
    # Negative control for `make docs`: the site's own configuration, over one page. The last
    # case is the control of the control: a valid reference builds.
    if not (DOCS_VENV_BIN / "mkdocs").exists():
        pytest.skip(".venv-docs is missing: `make docs` (or `make unit`) creates it")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^nav:\n(?:  .*\n)+", "", config, flags=re.M)
    config = config.replace("docs_dir: docs", f"docs_dir: {tmp_path / 'docs'}")
    config = config.replace("site_dir: site", f"site_dir: {tmp_path / 'site'}")
    config = config.replace("paths: [src]", f"paths: [{ROOT / 'src'}]")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(f"# Home\n\n{page}\n", encoding="utf-8")
    (tmp_path / "docs" / "api.md").write_text(
        "# API\n\n::: ecs_patterns.FargateWebService\n", encoding="utf-8"
    )
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = subprocess.run(
        [str(DOCS_VENV_BIN / "mkdocs"), "build", "--strict", "-f", str(tmp_path / "mkdocs.yml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert (result.returncode != 0) == bool(complaints), result.stderr
    assert [c for c in complaints if c not in result.stderr] == []
