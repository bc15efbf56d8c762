"""Hypothesis strategies for every props class of the library.

A strategy draws a :data:`Spec`: prop name -> :class:`Value`. A Value knows how to build the
prop in a scope (so constructs, CfnParameter tokens and imported resources are created in the
stack that uses them) and whether the library's documentation rejects it on its own
(``invalid``: outside the documented range, a malformed name, ...). Combinations of
individually valid values may still be rejected (timeout not below the interval, min above
max, ...): the properties only demand that such an error names props that were given.

``bad=True`` mixes invalid values, edge values and tokens in; ``bad=False`` draws documented
valid values, edges and tokens only, for the synthesis properties, where a rejected example is
wasted time.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import CfnParameter, Duration, RemovalPolicy, Stack, TimeZone
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_servicediscovery as servicediscovery
from aws_cdk import aws_ssm as ssm
from constructs import Construct
from hypothesis import strategies as st

import ecs_patterns as ep

__all__ = [
    "Spec",
    "Value",
    "build",
    "capacity_specs",
    "cluster_specs",
    "github_repo_specs",
    "github_role_specs",
    "invalid_props",
    "monitoring_specs",
    "refusal_problems",
    "refused_props",
    "repository_specs",
    "scheduled_capacity_specs",
    "service_connect_specs",
    "web_service_specs",
    "wrong_type",
]

CERTIFICATE_ARN = (
    "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
)
WEB_ACL_ARN = (
    "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/shared/"
    "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
)
IMAGE = "public.ecr.aws/nginx/nginx:1.27"
_ids = itertools.count()


@dataclass(frozen=True)
class Value:
    """One generated prop value: ``make(scope)`` builds it; ``invalid`` if documented invalid;
    ``wrong_type`` if it is not even of the annotated type (a str where a list is expected)."""

    make: Callable[[Construct], Any]
    label: str
    invalid: bool = False
    wrong_type: bool = False

    def __repr__(self) -> str:
        flag = " (wrong type)" if self.wrong_type else " (invalid)" if self.invalid else ""
        return f"{self.label}{flag}"


Spec = Mapping[str, Value]


def plain(value: Any, invalid: bool = False) -> Value:
    return Value(lambda _scope: value, repr(value), invalid)


def wrong_type(value: Any) -> Value:
    """A value of the wrong type: refused on its own, before any value check."""
    return Value(lambda _scope: value, repr(value), invalid=True, wrong_type=True)


def build(spec: Spec, scope: Construct) -> dict[str, Any]:
    """The keyword arguments of a props class, built in ``scope``."""
    return {name: value.make(scope) for name, value in spec.items()}


def invalid_props(spec: Spec) -> set[str]:
    """The props whose value is invalid on its own."""
    return {name for name, value in spec.items() if value.invalid}


def refused_props(spec: Spec) -> set[str]:
    """The props a refusal must name: the wrong-typed ones when there are any (types are
    checked first and reported at once), else every invalid one."""
    wrong = {name for name, value in spec.items() if value.wrong_type}
    return wrong or invalid_props(spec)


def refusal_problems(
    err: ep.ConfigurationError, classes: Sequence[Callable[..., Any]], spec: Spec
) -> list[str]:
    """What is wrong with a refusal: props that are not fields of the refusing class (one of
    ``classes``), and invalid props of ``spec`` it does not name. Empty when it is as promised."""
    by_name = {getattr(cls, "__name__", ""): cls for cls in classes}
    cls = by_name.get(err.props_class)
    if cls is None:
        return [f"refused by an unexpected props class {err.props_class}: {err}"]
    fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    problems = [
        f"{p!r} is no prop of {err.props_class}: {err}" for p in err.props if p not in fields
    ]
    if cls is classes[0]:
        unnamed = sorted(refused_props(spec) - set(err.props))
        problems += [f"invalid {p!r} not named: {err}" for p in unnamed]
    problems += [
        f"problem without allowed/fix: {p}" for p in err.problems if not (p.fix and p.allowed)
    ]
    return problems


def _unique(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def _number_param(default: int | float) -> Value:
    """A deploy-time number: a CfnParameter of type Number with a valid default."""

    def make(scope: Construct) -> Any:
        param = CfnParameter(Stack.of(scope), _unique("Num"), type="Number", default=default)
        return param.value_as_number

    return Value(make, f"<token number, default {default}>")


def _string_param(default: str) -> Value:
    """A deploy-time string: a CfnParameter of type String with a valid default."""

    def make(scope: Construct) -> Any:
        return CfnParameter(Stack.of(scope), _unique("Str"), default=default).value_as_string

    return Value(make, f"<token string, default {default!r}>")


def _seconds_param(default: int) -> Value:
    number = _number_param(default)
    return Value(
        lambda scope: Duration.seconds(number.make(scope)), f"<token Duration, default {default}s>"
    )


def ints(
    low: int,
    high: int,
    *,
    bad: bool,
    token: bool = True,
    invalid: Sequence[int] = (),
    limits: tuple[int, int] | None = None,
    literal: bool = False,
) -> st.SearchStrategy[Value]:
    """An int prop drawn from ``low..high`` (edges, inner values, tokens) and, if ``bad``, out of
    its documented ``limits`` (default ``(low, high)``): just outside, far off, and ``invalid``.
    ``literal``: the prop must be known at synthesis, so a token is invalid.
    """
    good = st.one_of(st.sampled_from([low, high]), st.integers(low, high)).map(plain)
    options = [good]
    if token:
        options.append(st.integers(low, high).map(_number_param))
    elif bad and literal:
        options.append(
            st.integers(low, high).map(_number_param).map(lambda v: Value(v.make, v.label, True))
        )
    if bad:
        doc_low, doc_high = limits if limits is not None else (low, high)
        wrong = st.one_of(
            st.sampled_from([doc_low - 1, doc_high + 1, *invalid]),
            st.integers(max_value=doc_low - 1),
            st.integers(min_value=doc_high + 1),
        )
        options.append(wrong.map(lambda v: plain(v, invalid=True)))
    return st.one_of(*options)


def seconds(
    low: int,
    high: int,
    *,
    bad: bool,
    token: bool = True,
    invalid: Sequence[int] = (),
    limits: tuple[int, int] | None = None,
    literal: bool = False,
) -> st.SearchStrategy[Value]:
    """A Duration prop in whole seconds; like :func:`ints`. ``literal``: tokens are invalid."""

    def dur(amount: int, wrong: bool = False) -> Value:
        return Value(lambda _s: Duration.seconds(amount), f"Duration.seconds({amount})", wrong)

    options = [st.one_of(st.sampled_from([low, high]), st.integers(low, high)).map(dur)]
    if token:
        options.append(st.integers(low, high).map(_seconds_param))
    elif bad and literal:
        # A prop that must be known at synthesis: a token is invalid.
        options.append(
            st.integers(low, high).map(_seconds_param).map(lambda v: Value(v.make, v.label, True))
        )
    if bad:
        doc_low, doc_high = limits if limits is not None else (low, high)
        wrong = st.one_of(
            st.sampled_from([doc_high + 1, *invalid, *([doc_low - 1] if doc_low > 0 else [])]),
            st.integers(min_value=doc_high + 1, max_value=10 * doc_high + 10),
        )
        options.append(wrong.map(lambda v: dur(v, True)))
    return st.one_of(*options)


def choice(
    valid: Sequence[Any], invalid: Sequence[Any] = (), *, bad: bool
) -> st.SearchStrategy[Value]:
    options = [st.sampled_from(list(valid)).map(plain)]
    if bad and invalid:
        options.append(st.sampled_from(list(invalid)).map(lambda v: plain(v, invalid=True)))
    return st.one_of(*options)


def strings(
    valid: st.SearchStrategy[str],
    invalid: st.SearchStrategy[str] | None,
    *,
    bad: bool,
    token_default: str | None = None,
) -> st.SearchStrategy[Value]:
    options = [valid.map(plain)]
    if token_default is not None:
        options.append(st.just(_string_param(token_default)))
    if bad and invalid is not None:
        options.append(invalid.map(lambda v: plain(v, invalid=True)))
    return st.one_of(*options)


def optional(strategy: st.SearchStrategy[Value]) -> st.SearchStrategy[Value]:
    return st.one_of(st.just(plain(None)), strategy)


def _construct(label: str, make: Callable[[Construct], Any]) -> Value:
    return Value(make, label)


def shared(id: str, factory: Callable[[Stack, str], Any]) -> Callable[[Construct], Any]:
    """Build ``factory(stack, id)`` once per stack and reuse it: every example of a props-level
    property shares one stack, so constructs are not rebuilt per example."""

    def make(scope: Construct) -> Any:
        stack = Stack.of(scope)
        found = stack.node.try_find_child(id)
        return found if found is not None else factory(stack, id)

    return make


REMOVAL_POLICIES = [RemovalPolicy.RETAIN, RemovalPolicy.DESTROY]
FINITE_RETENTION = [
    logs.RetentionDays.ONE_DAY,
    logs.RetentionDays.ONE_MONTH,
    logs.RetentionDays.ONE_YEAR,
    logs.RetentionDays.TEN_YEARS,
]
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


# --- EcrRepository --------------------------------------------------------------------------


def _repository_names() -> st.SearchStrategy[str]:
    component = st.text(ALNUM, min_size=1, max_size=8)
    part = st.builds(
        lambda first, rest: first + "".join(rest),
        component,
        st.lists(st.tuples(st.sampled_from("._-"), component).map("".join), max_size=2),
    )
    return st.lists(part, min_size=1, max_size=3).map("/".join).filter(lambda n: len(n) >= 2)


def repository_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    invalid_names = st.one_of(
        st.sampled_from(["", "a", "Team/Web", "-web", "web-", "a//b", "a..b", "a/", "x" * 257]),
        st.text(min_size=1, max_size=12).filter(lambda n: not set(n) <= set(ALNUM + "._-/")),
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "repository_name": strings(_repository_names(), invalid_names, bad=bad),
            "prod_tag_prefix": strings(
                st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True),
                st.sampled_from(["", "p" * 129]),
                bad=bad,
            ),
            "keep_prod_images": ints(1, 10000, bad=bad, token=False),
            "untagged_expiry_days": ints(1, 3650, bad=bad, token=False),
            "encryption_key": optional(
                st.just(
                    _construct(
                        "<kms.Key>",
                        shared("RepoKey", lambda s, i: kms.Key(s, i, enable_key_rotation=True)),
                    )
                )
            ),
            "enhanced_scanning": choice([True, False], bad=bad),
            "enhanced_scan_frequency": choice(
                ["SCAN_ON_PUSH", "CONTINUOUS_SCAN"], ["MANUAL", "scan_on_push"], bad=bad
            ),
            "removal_policy": choice(REMOVAL_POLICIES, bad=bad),
            "empty_on_delete": choice([False, True], bad=bad),
        },
    )


# --- CapacityStrategy and FargateCluster ------------------------------------------------------


def capacity_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    return st.fixed_dictionaries(
        {},
        optional={
            "on_demand_base": ints(0, 100000, bad=bad, token=False),
            "on_demand_weight": ints(0, 1000, bad=bad, token=False),
            "spot_weight": ints(0, 1000, bad=bad, token=False),
            "allow_spot_only": choice([False, True], bad=bad),
        },
    )


def _capacity_value(*, bad: bool) -> st.SearchStrategy[Value]:
    """A CapacityStrategy the props accept (valid), as a nested value."""

    def make(spec: Spec) -> Value:
        kwargs = {k: v.make(None) for k, v in spec.items()}  # type: ignore[arg-type]
        return Value(lambda _s: ep.CapacityStrategy(**kwargs), f"CapacityStrategy({kwargs})")

    return (
        capacity_specs(bad=False).filter(lambda spec: _accepts(ep.CapacityStrategy, spec)).map(make)
    )


def _accepts(cls: Callable[..., Any], spec: Spec) -> bool:
    try:
        cls(**{k: v.make(None) for k, v in spec.items()})  # type: ignore[arg-type]
    except ep.ConfigurationError:
        return False
    return True


def _vpc_cidrs() -> st.SearchStrategy[str]:
    return st.builds(
        lambda a, b, prefix: f"10.{a}.{b}.0/{prefix}",
        st.integers(0, 255),
        st.just(0),
        st.sampled_from([16, 17, 18]),
    )


def cluster_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    invalid_cidrs = st.sampled_from(
        [
            "10.0.0.0/8",
            "10.0.0.0/19",
            "10.0.0.0/20",
            "10.0.0.0/24",
            "10.0.0.0",
            "not-a-cidr/16",
            "10.0.0.1/16",
            "300.0.0.0/16",
        ]
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "max_azs": ints(2, 6, bad=bad, token=False, invalid=[1]),
            "nat_gateways": optional(ints(1, 2, bad=bad, token=False, limits=(1, 6))),
            "vpc_cidr": strings(_vpc_cidrs(), invalid_cidrs, bad=bad),
            "flow_log_retention": choice(FINITE_RETENTION, [logs.RetentionDays.INFINITE], bad=bad),
            "log_retention": choice(FINITE_RETENTION, [logs.RetentionDays.INFINITE], bad=bad),
            "container_insights": choice(
                [
                    ecs.ContainerInsights.ENHANCED,
                    ecs.ContainerInsights.ENABLED,
                    ecs.ContainerInsights.DISABLED,
                ],
                bad=bad,
            ),
            "default_capacity": _capacity_value(bad=bad),
            "key": optional(
                st.just(
                    _construct(
                        "<kms.Key>",
                        shared("ClusterKey", lambda s, i: kms.Key(s, i, enable_key_rotation=True)),
                    )
                )
            ),
            "log_removal_policy": choice(REMOVAL_POLICIES, bad=bad),
            "cluster_name": optional(
                strings(
                    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,30}", fullmatch=True),
                    st.sampled_from(["", "my cluster", "a/b", "x" * 256, "clüster"]),
                    bad=bad,
                )
            ),
        },
    )


# --- FargateWebService and its nested props -------------------------------------------------------


def _schedules() -> st.SearchStrategy[appscaling.Schedule]:
    return st.one_of(
        st.builds(
            lambda h, m: appscaling.Schedule.cron(hour=str(h), minute=str(m)),
            st.integers(0, 23),
            st.integers(0, 59),
        ),
        st.builds(
            lambda h: appscaling.Schedule.cron(hour=str(h), minute="0", week_day="MON-FRI"),
            st.integers(0, 23),
        ),
        st.builds(lambda h: appscaling.Schedule.rate(Duration.hours(h)), st.integers(1, 24)),
    )


def scheduled_capacity_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    return st.fixed_dictionaries(
        {
            "schedule": _schedules().map(lambda s: Value(lambda _x: s, s.expression_string)),
            "min_capacity": ints(0, 5000, bad=bad, token=False),
            "max_capacity": ints(1, 5000, bad=bad, token=False, invalid=[0]),
        },
        optional={
            "time_zone": optional(
                st.sampled_from([TimeZone.EUROPE_LONDON, TimeZone.AMERICA_NEW_YORK]).map(
                    lambda tz: Value(lambda _x: tz, tz.timezone_name)
                )
            )
        },
    )


def _dns_names() -> st.SearchStrategy[str]:
    label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
    return st.lists(label, min_size=1, max_size=3).map(".".join)


def service_connect_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    invalid_dns = st.sampled_from(["", "Web", "web_1", "-web", "web.", "a" * 254, "web..x"])
    namespace = st.one_of(
        st.just(
            _construct(
                "<HttpNamespace arn>",
                lambda s: (
                    shared(
                        "Namespace",
                        lambda st_, i: servicediscovery.HttpNamespace(st_, i, name="internal"),
                    )(s).namespace_arn
                ),
            )
        ),
        st.just(plain("internal")),
    )
    if bad:
        namespace = st.one_of(namespace, st.just(plain("", invalid=True)))
    return st.fixed_dictionaries(
        {"namespace": namespace},
        optional={
            "discovery_name": optional(strings(_dns_names(), invalid_dns, bad=bad)),
            "dns_name": optional(strings(_dns_names(), invalid_dns, bad=bad)),
            "port": optional(ints(1, 65535, bad=bad, token=False)),
        },
    )


def _nested(cls: Callable[..., Any], specs: st.SearchStrategy[Spec]) -> st.SearchStrategy[Value]:
    """A nested props object the class accepts (its own properties cover rejections)."""

    def make(spec: Spec) -> Value:
        return Value(lambda scope: cls(**build(spec, scope)), f"{cls.__name__}({dict(spec)})")

    return specs.filter(lambda spec: _accepts_in_scope(cls, spec)).map(make)


def _accepts_in_scope(cls: Callable[..., Any], spec: Spec) -> bool:
    # Nested specs here hold no constructs except the namespace, whose validity does not depend
    # on the scope; judge them on plain values only.
    try:
        cls(**{k: ("x" if v.label.startswith("<") else v.make(None)) for k, v in spec.items()})  # type: ignore[arg-type]
    except ep.ConfigurationError:
        return False
    return True


_FARGATE: dict[int, list[int]] = {
    256: [512, 1024, 2048],
    512: list(range(1024, 4097, 1024)),
    1024: list(range(2048, 8193, 1024)),
    2048: list(range(4096, 16385, 1024)),
    4096: list(range(8192, 30721, 1024)),
    8192: list(range(16384, 61441, 4096)),
    16384: list(range(32768, 122881, 8192)),
}
"""Fargate (Linux) task sizes from the ECS Developer Guide, written out independently of the
library's table."""


def _task_size(*, bad: bool) -> st.SearchStrategy[dict[str, Value]]:
    pairs = [(c, m) for c, ms in _FARGATE.items() for m in ms]
    good = st.sampled_from(pairs).map(lambda p: {"cpu": plain(p[0]), "memory_mib": plain(p[1])})
    if not bad:
        return good
    all_memory = sorted({m for ms in _FARGATE.values() for m in ms} | {128, 3000, 123904})
    mixed = st.builds(
        lambda c, m: {
            "cpu": plain(c, invalid=c not in _FARGATE),
            "memory_mib": plain(m, invalid=c in _FARGATE and m not in _FARGATE[c]),
        },
        st.sampled_from([*_FARGATE, 128, 3072, 0, -256]),
        st.sampled_from(all_memory),
    )
    return st.one_of(good, mixed)


def _image(*, bad: bool) -> st.SearchStrategy[dict[str, Value]]:
    image = Value(lambda _s: ecs.ContainerImage.from_registry(IMAGE), f"<image {IMAGE}>")
    repository = Value(shared("Repo", ep.EcrRepository), "<EcrRepository>")
    tags = strings(
        st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,40}", fullmatch=True).filter(
            lambda t: t != "latest"
        ),
        st.sampled_from(["latest", "", ".hidden", "-x", "a b", "a:b", "t" * 129]),
        bad=bad,
        token_default="prod-1a2b3c4",
    )
    modes = [
        st.just({"image": image}),
        tags.map(lambda tag: {"repository": repository, "image_tag": tag}),
    ]
    if bad:
        both = Value(image.make, image.label, invalid=True)
        modes += [
            st.just({}),  # neither: reported as "image"
            tags.map(lambda tag: {"image": both, "repository": repository, "image_tag": tag}),
            tags.map(lambda tag: {"image": image, "image_tag": Value(tag.make, tag.label, True)}),
        ]
    return st.one_of(*modes)


def _environment(*, bad: bool) -> st.SearchStrategy[Value]:
    names = ["LOG_LEVEL", "PORT", "FEATURE_X", "_PRIVATE", "DB_PASSWORD_ARN"]
    if bad:
        names += ["DB_PASSWORD", "API_TOKEN"]
    wrong = ["1ST", "A-B", "", "HAS SPACE"]
    entries = st.dictionaries(
        st.sampled_from(names + (wrong if bad else [])), st.sampled_from(["1", "info"]), max_size=3
    )
    refused = {*wrong, "DB_PASSWORD", "API_TOKEN"}  # malformed, or named like a secret
    return entries.map(lambda env: plain(env, invalid=bool(set(env) & refused)))


def _secure_parameter(name: str) -> Callable[[Stack, str], Any]:
    def make(stack: Stack, id: str) -> Any:
        return ssm.StringParameter.from_secure_string_parameter_attributes(
            stack, id, parameter_name=f"/app/{name.lower()}"
        )

    return make


def _secrets() -> st.SearchStrategy[Value]:
    def make(names: list[str]) -> Value:
        def build_secrets(scope: Construct) -> dict[str, ecs.Secret]:
            out = {}
            for name in names:
                parameter = shared(f"Secret{name}", _secure_parameter(name))(scope)
                out[name] = ecs.Secret.from_ssm_parameter(parameter)
            return out

        return Value(build_secrets, f"<secrets {names}>")

    return st.lists(st.sampled_from(["DB_PASSWORD", "API_KEY", "LOG_LEVEL"]), unique=True).map(make)


def _certificate() -> Value:
    return Value(
        shared("Cert", lambda s, i: acm.Certificate.from_certificate_arn(s, i, CERTIFICATE_ARN)),
        "<certificate>",
    )


def _cidrs(*, bad: bool) -> st.SearchStrategy[Value]:
    good = st.lists(
        st.sampled_from(["0.0.0.0/0", "10.0.0.0/8", "203.0.113.0/24", "198.51.100.7/32"]),
        min_size=1,
        max_size=3,
        unique=True,
    ).map(plain)
    if not bad:
        return good
    wrong = st.sampled_from([["10.0.0.1/8"], ["1.2.3.4"], ["::/0"], ["10.0.0.0/33"], ["nope"]]).map(
        lambda v: plain(v, invalid=True)
    )
    return st.one_of(good, wrong)


def web_service_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    """WebServiceProps specs. Without ``bad``, the load balancer is always valid (a certificate,
    or plain HTTP explicitly) and nested props are accepted ones."""
    tls = st.one_of(
        st.just({"certificate": _certificate()}),
        st.just({"allow_plain_http": plain(True)}),
    )
    if bad:
        tls = st.one_of(
            tls,
            st.just({}),
            st.just({"certificate": _certificate(), "allow_plain_http": plain(True)}),
        )
    fields = {
        "cluster": optional(
            st.just(
                _construct(
                    "<FargateCluster nat_gateways=1>",
                    shared(
                        "SharedCluster",
                        lambda s, i: ep.FargateCluster(s, i, ep.ClusterProps(nat_gateways=1)),
                    ),
                )
            )
        ),
        "cpu_architecture": choice(
            [ecs.CpuArchitecture.X86_64, ecs.CpuArchitecture.ARM64], bad=bad
        ),
        "ephemeral_storage_gib": optional(ints(21, 200, bad=bad, token=False, invalid=[20])),
        "container_name": strings(
            st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,20}", fullmatch=True),
            st.sampled_from(["", "-app", "my app", "a" * 256, "app.1"]),
            bad=bad,
        ),
        "container_port": ints(1, 65535, bad=bad, token=False, literal=True),
        "health_check_path": strings(
            st.from_regex(r"/[A-Za-z0-9/._~-]{0,30}", fullmatch=True),
            st.sampled_from(["health", "/a b", "/h?x=1", "/$(id)", "/" + "h" * 1024, ""]),
            bad=bad,
        ),
        "health_check_command": optional(
            choice(
                [("CMD", "/bin/true"), ["CMD-SHELL", "exit 0"]],
                [["/bin/true"], ["CMD"], [], ["SHELL", "x"]],
                bad=bad,
            )
        ),
        "health_check_interval": seconds(5, 300, bad=bad, token=False, literal=True),
        "health_check_timeout": seconds(2, 120, bad=bad, token=False, literal=True, invalid=[0]),
        "health_check_retries": ints(1, 10, bad=bad),
        "health_check_start_period": seconds(0, 300, bad=bad),
        "readonly_root_filesystem": choice([True, False], bad=bad),
        "user": optional(
            strings(
                st.sampled_from(["1000", "1000:1000", "65532", "app", "nobody"]),
                st.sampled_from(["", "   "]),
                bad=bad,
            )
        ),
        "memory_reservation_mib": optional(ints(6, 2048, bad=bad, token=False, limits=(6, 122880))),
        "environment": _environment(bad=bad),
        "secrets": _secrets(),
        "log_retention": choice(FINITE_RETENTION, [logs.RetentionDays.INFINITE], bad=bad),
        "log_removal_policy": choice(REMOVAL_POLICIES, bad=bad),
        "stop_timeout": seconds(2, 120, bad=bad),
        "tracing": choice([False, True], bad=bad),
        "internet_facing": choice([True, False], bad=bad),
        "ssl_policy": choice(
            [
                elbv2.SslPolicy.RECOMMENDED_TLS,
                elbv2.SslPolicy.TLS13_RES,
                elbv2.SslPolicy.FORWARD_SECRECY_TLS12_RES,
            ],
            bad=bad,
        ),
        "ingress_cidrs": optional(_cidrs(bad=bad)),
        "ingress_prefix_lists": choice(
            [(), ("pl-0123456789abcdef0",)], [("prefix",), ("sg-0123",)], bad=bad
        ),
        "deletion_protection": choice([True, False], bad=bad),
        "desync_mitigation_mode": choice(
            [
                elbv2.DesyncMitigationMode.DEFENSIVE,
                elbv2.DesyncMitigationMode.STRICTEST,
                elbv2.DesyncMitigationMode.MONITOR,
            ],
            bad=bad,
        ),
        "access_log_expiry_days": ints(1, 3650, bad=bad, token=False),
        "access_log_removal_policy": choice(REMOVAL_POLICIES, bad=bad),
        "waf": choice([True, False], bad=bad),
        "web_acl_arn": optional(
            strings(
                st.just(WEB_ACL_ARN),
                st.sampled_from(["arn:aws:waf::123456789012:webacl/x", "web-acl"]),
                bad=bad,
            )
        ),
        "target_health_check_interval": seconds(
            5, 15, bad=bad, limits=(5, 300), token=False, literal=True
        ),
        "target_healthy_threshold": ints(2, 3, bad=bad, limits=(2, 10)),
        "target_unhealthy_threshold": ints(2, 10, bad=bad),
        "target_health_check_timeout": seconds(
            2, 4, bad=bad, limits=(2, 120), token=False, literal=True
        ),
        "deregistration_delay": seconds(0, 3600, bad=bad),
        "slow_start": optional(
            st.one_of(
                seconds(30, 900, bad=bad, token=False, literal=True, invalid=[10, 29]),
                st.just(plain(Duration.seconds(0))),
            )
        ),
        "service_name": optional(
            strings(
                st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,30}", fullmatch=True),
                st.sampled_from(["", "my service", "web/1", "w" * 256]),
                bad=bad,
            )
        ),
        "health_check_grace_period": seconds(0, 600, bad=bad, limits=(0, 2147483647)),
        "capacity": optional(_capacity_value(bad=bad)),
        "enable_execute_command": choice([False, True], bad=bad),
        "service_connect": optional(
            _nested(ep.ServiceConnectOptions, service_connect_specs(bad=False))
        ),
        "cpu_target_percent": ints(10, 90, bad=bad),
        "memory_target_percent": optional(ints(10, 90, bad=bad)),
        "requests_per_target": optional(ints(1, 1_000_000, bad=bad)),
        "scale_out_cooldown": seconds(0, 3600, bad=bad),
        "scale_in_cooldown": seconds(0, 3600, bad=bad),
        "scheduled_capacity": st.lists(
            _nested(ep.ScheduledCapacity, scheduled_capacity_specs(bad=False)), max_size=2
        ).map(
            lambda values: Value(
                lambda scope: [v.make(scope) for v in values], f"[{', '.join(map(repr, values))}]"
            )
        ),
    }

    @st.composite
    def draw(data: st.DrawFn) -> Spec:
        spec: dict[str, Value] = {}
        spec.update(data(_image(bad=bad)))
        spec.update(data(_task_size(bad=bad)))
        spec.update(data(tls))
        spec.update(data(st.fixed_dictionaries({}, optional=fields)))
        low = data(ints(1, 4, bad=bad, token=False, limits=(1, 5000)))
        high = data(ints(4, 12, bad=bad, token=False, limits=(1, 5000)))
        spec["min_capacity"], spec["max_capacity"] = low, high
        if data(st.booleans()):
            spec["desired_count"] = data(ints(1, 12, bad=bad, token=False, limits=(1, 5000)))
        return spec

    return draw()


# --- ServiceMonitoring --------------------------------------------------------------------------


def monitoring_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    """MonitoringProps other than service / target_group / load_balancer (given by the stack)."""
    emails = st.lists(
        st.sampled_from(["oncall@example.com", "team+alerts@example.org"]), unique=True, max_size=2
    )
    urls = st.lists(st.sampled_from(["https://hooks.example.com/a"]), unique=True, max_size=1)
    return st.fixed_dictionaries(
        {},
        optional={
            "email_subscriptions": st.one_of(
                emails.map(plain),
                *(
                    [
                        st.sampled_from([["not-an-email"], ["a@b"]]).map(
                            lambda v: plain(v, invalid=True)
                        ),
                        st.just("x@example.com").map(wrong_type),
                    ]
                    if bad
                    else []
                ),
            ),
            "https_subscriptions": st.one_of(
                urls.map(plain),
                *(
                    [
                        st.sampled_from([["http://hooks.example.com"], ["https://"]]).map(
                            lambda v: plain(v, invalid=True)
                        )
                    ]
                    if bad
                    else []
                ),
            ),
            "alarm_name_prefix": optional(
                strings(
                    st.text(
                        st.characters(codec="ascii", categories=["L", "N", "P", "S"]),
                        min_size=1,
                        max_size=40,
                    ),
                    st.sampled_from(["", "a" * 201, "tab\there", "new\nline"]),
                    bad=bad,
                )
            ),
            "period": st.one_of(
                st.sampled_from([60, 120, 300, 3600]).map(
                    lambda s: Value(lambda _x: Duration.seconds(s), f"Duration.seconds({s})")
                ),
                *(
                    [
                        st.sampled_from([0, 30, 90, 86460]).map(
                            lambda s: Value(
                                lambda _x: Duration.seconds(s), f"Duration.seconds({s})", True
                            )
                        )
                    ]
                    if bad
                    else []
                ),
            ),
            "evaluation_periods": ints(1, 5, bad=bad, token=False, limits=(1, 1440)),
            "datapoints_to_alarm": ints(1, 3, bad=bad, token=False, limits=(1, 1440)),
            "cpu_threshold_percent": choice([1, 50, 80.5, 100], [0, 101, -5], bad=bad),
            "memory_threshold_percent": choice([1, 80, 100], [0, 100.5], bad=bad),
            "min_running_tasks": ints(1, 5000, bad=bad, token=False),
            "target_5xx_threshold": ints(0, 1_000_000, bad=bad, token=False),
            "elb_5xx_threshold": ints(0, 1_000_000, bad=bad, token=False),
            "unhealthy_hosts_threshold": ints(0, 1000, bad=bad, token=False),
            "latency_p99_threshold": choice(
                [Duration.millis(1), Duration.millis(250), Duration.seconds(4000)],
                [Duration.seconds(0), Duration.seconds(4001)],
                bad=bad,
            ),
            "notify_on_task_failure": choice([True, False], bad=bad),
            "deployment_alarm_rollback": choice([False, True], bad=bad),
            "create_dashboard": choice([True, False], bad=bad),
            "dashboard_name": optional(
                strings(
                    st.from_regex(r"[A-Za-z0-9_-]{1,40}", fullmatch=True),
                    st.sampled_from(["", "my dashboard", "d" * 256, "a/b"]),
                    bad=bad,
                )
            ),
        },
    )


# --- GitHubDeployRole ---------------------------------------------------------------------------


def github_repo_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    owners = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?", fullmatch=True)
    names = st.from_regex(r"[A-Za-z0-9._-]{1,20}", fullmatch=True).filter(
        lambda n: n not in (".", "..")
    )
    branches = st.one_of(
        st.sampled_from(["main", "release/*", "feature/x-1", "v1.2", "hotfix/*"]),
        st.from_regex(r"[a-z0-9]{1,8}(/[a-z0-9._-]{1,8})?", fullmatch=True).filter(
            lambda b: ".." not in b
        ),
    )
    environments = st.sampled_from(["production", "staging", "Prod EU", "qa-1"])
    bad_branches = st.sampled_from(["*", "a*b", "re*/*", "/main", "a..b", "has space", "x?"])
    return st.fixed_dictionaries(
        {
            "owner": strings(
                owners, st.sampled_from(["*", "", "-acme", "acme-", "a" * 40, "a/b"]), bad=bad
            ),
            "name": strings(
                names, st.sampled_from(["*", "", ".", "..", "a/b", "n" * 101]), bad=bad
            ),
        },
        optional={
            "branches": st.one_of(
                st.lists(branches, max_size=3, unique=True).map(tuple).map(plain),
                *(
                    [
                        st.lists(bad_branches, min_size=1, max_size=2).map(
                            lambda v: plain(tuple(v), invalid=True)
                        )
                    ]
                    if bad
                    else []
                ),
            ),
            "environments": st.one_of(
                st.lists(environments, max_size=2, unique=True).map(tuple).map(plain),
                *(
                    [
                        st.sampled_from([("pro*d",), (" x",), ("",)]).map(
                            lambda v: plain(v, invalid=True)
                        )
                    ]
                    if bad
                    else []
                ),
            ),
        },
    )


def github_role_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    repos = st.lists(
        _nested(ep.GitHubRepo, github_repo_specs(bad=False)), min_size=1, max_size=3
    ).map(
        lambda values: Value(
            lambda scope: [v.make(scope) for v in values], f"[{', '.join(map(repr, values))}]"
        )
    )
    ecr = st.integers(0, 2).map(
        lambda n: Value(
            lambda s: [shared(f"PushRepo{i}", ep.EcrRepository)(s) for i in range(n)],
            f"<{n} EcrRepository>",
        )
    )
    fields: dict[str, st.SearchStrategy[Value]] = {
        "ecr_repositories": ecr,
        "assume_cdk_bootstrap_roles": choice([True, False], bad=bad),
        "cdk_bootstrap_qualifier": strings(
            st.from_regex(r"[A-Za-z0-9_-]{1,10}", fullmatch=True),
            st.sampled_from(["", "q" * 11, "has space", "a.b"]),
            bad=bad,
        ),
        "max_session_duration": seconds(3600, 43200, bad=bad, token=False),
        "role_name": optional(
            strings(
                st.from_regex(r"[A-Za-z0-9+=,.@_-]{1,64}", fullmatch=True),
                st.sampled_from(["", "r" * 65, "has space", "a/b"]),
                bad=bad,
            )
        ),
    }
    required: dict[str, st.SearchStrategy[Value]] = {"repositories": repos}
    if bad:
        required = {"repositories": st.one_of(repos, st.just(plain([], invalid=True)))}
    return st.fixed_dictionaries(required, optional=fields).map(_qualifier_unused)


def _qualifier_unused(spec: Spec) -> Spec:
    """The bootstrap qualifier is only used (and judged) with assume_cdk_bootstrap_roles."""
    assume = spec.get("assume_cdk_bootstrap_roles")
    qualifier = spec.get("cdk_bootstrap_qualifier")
    if assume is not None and assume.make(None) is False and qualifier is not None:  # type: ignore[arg-type]
        return {**spec, "cdk_bootstrap_qualifier": Value(qualifier.make, qualifier.label)}
    return spec
