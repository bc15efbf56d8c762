"""Run checkov offline over synthesized CloudFormation templates, once for all of them.

checkov lives in its own virtual environment (``.venv-checkov``, pinned by
``requirements-checkov.lock``, created by ``make setup``) because its dependency pins are not
the library's. It runs with ``--skip-download`` and ``CKV_SKIP_PACKAGE_UPDATE_CHECK=true``, so
it reaches no network, on the CloudFormation framework only.

Usage, after ``make synth``: ``.venv/bin/python -m scripts.checkov_scan cdk.out`` prints every
failed check and exits 1 if there is one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = [
    "CHECKOV",
    "CheckovCheck",
    "CheckovRun",
    "checkov_version",
    "run_checkov",
    "template_files",
]

ROOT = Path(__file__).resolve().parent.parent
CHECKOV = Path(os.environ.get("CHECKOV", str(ROOT / ".venv-checkov" / "bin" / "checkov")))
"""The checkov executable: ``$CHECKOV`` if set, else the one in ``.venv-checkov``."""

_ENV = {
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true",  # no PyPI version check
    "BC_SKIP_MAPPING": "TRUE",  # no download of the check-id-to-guideline mapping
    "LOG_LEVEL": "ERROR",
}


@dataclass(frozen=True, kw_only=True, order=True)
class CheckovCheck:
    """One check on one resource, as checkov reported it."""

    file: str
    resource: str
    check_id: str
    check_name: str
    result: str
    """``PASSED``, ``FAILED`` or ``SKIPPED``."""
    comment: str = ""
    """For a skipped check, the comment given with the skip."""

    @property
    def logical_id(self) -> str:
        """The resource's logical id (checkov names a resource ``<Type>.<LogicalId>``)."""
        return self.resource.rsplit(".", 1)[-1]

    @property
    def resource_type(self) -> str:
        return self.resource.rsplit(".", 1)[0]

    def __str__(self) -> str:
        return (
            f"{self.result} {self.check_id} ({self.check_name}) on {self.resource} in {self.file}"
        )


@dataclass(frozen=True)
class CheckovRun:
    """Every check checkov ran over a set of templates, sorted; plus parsing errors."""

    checks: tuple[CheckovCheck, ...]
    parsing_errors: tuple[str, ...]
    files: tuple[str, ...]
    version: str
    """``checkov <version>``."""

    def with_result(self, result: str) -> list[CheckovCheck]:
        return [c for c in self.checks if c.result == result]

    @property
    def failed(self) -> list[CheckovCheck]:
        return self.with_result("FAILED")

    def only_file(self, name: str) -> list[CheckovCheck]:
        return [c for c in self.checks if c.file == name]

    def without_files(self, names: Iterable[str]) -> CheckovRun:
        """The same run with the checks on the files named ``names`` left out."""
        drop = set(names)
        return replace(
            self,
            checks=tuple(c for c in self.checks if c.file not in drop),
            files=tuple(f for f in self.files if f not in drop),
        )


def template_files(paths: Iterable[Path]) -> list[Path]:
    """The ``*.template.json`` files in (or named by) ``paths``, sorted, without duplicates."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(path.glob("*.template.json"))
        else:
            found.add(path)
    return sorted(found, key=lambda p: (p.name, str(p)))


def _require_checkov() -> None:
    if not CHECKOV.exists():
        raise RuntimeError(f"{CHECKOV} not found: run `make setup` (it creates .venv-checkov)")


def checkov_version() -> str:
    _require_checkov()
    out = subprocess.run(
        [str(CHECKOV), "--version"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **_ENV},
    )
    return out.stdout.strip()


def _checks(report: Mapping[str, Any]) -> Iterable[CheckovCheck]:
    results = report.get("results", {})
    for key in ("passed_checks", "failed_checks", "skipped_checks"):
        for item in results.get(key, []):
            check_result = item.get("check_result", {})
            yield CheckovCheck(
                file=Path(str(item.get("file_path", ""))).name,
                resource=str(item.get("resource", "")),
                check_id=str(item.get("check_id", "")),
                check_name=str(item.get("check_name", "")),
                result=str(check_result.get("result", "")),
                comment=str(check_result.get("suppress_comment") or ""),
            )


def run_checkov(files: Sequence[Path]) -> CheckovRun:
    """Run checkov once over ``files`` (CloudFormation templates) and return every check.

    Raises ``RuntimeError`` if checkov could not run (as opposed to finding failed checks).
    """
    if not files:
        raise ValueError("run_checkov needs at least one template file")
    _require_checkov()
    command = [
        str(CHECKOV),
        "--framework",
        "cloudformation",
        "--skip-download",
        "--output",
        "json",
        "--compact",
    ]
    for file in files:
        command += ["--file", str(file)]
    result = subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, **_ENV}
    )
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise RuntimeError(
            f"checkov failed to run (exit {result.returncode}): {result.stderr[-2000:]}"
        )
    parsed: Any = json.loads(result.stdout)
    reports: list[Mapping[str, Any]] = parsed if isinstance(parsed, list) else [parsed]
    checks: list[CheckovCheck] = []
    errors: list[str] = []
    for report in reports:
        checks.extend(_checks(report))
        errors.extend(str(e) for e in report.get("results", {}).get("parsing_errors", []))
    return CheckovRun(
        checks=tuple(sorted(checks)),
        parsing_errors=tuple(sorted(errors)),
        files=tuple(sorted(f.name for f in files)),
        version=f"checkov {checkov_version()}",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="templates or directories of them")
    args = parser.parse_args(argv)
    files = template_files(args.paths)
    run = run_checkov(files)
    for check in run.failed:
        print(check)
    for error in run.parsing_errors:
        print(f"parsing error: {error}")
    print(
        f"checkov: {len(files)} templates, {len(run.with_result('PASSED'))} passed, "
        f"{len(run.failed)} failed, {len(run.with_result('SKIPPED'))} skipped"
    )
    return 1 if run.failed or run.parsing_errors else 0


if __name__ == "__main__":
    sys.exit(main())
