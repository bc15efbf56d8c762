"""Deployment-strategy properties: every FargateWebService deployment either synthesizes or is
refused with a ConfigurationError naming the prop.

Generated: ``Rolling()``; ``EcsNativeBlueGreen`` (BLUE_GREEN, LINEAR, CANARY; bake and step
times, step percentages, test listener port and clients) on the service's own load balancer or
on a ``SharedIngress`` with a test listener; ``CodeDeployBlueGreen`` (linear, canary or
all-at-once traffic shifts, termination and ready waits, release timeout and reserved
concurrency, test listener port and clients) on its own load balancer or, refused, on a shared
ingress. Each field is drawn from its documented range, its edges, or just outside it.

* Props (no synthesis, many examples): building the strategy and ``WebServiceProps`` either
  succeeds or raises :class:`ecs_patterns.ConfigurationError` naming every invalid field (and
  only fields that were given); any other exception fails with its type. A combination of
  valid fields may still be refused (a CodeDeploy estimate longer than ``cdk deploy`` can wait,
  a test listener other than the shared ingress's), naming the deployment prop.
* Synthesis (few examples, valid fields only): an accepted deployment synthesizes, and the
  template has the deployment controller and settings the strategy names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Template
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ecs_patterns as ep
from tests.conftest import CDK_CONTEXT, ENV
from tests.property.profiles import PROFILE
from tests.property.strategies import IMAGE

INGRESS_TEST_PORT = 9443
INGRESS_TEST_CIDRS = ["10.0.0.0/8"]
# How a refused strategy's problems may be named: the strategy's own field, or its path in
# WebServiceProps when the props object judges it against the rest.
COMBINATION_PROPS = {
    "deployment",
    "deployment.test_listener_port",
    "deployment.test_listener_cidrs",
}


@dataclass(frozen=True)
class Draw:
    """A generated deployment: ``make()`` builds it; ``invalid`` are the fields documented
    invalid on their own, ``ingress`` whether the service uses the shared ingress."""

    label: str
    make: Callable[[], Any]
    invalid: frozenset[str] = field(default_factory=frozenset)
    ingress: bool = False

    def __repr__(self) -> str:
        where = " on the shared ingress" if self.ingress else ""
        flag = f" (invalid: {sorted(self.invalid)})" if self.invalid else ""
        return f"{self.label}{where}{flag}"


def _show(value: Any) -> str:
    if isinstance(value, Duration):
        return f"{value.to_seconds():g}s"
    return repr(value)


def _call(name: str, kwargs: dict[str, Any]) -> str:
    return f"{name}({', '.join(f'{k}={_show(v)}' for k, v in kwargs.items())})"


def _minutes(low: int, high: int, *, bad: bool) -> st.SearchStrategy[tuple[Duration, bool]]:
    """(a Duration, whether it is invalid): whole minutes low..high, their edges, and with
    ``bad`` one minute outside either end or a duration that is no whole minute."""
    valid = st.sampled_from([low, high]) | st.integers(low, min(high, 60))
    drawn: st.SearchStrategy[tuple[Duration, bool]] = valid.map(
        lambda m: (Duration.minutes(m), False)
    )
    if bad:
        outside = [high + 1] + ([low - 1] if low > 0 else [])
        drawn |= st.sampled_from(outside).map(lambda m: (Duration.minutes(m), True))
        drawn |= st.sampled_from([30, 90]).map(lambda s: (Duration.seconds(s), True))
    return drawn


def _ports(*, bad: bool) -> st.SearchStrategy[tuple[int, bool]]:
    valid = st.sampled_from([1, 8080, 8443, INGRESS_TEST_PORT, 65535]) | st.integers(1024, 65535)
    drawn = valid.filter(lambda p: p not in (80, 443)).map(lambda p: (p, False))
    if bad:
        drawn |= st.sampled_from([0, 80, 443, 65536, -1]).map(lambda p: (p, True))
    return drawn


def _cidrs(*, bad: bool) -> st.SearchStrategy[tuple[list[str] | None, bool]]:
    valid = st.sampled_from([None, INGRESS_TEST_CIDRS, ["10.0.0.0/16", "203.0.113.0/24"]])
    drawn = valid.map(lambda c: (c, False))
    if bad:
        drawn |= st.sampled_from([["10.0.0.1/16"], ["10.0.0.0"], ["2001:db8::/32"]]).map(
            lambda c: (c, True)
        )
    return drawn


def _optional(
    drawn: st.SearchStrategy[tuple[Any, bool]],
) -> st.SearchStrategy[tuple[Any, bool] | None]:
    return st.none() | drawn


@st.composite
def ecs_native(draw: st.DrawFn, *, bad: bool, ingress: bool | None = None) -> Draw:
    kinds = [
        ecs.DeploymentStrategy.BLUE_GREEN,
        ecs.DeploymentStrategy.LINEAR,
        ecs.DeploymentStrategy.CANARY,
    ]
    if bad:
        kinds.append(ecs.DeploymentStrategy.ROLLING)
    strategy = draw(st.sampled_from(kinds))
    shifting = strategy in (ecs.DeploymentStrategy.LINEAR, ecs.DeploymentStrategy.CANARY)
    kwargs: dict[str, Any] = {"strategy": strategy}
    invalid: set[str] = {"strategy"} if strategy is ecs.DeploymentStrategy.ROLLING else set()

    def given_field(name: str, value: tuple[Any, bool] | None) -> None:
        if value is not None:
            kwargs[name] = value[0]
            if value[1]:
                invalid.add(name)

    given_field("bake_time", draw(_optional(_minutes(0, 1440, bad=bad))))
    if shifting or bad:
        low = 3.0 if strategy is ecs.DeploymentStrategy.LINEAR else 0.1
        tenths = st.integers(round(low * 10), 1000).map(lambda t: (t / 10, False))
        steps: st.SearchStrategy[tuple[float, bool]] = (
            st.sampled_from([low, 100.0]).map(lambda p: (p, False)) | tenths
        )
        if bad:
            steps |= st.sampled_from([low - 0.1, 100.1, 10.05]).map(lambda p: (p, True))
        step = draw(_optional(steps))
        # Outside LINEAR and CANARY any step is refused; within, its own range decides.
        given_field("step_percent", None if step is None else (step[0], step[1] or not shifting))
        wait = draw(_optional(_minutes(0, 1440, bad=bad)))
        given_field("step_bake_time", None if wait is None else (wait[0], wait[1] or not shifting))
    given_field("test_listener_port", draw(_optional(_ports(bad=bad))))
    given_field("test_listener_cidrs", draw(_optional(_cidrs(bad=bad))))
    on_ingress = draw(st.booleans()) if ingress is None else ingress
    label = _call("EcsNativeBlueGreen", kwargs)
    return Draw(label, lambda: ep.EcsNativeBlueGreen(**kwargs), frozenset(invalid), on_ingress)


@st.composite
def codedeploy(draw: st.DrawFn, *, bad: bool) -> Draw:
    kwargs: dict[str, Any] = {}
    invalid: set[str] = set()
    shift = draw(st.sampled_from(["linear", "canary", "all_at_once"]))
    shift_args: dict[str, Any] = {}
    shift_invalid: set[str] = set()
    if shift != "all_at_once":
        # Synthesis examples (not bad) stay within what `cdk deploy` waits for: at most five
        # linear steps of up to 3 minutes, short waits; longer ones are refused as a whole.
        shortest = 1 if bad or shift == "canary" else 20
        percents = st.sampled_from([shortest, 99]) | st.integers(shortest, 99)
        percent = draw(
            percents.map(lambda p: (p, False)) | st.sampled_from([0, 100]).map(lambda p: (p, True))
            if bad
            else percents.map(lambda p: (p, False))
        )
        # Whole minutes from 1, without an upper bound.
        intervals = st.integers(1, 15 if bad else 3).map(lambda m: (Duration.minutes(m), False))
        if bad:
            intervals |= st.sampled_from([Duration.minutes(0), Duration.seconds(90)]).map(
                lambda d: (d, True)
            )
        interval = draw(intervals)
        shift_args = {"percent": percent[0], "interval": interval[0]}
        shift_invalid = {"percent"} if percent[1] else set()
        shift_invalid |= {"interval"} if interval[1] else set()

    def given_field(name: str, value: tuple[Any, bool] | None) -> None:
        if value is not None:
            kwargs[name] = value[0]
            if value[1]:
                invalid.add(name)

    if bad:
        given_field("termination_wait", draw(_optional(_minutes(0, 2880, bad=bad))))
        given_field("deployment_ready_wait", draw(_optional(_minutes(0, 2880, bad=bad))))
        given_field("release_timeout", draw(_optional(_minutes(5, 55, bad=bad))))
    else:
        given_field("termination_wait", draw(_optional(_minutes(0, 10, bad=bad))))
        given_field("deployment_ready_wait", draw(_optional(_minutes(0, 5, bad=bad))))
        given_field("release_timeout", draw(_optional(st.just((Duration.minutes(55), False)))))
    concurrency = st.sampled_from([1, 1000]).map(lambda c: (c, False))
    if bad:
        concurrency |= st.sampled_from([0, 1001]).map(lambda c: (c, True))
    given_field("release_reserved_concurrency", draw(_optional(concurrency)))
    given_field("test_listener_port", draw(_optional(_ports(bad=bad))))
    given_field("test_listener_cidrs", draw(_optional(_cidrs(bad=bad))))
    # CodeDeploy cannot share a listener: on the ingress it is refused as a whole.
    ingress = bad and draw(st.booleans())

    def make() -> ep.CodeDeployBlueGreen:
        traffic = getattr(ep.CodeDeployTrafficShift, shift)(**shift_args)
        return ep.CodeDeployBlueGreen(traffic_shift=traffic, **kwargs)

    label = _call("CodeDeployBlueGreen", {"traffic_shift": _call(shift, shift_args), **kwargs})
    # The traffic shift is built (and refused) first, on its own.
    return Draw(label, make, frozenset(shift_invalid or invalid), ingress)


def rolling() -> st.SearchStrategy[Draw]:
    return st.booleans().map(lambda ingress: Draw("Rolling()", ep.Rolling, ingress=ingress))


def deployments(*, bad: bool) -> st.SearchStrategy[Draw]:
    return rolling() | ecs_native(bad=bad) | codedeploy(bad=bad)


# The synthesis property runs once per kind, so the small profile synthesizes each of them.
KINDS: dict[str, st.SearchStrategy[Draw]] = {
    "rolling": rolling(),
    "ecs-native-own-load-balancer": ecs_native(bad=False, ingress=False),
    "ecs-native-shared-ingress": ecs_native(bad=False, ingress=True),
    "codedeploy": codedeploy(bad=False),
}


def _shared_ingress(stack: Stack) -> ep.SharedIngress:
    return ep.SharedIngress(
        stack,
        "Ingress",
        ep.SharedIngressProps(
            cluster=ep.FargateCluster(stack, "Cluster"),
            allow_plain_http=True,
            test_listener_port=INGRESS_TEST_PORT,
            test_listener_cidrs=INGRESS_TEST_CIDRS,
        ),
    )


def web_props(deployment: Any, ingress: ep.SharedIngress | None) -> ep.WebServiceProps:
    return ep.WebServiceProps(
        container=ep.ContainerOptions(image=ecs.ContainerImage.from_registry(IMAGE)),
        load_balancer=None if ingress else ep.LoadBalancerOptions(allow_plain_http=True),
        ingress=ep.IngressRoute(ingress=ingress, hosts=["app.example.com"]) if ingress else None,
        deployment=deployment,
    )


def props_outcome(draw: Draw, ingress: ep.SharedIngress) -> ep.WebServiceProps | None:
    """The props of ``draw``'s service, or None when refused as the properties demand."""
    refusal: ep.ConfigurationError | None = None
    try:
        return web_props(draw.make(), ingress if draw.ingress else None)
    except ep.ConfigurationError as err:
        refusal = err
    except Exception as err:  # the property: nothing but ConfigurationError, ever
        pytest.fail(f"{draw} raised {type(err).__module__}.{type(err).__name__}: {err}")
    named = set(refusal.props)
    assert draw.invalid <= named, f"{draw}: {refusal} does not name {sorted(draw.invalid - named)}"
    if draw.invalid:
        assert named <= draw.invalid | COMBINATION_PROPS, f"{draw}: {refusal}"
    else:
        # Valid fields, refused together: named as the deployment (or its test listener).
        assert named <= COMBINATION_PROPS, f"{draw}: {refusal}"
    return None


@pytest.fixture(scope="module")
def ingress() -> ep.SharedIngress:
    """One shared ingress (with a test listener) every props example may route through."""
    return _shared_ingress(Stack(App(context=dict(CDK_CONTEXT)), "Props", env=ENV))


@given(draw=deployments(bad=True))
def test_a_deployment_is_accepted_or_refused_by_name(ingress: ep.SharedIngress, draw: Draw) -> None:
    props = props_outcome(draw, ingress)
    if props is not None:
        assert not draw.invalid, f"{draw} accepted"
        assert not (draw.ingress and isinstance(props.deployment, ep.CodeDeployBlueGreen))


def _service_json(template: Mapping[str, Any]) -> dict[str, Any]:
    (service,) = [
        r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::ECS::Service"
    ]
    return dict(service)


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=PROFILE.deployment_synth_examples)
@given(data=st.data())
def test_an_accepted_deployment_synthesizes(kind: str, data: st.DataObject) -> None:
    draw = data.draw(KINDS[kind])
    stack = Stack(App(context=dict(CDK_CONTEXT)), "Deploy", env=ENV)
    props = props_outcome(draw, _shared_ingress(stack))
    # A combination refused by name (checked by props_outcome) has nothing to synthesize.
    assume(props is not None)
    assert props is not None
    ep.FargateWebService(stack, "Web", props)
    service = _service_json(Template.from_stack(stack).to_json())
    controller = service.get("DeploymentController", {}).get("Type", "ECS")
    deployment = props.deployment
    if isinstance(deployment, ep.CodeDeployBlueGreen):
        assert controller == "CODE_DEPLOY"
        return
    assert controller == "ECS"
    configuration = service["DeploymentConfiguration"]
    assert configuration["DeploymentCircuitBreaker"] == {"Enable": True, "Rollback": True}
    if isinstance(deployment, ep.EcsNativeBlueGreen):
        assert configuration["Strategy"] == deployment.strategy.value
        assert configuration["BakeTimeInMinutes"] == deployment.bake_time.to_minutes()
    else:
        assert configuration.get("Strategy", "ROLLING") == "ROLLING"
