"""Generate ``docs/compliance.md``: every cdk-nag rule that applies to what the library creates.

The report is built from synthesized cloud assemblies (the sample app's and the one holding
every registered test stack, ``tests/stacks``), not from the construct tree:

* cdk-nag v3 (``NagPack.validateScope``) reports only unacknowledged violations. The outcome of
  each rule on each resource (compliant, non-compliant, not applicable, or a list of finding
  ids) is what the rule function returns inside ``NagPack.applyRule``; ``scripts/nag_matrix.js``
  wraps ``applyRule`` on each pack instance, in Node, over the templates loaded with
  aws-cdk-lib's ``CfnInclude`` parser, each at its construct path and of its L1 class from
  ``tree.json`` (so rules see the tree synthesis saw). Doing the same from Python costs a jsii
  callback per rule per resource (about 1.6 ms each: minutes for every stack).
  The JavaScript comes from the exact jsii bundles of the installed Python packages
  (aws-cdk-lib, constructs, cdk-nag), unpacked once into ``build/nag-runtime/``.
* Acknowledgements and construct paths come from the assembly's metadata
  (``aws:cdk:acknowledged-rules``, ``aws:cdk:logicalId``), honoured on a resource and its
  ancestors exactly as cdk-nag does.
* The library's own ``EcsHardeningChecks`` rules are pure Python functions of a resource's
  properties (``ecs_patterns.rules.RULES``), applied to the same templates.
* checkov results (``scripts/checkov_scan.py``) over the same templates.

Usage: ``make compliance-report`` (``python -m scripts.compliance_report``) rewrites the report;
``--check`` exits 1 if the committed report differs. ``tests/test_compliance_report.py`` fails
when the committed report is stale.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from scripts.checkov_scan import CheckovRun, run_checkov

__all__ = [
    "OPT_IN_ONLY",
    "REPORT",
    "SECURITY_HUB_CONTROLS",
    "Assembly",
    "Outcome",
    "StackTemplate",
    "evaluate",
    "nag_matrix",
    "read_assembly",
    "render",
    "security_hub_section",
    "unused_acknowledgements",
]

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "compliance.md"
NAG_MATRIX_JS = Path(__file__).with_name("nag_matrix.js")
RUNTIME_ROOT = ROOT / "build" / "nag-runtime"

NAG_PACKS = ("AwsSolutions", "NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
"""cdk-nag pack names (rule id prefixes), in report order."""
PACK_TITLES = {
    "AwsSolutions": "AWS Solutions",
    "NIST.800.53.R5": "NIST 800-53 rev 5",
    "HIPAA.Security": "HIPAA Security",
    "PCI.DSS.321": "PCI DSS 3.2.1",
    "EcsPatterns": "EcsHardeningChecks (this library)",
}
DEFAULTS_SUFFIX = "Defaults"
"""A test stack named ``<Construct>Defaults`` builds its construct with every default."""
OPT_IN_ONLY = "acknowledged only for a non-default choice"
"""Status of a rule satisfied by the defaults, acknowledged only where a prop opted out."""
# cdk-nag's NagRuleCompliance values.
COMPLIANT = "Compliant"
NON_COMPLIANT = "Non-Compliant"

_ANNOTATION = re.compile(r"^annotation::", re.IGNORECASE)
_JSII_PACKAGES = ("aws-cdk-lib", "@aws-cdk/cloud-assembly-schema", "constructs", "cdk-nag")


# --- reading a cloud assembly -------------------------------------------------------------------


@dataclass(frozen=True)
class StackTemplate:
    """One synthesized stack: its template and what the assembly's metadata says about it."""

    name: str
    template_file: Path
    template: Mapping[str, Any]
    paths: Mapping[str, str]
    """Logical id -> construct path (without the leading ``/``)."""
    acknowledgements: Mapping[str, Mapping[str, str]]
    """Construct path -> {rule id: reason} acknowledged on that construct itself."""
    fqns: Mapping[str, str]
    """Construct path -> the construct's class (``tree.json``), e.g. ``aws-cdk-lib.CfnResource``."""

    def acknowledged(self, logical_id: str) -> dict[str, str]:
        """Rule ids acknowledged on the resource or any ancestor (as cdk-nag looks them up)."""
        path = self.paths.get(logical_id, "")
        found: dict[str, str] = {}
        parts = path.split("/")
        for depth in range(len(parts), 0, -1):
            for rule, reason in self.acknowledgements.get("/".join(parts[:depth]), {}).items():
                found.setdefault(rule, reason)
        return found

    def resource_type(self, logical_id: str) -> str:
        return str(self.template["Resources"][logical_id]["Type"])

    def relative_path(self, logical_id: str) -> str:
        """The construct path below the stack, e.g. ``Cluster/Vpc/PublicSubnet1/DefaultRoute``."""
        path = self.paths.get(logical_id)
        if path is None:
            return logical_id
        return path.split("/", 1)[1] if "/" in path else path


@dataclass(frozen=True)
class Assembly:
    """The stacks of one or more cloud assemblies, by stack name."""

    stacks: Mapping[str, StackTemplate]

    @property
    def template_files(self) -> list[Path]:
        return [s.template_file for _, s in sorted(self.stacks.items())]


def _tree_fqns(outdir: Path, manifest: Mapping[str, Any]) -> dict[str, str]:
    fqns: dict[str, str] = {}
    for artifact in manifest.get("artifacts", {}).values():
        if artifact.get("type") != "cdk:tree":
            continue
        tree = json.loads((outdir / artifact["properties"]["file"]).read_text(encoding="utf-8"))
        pending = [tree["tree"]]
        while pending:
            node = pending.pop()
            fqn = node.get("constructInfo", {}).get("fqn")
            if fqn and node.get("path"):
                fqns[str(node["path"])] = str(fqn)
            pending.extend(node.get("children", {}).values())
    return fqns


def read_assembly(*outdirs: Path) -> Assembly:
    """Read every CloudFormation stack of the cloud assemblies in ``outdirs``."""
    stacks: dict[str, StackTemplate] = {}
    for outdir in outdirs:
        manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
        fqns = _tree_fqns(outdir, manifest)
        for artifact_id, artifact in manifest.get("artifacts", {}).items():
            if artifact.get("type") != "aws:cloudformation:stack":
                continue
            entries: dict[str, list[dict[str, Any]]] = dict(artifact.get("metadata", {}))
            extra = artifact.get("additionalMetadataFile")
            if extra:
                entries.update(json.loads((outdir / extra).read_text(encoding="utf-8")))
            paths: dict[str, str] = {}
            acks: dict[str, dict[str, str]] = {}
            for path, items in entries.items():
                for item in items:
                    if item.get("type") == "aws:cdk:logicalId":
                        paths[str(item["data"])] = path.lstrip("/")
                    elif item.get("type") == "aws:cdk:acknowledged-rules":
                        for key, reason in dict(item.get("data", {})).items():
                            rule = _ANNOTATION.sub("", str(key))
                            acks.setdefault(path.lstrip("/"), {})[rule] = str(reason)
            template_file = outdir / artifact["properties"]["templateFile"]
            name = str(artifact.get("displayName", artifact_id))
            if name in stacks:
                raise ValueError(f"stack {name} appears in more than one assembly")
            stacks[name] = StackTemplate(
                name=name,
                template_file=template_file,
                template=json.loads(template_file.read_text(encoding="utf-8")),
                paths=paths,
                acknowledgements=acks,
                fqns={p: fqns[p] for p in paths.values() if p in fqns},
            )
    return Assembly(stacks=stacks)


# --- evaluating the rules -----------------------------------------------------------------------


def _node() -> str:
    pinned = ROOT / "node_modules" / ".bin" / "node"
    return os.environ.get("JSII_NODE") or (str(pinned) if pinned.exists() else "node")


def _jsii_bundles() -> dict[str, Path]:
    """Package name -> the jsii bundle (``*.jsii.tgz``) shipped in the installed Python package.

    Located with ``importlib`` without importing the packages (which would start jsii).
    """
    bundles: dict[str, Path] = {}
    for module in ("aws_cdk", "constructs", "cdk_nag"):
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError(f"Python package {module} is not installed")
        base = Path(next(iter(spec.submodule_search_locations)))
        for tgz in [*base.glob("_jsii/*.jsii.tgz"), *base.glob("*/_jsii/*.jsii.tgz")]:
            name = tgz.name.removesuffix(".jsii.tgz").rsplit("@", 1)[0]
            full = f"@aws-cdk/{name}" if tgz.parent.parent != base else name
            if full in _JSII_PACKAGES:
                bundles[full] = tgz
    missing = sorted(set(_JSII_PACKAGES) - set(bundles))
    if missing:
        raise RuntimeError(f"no jsii bundle found for {missing} in the installed packages")
    return bundles


def _unpack(tgz: Path, dest: Path) -> None:
    """Unpack an npm tarball's ``package/`` into ``dest`` (system tar, else tarfile)."""
    dest.mkdir(parents=True)
    tar = shutil.which("tar")
    if tar is not None:
        subprocess.run(
            [tar, "-xzf", str(tgz), "-C", str(dest), "--strip-components=1", "package/"],
            check=True,
        )
        return
    with tarfile.open(tgz) as archive:
        members = []
        for member in archive.getmembers():
            if member.name.startswith("package/"):
                member.name = member.name.removeprefix("package/")
                members.append(member)
        archive.extractall(dest, members=members, filter="data")


def nag_runtime() -> Path:
    """A ``node_modules`` directory with the installed aws-cdk-lib, constructs and cdk-nag JS.

    Unpacked from the Python packages' jsii bundles, once per set of versions, into
    ``build/nag-runtime/<key>/node_modules`` (written to a temporary directory, then renamed).
    """
    bundles = _jsii_bundles()
    key = hashlib.sha256(
        "\n".join(f"{n}={p.name}" for n, p in sorted(bundles.items())).encode()
    ).hexdigest()[:16]
    target = RUNTIME_ROOT / key / "node_modules"
    if target.is_dir():
        return target
    RUNTIME_ROOT.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=RUNTIME_ROOT, prefix="tmp-"))
    try:
        for name, tgz in bundles.items():
            _unpack(tgz, staging / "node_modules" / name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            (staging / "node_modules").rename(target)
        except OSError:
            if not target.is_dir():  # another process may have won the race: keep theirs
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def nag_matrix(assembly: Assembly) -> dict[str, Any]:
    """Run ``scripts/nag_matrix.js`` over the assembly: cdk-nag rule outcomes per resource."""
    spec = [
        {
            "stack": stack.name,
            "template": str(stack.template_file),
            "resources": {
                logical_id: {
                    "path": stack.relative_path(logical_id),
                    "fqn": stack.fqns.get(path, ""),
                }
                for logical_id, path in sorted(stack.paths.items())
            },
        }
        for _, stack in sorted(assembly.stacks.items())
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as spec_file:
        json.dump(spec, spec_file)
        spec_file.flush()
        result = subprocess.run(
            [_node(), str(NAG_MATRIX_JS), str(nag_runtime()), spec_file.name],
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"nag_matrix.js failed (exit {result.returncode}): {result.stderr}")
    matrix: dict[str, Any] = json.loads(result.stdout)
    return matrix


def hardening_matrix(assembly: Assembly) -> dict[str, Any]:
    """The library's EcsHardeningChecks rules over the same templates, shaped like nag_matrix."""
    from ecs_patterns.rules import PACK_NAME, RULES, Compliance

    rules: dict[str, dict[str, str]] = {}
    stacks: dict[str, dict[str, Any]] = {}
    for name, stack in sorted(assembly.stacks.items()):
        results: dict[str, dict[str, str]] = {}
        for logical_id, resource in stack.template.get("Resources", {}).items():
            for rule in RULES:
                if resource["Type"] not in rule.resource_types:
                    continue
                outcome = rule.check(resource["Type"], resource.get("Properties", {}))
                if outcome is Compliance.NOT_APPLICABLE:
                    continue
                rule_id = f"{PACK_NAME}-{rule.suffix}"
                rules[rule_id] = {"level": rule.level.value, "info": rule.info}
                results.setdefault(rule_id, {})[logical_id] = (
                    COMPLIANT if outcome is Compliance.COMPLIANT else NON_COMPLIANT
                )
        stacks[name] = {"results": {PACK_NAME: results}}
    return {"packs": {PACK_NAME: rules}, "stacks": stacks}


@dataclass(frozen=True, order=True)
class ResourceOutcome:
    """A rule's outcome on one resource."""

    stack: str
    path: str
    resource_type: str
    status: str
    """``satisfied``, ``acknowledged``, ``not compliant`` or ``rule error``."""
    reason: str = ""
    finding: str = ""
    """For rules that report findings (e.g. ``AwsSolutions-IAM5[Action::s3:*]``), which one."""


@dataclass
class Outcome:
    """One rule of one pack, over every resource it applied to."""

    pack: str
    rule: str
    level: str
    info: str
    resources: list[ResourceOutcome] = field(default_factory=list)

    @property
    def resource_types(self) -> list[str]:
        return sorted({r.resource_type for r in self.resources})

    def count(self, status: str) -> int:
        return sum(1 for r in self.resources if r.status == status)

    @property
    def status(self) -> str:
        bad = self.count("not compliant") + self.count("rule error")
        if bad:
            return "not compliant"
        acked = [r for r in self.resources if r.status == "acknowledged"]
        if not acked:
            return "satisfied"
        if any(r.stack.endswith(DEFAULTS_SUFFIX) for r in acked):
            return "acknowledged"
        return OPT_IN_ONLY


def _acknowledgement(acks: Mapping[str, str], pack: str, rule_id: str) -> str | None:
    for key in (rule_id, f"{pack}::{rule_id}"):
        if key in acks:
            return acks[key]
    return None


def evaluate(assembly: Assembly, matrices: Iterable[Mapping[str, Any]]) -> list[Outcome]:
    """Combine rule outcomes with acknowledgements: one :class:`Outcome` per applicable rule."""
    outcomes: dict[tuple[str, str], Outcome] = {}
    for matrix in matrices:
        for pack, rules in matrix["packs"].items():
            for rule_id, about in rules.items():
                outcomes[(pack, rule_id)] = Outcome(
                    pack=pack, rule=rule_id, level=str(about["level"]), info=str(about["info"])
                )
        for stack_name, data in matrix["stacks"].items():
            stack = assembly.stacks[stack_name]
            for pack, rules in data["results"].items():
                for rule_id, per_resource in rules.items():
                    outcome = outcomes[(pack, rule_id)]
                    for logical_id, result in per_resource.items():
                        acks = stack.acknowledged(logical_id)
                        common = {
                            "stack": stack_name,
                            "path": stack.relative_path(logical_id),
                            "resource_type": stack.resource_type(logical_id),
                        }
                        if result == COMPLIANT:
                            outcome.resources.append(ResourceOutcome(**common, status="satisfied"))
                            continue
                        findings = (
                            [(f"{rule_id}[{f}]", f) for f in result]
                            if isinstance(result, list)
                            else [(rule_id, "")]
                        )
                        for finding_id, finding in findings:
                            reason = _acknowledgement(acks, pack, finding_id)
                            if reason is not None:
                                status = "acknowledged"
                            elif str(result).startswith("ERROR"):
                                status, reason = "rule error", str(result)
                            else:
                                status, reason = "not compliant", ""
                            outcome.resources.append(
                                ResourceOutcome(
                                    **common, status=status, reason=reason, finding=finding
                                )
                            )
    for outcome in outcomes.values():
        outcome.resources.sort()
    order = {p: i for i, p in enumerate((*NAG_PACKS, "EcsPatterns"))}
    return sorted(
        (o for o in outcomes.values() if o.resources),
        key=lambda o: (order.get(o.pack, len(order)), o.rule),
    )


def unused_acknowledgements(assembly: Assembly, outcomes: Sequence[Outcome]) -> list[str]:
    """Acknowledgements of a reported pack's rule that no non-compliant outcome needed.

    An acknowledgement that hides nothing is stale (the default it excused was fixed) or
    misplaced (on the wrong resource); either way a reviewer would be misled by it.
    """
    prefixes = tuple(f"{p}-" for p in (*NAG_PACKS, "EcsPatterns"))
    used = {
        (r.stack, r.path, o.rule + (f"[{r.finding}]" if r.finding else ""))
        for o in outcomes
        for r in o.resources
        if r.status == "acknowledged"
    }
    unused = []
    for name, stack in sorted(assembly.stacks.items()):
        by_path = {path: logical_id for logical_id, path in stack.paths.items()}
        for path, acks in sorted(stack.acknowledgements.items()):
            for key in sorted(acks):
                rule = key.removeprefix("EcsPatterns::")
                if not rule.startswith(prefixes):
                    continue  # another plugin's (e.g. aws-cdk-lib's CloudFormation-Validate)
                logical_id = by_path.get(path)
                relative = stack.relative_path(logical_id) if logical_id else path
                if (name, relative, rule) not in used:
                    unused.append(f"{name}/{relative}: {rule}")
    return unused


# --- rendering ----------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _where(resources: Sequence[ResourceOutcome]) -> str:
    """``Path`` (stacks...) groups, so a construct shared by many stacks is named once."""
    by_path: dict[str, set[str]] = defaultdict(set)
    for r in resources:
        label = f"`{r.path}`" + (f" `[{r.finding}]`" if r.finding else "")
        by_path[label].add(r.stack)
    return "; ".join(
        f"{label} ({', '.join(sorted(stacks))})" for label, stacks in sorted(by_path.items())
    )


def _status_cell(outcome: Outcome) -> str:
    total = len(outcome.resources)
    if outcome.status == "satisfied":
        return f"**satisfied** on all {total}"
    parts = [
        f"{status} on {outcome.count(status)}"
        for status in ("acknowledged", "not compliant", "rule error", "satisfied")
        if outcome.count(status)
    ]
    return f"**{outcome.status}**: {', '.join(parts)} of {total}"


def _reason_cell(outcome: Outcome) -> str:
    by_reason: dict[str, list[ResourceOutcome]] = defaultdict(list)
    for r in outcome.resources:
        if r.status != "satisfied":
            by_reason[r.reason].append(r)
    return "<br>".join(
        f"{_cell(reason) or '(none)'} On: {_where(rs)}" for reason, rs in sorted(by_reason.items())
    )


_CONTROLS = re.compile(r"\s*-\s*\(Control IDs?:\s*(?P<ids>.*)\)\.?\s*$", re.DOTALL)


def _split_controls(info: str) -> tuple[str, str]:
    """cdk-nag's info ends with ' - (Control IDs: ...).'; split it into (text, ids)."""
    match = _CONTROLS.search(info)
    if match is None:
        return info, ""
    text = info[: match.start()].rstrip()
    return (text if text.endswith(".") else f"{text}."), match["ids"].replace("\u00a0", " ")


def _check_order(check_id: str) -> tuple[str, int]:
    """CKV_AWS_2 before CKV_AWS_18: by prefix, then by number."""
    prefix, _, number = check_id.rpartition("_")
    return (prefix, int(number) if number.isdigit() else 0)


def _versions() -> str:
    names = ("aws-cdk-lib", "cdk-nag")
    return ", ".join(f"{n} {metadata.version(n)}" for n in names)


LAMBDA_CHECKS: tuple[tuple[str, str, str], ...] = (
    (
        "CKV_AWS_115",
        "reserved concurrency",
        "runs a few times per deployment; reserved concurrency would take capacity from the "
        "account pool for nothing: skip with `exempt`",
    ),
    (
        "CKV_AWS_116",
        "a dead-letter queue",
        "invoked synchronously by CloudFormation or CodeDeploy, which report the failure; a "
        "DLQ only receives failed asynchronous invocations: skip",
    ),
    (
        "CKV_AWS_117",
        "the function in a VPC",
        "calls only AWS APIs; a VPC adds network interfaces and needs NAT or endpoints for no "
        "isolation gain: skip, unless it reaches private resources",
    ),
    (
        "CKV_AWS_173",
        "environment variables encrypted with a customer-managed KMS key",
        "applies only if the function has environment variables: keep secrets out of them, "
        "or pass a KMS key",
    ),
    (
        "CKV_AWS_45, CKV_AWS_363",
        "no secrets in environment variables; a runtime that is not deprecated",
        "fix, never skip",
    ),
)
"""checkov checks on every ``AWS::Lambda::Function``: (check ids, what it wants, usual answer)."""

LAMBDA_NOTE = (
    "The one Lambda function in today's templates is aws-cdk-lib's provider of "
    "`Custom::VpcRestrictDefaultSG` (a plain `CfnResource`, which is why cdk-nag's Lambda rules "
    "do not apply to it at synthesis); `FargateCluster`, whose VPC makes aws-cdk-lib create it, "
    "skips CKV_AWS_115, CKV_AWS_116 and CKV_AWS_117 on it with the comments above. New "
    "constructs that add functions use "
    '`ecs_patterns.exempt(function, Exemption(checkov=["CKV_AWS_116"], reason=comment))` the '
    "same way: one call per resource, each check with the comment that explains it."
)


@dataclass(frozen=True)
class SecurityHubControl:
    """One AWS Security Hub control and how the library's defaults and options answer it."""

    control: str
    checks: str
    """What the control checks, in short (see the Security Hub controls reference)."""
    status: str
    """``passes with the defaults``, ``passes with an option`` or ``fails by design``."""
    how: str
    rules: str = ""
    """The library's rules (cdk-nag, EcsHardeningChecks) that check the same, if any."""


_DEFAULTS = "passes with the defaults"
_OPTION = "passes with an option"
_BY_DESIGN = "fails by design"

SECURITY_HUB_CONTROLS: tuple[SecurityHubControl, ...] = (
    SecurityHubControl(
        "ECR.1",
        "private repositories scan images",
        _DEFAULTS,
        "`EcrRepository`: scan on push, always; enhanced scanning with `enhanced_scanning`",
    ),
    SecurityHubControl(
        "ECR.2", "tag immutability", _DEFAULTS, "`EcrRepository`: tags are immutable"
    ),
    SecurityHubControl(
        "ECR.3",
        "at least one lifecycle policy",
        _DEFAULTS,
        "`EcrRepository`: newest 30 release images kept, untagged images expire after 7 days",
    ),
    SecurityHubControl(
        "ECR.5",
        "repositories encrypted with a customer-managed KMS key",
        _DEFAULTS,
        "`EcrRepository` creates a rotating key per repository (1 USD a month) or uses "
        "`encryption_key`; `aws_managed_key=True` fails the control on purpose",
    ),
    SecurityHubControl(
        "ECS.2",
        "services assign no public IP automatically",
        _DEFAULTS,
        "`FargateWebService`: private subnets, `assign_public_ip=False`",
    ),
    SecurityHubControl(
        "ECS.3",
        "task definitions do not share the host's process namespace",
        _DEFAULTS,
        "Fargate (awsvpc) task definitions set no `pidMode`",
    ),
    SecurityHubControl(
        "ECS.4", "containers are not privileged", _DEFAULTS, "no container sets `privileged`"
    ),
    SecurityHubControl(
        "ECS.5",
        "containers have read-only root filesystems",
        _DEFAULTS,
        "`readonly_root_filesystem=True` with a writable `/tmp`; False fails (ECS Exec needs it)",
        "EcsPatterns-ReadonlyRootFilesystem",
    ),
    SecurityHubControl(
        "ECS.8",
        "no secrets in container environment variables",
        _DEFAULTS,
        "secret-like names in `environment` are refused; `secrets` inject from SSM or Secrets "
        "Manager",
        "AwsSolutions-ECS2, EcsPatterns-PlaintextSecret",
    ),
    SecurityHubControl(
        "ECS.9",
        "task definitions have a logging configuration",
        _DEFAULTS,
        "awslogs to a KMS-encrypted log group for every container and Service Connect",
        "EcsPatterns-LogEncryption, EcsPatterns-LogRetention",
    ),
    SecurityHubControl(
        "ECS.10",
        "Fargate services run on the latest platform version",
        _DEFAULTS,
        "no platform version is pinned (LATEST)",
    ),
    SecurityHubControl(
        "ECS.12",
        "clusters use Container Insights",
        _DEFAULTS,
        "`FargateCluster`: standard Container Insights; DISABLED fails (announced)",
        "AwsSolutions-ECS4",
    ),
    SecurityHubControl(
        "ECS.13",
        "services are tagged (resource tagging standard)",
        _OPTION,
        "`WebServiceProps.tags`; no tags by default",
    ),
    SecurityHubControl(
        "ECS.14",
        "clusters are tagged (resource tagging standard)",
        _OPTION,
        "`ClusterProps.tags`; no tags by default",
    ),
    SecurityHubControl(
        "ECS.15",
        "task definitions are tagged (resource tagging standard)",
        _OPTION,
        "`WebServiceProps.tags`; tasks get the service's tags (`propagate_tags=SERVICE`)",
    ),
    SecurityHubControl(
        "ECS.16",
        "task sets assign no public IP automatically",
        _DEFAULTS,
        "`CodeDeployBlueGreen`: the AppSpec sets `AssignPublicIp: DISABLED`",
    ),
    SecurityHubControl(
        "ECS.17", "task definitions do not use host networking", _DEFAULTS, "awsvpc only"
    ),
    SecurityHubControl(
        "ECS.20",
        "Linux containers run as a non-root user",
        _DEFAULTS,
        '`user="1000:1000"` by default; the tracing sidecar runs as uid 10001',
        "EcsPatterns-NonRootUser",
    ),
    SecurityHubControl(
        "EC2.2",
        "a VPC's default security group has no rules",
        _DEFAULTS,
        "`FargateCluster`'s new VPC strips them",
        "NIST.800.53.R5-VPCDefaultSecurityGroupClosed",
    ),
    SecurityHubControl(
        "EC2.6",
        "VPC flow logging is on",
        _DEFAULTS,
        "`FargateCluster`'s new VPC logs ALL traffic to an encrypted log group",
        "NIST.800.53.R5-VPCFlowLogsEnabled",
    ),
    SecurityHubControl(
        "ELB.1",
        "ALBs redirect HTTP to HTTPS",
        _DEFAULTS,
        "port 80 redirects to 443; `allow_plain_http=True` fails (announced)",
        "NIST.800.53.R5-ALBHttpToHttpsRedirection",
    ),
    SecurityHubControl(
        "ELB.4",
        "ALBs drop invalid HTTP headers",
        _DEFAULTS,
        "`drop_invalid_header_fields=True`",
        "HIPAA.Security-ALBHttpDropInvalidHeaderEnabled",
    ),
    SecurityHubControl(
        "ELB.5",
        "load balancer access logging is on",
        _DEFAULTS,
        "access logs to a private, versioned S3 bucket",
        "NIST.800.53.R5-ELBLoggingEnabled",
    ),
    SecurityHubControl(
        "ELB.6",
        "deletion protection is on",
        _OPTION,
        "`deletion_protection=True` in a deploy after the first create (off at create by "
        "default, so that a failed create can roll back; announced); False fails (announced)",
        "NIST.800.53.R5-ELBDeletionProtectionEnabled",
    ),
    SecurityHubControl(
        "ELB.12",
        "desync mitigation mode is defensive or strictest",
        _DEFAULTS,
        "`desync_mitigation_mode=DEFENSIVE`",
    ),
    SecurityHubControl(
        "ELB.13",
        "load balancers span several Availability Zones",
        _DEFAULTS,
        "public or private subnets of at least 2 AZs (`max_azs` 2 to 6)",
    ),
    SecurityHubControl(
        "ELB.16",
        "ALBs are associated with an AWS WAF web ACL",
        _DEFAULTS,
        "`waf=True` (own web ACL, or `web_acl_arn`); `waf=False` fails (announced)",
        "NIST.800.53.R5-ALBWAFEnabled",
    ),
    SecurityHubControl(
        "ELB.17",
        "listeners use a recommended security policy",
        _DEFAULTS,
        "`ssl_policy=RECOMMENDED_TLS` (TLS 1.2 and 1.3)",
    ),
    SecurityHubControl(
        "ELB.18",
        "listeners use secure protocols",
        _BY_DESIGN,
        "the port-80 listener stays: it only answers with a permanent redirect to HTTPS and "
        "forwards nothing, so clients that type `http://` still arrive; close port 80 "
        "yourself if no client ever uses it",
    ),
    SecurityHubControl(
        "ELB.21",
        "target group health checks are encrypted",
        _OPTION,
        "`target_protocol=HTTPS` (the app serves TLS on its port); HTTP by default",
    ),
    SecurityHubControl(
        "ELB.22",
        "target groups use an encrypted protocol",
        _OPTION,
        "`target_protocol=HTTPS`; HTTP by default: TLS ends at the load balancer and the hop "
        "to the tasks stays inside the VPC between two security groups",
    ),
    SecurityHubControl(
        "KMS.4",
        "KMS key rotation is on",
        _DEFAULTS,
        "every key the library creates rotates yearly",
        "NIST.800.53.R5-KMSBackingKeyRotationEnabled",
    ),
    SecurityHubControl(
        "S3.5",
        "buckets require TLS",
        _DEFAULTS,
        "the access-log bucket denies requests without TLS 1.2",
        "NIST.800.53.R5-S3BucketSSLRequestsOnly",
    ),
    SecurityHubControl(
        "WAF.11",
        "web ACL logging is on",
        _DEFAULTS,
        "the created web ACL logs to an encrypted `aws-waf-logs-*` group",
        "NIST.800.53.R5-WAFv2LoggingEnabled",
    ),
)
"""Security Hub controls (AWS Foundational Security Best Practices, and the resource tagging
standard for ECS.13 to ECS.15) that apply to what the library creates."""


def security_hub_section() -> list[str]:
    """The report's Security Hub section, rendered from :data:`SECURITY_HUB_CONTROLS`."""
    lines = [
        "## AWS Security Hub (Foundational Security Best Practices)",
        "",
        "Security Hub evaluates deployed resources, not templates, so these rows are stated by "
        "the library (`SECURITY_HUB_CONTROLS` in `scripts/compliance_report.py`) from what its "
        "constructs create, and checked by its tests where a rule above checks the same.",
        "",
        "| control | what it checks | with the library | how | same check above |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {c.control} | {_cell(c.checks)} | **{c.status}** | {_cell(c.how)} | {_cell(c.rules)} |"
        for c in SECURITY_HUB_CONTROLS
    ]
    return lines


def render(outcomes: Sequence[Outcome], assembly: Assembly, checkov: CheckovRun) -> str:
    """The report as Markdown, deterministic for a given set of templates and tool versions."""
    stacks = sorted(assembly.stacks.values(), key=lambda s: s.name)
    resource_total = sum(len(s.template.get("Resources", {})) for s in stacks)
    lines = [
        "# Compliance report",
        "",
        "Generated by `make compliance-report` (`scripts/compliance_report.py`) from the "
        f"synthesized templates of the sample app and every registered test stack ({len(stacks)} "
        f"stacks, {resource_total} resources); do not edit by hand. "
        "`tests/test_compliance_report.py` fails when this file is stale.",
        "",
        f"Tools: {_versions()}, {checkov.version}.",
        "",
        "## Summary",
        "",
        "For each pack, the rules that apply to at least one resource the library's constructs "
        "create (a rule that returns *not applicable* for every resource is not listed).",
        "",
        "| pack | rules that apply | satisfied | acknowledged with the defaults "
        "| acknowledged only for a non-default choice | not compliant |",
        "|---|---|---|---|---|---|",
    ]
    packs = [*NAG_PACKS, "EcsPatterns"]

    def _named(rules: Sequence[Outcome]) -> str:
        names = ", ".join(o.rule.split("-", 1)[1] for o in rules)
        return f"{len(rules)} ({names})" if rules else "0"

    for pack in packs:
        mine = [o for o in outcomes if o.pack == pack]
        lines.append(
            f"| {PACK_TITLES[pack]} | {len(mine)} | "
            f"{sum(1 for o in mine if o.status == 'satisfied')} | "
            f"{_named([o for o in mine if o.status == 'acknowledged'])} | "
            f"{_named([o for o in mine if o.status == OPT_IN_ONLY])} | "
            f"{sum(1 for o in mine if o.status == 'not compliant')} |"
        )
    checkov_counts = {r: len(checkov.with_result(r)) for r in ("PASSED", "FAILED", "SKIPPED")}
    lines += [
        f"| checkov (CloudFormation) | {len({c.check_id for c in checkov.checks})} checks ran "
        f"| {checkov_counts['PASSED']} passed | {checkov_counts['SKIPPED']} skipped | "
        f"| {checkov_counts['FAILED']} failed |",
        "",
        "*Satisfied*: the rule returned compliant on every resource it applied to. "
        "*Acknowledged*: on the resources named, the rule's finding is acknowledged by the "
        "library with `ecs_patterns.exempt(resource, Exemption(...))`, which records "
        "`Validations.of(resource).acknowledge(...)` (one resource, one rule) for the "
        "reason given; on every other resource it applied to, it is satisfied. *With the "
        "defaults*: the acknowledgement is made in a `*Defaults` stack, which builds its "
        "construct with every default. *Only for a non-default choice*: the defaults satisfy the "
        "rule; the acknowledgement appears only where a prop opted out (for example "
        "`allow_plain_http=True`, `waf=False`), and that prop's docstring and synthesis warning "
        "say so. Resources are named by construct path below the stack, followed by the stacks "
        "that contain them.",
        "",
        "Stacks: " + ", ".join(f"`{s.name}`" for s in stacks) + ".",
        "",
    ]
    for pack in packs:
        mine = [o for o in outcomes if o.pack == pack]
        lines += [
            f"## {PACK_TITLES[pack]}",
            "",
            "| rule | resource types | status | reason | level | what it flags | controls |",
            "|---|---|---|---|---|---|---|",
        ]
        for o in mine:
            flags, controls = _split_controls(o.info)
            lines.append(
                f"| `{o.rule}` | {', '.join(f'`{t}`' for t in o.resource_types)} | "
                f"{_status_cell(o)} | {_reason_cell(o)} | {o.level} | {_cell(flags)} | "
                f"{_cell(controls)} |"
            )
        lines.append("")
    lines += [*security_hub_section(), ""]
    lines += [
        "## checkov",
        "",
        f"`checkov --framework cloudformation --skip-download` over the same {len(checkov.files)} "
        "templates, once (`scripts/checkov_scan.py`). Zero failed checks is a test "
        "(`tests/test_checkov.py`).",
        "",
        "### Skipped checks",
        "",
        "Each skip is written by the library into that one resource's `Metadata.checkov.skip` "
        "(`ecs_patterns.exempt`), for the checks named, with the comment below.",
        "",
        "| check | name | resource types | comment | on |",
        "|---|---|---|---|---|",
    ]
    skipped: dict[tuple[str, str, str], list[ResourceOutcome]] = defaultdict(list)
    for c in checkov.with_result("SKIPPED"):
        stack = assembly.stacks[c.file.removesuffix(".template.json")]
        skipped[(c.check_id, c.check_name, c.comment)].append(
            ResourceOutcome(
                stack=stack.name,
                path=stack.relative_path(c.logical_id),
                resource_type=c.resource_type,
                status="skipped",
            )
        )
    for (check_id, name, comment), rs in sorted(
        skipped.items(), key=lambda i: (_check_order(i[0][0]), i[0][2])
    ):
        types = sorted({r.resource_type for r in rs})
        lines.append(
            f"| {check_id} | {_cell(name)} | {', '.join(f'`{t}`' for t in types)} | "
            f"{_cell(comment)} | {_where(rs)} |"
        )
    if not skipped:
        lines.append("| (none) | | | | |")
    lines += [
        "",
        "### Checks that ran",
        "",
        "| check | name | passed | skipped | failed |",
        "|---|---|---|---|---|",
    ]
    per_check: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in checkov.checks:
        per_check[(c.check_id, c.check_name)][c.result] += 1

    for (check_id, name), counts in sorted(per_check.items(), key=lambda i: _check_order(i[0][0])):
        lines.append(
            f"| {check_id} | {_cell(name)} | {counts['PASSED']} | {counts['SKIPPED']} | "
            f"{counts['FAILED']} |"
        )
    lines += [
        "",
        "### Checks likely for Lambda functions",
        "",
        "checkov runs these on every `AWS::Lambda::Function`, so constructs that add functions "
        "(custom resources, deployment hooks) will meet them:",
        "",
        "| check | what it wants | usual answer for a custom-resource or hook function |",
        "|---|---|---|",
        *(f"| {ids} | {wants} | {answer} |" for ids, wants, answer in LAMBDA_CHECKS),
        "",
        LAMBDA_NOTE,
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


def generate(*outdirs: Path, checkov: CheckovRun | None = None) -> str:
    """The report for the cloud assemblies in ``outdirs`` (checkov is run unless given)."""
    assembly = read_assembly(*outdirs)
    files = assembly.template_files
    matrices = [nag_matrix(assembly), hardening_matrix(assembly)]
    outcomes = evaluate(assembly, matrices)
    return render(outcomes, assembly, checkov if checkov is not None else run_checkov(files))


# --- command line -------------------------------------------------------------------------------


def synthesize_all(workdir: Path) -> list[Path]:
    """Synthesize every registered test stack and the sample app; return the two outdirs."""
    from aws_cdk import Stack

    from sample_app.stacks import build_app
    from tests.conftest import CDK_CONTEXT, ENV, new_app
    from tests.stacks import STACKS

    tests_out = workdir / "tests.out"
    app = new_app(tests_out, validation=True)
    for name, build in STACKS.items():
        build(Stack(app, name, env=ENV))
    app.synth()
    sample_out = workdir / "sample.out"
    build_app(CDK_CONTEXT, outdir=str(sample_out)).synth()
    return [tests_out, sample_out]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if docs/compliance.md is stale"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        text = generate(*synthesize_all(Path(tmp)))
    if args.check:
        current = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
        if current != text:
            print(f"{REPORT.relative_to(ROOT)} is stale: run `make compliance-report`")
            return 1
        return 0
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
