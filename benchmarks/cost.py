"""Fixed monthly cost of a deployment, from its synthesized templates and a dated price table.

Synthesizes (a) the default deployment: one ``FargateWebService`` with its own VPC, cluster and
load balancer; (b) one platform stack (``FargateCluster``) plus N service stacks, each service
with its own load balancer; (c) one platform stack (``FargateCluster`` + ``SharedIngress``) plus
N service stacks routed on the shared ingress; for N = 1, 10 and 30. It counts the billable
resources in the templates (load balancers and their public addresses, WAF web ACLs and rules,
NAT gateways and their addresses, interface endpoints, KMS keys, Fargate tasks at the
autoscaling minimum with the capacity provider strategy's Spot share, alarms, dashboards,
secrets, hosted zones, log groups) and prices them from ``benchmarks/prices-us-east-1.toml``
(us-east-1 list prices, each with its unit and pricing page, dated). Every line is printed with
its arithmetic and the assumption behind it (730 hours a month; no traffic unless stated with
``--lcu``, ``--nat-gb``, ``--log-gb``, ``--waf-requests``).

Run with ``make cost`` (or ``python benchmarks/cost.py``). Not a test: it prints Markdown for
README.md and docs/performance-scale-cost.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PRICES = Path(__file__).resolve().parent / "prices-us-east-1.toml"
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
COUNTS = (1, 10, 30)

Template = Mapping[str, Any]

# AWS managed rule groups with a monthly subscription on top of the rule (AWS WAF pricing,
# "Intelligent threat mitigation"); the other AWS managed rule groups cost only the rule.
PAID_RULE_GROUPS = frozenset(
    {
        "AWSManagedRulesBotControlRuleSet",
        "AWSManagedRulesATPRuleSet",
        "AWSManagedRulesACFPRuleSet",
    }
)


# --- the price table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Price:
    """One entry of the price table: ``usd`` buys one ``unit``; ``page`` and ``url`` name the
    AWS pricing page it was entered from."""

    key: str
    usd: float
    unit: str
    page: str
    url: str


@dataclass(frozen=True)
class PriceTable:
    region: str
    date: str
    hours_per_month: float
    verified_against_live_pages: bool
    prices: Mapping[str, Price]

    def __getitem__(self, key: str) -> Price:
        return self.prices[key]

    def usd(self, key: str) -> float:
        return self.prices[key].usd

    def text(self, key: str) -> str:
        """The price as printed in an arithmetic column (``5``, ``0.0225``)."""
        return f"{self.prices[key].usd:g}"


def load_prices(path: Path = PRICES) -> PriceTable:
    """Read and check the price table: every entry has a non-negative ``usd``, a ``unit``, the
    pricing ``page`` by name and its ``url``; the table has a region and an ISO date."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    prices: dict[str, Price] = {}
    for key, entry in data["prices"].items():
        usd = entry["usd"]
        if not isinstance(usd, int | float) or isinstance(usd, bool) or usd < 0:
            raise ValueError(f"{path.name}: prices.{key}.usd must be a number >= 0, not {usd!r}")
        for name in ("unit", "page", "url"):
            if not isinstance(entry.get(name), str) or not entry[name]:
                raise ValueError(f"{path.name}: prices.{key}.{name} is missing")
        if not entry["url"].startswith("https://aws.amazon.com/"):
            raise ValueError(f"{path.name}: prices.{key}.url is not an AWS pricing page")
        prices[key] = Price(key, float(usd), entry["unit"], entry["page"], entry["url"])
    return PriceTable(
        region=data["region"],
        date=str(data["date"]),
        hours_per_month=float(data["hours_per_month"]),
        verified_against_live_pages=bool(data["verified_against_live_pages"]),
        prices=prices,
    )


# --- assumptions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assumptions:
    """What the templates cannot say. The defaults price a deployment at rest (no traffic): the
    fixed cost. Each one is printed beside the lines it affects."""

    hours_per_month: float = 730.0
    lcu_per_load_balancer: float = 0.0
    """Load balancer capacity units each load balancer uses on average, all month."""
    waf_million_requests: float = 0.0
    """Millions of requests each web ACL inspects a month."""
    nat_gb: float = 0.0
    """GB each NAT gateway processes a month (image pulls, logs, calls out)."""
    endpoint_gb: float = 0.0
    """GB each interface endpoint processes a month."""
    log_gb: float = 0.0
    """GB ingested into each log group a month (stored for its retention: not priced)."""
    kms_10k_requests: float = 0.0
    """Tens of thousands of KMS requests per key a month beyond the account's free 20,000."""
    config_evaluations: float = 0.0
    """AWS Config rule evaluations per rule a month."""


# --- lines ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One priced line: ``quantity`` of ``what`` (counted in the templates) costs ``usd_month``;
    ``arithmetic`` shows how, ``assumption`` what it takes for granted."""

    item: str
    quantity: float
    what: str
    usd_month: float
    arithmetic: str
    assumption: str


@dataclass
class Bill:
    lines: list[Line] = field(default_factory=list)
    not_priced: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(line.usd_month for line in self.lines)

    def by_item(self) -> dict[str, Line]:
        return {line.item: line for line in self.lines}


def _counted(quantity: float, what: str) -> str:
    """``2 gateways``, ``1 gateway``, ``1.25 tasks``, ``1 address``."""
    if quantity == 1:
        what = what[:-2] if what.endswith("sses") else what.removesuffix("s")
    return f"{_num(quantity)} {what}"


def _num(value: float) -> str:
    """A quantity as printed: whole numbers without decimals, others with up to 4."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.4g}"


def usd_text(value: float) -> str:
    """Dollars and cents, half up (0.0225 x 730 = 16.425 prints 16.43, not the float's 16.42)."""
    cents = Decimal(repr(round(value, 6))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{cents:,}"


# --- reading the templates ------------------------------------------------------------------


def _resources(templates: Mapping[str, Template]) -> list[tuple[str, str, dict[str, Any]]]:
    """(stack, logical id, resource) of every resource of every template."""
    return [
        (stack, logical_id, resource)
        for stack, template in templates.items()
        for logical_id, resource in template.get("Resources", {}).items()
    ]


def _of_type(
    resources: Iterable[tuple[str, str, dict[str, Any]]], *types: str
) -> list[tuple[str, str, dict[str, Any]]]:
    return [r for r in resources if r[2].get("Type") in types]


def _props(resource: Mapping[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = resource.get("Properties", {})
    return props


@dataclass(frozen=True)
class TaskShape:
    """What one task of a service costs per hour depends on: size and CPU architecture."""

    vcpu: float
    memory_gb: float
    arm: bool
    storage_gb: float


@dataclass(frozen=True)
class Tasks:
    """The tasks of one service that run all month: ``on_demand`` + ``spot`` (fractions are
    the expected split of the capacity provider weights) and how they were derived."""

    service: str
    shape: TaskShape
    on_demand: float
    spot: float
    count: int
    count_source: str
    strategy: str


def spot_split(
    count: int, strategy: Sequence[Mapping[str, Any]] | None, launch_type: str | None
) -> tuple[float, float]:
    """(on-demand, Spot) tasks for ``count`` tasks placed by a capacity provider ``strategy``.

    The base tasks go to the provider that has the base (ECS allows a base on one provider
    only); the rest are split in proportion to the weights: an expected value, since ECS places
    whole tasks. With a launch type instead of a strategy, every task is on demand.
    """
    if not strategy:
        return (float(count), 0.0) if launch_type in (None, "FARGATE") else (0.0, 0.0)
    on_demand = spot = 0.0
    remaining = float(count)
    for item in strategy:
        base = min(float(item.get("Base", 0)), remaining)
        if item.get("CapacityProvider") == "FARGATE_SPOT":
            spot += base
        else:
            on_demand += base
        remaining -= base
    weights = {"FARGATE": 0.0, "FARGATE_SPOT": 0.0}
    for item in strategy:
        provider = "FARGATE_SPOT" if item.get("CapacityProvider") == "FARGATE_SPOT" else "FARGATE"
        weights[provider] += float(item.get("Weight", 0))
    total = weights["FARGATE"] + weights["FARGATE_SPOT"]
    if remaining > 0 and total > 0:
        on_demand += remaining * weights["FARGATE"] / total
        spot += remaining * weights["FARGATE_SPOT"] / total
    return on_demand, spot


def _strategy_text(strategy: Sequence[Mapping[str, Any]] | None, launch_type: str | None) -> str:
    if not strategy:
        return f"launch type {launch_type or 'FARGATE'}: all on demand"
    base = [
        f"base {item['Base']} {item['CapacityProvider']}" for item in strategy if item.get("Base")
    ]
    weights = ":".join(str(item.get("Weight", 0)) for item in strategy)
    names = ":".join(str(item["CapacityProvider"]) for item in strategy)
    return ", then ".join([*base, f"{names} {weights}"])


def _ref(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        ref: str = value["Ref"]
        return ref
    return None


def _task_count(template: Template, service_id: str, props: Mapping[str, Any]) -> tuple[int, str]:
    """The tasks a service keeps running at rest: its autoscaling minimum when a scalable target
    scales it, else its desired count (CloudFormation's default: 1)."""
    for target in template.get("Resources", {}).values():
        if target.get("Type") != "AWS::ApplicationAutoScaling::ScalableTarget":
            continue
        target_props = _props(target)
        if target_props.get("ScalableDimension") != "ecs:service:DesiredCount":
            continue
        minimum = target_props.get("MinCapacity")
        if f'"{service_id}"' in json.dumps(target_props.get("ResourceId")) and isinstance(
            minimum, int
        ):
            return minimum, "the autoscaling minimum"
    if isinstance(props.get("DesiredCount"), int):
        return int(props["DesiredCount"]), "the desired count"
    return 1, "no desired count: CloudFormation's default of 1"


def services_tasks(templates: Mapping[str, Template]) -> list[Tasks]:
    """Every ECS service of the templates: its task size and running tasks, split into on-demand
    and Spot by its capacity provider strategy (else its cluster's default strategy, found as
    the ``AWS::ECS::ClusterCapacityProviderAssociations`` of the templates)."""
    resources = _resources(templates)
    cluster_defaults = [
        _props(r).get("DefaultCapacityProviderStrategy")
        for _, _, r in _of_type(resources, "AWS::ECS::ClusterCapacityProviderAssociations")
    ]
    found: list[Tasks] = []
    for stack, service_id, service in _of_type(resources, "AWS::ECS::Service"):
        props = _props(service)
        template = templates[stack]
        definition_id = _ref(props.get("TaskDefinition"))
        definition = template["Resources"].get(definition_id, {}) if definition_id else {}
        task = _props(definition)
        platform = task.get("RuntimePlatform", {})
        shape = TaskShape(
            vcpu=int(task.get("Cpu", 256)) / 1024,
            memory_gb=int(task.get("Memory", 512)) / 1024,
            arm=platform.get("CpuArchitecture") == "ARM64",
            storage_gb=float(task.get("EphemeralStorage", {}).get("SizeInGiB", 20)),
        )
        count, source = _task_count(template, service_id, props)
        if "Cpu" not in task or "Memory" not in task:
            source += "; task size not in the template, 0.25 vCPU and 0.5 GB assumed"
        strategy = props.get("CapacityProviderStrategy")
        launch_type = props.get("LaunchType")
        if not strategy and launch_type is None and len(cluster_defaults) == 1:
            strategy = cluster_defaults[0]
        on_demand, spot = spot_split(count, strategy, launch_type)
        found.append(
            Tasks(
                f"{stack}/{service_id}",
                shape,
                on_demand,
                spot,
                count,
                source,
                _strategy_text(strategy, launch_type),
            )
        )
    return found


def _alarm_metrics(props: Mapping[str, Any]) -> tuple[int, bool]:
    """(metrics an alarm is billed for, whether at high resolution)."""
    metrics = props.get("Metrics")
    if isinstance(metrics, list):
        stats = [m for m in metrics if "MetricStat" in m]
        periods = [int(m["MetricStat"].get("Period", 60)) for m in stats]
        return max(1, len(stats)), any(p < 60 for p in periods)
    return 1, int(props.get("Period", 60)) < 60


def _load_balancer_addresses(props: Mapping[str, Any]) -> tuple[int, bool]:
    """(public IPv4 addresses of an internet-facing load balancer at rest, whether the zone
    count had to be assumed): one per enabled zone; 0 for an internal one."""
    if props.get("Scheme") == "internal":
        return 0, False
    zones = props.get("Subnets") or props.get("SubnetMappings")
    if isinstance(zones, list):
        return len(zones), False
    return 2, True


# --- pricing --------------------------------------------------------------------------------


def price_templates(
    templates: Mapping[str, Template], prices: PriceTable, assumptions: Assumptions
) -> Bill:
    """The monthly bill of the billable resources in ``templates``, one line per kind."""
    hours = assumptions.hours_per_month
    resources = _resources(templates)
    bill = Bill()

    def add(item: str, quantity: float, what: str, usd: float, arithmetic: str, why: str) -> None:
        if quantity:
            bill.lines.append(Line(item, quantity, what, usd, arithmetic, why))

    def hourly(key: str) -> str:
        return f"{prices.text(key)} USD/h x {_num(hours)} h"

    def monthly(item: str, count: int, what: str, key: str, why: str) -> None:
        """``count`` things of a fixed monthly fee, the table's ``key``."""
        usd = count * prices.usd(key)
        add(item, count, what, usd, f"{count} x {prices.text(key)} USD/month", why)

    def used(
        item: str, count: int, what: str, amount: float, unit: str, key: str, why: str
    ) -> None:
        """``count`` things using ``amount`` ``unit`` each, at the table's ``key`` per unit."""
        usd = count * amount * prices.usd(key)
        per = f"/{unit}" if unit in ("million", "GB") else ""
        arithmetic = f"{count} x {_num(amount)} {unit} x {prices.text(key)} USD{per}"
        add(item, count, what, usd, arithmetic, why)

    # Load balancers: hours, capacity units, public addresses.
    albs = [
        r
        for r in _of_type(resources, "AWS::ElasticLoadBalancingV2::LoadBalancer")
        if _props(r[2]).get("Type", "application") == "application"
    ]
    n_albs = len(albs)
    add(
        "Application Load Balancer, hours",
        n_albs,
        "load balancers",
        n_albs * prices.usd("alb_hour") * hours,
        f"{n_albs} x {hourly('alb_hour')}",
        f"{_num(hours)} hours a month",
    )
    lcu = assumptions.lcu_per_load_balancer
    add(
        "Application Load Balancer, capacity units",
        n_albs,
        "load balancers",
        n_albs * lcu * prices.usd("alb_lcu_hour") * hours,
        f"{n_albs} x {_num(lcu)} LCU x {hourly('alb_lcu_hour')}",
        f"traffic: {_num(lcu)} LCU per load balancer on average"
        + (" (at rest, no traffic)" if lcu == 0 else ""),
    )
    other_lbs = len(_of_type(resources, "AWS::ElasticLoadBalancingV2::LoadBalancer")) - n_albs
    if other_lbs:
        bill.not_priced.append(f"{other_lbs} network or gateway load balancers")

    addresses = [_load_balancer_addresses(_props(r)) for _, _, r in albs]
    lb_ips = sum(n for n, _ in addresses)
    eips = len(_of_type(resources, "AWS::EC2::EIP"))
    assumed = " (zones assumed: 2)" if any(guess for _, guess in addresses) else ""
    add(
        "Public IPv4 addresses",
        lb_ips + eips,
        "addresses",
        (lb_ips + eips) * prices.usd("public_ipv4_hour") * hours,
        f"({eips} Elastic IPs + {lb_ips} load balancer) x {hourly('public_ipv4_hour')}",
        "an internet-facing load balancer holds one address per zone at rest, more as it "
        f"scales{assumed}; NAT gateways one Elastic IP each",
    )

    # NAT gateways and interface endpoints.
    nats = len(_of_type(resources, "AWS::EC2::NatGateway"))
    gb = assumptions.nat_gb
    add(
        "NAT gateways",
        nats,
        "gateways",
        nats * (prices.usd("nat_gateway_hour") * hours + gb * prices.usd("nat_gateway_gb")),
        f"{nats} x ({hourly('nat_gateway_hour')} + {_num(gb)} GB x "
        f"{prices.text('nat_gateway_gb')} USD/GB)",
        f"{_num(gb)} GB processed per gateway a month"
        + (" (no image pulls, logs or calls out through NAT)" if gb == 0 else ""),
    )
    endpoint_zones = sum(
        len(_props(r).get("SubnetIds", [])) or 2
        for _, _, r in _of_type(resources, "AWS::EC2::VPCEndpoint")
        if _props(r).get("VpcEndpointType") == "Interface"
    )
    egb = assumptions.endpoint_gb
    add(
        "Interface VPC endpoints, per zone",
        endpoint_zones,
        "endpoint-zones",
        endpoint_zones * prices.usd("interface_endpoint_az_hour") * hours
        + endpoint_zones * egb * prices.usd("interface_endpoint_gb"),
        f"{endpoint_zones} x ({hourly('interface_endpoint_az_hour')} + {_num(egb)} GB x "
        f"{prices.text('interface_endpoint_gb')} USD/GB)",
        f"{_num(egb)} GB processed per endpoint-zone a month; gateway endpoints are free",
    )

    # AWS WAF.
    acls = _of_type(resources, "AWS::WAFv2::WebACL")
    n_acls = len(acls)
    monthly(
        "AWS WAF web ACLs",
        n_acls,
        "web ACLs",
        "waf_web_acl_month",
        "monthly fee, prorated hourly",
    )
    acl_rules = [rule for _, _, r in acls for rule in _props(r).get("Rules", [])]
    group_rules = sum(
        len(_props(r).get("Rules", [])) for _, _, r in _of_type(resources, "AWS::WAFv2::RuleGroup")
    )
    n_rules = len(acl_rules) + group_rules
    monthly(
        "AWS WAF rules",
        n_rules,
        "rules",
        "waf_rule_month",
        "each rule of a web ACL, a managed rule group counting as one"
        + (f"; {group_rules} rules of rule groups counted one each" if group_rules else ""),
    )
    paid = [
        name
        for rule in acl_rules
        if (name := rule.get("Statement", {}).get("ManagedRuleGroupStatement", {}).get("Name"))
        in PAID_RULE_GROUPS
    ]
    monthly(
        "AWS WAF paid managed rule groups",
        len(paid),
        "subscriptions",
        "waf_paid_rule_group_month",
        f"{', '.join(sorted(set(paid)))}; their per-request fees not included",
    )
    reqs = assumptions.waf_million_requests
    used(
        "AWS WAF requests",
        n_acls,
        "web ACLs",
        reqs,
        "million",
        "waf_million_requests",
        f"traffic: {_num(reqs)} million requests per web ACL a month",
    )

    # KMS keys.
    keys = len(_of_type(resources, "AWS::KMS::Key"))
    kreq = assumptions.kms_10k_requests
    add(
        "KMS customer managed keys",
        keys,
        "keys",
        keys * (prices.usd("kms_key_month") + kreq * prices.usd("kms_10k_requests")),
        f"{keys} x ({prices.text('kms_key_month')} USD/month + {_num(kreq)} x "
        f"{prices.text('kms_10k_requests')} USD per 10,000 requests)",
        f"requests: {_num(kreq * 10_000)} a month per key beyond the free 20,000 per account",
    )

    # Fargate tasks, grouped by size, architecture and capacity.
    _price_tasks(services_tasks(templates), prices, hours, add)

    # CloudWatch.
    standard = high = 0
    for _, _, r in _of_type(resources, "AWS::CloudWatch::Alarm"):
        metrics, high_resolution = _alarm_metrics(_props(r))
        if high_resolution:
            high += metrics
        else:
            standard += metrics
    monthly(
        "CloudWatch alarms, standard resolution",
        standard,
        "alarm metrics",
        "cloudwatch_alarm_metric_month",
        "one per metric an alarm watches; the account's first 10 free alarm metrics not deducted",
    )
    monthly(
        "CloudWatch alarms, high resolution",
        high,
        "alarm metrics",
        "cloudwatch_high_resolution_alarm_metric_month",
        "alarms with a period under 60 s",
    )
    composite = len(_of_type(resources, "AWS::CloudWatch::CompositeAlarm"))
    monthly(
        "CloudWatch composite alarms",
        composite,
        "alarms",
        "cloudwatch_composite_alarm_month",
        "monthly fee",
    )
    dashboards = len(_of_type(resources, "AWS::CloudWatch::Dashboard"))
    monthly(
        "CloudWatch dashboards",
        dashboards,
        "dashboards",
        "cloudwatch_dashboard_month",
        "the account's first 3 free dashboards not deducted",
    )
    groups = len(_of_type(resources, "AWS::Logs::LogGroup"))
    lgb = assumptions.log_gb
    used(
        "CloudWatch Logs ingestion",
        groups,
        "log groups",
        lgb,
        "GB",
        "cloudwatch_logs_ingest_gb",
        f"log volume: {_num(lgb)} GB ingested per log group a month (app, VPC flow, ECS Exec, "
        "WAF logs); storage for the retention period not priced",
    )

    # Other fixed fees.
    secrets = len(_of_type(resources, "AWS::SecretsManager::Secret"))
    monthly(
        "Secrets Manager secrets",
        secrets,
        "secrets",
        "secrets_manager_secret_month",
        "monthly fee; API calls not priced",
    )
    zones = len(_of_type(resources, "AWS::Route53::HostedZone"))
    monthly(
        "Route 53 hosted zones",
        zones,
        "zones",
        "route53_hosted_zone_month",
        "alias queries to AWS resources are free; other queries not priced",
    )
    rules = len(_of_type(resources, "AWS::Config::ConfigRule"))
    evals = assumptions.config_evaluations
    used(
        "AWS Config rules",
        rules,
        "rules",
        evals,
        "evaluations",
        "config_rule_evaluation",
        f"{_num(evals)} evaluations per rule a month",
    )
    buckets = len(_of_type(resources, "AWS::S3::Bucket"))
    add(
        "S3 buckets (access logs)",
        buckets,
        "buckets",
        0.0,
        f"{buckets} x 0 GB x {prices.text('s3_standard_gb_month')} USD/GB-month",
        "no fixed fee; storage grows with traffic (no traffic assumed)",
    )

    insights = sum(
        1
        for _, _, r in _of_type(resources, "AWS::ECS::Cluster")
        for setting in _props(r).get("ClusterSettings", [])
        if setting.get("Name") == "containerInsights" and setting.get("Value") != "disabled"
    )
    if insights:
        bill.not_priced.append(
            f"Container Insights on {insights} cluster(s): custom metrics per cluster, service "
            "and task family plus performance-log ingestion, which depend on the task count "
            "(see the CloudWatch pricing page's Container Insights example)"
        )
    usage_only = Counter(
        r.get("Type")
        for _, _, r in _of_type(
            resources,
            "AWS::Lambda::Function",
            "AWS::StepFunctions::StateMachine",
            "AWS::SQS::Queue",
            "AWS::SNS::Topic",
            "AWS::ECR::Repository",
        )
    )
    if usage_only:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(usage_only.items()))
        bill.not_priced.append(f"pay-per-use only, no fixed fee: {kinds}")
    return bill


def _price_tasks(
    tasks: Sequence[Tasks],
    prices: PriceTable,
    hours: float,
    add: Callable[[str, float, str, float, str, str], None],
) -> None:
    groups: dict[tuple[TaskShape, bool], list[Tasks]] = defaultdict(list)
    for task in tasks:
        if task.on_demand:
            groups[(task.shape, False)].append(task)
        if task.spot:
            groups[(task.shape, True)].append(task)
    for (shape, spot), members in groups.items():
        arch = "arm" if shape.arm else "x86"
        prefix = f"fargate_spot_{arch}" if spot else f"fargate_{arch}"
        vcpu_price = prices.usd(f"{prefix}_vcpu_hour")
        gb_price = prices.usd(f"{prefix}_gb_hour")
        storage = max(0.0, shape.storage_gb - 20)
        storage_price = prices.usd("fargate_storage_gb_hour")
        per_task_hour = shape.vcpu * vcpu_price + shape.memory_gb * gb_price
        per_task_hour += storage * storage_price
        quantity = sum(t.spot if spot else t.on_demand for t in members)
        sample = members[0]
        how = {f"{t.count} tasks ({t.count_source}), {t.strategy}" for t in members}
        each = "; ".join(sorted(how))
        storage_text = f" + {_num(storage)} GB x {storage_price:g}" if storage else ""
        add(
            f"Fargate {'Spot' if spot else 'on-demand'} tasks, {_num(shape.vcpu)} vCPU "
            f"{_num(shape.memory_gb)} GB {'ARM64' if shape.arm else 'x86_64'}",
            quantity,
            "tasks",
            quantity * per_task_hour * hours,
            f"{_num(quantity)} x ({_num(shape.vcpu)} vCPU x {vcpu_price:g} + "
            f"{_num(shape.memory_gb)} GB x {gb_price:g}{storage_text}) USD/h x {_num(hours)} h",
            f"{len(members)} service(s) at rest: {each} "
            f"({_num(sample.on_demand)} on demand + {_num(sample.spot)} Spot per service, "
            "the weights' expected split)"
            + ("; Spot at its lowest advertised price" if spot else ""),
        )


# --- the deployments ------------------------------------------------------------------------


def synthesize(build: Callable[[Any], None]) -> dict[str, Template]:
    """Build an app with ``build(app)`` and return its templates by stack name.

    The ``cdk.json`` context of this repository, without aws-cdk-lib's built-in validation
    (counting needs no validation, and the benchmarks and tests run it elsewhere).
    """
    from aws_cdk import App

    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    context = {**context, "@aws-cdk/core:validateAgainstDefaultRules": False}
    with tempfile.TemporaryDirectory() as outdir:
        app = App(outdir=outdir, context=context)
        build(app)
        assembly = app.synth()
        return {stack.stack_name: stack.template for stack in assembly.stacks}


def _env() -> Any:
    from aws_cdk import Environment

    return Environment(account="123456789012", region="us-east-1")


def _container() -> Any:
    from aws_cdk import aws_ecs as ecs

    import ecs_patterns as ep

    return ep.ContainerOptions(
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
    )


def default_deployment(app: Any) -> None:
    """(a) One ``FargateWebService`` with every default: its own VPC, cluster, load balancer."""
    from aws_cdk import Stack
    from aws_cdk import aws_certificatemanager as acm

    import ecs_patterns as ep

    stack = Stack(app, "Default", env=_env())
    certificate = acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
    ep.FargateWebService(
        stack,
        "Web",
        ep.WebServiceProps(
            container=_container(),
            load_balancer=ep.LoadBalancerOptions(certificate=certificate),
        ),
    )


def own_load_balancers(count: int) -> Callable[[Any], None]:
    """(b) A platform stack with a ``FargateCluster``, and ``count`` service stacks, each
    ``FargateWebService`` with its own load balancer on that cluster."""

    def build(app: Any) -> None:
        from aws_cdk import Stack
        from aws_cdk import aws_certificatemanager as acm

        import ecs_patterns as ep

        platform = Stack(app, "Platform", env=_env())
        cluster = ep.FargateCluster(platform, "Cluster", ep.ClusterProps())
        for i in range(count):
            stack = Stack(app, f"Svc{i}", env=_env())
            certificate = acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
            ep.FargateWebService(
                stack,
                "Web",
                ep.WebServiceProps(
                    container=_container(),
                    load_balancer=ep.LoadBalancerOptions(certificate=certificate),
                    cluster=cluster,
                ),
            )

    return build


def shared_ingress(count: int) -> Callable[[Any], None]:
    """(c) A platform stack with a ``FargateCluster`` and a ``SharedIngress``, and ``count``
    service stacks, each ``FargateWebService`` routed on the ingress by its host name."""

    def build(app: Any) -> None:
        from aws_cdk import Stack
        from aws_cdk import aws_certificatemanager as acm

        import ecs_patterns as ep

        platform = Stack(app, "Platform", env=_env())
        cluster = ep.FargateCluster(platform, "Cluster", ep.ClusterProps())
        certificate = acm.Certificate.from_certificate_arn(platform, "Cert", CERT_ARN)
        ingress = ep.SharedIngress(
            platform,
            "Ingress",
            ep.SharedIngressProps(cluster=cluster, certificates=[certificate]),
        )
        for i in range(count):
            stack = Stack(app, f"Svc{i}", env=_env())
            ep.FargateWebService(
                stack,
                "Web",
                ep.WebServiceProps(
                    container=_container(),
                    ingress=ep.IngressRoute(ingress=ingress, hosts=[f"svc{i}.example.com"]),
                ),
            )

    return build


# --- the report -----------------------------------------------------------------------------


def assumption_text(prices: PriceTable, assumptions: Assumptions) -> str:
    return (
        f"Prices: `benchmarks/prices-us-east-1.toml`, {prices.region} list prices entered "
        f"{prices.date} from the AWS pricing pages it names"
        + (
            ""
            if prices.verified_against_live_pages
            else " (as the team knew them that day, not read from the live pages: verify "
            "before budgeting)"
        )
        + f". {_num(assumptions.hours_per_month)} hours a month. Traffic: "
        f"{_num(assumptions.lcu_per_load_balancer)} LCU per load balancer, "
        f"{_num(assumptions.waf_million_requests)} million WAF requests per web ACL, "
        f"{_num(assumptions.nat_gb)} GB through each NAT gateway, "
        f"{_num(assumptions.log_gb)} GB of logs per log group a month"
        + (
            " (a deployment at rest: the fixed cost)"
            if not (
                assumptions.lcu_per_load_balancer
                or assumptions.waf_million_requests
                or assumptions.nat_gb
                or assumptions.log_gb
            )
            else ""
        )
        + "; free tiers not deducted."
    )


def bill_table(bill: Bill) -> list[str]:
    """A bill as Markdown: each line with its quantity (from the templates), its monthly cost,
    its arithmetic and its assumption; the total; what was not priced."""
    rows = [
        "| item | quantity | USD/month | arithmetic | assumption |",
        "|---|---:|---:|---|---|",
    ]
    for line in bill.lines:
        rows.append(
            f"| {line.item} | {_counted(line.quantity, line.what)} | {usd_text(line.usd_month)} "
            f"| {line.arithmetic} | {line.assumption} |"
        )
    rows.append(f"| **total** | | **{usd_text(bill.total)}** | | |")
    rows += [f"\nNot priced: {note}." for note in bill.not_priced]
    return rows


def per_service(small: Bill, large: Bill, services: int) -> dict[str, tuple[float, float]]:
    """(quantity, USD a month) that one added service adds to each line: the difference between
    two deployments ``services`` services apart, divided by ``services``."""
    a, b = small.by_item(), large.by_item()
    out: dict[str, tuple[float, float]] = {}
    for item in [*a, *(k for k in b if k not in a)]:
        qa, ua = (a[item].quantity, a[item].usd_month) if item in a else (0.0, 0.0)
        qb, ub = (b[item].quantity, b[item].usd_month) if item in b else (0.0, 0.0)
        if qb != qa or ub != ua:
            out[item] = ((qb - qa) / services, (ub - ua) / services)
    return out


def report(
    prices: PriceTable,
    assumptions: Assumptions,
    default: Bill,
    layouts: Mapping[str, Mapping[int, Bill]],
) -> str:
    """The whole printed report: the default deployment's bill, the totals per layout and
    service count, and what one added service costs in each layout, line by line."""
    out = ["# Fixed monthly cost", "", assumption_text(prices, assumptions), ""]
    out += [
        "## The default deployment",
        "",
        "One `FargateWebService` with every default: its own VPC (2 zones, a NAT gateway each), "
        "cluster, load balancer and web ACL.",
        "",
        *bill_table(default),
        "",
    ]
    if not layouts:
        return "\n".join(out)
    names = list(layouts)
    counts = sorted({n for bills in layouts.values() for n in bills})
    out += [
        "## N services: one load balancer each, or one shared ingress",
        "",
        "A platform stack (`FargateCluster`: VPC, 2 NAT gateways, KMS key; with the shared "
        "ingress also its load balancer and web ACL) plus one stack per service.",
        "",
        "| services | " + " | ".join(f"{name}, USD/month" for name in names) + " |",
        "|---:|" + "---:|" * len(names),
    ]
    for n in counts:
        cells = [usd_text(layouts[name][n].total) if n in layouts[name] else "-" for name in names]
        out.append(f"| {n} | " + " | ".join(cells) + " |")
    lo, hi = min(counts), max(counts)
    if hi > lo:
        marginal = {
            name: per_service(layouts[name][lo], layouts[name][hi], hi - lo)
            for name in names
            if lo in layouts[name] and hi in layouts[name]
        }
        out += [
            "",
            "Each added service, USD a month (from "
            f"{lo} to {hi} services): "
            + "; ".join(
                f"{name} {usd_text(sum(usd for _, usd in lines.values()))}"
                for name, lines in marginal.items()
            )
            + ".",
            "",
            "### What one added service adds, by line",
            "",
            "| item | " + " | ".join(f"{name}, USD/month (quantity)" for name in names) + " |",
            "|---|" + "---:|" * len(names),
        ]
        items = list(dict.fromkeys(item for lines in marginal.values() for item in lines))
        for item in items:
            cells = []
            for name in names:
                quantity, usd = marginal.get(name, {}).get(item, (0.0, 0.0))
                cells.append(f"{usd_text(usd)} ({_num(quantity)})" if quantity or usd else "-")
            out.append(f"| {item} | " + " | ".join(cells) + " |")
        out.append(
            "| **total** | "
            + " | ".join(
                f"**{usd_text(sum(usd for _, usd in marginal.get(name, {}).values()))}**"
                for name in names
            )
            + " |"
        )
        fixed = {
            name: layouts[name][lo].total
            - lo * sum(usd for _, usd in marginal.get(name, {}).values())
            for name in names
            if lo in layouts[name]
        }
        out += [
            "",
            "Fixed part (the platform stack, before any service): "
            + "; ".join(f"{name} {usd_text(usd)}" for name, usd in fixed.items())
            + " USD a month.",
        ]
        for name in names:
            out += [
                "",
                f"### {name}, {hi} services, every line",
                "",
                *bill_table(layouts[name][hi]),
            ]
    return "\n".join(out) + "\n"


LAYOUTS: dict[str, Callable[[int], Callable[[Any], None]]] = {
    "one load balancer per service": own_load_balancers,
    "shared ingress": shared_ingress,
}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=list(COUNTS))
    parser.add_argument(
        "--layouts", nargs="+", choices=sorted(LAYOUTS), default=list(LAYOUTS), metavar="LAYOUT"
    )
    parser.add_argument("--lcu", type=float, default=0.0, help="LCU per load balancer")
    parser.add_argument("--nat-gb", type=float, default=0.0, help="GB per NAT gateway a month")
    parser.add_argument("--log-gb", type=float, default=0.0, help="GB per log group a month")
    parser.add_argument(
        "--waf-requests", type=float, default=0.0, help="million requests per web ACL a month"
    )
    parser.add_argument("--prices", type=Path, default=PRICES)
    args = parser.parse_args(argv)
    prices = load_prices(args.prices)
    assumptions = Assumptions(
        hours_per_month=prices.hours_per_month,
        lcu_per_load_balancer=args.lcu,
        nat_gb=args.nat_gb,
        log_gb=args.log_gb,
        waf_million_requests=args.waf_requests,
    )
    default = price_templates(synthesize(default_deployment), prices, assumptions)
    layouts = {
        name: {
            n: price_templates(synthesize(LAYOUTS[name](n)), prices, assumptions)
            for n in args.counts
        }
        for name in args.layouts
    }
    sys.stdout.write(report(prices, assumptions, default, layouts))


if __name__ == "__main__":
    main()
