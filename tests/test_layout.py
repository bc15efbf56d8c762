"""The package layout holds: core imports no construct family, and a family uses another family
only through that family's public package, never its private modules."""

from __future__ import annotations

import ast
from pathlib import Path

import ecs_patterns

PACKAGE = Path(ecs_patterns.__file__).resolve().parent
FAMILIES = frozenset(
    {
        "repository",
        "cluster",
        "web",
        "release",
        "monitoring",
        "github",
        "rules",
        "worker",
        "backend",
        "job",
    }
)


def _module_name(path: Path) -> str:
    parts = ["ecs_patterns", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST, module: str, is_package: bool) -> list[list[str]]:
    """Per import statement of ``tree``, the absolute names it may load: the module, and for
    ``from`` imports each ``module.name`` (which may be a submodule)."""
    base = module.split(".") if is_package else module.split(".")[:-1]
    statements: list[list[str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            statements += [[alias.name] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                target = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                target = node.module or ""
            statements.append([target, *(f"{target}.{alias.name}" for alias in node.names)])
    return statements


def violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    """The imports of ``module`` (given as source text) that break the layout rules."""
    parts = module.split(".")
    own = parts[1] if len(parts) > 1 else None
    found = []
    for statement in _imported(ast.parse(source), module, is_package):
        for name in statement:
            target = name.split(".")
            if target[0] != "ecs_patterns" or len(target) < 2 or target[1] not in FAMILIES:
                continue
            family = target[1]
            if own == "core":
                found.append(f"{module}: core imports the {family} family ({name})")
                break
            if own in FAMILIES and family != own and len(target) > 2 and target[2][:1] == "_":
                found.append(f"{module}: imports {name}, a private module of the {family} family")
                break
    return found


def test_core_imports_no_family_and_families_only_each_others_public_packages() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 20
    problems = [
        problem
        for path in modules
        for problem in violations(
            _module_name(path), path.read_text(encoding="utf-8"), is_package=path.stem == "__init__"
        )
    ]
    assert problems == []


def test_every_family_and_core_is_a_package_with_an_explicit_all() -> None:
    for name in [*FAMILIES, "core"]:
        init = PACKAGE / name / "__init__.py"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        targets = {
            t.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        assert "__all__" in targets, name


def test_the_checker_reports_a_private_import_of_another_family() -> None:
    assert violations(
        "ecs_patterns.web._service", "from ..cluster._cluster import FargateCluster\n"
    ) == [
        "ecs_patterns.web._service: imports ecs_patterns.cluster._cluster, "
        "a private module of the cluster family"
    ]
    assert violations("ecs_patterns.release._release", "from ecs_patterns.web import _task\n") == [
        "ecs_patterns.release._release: imports ecs_patterns.web._task, "
        "a private module of the web family"
    ]


def test_the_checker_reports_core_importing_a_family() -> None:
    assert violations("ecs_patterns.core._iam", "from ..cluster import FargateCluster\n") == [
        "ecs_patterns.core._iam: core imports the cluster family (ecs_patterns.cluster)"
    ]


def test_the_checker_allows_public_packages_own_family_and_core() -> None:
    source = (
        "from ..cluster import FargateCluster\n"
        "from ..core._iam import ManagedPolicyRole\n"
        "from ._props import WebServiceProps\n"
        "from ecs_patterns.release import CodeDeployRelease\n"
    )
    assert violations("ecs_patterns.web._service", source) == []


LONG_MODULE_LINES = 500


def test_every_long_module_says_why_at_its_top() -> None:
    """A module over about 500 lines states why it is long in its docstring ("Long module:")."""
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LONG_MODULE_LINES:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if "Long module:" not in doc:
            unexplained.append(str(path.relative_to(PACKAGE)))
    assert unexplained == [], (
        f"modules over {LONG_MODULE_LINES} lines without a reason: {unexplained}"
    )
