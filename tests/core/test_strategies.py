"""Deployment strategies own their behaviour: workloads ask the strategy, never test its class.

Three kinds of evidence: no module outside ``core/deployment/`` dispatches on a strategy class
(a source scan, with negative controls); a strategy defined only in this test, subclassing
``DeploymentStrategy`` and touching no library module, gets a service, load balancer, props
check, estimate and monitoring view built its way; and the library's strategies' answers are
what the registered stacks contain.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Annotations, Match, Template
from constructs import Construct

import ecs_patterns as ep
from ecs_patterns.core import deployment
from ecs_patterns.core._validation import Checks
from ecs_patterns.core.deployment import (
    DeploymentFacts,
    DeploymentPhases,
    DeploymentResources,
    DeploymentStrategy,
    ServiceOptions,
    ServiceTargets,
)
from ecs_patterns.monitoring._monitoring import blue_green_kind
from tests.conftest import ENV, Synthesized, new_app
from tests.stacks.service import IMAGE, _certificate

PACKAGE = Path(ep.__file__).resolve().parent
STRATEGIES_DIR = PACKAGE / "core" / "deployment"
STRATEGY_CLASSES = frozenset(
    name
    for name in deployment.__all__
    if isinstance(getattr(deployment, name), type)
    and issubclass(getattr(deployment, name), DeploymentStrategy)
    and getattr(deployment, name) is not DeploymentStrategy
)


# --- no dispatch on strategy classes outside core/deployment/ ---------------------------------


def _names(node: ast.AST) -> set[str]:
    """The class names a type expression mentions (``Rolling``, ``ep.Rolling``, tuples)."""
    found: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


def strategy_dispatch(source: str, classes: frozenset[str] = STRATEGY_CLASSES) -> list[int]:
    """Lines of ``source`` that test a value against a strategy class: ``isinstance``,
    ``issubclass``, ``type(x) is/== C`` and ``case C():`` patterns."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        tested: ast.AST | None = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("isinstance", "issubclass")
            and len(node.args) == 2
        ):
            tested = node.args[1]
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Call)
            and isinstance(node.left.func, ast.Name)
            and node.left.func.id == "type"
        ):
            tested = ast.Tuple(elts=list(node.comparators))
        elif isinstance(node, ast.MatchClass):
            tested = node.cls
        if tested is not None and _names(tested) & classes:
            lines.append(getattr(node, "lineno", 0))
    return lines


def test_the_library_has_three_strategy_classes() -> None:
    assert {"Rolling", "CodeDeployBlueGreen", "EcsNativeBlueGreen"} == STRATEGY_CLASSES


def test_no_module_outside_core_deployment_dispatches_on_a_strategy_class() -> None:
    modules = [p for p in PACKAGE.rglob("*.py") if STRATEGIES_DIR not in p.parents]
    assert len(modules) > 20
    found = {
        str(path.relative_to(PACKAGE)): lines
        for path in modules
        if (lines := strategy_dispatch(path.read_text(encoding="utf-8")))
    }
    assert found == {}


@pytest.mark.parametrize(
    "source",
    [
        "if isinstance(props.deployment, EcsNativeBlueGreen):\n    pass\n",
        "x = isinstance(s, (CodeDeployBlueGreen, EcsNativeBlueGreen))\n",
        "x = isinstance(s, ep.Rolling)\n",
        "x = issubclass(type(s), Rolling)\n",
        "x = type(s) is CodeDeployBlueGreen\n",
        "match s:\n    case Rolling():\n        pass\n",
    ],
)
def test_the_scan_reports_dispatch_on_a_strategy_class(source: str) -> None:
    assert strategy_dispatch(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "x = isinstance(s, DeploymentStrategy)\n",
        "x = isinstance(s, ecs.DeploymentStrategy)\n",
        "x = s.needs_green_target_group\n",
        "x = Rolling()\n",
    ],
)
def test_the_scan_allows_the_base_class_and_asking_the_strategy(source: str) -> None:
    assert strategy_dispatch(source) == []


# --- a strategy added only in this test ---------------------------------------------------


class Shadow(DeploymentStrategy):
    """A strategy no library module knows: its answers are distinctive, so the template shows
    whether the service, load balancer, props and monitoring asked it."""

    def __init__(self) -> None:
        self.attached: list[tuple[Construct, ServiceTargets]] = []

    @property
    def kind(self) -> str:
        return "SHADOW"

    def circuit_breaker(self) -> ecs.DeploymentCircuitBreaker | None:
        return ecs.DeploymentCircuitBreaker(enable=True, rollback=False)

    @property
    def needs_green_target_group(self) -> bool:
        return True

    @property
    def test_listener_port(self) -> int | None:
        return 9443

    @property
    def test_listener_clients(self) -> Sequence[str] | None:
        return ["10.9.0.0/16"]

    def service_options(self) -> ServiceOptions:
        options = super().service_options()
        options["availability_zone_rebalancing"] = ecs.AvailabilityZoneRebalancing.DISABLED
        return options

    def check(self, checks: Checks, facts: DeploymentFacts) -> None:
        super().check(checks, facts)
        checks.check(
            seconds_of(facts.timing.stop_timeout) <= 60,
            "container.stop_timeout",
            seconds_of(facts.timing.stop_timeout),
            "at most 60 s with Shadow",
            "Lower stop_timeout.",
        )

    def phases(self) -> DeploymentPhases:
        return DeploymentPhases(ready_wait_s=7, traffic_shift_s=11, bake_s=13)

    def attach(self, scope: Construct, targets: ServiceTargets) -> DeploymentResources:
        self.attached.append((scope, targets))
        assert targets.target_group is not None
        targets.target_group.add_target(
            targets.service.load_balancer_target(
                container_name=targets.container_name, container_port=targets.container_port
            )
        )
        return DeploymentResources()


def seconds_of(value: Duration) -> float:
    return float(value.to_seconds())


def _props(**overrides: Any) -> ep.WebServiceProps:
    base = {
        "container": ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
        "load_balancer": ep.LoadBalancerOptions(allow_plain_http=True),
    }
    return ep.WebServiceProps(**{**base, **overrides})


class NativeWithBreaker(ep.EcsNativeBlueGreen):
    """ECS-native blue/green with the circuit breaker: the one-line change in the strategy."""

    def circuit_breaker(self) -> ecs.DeploymentCircuitBreaker | None:
        return ecs.DeploymentCircuitBreaker(enable=True, rollback=True)


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    app = new_app()
    shadow_stack = Stack(app, "Shadow", env=ENV)
    shadow = Shadow()
    web = ep.FargateWebService(shadow_stack, "Web", _props(deployment=shadow))
    # Annotations.from_stack synthesizes again: its own app, and before Template.from_stack.
    breaker_stack = Stack(new_app(), "NativeBreaker", env=ENV)
    ep.FargateWebService(
        breaker_stack,
        "Web",
        ep.WebServiceProps(
            container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
            load_balancer=ep.LoadBalancerOptions(certificate=_certificate(breaker_stack)),
            deployment=NativeWithBreaker(),
        ),
    )
    breaker_annotations = Annotations.from_stack(breaker_stack)
    return {
        "shadow": shadow,
        "web": web,
        "template": Template.from_stack(shadow_stack),
        "breaker": Template.from_stack(breaker_stack),
        "breaker_annotations": breaker_annotations,
    }


def _service(template: Template) -> dict[str, Any]:
    (service,) = template.find_resources("AWS::ECS::Service").values()
    props: dict[str, Any] = service["Properties"]
    return props


def test_a_new_strategy_sets_the_service_arguments_it_owns(built: dict[str, Any]) -> None:
    props = _service(built["template"])
    assert props["DeploymentController"] == {"Type": "ECS"}
    assert props["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
        "Enable": True,
        "Rollback": False,
    }
    assert props["AvailabilityZoneRebalancing"] == "DISABLED"


def test_a_new_strategy_gets_the_green_target_group_and_test_listener_it_asks_for(
    built: dict[str, Any],
) -> None:
    template: Template = built["template"]
    web: ep.FargateWebService = built["web"]
    template.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", 2)
    # Traffic moves by listener defaults (no rules asked for): test traffic starts on green.
    template.resource_count_is("AWS::ElasticLoadBalancingV2::ListenerRule", 0)
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "Port": 9443,
            "DefaultActions": [
                Match.object_like(
                    {"TargetGroupArn": {"Ref": Match.string_like_regexp("WebLoadBalancerGreen")}}
                )
            ],
        },
    )
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "SecurityGroupIngress": Match.array_with(
                [
                    Match.object_like(
                        {
                            "CidrIp": "10.9.0.0/16",
                            "FromPort": 9443,
                            "Description": "Test listener clients",
                        }
                    )
                ]
            )
        },
    )
    assert web.green_target_group is not None
    assert web.test_listener is not None
    assert (web.production_rule, web.test_rule) == (None, None)


def test_a_new_strategy_attaches_to_what_the_service_built(built: dict[str, Any]) -> None:
    web: ep.FargateWebService = built["web"]
    ((scope, targets),) = built["shadow"].attached
    assert scope is web
    assert targets.service is web.service
    assert targets.target_group is web.target_group
    assert targets.green_target_group is web.green_target_group
    assert targets.test_listener is web.test_listener
    assert targets.listener is web.listener
    assert targets.scalable_target is web.scalable_target
    assert list(targets.security_groups) == [web.service_security_group]
    assert (targets.container_name, targets.container_port) == ("app", 8080)
    assert targets.release is not None
    assert targets.release() is ep.CodeDeployRelease
    assert (web.application, web.deployment_group, web.release) == (None, None, None)
    # What attach registered is what the template holds.
    (registered,) = _service(built["template"])["LoadBalancers"]
    assert (registered["ContainerName"], registered["ContainerPort"]) == ("app", 8080)
    assert registered["TargetGroupArn"]["Ref"].startswith("WebLoadBalancerTargetGroup")


def test_a_new_strategy_checks_its_own_conflicts_with_the_props() -> None:
    with pytest.raises(ep.ConfigurationError) as err:
        _props(
            deployment=Shadow(),
            container=ep.ContainerOptions(
                image=ecs.ContainerImage.from_registry(IMAGE), stop_timeout=Duration.seconds(90)
            ),
            target_group=ep.TargetGroupOptions(requests_per_target=100),
        )
    # Its own rule, and the base rule for strategies with a green target group.
    assert set(err.value.props) == {"container.stop_timeout", "target_group.requests_per_target"}
    assert "deployment=Shadow" in str(err.value)


def test_a_new_strategy_owns_its_estimate() -> None:
    estimate = _props(deployment=Shadow()).estimated_deployment_time()
    assert estimate.strategy == "Shadow"
    assert (estimate.ready_wait_s, estimate.traffic_shift_s, estimate.bake_s) == (7, 11, 13)
    assert estimate.total_s == ep.Rolling().estimate(_props().health_timing).total_s + 31


def test_monitoring_reads_a_new_strategy_from_its_answers(built: dict[str, Any]) -> None:
    assert blue_green_kind(built["web"].service) == "SHADOW"


def test_codedeploy_in_a_workload_without_the_release_construct_is_a_configuration_error(
    built: dict[str, Any],
) -> None:
    ((_, targets),) = built["shadow"].attached
    stack = Stack(new_app(), "NoRelease", env=ENV)
    with pytest.raises(ep.ConfigurationError) as err:
        ep.CodeDeployBlueGreen().attach(stack, replace(targets, release=None))
    assert err.value.props == ("deployment",)
    assert stack.node.children == []


def test_native_blue_green_with_the_circuit_breaker_is_a_change_in_its_module_only(
    built: dict[str, Any],
) -> None:
    config = _service(built["breaker"])["DeploymentConfiguration"]
    assert config["Strategy"] == "BLUE_GREEN"
    assert config["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    # No leftover acknowledgement either way: no circuit-breaker warning is reported.
    built["breaker_annotations"].has_no_warning("*", Match.string_like_regexp("circuitBreaker"))


# --- the library's strategies: their answers are what the registered stacks contain ----------

REGISTERED = {
    "ServiceDefaults": ep.Rolling,
    "BlueGreenCodeDeploy": ep.CodeDeployBlueGreen,
    "BlueGreenEcsNative": ep.EcsNativeBlueGreen,
}


@pytest.mark.parametrize("stack", sorted(REGISTERED))
def test_each_strategys_answers_are_what_its_service_builds(
    synthesized: Synthesized, stack: str
) -> None:
    web = synthesized.stacks[stack].node.find_child("Web")
    assert isinstance(web, ep.FargateWebService)
    strategy = web.props.deployment
    assert type(strategy) is REGISTERED[stack]
    template = Template.from_json(synthesized.templates[stack])
    service = _service(template)
    assert service["DeploymentController"] == {"Type": strategy.controller.value}
    breaker = strategy.circuit_breaker()
    config = service.get("DeploymentConfiguration", {})
    assert config.get("DeploymentCircuitBreaker") == (
        None if breaker is None else {"Enable": breaker.enable, "Rollback": breaker.rollback}
    )
    options = strategy.service_options()
    assert service["AvailabilityZoneRebalancing"] == options["availability_zone_rebalancing"].value
    native = options.get("deployment_strategy")
    assert config.get("Strategy") == (None if native is None else native.value)
    groups = 2 if strategy.needs_green_target_group else 1
    template.resource_count_is("AWS::ElasticLoadBalancingV2::TargetGroup", groups)
    ports = {
        r["Properties"]["Port"]
        for r in template.find_resources("AWS::ElasticLoadBalancingV2::Listener").values()
    }
    assert ports - {80, 443} == (
        set() if strategy.test_listener_port is None else {strategy.test_listener_port}
    )
    rules = 2 if strategy.shifts_listener_rules else 0
    template.resource_count_is("AWS::ElasticLoadBalancingV2::ListenerRule", rules)
    assert blue_green_kind(web.service) == strategy.kind
    assert web.estimated_deployment_time().strategy == strategy.name
