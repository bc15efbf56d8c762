"""Test helpers for stacks built with ecs-patterns (or any CDK stack).

Teams that import the library can snapshot and check their own stacks exactly the way the
library's own test suite does:

* :func:`app_from_cdk_json` builds an ``App`` with the context of the app's own ``cdk.json`` (and
  ``cdk.context.json``), so a test sees the feature flags, pinned availability zones and values
  that ``cdk synth`` sees.
* :func:`normalize_template` masks what changes between machines and aws-cdk-lib patch releases
  (asset hashes, the bootstrap-version parameter and rule, the ``CDKMetadata`` resource), so a
  snapshot changes only when the template really changes.
* :class:`TemplateSnapshotExtension` is a syrupy extension that writes one readable, key-sorted
  JSON file per snapshot, normalized with :func:`normalize_template`.
* :func:`nag_findings` runs cdk-nag v3's AwsSolutions, NIST 800-53 R5, HIPAA Security and PCI DSS
  3.2.1 packs over a construct tree and returns the unacknowledged findings;
  :func:`synth_findings` synthesizes an app with aws-cdk-lib's built-in CloudFormation validation
  (and any registered plugin) and returns what it reported;
  :func:`assert_no_findings` fails with one readable line per finding.

Importing this module needs ``syrupy`` only for :class:`TemplateSnapshotExtension`; it is an
optional test dependency and imported lazily.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_cdk import App, Stack
    from constructs import IConstruct

__all__ = [
    "HASH_MASK",
    "Finding",
    "add_compliance_packs",
    "app_from_cdk_json",
    "assert_no_findings",
    "compliance_packs",
    "nag_findings",
    "normalize_template",
    "stack_template",
    "synth_findings",
    "template_snapshot_extension",
]

HASH_MASK = "<asset-hash>"
"""What :func:`normalize_template` writes in place of an asset or content hash."""

# Asset hashes are 64 hex characters (sha256); CDK also derives 8-hex suffixes for logical ids,
# which are stable and deliberately left alone.
_HASH_RE = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])")

_BOOTSTRAP_PARAMETER = "BootstrapVersion"
_BOOTSTRAP_RULE = "CheckBootstrapVersion"
_CDK_METADATA = "CDKMetadata"


_CONTEXT_FILE = "cdk.context.json"


def _read_context(file: Path) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{file} is not valid JSON: {err}") from err
    if not isinstance(data, dict):
        raise ValueError(f"{file} must hold a JSON object, not {type(data).__name__}")
    return data


def app_from_cdk_json(path: str | os.PathLike[str] = "cdk.json", **app_kwargs: Any) -> App:
    """An ``App`` for tests with the context ``cdk synth`` would give the app defined by ``path``.

    Reads the ``context`` object of ``path`` (the app's ``cdk.json``; relative paths are taken
    from the working directory, usually the project root under pytest) and, when it exists, the
    ``cdk.context.json`` beside it (cached lookups such as availability zones). For a key in both,
    ``cdk.json`` wins, as in the CDK CLI, and a ``context=`` passed here wins over both, as
    ``-c key=value`` does. Every other keyword goes to ``App`` unchanged (``outdir``,
    ``builtin_cloud_formation_validation``, ...).

    Without this, a test's ``App()`` misses the feature flags, the pinned availability zones and
    the values (account, region, image tag, ...) that the app's stacks read from context, so it
    tests a different template from the one ``cdk synth`` deploys.

    Raises ``FileNotFoundError`` when ``path`` does not exist and ``ValueError`` when it or
    ``cdk.context.json`` is not a JSON object or its ``context`` is not an object.
    """
    from aws_cdk import App

    config_file = Path(path)
    if not config_file.is_file():
        raise FileNotFoundError(
            f"{config_file} not found (working directory {Path.cwd()}); pass the path of the "
            "app's cdk.json, e.g. app_from_cdk_json(Path(__file__).parent.parent / 'cdk.json')"
        )
    config = _read_context(config_file)
    context = config.get("context", {})
    if not isinstance(context, dict):
        raise ValueError(
            f"{config_file}: 'context' must be an object, not {type(context).__name__}"
        )
    cached_file = config_file.parent / _CONTEXT_FILE
    cached = _read_context(cached_file) if cached_file.is_file() else {}
    explicit = app_kwargs.pop("context", None) or {}
    return App(context={**cached, **context, **explicit}, **app_kwargs)


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return _HASH_RE.sub(HASH_MASK, value)
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {_mask(k): _mask(v) for k, v in value.items()}
    return value


def normalize_template(template: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of a synthesized CloudFormation template fit for a stable snapshot.

    Removes the bootstrap-version parameter and rule and the ``CDKMetadata`` resource and
    condition (they carry the CDK version and the bootstrap qualifier, not the user's
    infrastructure), and replaces every 64-hex asset hash, wherever it appears, with
    :data:`HASH_MASK`. Everything else, including logical ids, is kept as synthesized.
    """
    out: dict[str, Any] = copy.deepcopy(dict(template))
    params = out.get("Parameters", {})
    params.pop(_BOOTSTRAP_PARAMETER, None)
    if not params:
        out.pop("Parameters", None)
    rules = out.get("Rules", {})
    rules.pop(_BOOTSTRAP_RULE, None)
    if not rules:
        out.pop("Rules", None)
    out.get("Resources", {}).pop(_CDK_METADATA, None)
    conditions = out.get("Conditions", {})
    conditions.pop("CDKMetadataAvailable", None)
    if not conditions:
        out.pop("Conditions", None)
    masked: dict[str, Any] = _mask(out)
    return masked


def stack_template(stack: Stack) -> dict[str, Any]:
    """The synthesized template of ``stack`` as a plain dict (not normalized)."""
    from aws_cdk.assertions import Template

    return dict(Template.from_stack(stack).to_json())


def template_snapshot_extension() -> type[Any]:
    """Return a syrupy extension class writing one normalized, key-sorted JSON file per snapshot.

    Use it as ``snapshot.use_extension(template_snapshot_extension())`` and assert
    ``template == snapshot`` with a template dict (for example from :func:`stack_template`).
    """
    from syrupy.extensions.json import JSONSnapshotExtension

    class TemplateSnapshotExtension(JSONSnapshotExtension):
        """syrupy JSON extension that normalizes CloudFormation templates before writing."""

        def serialize(self, data: Any, **kwargs: Any) -> Any:
            if isinstance(data, Mapping) and "Resources" in data:
                data = normalize_template(data)
            return super().serialize(data, **kwargs)

    return TemplateSnapshotExtension


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One unacknowledged finding of a validation plugin or nag pack."""

    plugin: str
    rule: str
    severity: str
    construct_path: str
    description: str

    def __str__(self) -> str:
        return (
            f"[{self.severity}] {self.rule} at {self.construct_path} ({self.plugin}): "
            f"{self.description}"
        )


def compliance_packs(scope: IConstruct | None = None) -> list[Any]:
    """Fresh instances of the four cdk-nag packs the library is held to.

    AwsSolutions, NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1.
    """
    from cdk_nag import (
        AwsSolutionsChecks,
        HIPAASecurityChecks,
        NIST80053R5Checks,
        PCIDSS321Checks,
    )

    return [
        AwsSolutionsChecks(scope),
        NIST80053R5Checks(scope),
        HIPAASecurityChecks(scope),
        PCIDSS321Checks(scope),
    ]


def add_compliance_packs(app: App) -> None:
    """Register the four cdk-nag packs on ``app`` so that every ``cdk synth`` runs them."""
    from aws_cdk import Validations

    Validations.of(app).add_plugins(*compliance_packs(app))


def nag_findings(scope: IConstruct, packs: Sequence[Any] | None = None) -> list[Finding]:
    """Run cdk-nag packs over ``scope``; return the unacknowledged findings, named as at synthesis.

    ``packs`` defaults to :func:`compliance_packs`. Acknowledgements made with
    ``Validations.of(construct).acknowledge(...)`` are honoured, as at synth time.

    The packs judge the tree that synthesis validates: the app (the :class:`aws_cdk.Stage` that
    holds ``scope``) is synthesized first, as :meth:`aws_cdk.assertions.Template.from_stack` does,
    so aspects have run and cross-stack references have become exports and
    ``Fn::ImportValue``. A finding whose id quotes such a reference (for example
    ``AwsSolutions-IAM5[Resource::Producer:ExportsOutputFnGetAttBucket83908E77Arn063C8555/*]``)
    then carries the id that ``cdk synth`` reports and that an acknowledgement must name; run on
    the unsynthesized tree it would quote the in-stack form (``<Bucket83908E77.Arn>``) instead.
    A synthesis that fails only because a registered validation plugin reported findings is not
    an error here; any other synthesis error propagates. As with ``Template.from_stack``, do not
    add constructs to the app afterwards.
    """
    _synthesize_for_validation(scope)
    findings: list[Finding] = []
    for pack in packs if packs is not None else compliance_packs(scope):
        report = pack.validate_scope(scope)
        for violation in report.violations:
            for resource in violation.violating_resources:
                findings.append(
                    Finding(
                        plugin=pack.name,
                        rule=violation.rule_name,
                        severity=violation.severity or "",
                        construct_path=resource.construct_path or "",
                        description=violation.description,
                    )
                )
    return findings


def _synthesize_for_validation(scope: IConstruct) -> None:
    """Synthesize the Stage holding ``scope`` (cached by the Stage) so its tree is as validated.

    aws-cdk-lib runs validation plugins after aspects and after ``prepareApp`` has turned every
    cross-stack reference into an export of the producer and an ``Fn::ImportValue`` in the
    consumer; ``validate_scope`` on an unsynthesized tree sees neither.
    """
    from aws_cdk import Stage

    stage = scope if isinstance(scope, Stage) else Stage.of(scope)
    if stage is None:
        return
    try:
        stage.synth()
    except RuntimeError as err:
        if "ValidationFailed" not in str(err):
            raise


def _report_findings(report: Mapping[str, Any]) -> list[Finding]:
    findings: list[Finding] = []
    for plugin in report.get("pluginReports", []):
        for violation in plugin.get("violations", []):
            for construct in violation.get("violatingConstructs", []):
                findings.append(
                    Finding(
                        plugin=plugin.get("pluginName", ""),
                        rule=violation.get("ruleName", ""),
                        severity=violation.get("severity", ""),
                        construct_path=construct.get("constructPath", ""),
                        description=violation.get("description", ""),
                    )
                )
    return findings


def synth_findings(app: App) -> list[Finding]:
    """Synthesize ``app`` and return what its validation plugins reported.

    This covers aws-cdk-lib's built-in CloudFormation validation (unless the app disabled it)
    and every plugin registered with ``Validations.of(app).add_plugins``. A validation failure
    is returned as findings instead of raised; any other synthesis error propagates.
    """
    try:
        assembly = app.synth()
        outdir = Path(assembly.directory)
    except RuntimeError as err:
        if "ValidationFailed" not in str(err):
            raise
        outdir = Path(app.outdir)
    report_file = outdir / "validation-report.json"
    if not report_file.exists():
        return []
    report: dict[str, Any] = json.loads(report_file.read_text(encoding="utf-8"))
    return _report_findings(report)


def assert_no_findings(
    findings: Iterable[Finding], *, ignore: Callable[[Finding], bool] | None = None
) -> None:
    """Fail with one line per finding if ``findings`` (minus ``ignore``-d ones) is not empty."""
    remaining = [f for f in findings if ignore is None or not ignore(f)]
    if remaining:
        lines = "\n".join(f"  {f}" for f in sorted(remaining, key=str))
        raise AssertionError(f"{len(remaining)} unacknowledged finding(s):\n{lines}")
