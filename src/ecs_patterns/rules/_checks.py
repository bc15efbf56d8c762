"""Pure ECS hardening checks over resolved CloudFormation properties.

Every check is a function ``(resource_type, properties) -> Compliance`` over the *resolved*
CloudFormation ``Properties`` dict of one resource (PascalCase keys, as in the template). A value
that is not known until deploy time (``Ref``, ``Fn::*``, a dynamic reference) is never judged:
the check answers :attr:`Compliance.NOT_APPLICABLE` rather than risk a false positive.

The checks need no construct tree, so they are unit-testable on plain dicts;
:class:`~ecs_patterns.rules.EcsHardeningChecks` runs them over a CDK app.

Long module: the table of hardening rules, each a small pure function over resolved properties;
one table keeps the pack's ids, levels and explanations in one place.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core._fargate import fargate_memory_options
from ..core._limits import MAX_DEREGISTRATION_DELAY_S, MAX_TIME_TO_HEALTHY_S, looks_secret

__all__ = [
    "RULES",
    "Compliance",
    "Level",
    "Rule",
    "circuit_breaker",
    "container_health_check",
    "container_image_pinned",
    "container_non_root_user",
    "container_plaintext_secrets",
    "container_readonly_root_filesystem",
    "fargate_task_size",
    "is_unresolved",
    "log_group_encryption",
    "log_group_retention",
    "looks_secret",
    "spot_only_capacity",
    "target_group_deregistration_delay",
    "target_group_health_check_speed",
]

TASK_DEFINITION = "AWS::ECS::TaskDefinition"
SERVICE = "AWS::ECS::Service"
CAPACITY_ASSOCIATIONS = "AWS::ECS::ClusterCapacityProviderAssociations"
LOG_GROUP = "AWS::Logs::LogGroup"
TARGET_GROUP = "AWS::ElasticLoadBalancingV2::TargetGroup"


class Compliance(enum.Enum):
    """The outcome of one check on one resource (mirrors cdk-nag's ``NagRuleCompliance``)."""

    COMPLIANT = "COMPLIANT"
    NON_COMPLIANT = "NON_COMPLIANT"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class Level(enum.Enum):
    """How a finding is reported (mirrors cdk-nag's ``NagMessageLevel``)."""

    ERROR = "ERROR"
    WARN = "WARN"


OK = Compliance.COMPLIANT
BAD = Compliance.NON_COMPLIANT
NA = Compliance.NOT_APPLICABLE

Check = Callable[[str, Mapping[str, Any]], Compliance]


def is_unresolved(value: object) -> bool:
    """True for a value only known at deploy time: an intrinsic, a token or a dynamic reference."""
    if isinstance(value, Mapping):
        return len(value) == 1 and any(k == "Ref" or str(k).startswith("Fn::") for k in value)
    if isinstance(value, str):
        return "${Token[" in value or "{{resolve:" in value
    return False


def _combine(results: Iterable[Compliance]) -> Compliance:
    """Any non-compliant wins; else any unknown makes the whole unknown; else compliant."""
    seen = list(results)
    if BAD in seen:
        return BAD
    if NA in seen or not seen:
        return NA
    return OK


def _as_int(value: object) -> int | None:
    """An int from an int or a decimal string; None for anything else (tokens included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _as_bool(value: object) -> bool | None:
    """True/False from a bool or a "true"/"false" string; None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _containers(
    resource_type: str, properties: Mapping[str, Any]
) -> list[Mapping[str, Any]] | None:
    """The literal container definitions of a task definition; None if not judgeable."""
    if resource_type != TASK_DEFINITION:
        return None
    defs = properties.get("ContainerDefinitions")
    if not isinstance(defs, list) or not defs:
        return None
    return list(defs)


def _per_container(
    resource_type: str,
    properties: Mapping[str, Any],
    check: Callable[[Mapping[str, Any]], Compliance],
) -> Compliance:
    containers = _containers(resource_type, properties)
    if containers is None:
        return NA
    return _combine(
        NA if not isinstance(c, Mapping) or is_unresolved(c) else check(c) for c in containers
    )


# --- container images --------------------------------------------------------------------------

_SENTINEL = "\x00"
_SUB_VAR = re.compile(r"\$\{[^}]*\}")


def _flatten_image(value: object) -> str | None:
    """The image reference as a string with every unresolved part replaced by a sentinel.

    Handles ``Fn::Join`` with an empty delimiter and ``Fn::Sub`` (the two forms CDK renders for
    ECR and asset images); any other intrinsic is wholly unknown (None).
    """
    if isinstance(value, str):
        return _SENTINEL if is_unresolved(value) else value
    if isinstance(value, Mapping) and len(value) == 1:
        (key, arg), *_ = value.items()
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            delimiter, parts = arg
            if isinstance(delimiter, str) and isinstance(parts, list):
                flat = [_flatten_image(p) for p in parts]
                return delimiter.join(_SENTINEL if f is None else f for f in flat)
        if key == "Fn::Sub":
            template = arg[0] if isinstance(arg, list) and arg else arg
            if isinstance(template, str):
                return _SUB_VAR.sub(_SENTINEL, template)
    return None


def _image_compliance(image: object) -> Compliance:
    ref = _flatten_image(image)
    if ref is None:
        return NA
    name = ref.rsplit("/", 1)[-1]
    if "@" in name:
        return OK  # pinned by digest (a digest that is a token is still a digest)
    if ":" in name:
        tag = name.rsplit(":", 1)[1]
        if _SENTINEL in tag:
            return NA
        return BAD if tag in ("", "latest") else OK
    # No tag visible: only judge when the whole last segment is literal.
    return NA if _SENTINEL in name else BAD


def container_image_pinned(resource_type: str, properties: Mapping[str, Any]) -> Compliance:
    """Every container image has a tag other than ``latest``, or a digest."""
    return _per_container(resource_type, properties, lambda c: _image_compliance(c.get("Image")))


# --- root filesystem, user, health check --------------------------------------------------------


def _readonly(container: Mapping[str, Any]) -> Compliance:
    value = container.get("ReadonlyRootFilesystem")
    if is_unresolved(value):
        return NA
    return OK if _as_bool(value) is True else BAD


def container_readonly_root_filesystem(
    resource_type: str, properties: Mapping[str, Any]
) -> Compliance:
    """Every container sets ``ReadonlyRootFilesystem: true``."""
    return _per_container(resource_type, properties, _readonly)


def _user(container: Mapping[str, Any]) -> Compliance:
    user = container.get("User")
    if user is None:
        return BAD
    if not isinstance(user, str) or is_unresolved(user):
        return NA
    name = user.strip().split(":", 1)[0]
    return BAD if name in ("", "root", "0") else OK


def container_non_root_user(resource_type: str, properties: Mapping[str, Any]) -> Compliance:
    """Every container sets ``User`` to someone other than ``root`` / uid 0."""
    return _per_container(resource_type, properties, _user)


def _health_check(container: Mapping[str, Any]) -> Compliance:
    essential = container.get("Essential", True)  # CloudFormation's default is essential
    if is_unresolved(essential):
        return NA
    if _as_bool(essential) is False:
        return OK
    return OK if container.get("HealthCheck") is not None else BAD


def container_health_check(resource_type: str, properties: Mapping[str, Any]) -> Compliance:
    """Every essential container has a ``HealthCheck``."""
    return _per_container(resource_type, properties, _health_check)


# --- secrets in plain environment variables ----------------------------------------------------


def _environment(container: Mapping[str, Any]) -> Compliance:
    env = container.get("Environment")
    if env is None:
        return OK
    if not isinstance(env, list):
        return NA
    results = []
    for item in env:
        name = item.get("Name") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or is_unresolved(name):
            results.append(NA)
        else:
            results.append(BAD if looks_secret(name) else OK)
    return BAD if BAD in results else OK


def container_plaintext_secrets(resource_type: str, properties: Mapping[str, Any]) -> Compliance:
    """No plain ``Environment`` variable is named like a password, secret, token or API key."""
    return _per_container(resource_type, properties, _environment)


# --- Fargate task size --------------------------------------------------------------------------

_UNIT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(vcpu|gb)?\s*$", re.IGNORECASE)


def _size(value: object, unit_word: str) -> int | None:
    """Cpu units / MiB from ``"1024"``, ``1024``, ``"1 vCPU"`` or ``"2 GB"``; None if unknown."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    match = _UNIT.match(value)
    if match is None:
        return None
    number, unit = match.groups()
    if unit is None:
        return int(number) if number.isdigit() else None
    if unit.lower() != unit_word:
        return None
    scaled = float(number) * 1024
    return int(scaled) if scaled.is_integer() else None


def fargate_task_size(resource_type: str, properties: Mapping[str, Any]) -> Compliance:
    """A Fargate task definition's literal ``Cpu``/``Memory`` pair is one Fargate accepts."""
    if resource_type != TASK_DEFINITION:
        return NA
    compat = properties.get("RequiresCompatibilities")
    if not isinstance(compat, list) or "FARGATE" not in compat:
        return NA
    platform = properties.get("RuntimePlatform")
    if isinstance(platform, Mapping):
        family = platform.get("OperatingSystemFamily", "LINUX")
        if family != "LINUX":
            return NA  # Windows has its own (smaller) table; not judged here
    cpu = _size(properties.get("Cpu"), "vcpu")
    memory = _size(properties.get("Memory"), "gb")
    if cpu is None or memory is None:
        return NA
    return OK if memory in fargate_memory_options(cpu) else BAD


# --- services -----------------------------------------------------------------------------------


def circuit_breaker(resource_type: str, properties: Mapping[str, Any]) -> Compliance:
    """An ECS-controller service enables the deployment circuit breaker.

    Rolling and ECS-native blue/green, linear and canary alike: ECS supports the breaker for
    each (ECS developer guide, "deployment failure detection"), and green tasks that crash
    before they register trip no alarm.
    """
    if resource_type != SERVICE:
        return NA
    controller = properties.get("DeploymentController")
    if controller is not None:
        if not isinstance(controller, Mapping) or is_unresolved(controller):
            return NA
        kind = controller.get("Type", "ECS")
        if kind != "ECS":
            return NA  # CODE_DEPLOY, EXTERNAL or a token
    config = properties.get("DeploymentConfiguration")
    if config is None:
        return BAD
    if not isinstance(config, Mapping) or is_unresolved(config):
        return NA
    breaker = config.get("DeploymentCircuitBreaker")
    if breaker is None:
        return BAD
    if not isinstance(breaker, Mapping) or is_unresolved(breaker):
        return NA
    enable = breaker.get("Enable")
    if is_unresolved(enable):
        return NA
    return OK if _as_bool(enable) is True else BAD


def _strategy_compliance(strategy: object) -> Compliance:
    if strategy is None:
        return NA
    if not isinstance(strategy, list) or is_unresolved(strategy):
        return NA
    providers: list[tuple[str, int]] = []
    for item in strategy:
        if not isinstance(item, Mapping):
            return NA
        provider = item.get("CapacityProvider")
        base = item.get("Base", 0)
        base_int = _as_int(base)
        if not isinstance(provider, str) or is_unresolved(provider) or base_int is None:
            return NA
        providers.append((provider, base_int))
    if not any(p == "FARGATE_SPOT" for p, _ in providers):
        return OK
    return OK if any(p == "FARGATE" and b >= 1 for p, b in providers) else BAD


def spot_only_capacity(resource_type: str, properties: Mapping[str, Any]) -> Compliance:
    """A capacity provider strategy using FARGATE_SPOT keeps a FARGATE base of 1 or more."""
    if resource_type == SERVICE:
        return _strategy_compliance(properties.get("CapacityProviderStrategy"))
    if resource_type == CAPACITY_ASSOCIATIONS:
        return _strategy_compliance(properties.get("DefaultCapacityProviderStrategy"))
    return NA


# --- log groups ---------------------------------------------------------------------------------


def log_group_retention(resource_type: str, properties: Mapping[str, Any]) -> Compliance:
    """A log group sets ``RetentionInDays`` (otherwise logs are kept, and billed, forever)."""
    if resource_type != LOG_GROUP:
        return NA
    return OK if properties.get("RetentionInDays") is not None else BAD


def log_group_encryption(resource_type: str, properties: Mapping[str, Any]) -> Compliance:
    """A log group is encrypted with a customer managed KMS key (``KmsKeyId``)."""
    if resource_type != LOG_GROUP:
        return NA
    return OK if properties.get("KmsKeyId") is not None else BAD


# --- target groups ------------------------------------------------------------------------------

_DEFAULT_DEREGISTRATION_DELAY_S = 300
_DEFAULT_INTERVAL_S = 30
_DEFAULT_HEALTHY_THRESHOLD = 5


def _target_group(resource_type: str, properties: Mapping[str, Any]) -> bool:
    if resource_type != TARGET_GROUP:
        return False
    target_type = properties.get("TargetType", "instance")
    return isinstance(target_type, str) and target_type in ("instance", "ip")


def target_group_deregistration_delay(
    resource_type: str, properties: Mapping[str, Any]
) -> Compliance:
    """``deregistration_delay.timeout_seconds`` is at most 60 (the default is 300)."""
    if not _target_group(resource_type, properties):
        return NA
    attributes = properties.get("TargetGroupAttributes", [])
    if not isinstance(attributes, list):
        return NA
    value: object = _DEFAULT_DEREGISTRATION_DELAY_S
    for attribute in attributes:
        if not isinstance(attribute, Mapping):
            return NA
        if attribute.get("Key") == "deregistration_delay.timeout_seconds":
            value = attribute.get("Value")
    seconds = _as_int(value)
    if seconds is None:
        return NA
    return OK if seconds <= MAX_DEREGISTRATION_DELAY_S else BAD


def target_group_health_check_speed(
    resource_type: str, properties: Mapping[str, Any]
) -> Compliance:
    """``HealthCheckIntervalSeconds * HealthyThresholdCount`` is at most 30 seconds."""
    if not _target_group(resource_type, properties):
        return NA
    if _as_bool(properties.get("HealthCheckEnabled", True)) is False:
        return NA
    interval = _as_int(properties.get("HealthCheckIntervalSeconds", _DEFAULT_INTERVAL_S))
    threshold = _as_int(properties.get("HealthyThresholdCount", _DEFAULT_HEALTHY_THRESHOLD))
    if interval is None or threshold is None:
        return NA
    return OK if interval * threshold <= MAX_TIME_TO_HEALTHY_S else BAD


# --- the table ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule of the pack: the id suffix, level, resource types, messages and pure check."""

    suffix: str
    level: Level
    resource_types: tuple[str, ...]
    info: str
    explanation: str
    check: Check


RULES: tuple[Rule, ...] = (
    Rule(
        suffix="ImagePinned",
        level=Level.ERROR,
        resource_types=(TASK_DEFINITION,),
        info="A container image uses the 'latest' tag or no tag and no digest.",
        explanation=(
            "A mutable tag makes a redeploy, a scale-out or a task restart run different code "
            "than was reviewed. Pin a version tag or a digest (image@sha256:...)."
        ),
        check=container_image_pinned,
    ),
    Rule(
        suffix="ReadonlyRootFilesystem",
        level=Level.ERROR,
        resource_types=(TASK_DEFINITION,),
        info="A container's root filesystem is writable (ReadonlyRootFilesystem is not true).",
        explanation=(
            "A read-only root filesystem stops an attacker or a bug from altering binaries and "
            "configuration. Mount a volume for the paths that must be written."
        ),
        check=container_readonly_root_filesystem,
    ),
    Rule(
        suffix="NonRootUser",
        level=Level.ERROR,
        resource_types=(TASK_DEFINITION,),
        info="A container runs as root (User missing, 'root', '0' or '0:<group>').",
        explanation=(
            "A process running as root inside the container turns any code-execution bug into "
            "full control of the container. Set user to a non-zero uid, e.g. '1000:1000'."
        ),
        check=container_non_root_user,
    ),
    Rule(
        suffix="ContainerHealthCheck",
        level=Level.WARN,
        resource_types=(TASK_DEFINITION,),
        info="An essential container has no health check.",
        explanation=(
            "Without a container health check ECS only notices a crashed process, not a hung "
            "one, and a deployment cannot tell a healthy task from a broken one."
        ),
        check=container_health_check,
    ),
    Rule(
        suffix="PlaintextSecret",
        level=Level.ERROR,
        resource_types=(TASK_DEFINITION,),
        info="A plain environment variable is named like a password, secret, token or API key.",
        explanation=(
            "Plain environment variables are readable by anyone who can describe the task "
            "definition. Pass credentials with 'secrets' (Secrets Manager or SSM SecureString)."
        ),
        check=container_plaintext_secrets,
    ),
    Rule(
        suffix="FargateTaskSize",
        level=Level.ERROR,
        resource_types=(TASK_DEFINITION,),
        info="The task's cpu/memory pair is not a size Fargate accepts.",
        explanation=(
            "Fargate only runs the cpu/memory combinations in its task size table; any other "
            "pair fails when the service is created. See ecs_patterns.fargate_memory_options."
        ),
        check=fargate_task_size,
    ),
    Rule(
        suffix="CircuitBreaker",
        level=Level.WARN,
        resource_types=(SERVICE,),
        info="The ECS-controller service has no deployment circuit breaker.",
        explanation=(
            "Without the circuit breaker a deployment whose tasks never become healthy keeps "
            "retrying for hours instead of failing (and rolling back) within minutes. This holds "
            "for ECS-native blue/green, linear and canary too: green tasks that crash before "
            "they register trip no alarm."
        ),
        check=circuit_breaker,
    ),
    Rule(
        suffix="SpotOnly",
        level=Level.WARN,
        resource_types=(SERVICE, CAPACITY_ASSOCIATIONS),
        info="The capacity provider strategy uses FARGATE_SPOT without a FARGATE base of 1+.",
        explanation=(
            "Spot capacity can be reclaimed for every task at once. Keep at least one task on "
            "regular FARGATE (base >= 1) so a reclaim never takes the whole service down."
        ),
        check=spot_only_capacity,
    ),
    Rule(
        suffix="LogRetention",
        level=Level.WARN,
        resource_types=(LOG_GROUP,),
        info="The log group has no retention period.",
        explanation="Logs without a retention period are kept, and billed, forever.",
        check=log_group_retention,
    ),
    Rule(
        suffix="LogEncryption",
        level=Level.WARN,
        resource_types=(LOG_GROUP,),
        info="The log group is not encrypted with a customer managed KMS key.",
        explanation=(
            "Application logs often carry personal data or credentials by accident; a KMS key "
            "lets you control and audit who can read them."
        ),
        check=log_group_encryption,
    ),
    Rule(
        suffix="DeregistrationDelay",
        level=Level.WARN,
        resource_types=(TARGET_GROUP,),
        info="The target group's deregistration delay is above 60 seconds (default 300).",
        explanation=(
            "Every deployment and scale-in waits for the deregistration delay; the 300 s "
            "default makes each rolling deployment minutes slower for no benefit to most APIs."
        ),
        check=target_group_deregistration_delay,
    ),
    Rule(
        suffix="HealthCheckSpeed",
        level=Level.WARN,
        resource_types=(TARGET_GROUP,),
        info="Health check interval x healthy threshold exceeds 30 seconds (default 150).",
        explanation=(
            "A new task receives traffic only after interval x healthy-threshold seconds; "
            "with the defaults every deployment step waits 2.5 minutes."
        ),
        check=target_group_health_check_speed,
    ),
)
"""Every rule of the pack, in reporting order."""
