"""`make cost` (benchmarks/cost.py): counts come from the synthesized templates, prices from the
dated price table, every line shows its arithmetic and assumption.

No test asserts a dollar total: the totals would only echo the price table. The tests check
that each quantity is what the template holds, that each line is quantity x the table's price,
that a change of price or assumption moves exactly the lines it should, and what is printed.
"""

from __future__ import annotations

import datetime
import math
import re
from pathlib import Path
from typing import Any

import pytest

from benchmarks import cost

HOURS = 730.0


@pytest.fixture(scope="module")
def prices() -> cost.PriceTable:
    return cost.load_prices()


@pytest.fixture(scope="module")
def default_templates() -> dict[str, cost.Template]:
    return cost.synthesize(cost.default_deployment)


@pytest.fixture(scope="module")
def two_services() -> dict[str, cost.Template]:
    """A platform stack and two service stacks, each service with its own load balancer."""
    return cost.synthesize(cost.own_load_balancers(2))


def _resources(templates: dict[str, cost.Template], kind: str) -> list[dict[str, Any]]:
    return [r for t in templates.values() for r in t["Resources"].values() if r["Type"] == kind]


def _line(bill: cost.Bill, prefix: str) -> cost.Line:
    (line,) = [line for line in bill.lines if line.item.startswith(prefix)]
    return line


# --- the price table ------------------------------------------------------------------------


def test_price_table_is_dated_sourced_and_says_it_is_unverified(prices: cost.PriceTable) -> None:
    assert prices.region == "us-east-1"
    datetime.date.fromisoformat(prices.date)
    assert prices.hours_per_month == HOURS
    assert prices.prices
    for price in prices.prices.values():
        assert price.usd >= 0
        assert price.unit.startswith("per ") or price.unit.startswith("subscription per ")
        assert price.url.startswith("https://aws.amazon.com/")
        assert "pricing" in price.page
    text = cost.PRICES.read_text(encoding="utf-8")
    assert prices.verified_against_live_pages is False
    assert "no internet" in text
    assert "verify" in text.lower() or "check every figure" in text


def test_price_table_refuses_an_entry_without_its_source(tmp_path: Path) -> None:
    table = tmp_path / "prices.toml"
    table.write_text(
        'region = "us-east-1"\ndate = "2026-12-02"\nverified_against_live_pages = false\n'
        'hours_per_month = 730\n[prices.alb_hour]\nusd = 0.0225\nunit = "per hour"\n'
        'page = "Elastic Load Balancing pricing"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"prices\.alb_hour\.url is missing"):
        cost.load_prices(table)


# --- the Spot split -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "strategy", "launch_type", "expected"),
    [
        # the base goes on demand first, the rest in proportion to the weights
        (2, [("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)], None, (1.25, 0.75)),
        (5, [("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)], None, (2.0, 3.0)),
        (1, [("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)], None, (1.0, 0.0)),
        (0, [("FARGATE", 1, 1), ("FARGATE_SPOT", 0, 3)], None, (0.0, 0.0)),
        (4, [("FARGATE_SPOT", 0, 1)], None, (0.0, 4.0)),
        (3, [("FARGATE", 0, 1)], None, (3.0, 0.0)),
        (3, None, "FARGATE", (3.0, 0.0)),
        (3, None, None, (3.0, 0.0)),
    ],
)
def test_spot_split(
    count: int,
    strategy: list[tuple[str, int, int]] | None,
    launch_type: str | None,
    expected: tuple[float, float],
) -> None:
    items = (
        [{"CapacityProvider": p, "Base": b, "Weight": w} for p, b, w in strategy]
        if strategy
        else None
    )
    assert cost.spot_split(count, items, launch_type) == pytest.approx(expected)


# --- counts from the template ---------------------------------------------------------------


def test_counts_are_read_from_the_template(
    default_templates: dict[str, cost.Template], prices: cost.PriceTable
) -> None:
    bill = cost.price_templates(default_templates, prices, cost.Assumptions())
    albs = _resources(default_templates, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert _line(bill, "Application Load Balancer, hours").quantity == len(albs) == 1
    nats = _resources(default_templates, "AWS::EC2::NatGateway")
    assert _line(bill, "NAT gateways").quantity == len(nats) == 2  # ClusterProps: one per AZ
    eips = _resources(default_templates, "AWS::EC2::EIP")
    lb_zones = sum(len(lb["Properties"]["Subnets"]) for lb in albs)
    assert _line(bill, "Public IPv4 addresses").quantity == len(eips) + lb_zones
    (acl,) = _resources(default_templates, "AWS::WAFv2::WebACL")
    assert _line(bill, "AWS WAF web ACLs").quantity == 1
    assert _line(bill, "AWS WAF rules").quantity == len(acl["Properties"]["Rules"])
    keys = _resources(default_templates, "AWS::KMS::Key")
    assert _line(bill, "KMS customer managed keys").quantity == len(keys)
    groups = _resources(default_templates, "AWS::Logs::LogGroup")
    assert _line(bill, "CloudWatch Logs ingestion").quantity == len(groups)

    # Fargate: the autoscaling minimum, split by the service's capacity provider strategy.
    (target,) = _resources(default_templates, "AWS::ApplicationAutoScaling::ScalableTarget")
    (service,) = _resources(default_templates, "AWS::ECS::Service")
    minimum = target["Properties"]["MinCapacity"]
    by_provider = {
        s["CapacityProvider"]: s for s in service["Properties"]["CapacityProviderStrategy"]
    }
    base = by_provider["FARGATE"].get("Base", 0)
    weights = {p: s["Weight"] for p, s in by_provider.items()}
    spot_share = weights["FARGATE_SPOT"] / sum(weights.values())
    on_demand = _line(bill, "Fargate on-demand tasks")
    spot = _line(bill, "Fargate Spot tasks")
    assert on_demand.quantity == pytest.approx(base + (minimum - base) * (1 - spot_share))
    assert spot.quantity == pytest.approx((minimum - base) * spot_share)
    assert on_demand.quantity + spot.quantity == pytest.approx(minimum)
    # Nothing the default deployment lacks gets a line.
    assert not any(line.item.startswith("Secrets Manager") for line in bill.lines)
    assert not any(line.item.startswith("CloudWatch alarms") for line in bill.lines)


def test_a_service_on_a_launch_type_and_its_desired_count() -> None:
    """A hand-written template: no autoscaling, so the desired count; FARGATE launch type, so no
    Spot; an ARM64 task of 1 vCPU and 2 GB with 50 GB of storage; alarms and a secret."""
    template = {
        "Resources": {
            "Def": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "Cpu": "1024",
                    "Memory": "2048",
                    "RuntimePlatform": {"CpuArchitecture": "ARM64"},
                    "EphemeralStorage": {"SizeInGiB": 50},
                },
            },
            "Svc": {
                "Type": "AWS::ECS::Service",
                "Properties": {
                    "DesiredCount": 3,
                    "LaunchType": "FARGATE",
                    "TaskDefinition": {"Ref": "Def"},
                },
            },
            "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Period": 60}},
            "Fast": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"Period": 10}},
            "Math": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "Metrics": [
                        {"Id": "m1", "MetricStat": {"Period": 60}},
                        {"Id": "m2", "MetricStat": {"Period": 60}},
                        {"Id": "e1", "Expression": "m1 / m2"},
                    ]
                },
            },
            "Secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {}},
        }
    }
    prices = cost.load_prices()
    bill = cost.price_templates({"S": template}, prices, cost.Assumptions())
    tasks = _line(bill, "Fargate on-demand tasks, 1 vCPU 2 GB ARM64")
    assert tasks.quantity == 3
    per_hour = (
        prices.usd("fargate_arm_vcpu_hour")
        + 2 * prices.usd("fargate_arm_gb_hour")
        + 30 * prices.usd("fargate_storage_gb_hour")
    )
    assert tasks.usd_month == pytest.approx(3 * per_hour * HOURS)
    assert "3 tasks (the desired count), launch type FARGATE" in tasks.assumption
    assert not any("Spot" in line.item for line in bill.lines)
    assert _line(bill, "CloudWatch alarms, standard resolution").quantity == 3  # 1 + 2 metrics
    assert _line(bill, "CloudWatch alarms, high resolution").quantity == 1
    assert _line(bill, "Secrets Manager secrets").usd_month == pytest.approx(
        prices.usd("secrets_manager_secret_month")
    )
    assert not any(line.item.startswith("Application Load Balancer") for line in bill.lines)


# --- arithmetic -----------------------------------------------------------------------------


def test_each_line_is_quantity_times_the_table_price(
    default_templates: dict[str, cost.Template], prices: cost.PriceTable
) -> None:
    bill = cost.price_templates(default_templates, prices, cost.Assumptions())
    lines = bill.by_item()
    hourly = {
        "Application Load Balancer, hours": "alb_hour",
        "Public IPv4 addresses": "public_ipv4_hour",
        "NAT gateways": "nat_gateway_hour",
    }
    for item, key in hourly.items():
        line = lines[item]
        assert line.usd_month == pytest.approx(line.quantity * prices.usd(key) * HOURS)
        assert f"{prices.usd(key):g} USD/h x 730 h" in line.arithmetic
    monthly = {
        "AWS WAF web ACLs": "waf_web_acl_month",
        "AWS WAF rules": "waf_rule_month",
        "KMS customer managed keys": "kms_key_month",
    }
    for item, key in monthly.items():
        line = lines[item]
        assert line.usd_month == pytest.approx(line.quantity * prices.usd(key))
    (definition,) = _resources(default_templates, "AWS::ECS::TaskDefinition")
    vcpu = int(definition["Properties"]["Cpu"]) / 1024
    gb = int(definition["Properties"]["Memory"]) / 1024
    for line in bill.lines:
        if line.item.startswith("Fargate"):
            prefix = "fargate_spot_x86" if "Spot" in line.item else "fargate_x86"
            per_hour = vcpu * prices.usd(f"{prefix}_vcpu_hour") + gb * prices.usd(
                f"{prefix}_gb_hour"
            )
            assert line.usd_month == pytest.approx(line.quantity * per_hour * HOURS)
    # At rest, the traffic lines cost nothing.
    for item in ("Application Load Balancer, capacity units", "AWS WAF requests"):
        assert lines[item].usd_month == 0
    assert bill.total == pytest.approx(sum(line.usd_month for line in bill.lines))


def test_every_price_comes_from_the_table(
    default_templates: dict[str, cost.Template], prices: cost.PriceTable, tmp_path: Path
) -> None:
    """Doubling every price in the table doubles every line and the total: no price is
    written into the computation."""
    text = cost.PRICES.read_text(encoding="utf-8")
    doubled = re.sub(
        r"^usd = ([0-9.]+)$",
        lambda m: f"usd = {float(m.group(1)) * 2!r}",
        text,
        flags=re.MULTILINE,
    )
    assert doubled != text
    table = tmp_path / "doubled.toml"
    table.write_text(doubled, encoding="utf-8")
    once = cost.price_templates(default_templates, prices, cost.Assumptions())
    twice = cost.price_templates(default_templates, cost.load_prices(table), cost.Assumptions())
    assert once.total > 0
    assert twice.total == pytest.approx(2 * once.total)
    for a, b in zip(once.lines, twice.lines, strict=True):
        assert b.usd_month == pytest.approx(2 * a.usd_month)


def test_assumptions_move_only_their_lines(
    default_templates: dict[str, cost.Template], prices: cost.PriceTable
) -> None:
    at_rest = cost.price_templates(default_templates, prices, cost.Assumptions())
    busy = cost.price_templates(
        default_templates,
        prices,
        cost.Assumptions(lcu_per_load_balancer=2, nat_gb=100, log_gb=3, waf_million_requests=5),
    )
    rest, load = at_rest.by_item(), busy.by_item()
    nats = rest["NAT gateways"].quantity
    assert load["NAT gateways"].usd_month - rest["NAT gateways"].usd_month == pytest.approx(
        nats * 100 * prices.usd("nat_gateway_gb")
    )
    assert "100 GB processed per gateway" in load["NAT gateways"].assumption
    lcu = load["Application Load Balancer, capacity units"]
    assert lcu.usd_month == pytest.approx(lcu.quantity * 2 * prices.usd("alb_lcu_hour") * HOURS)
    assert "2 LCU per load balancer" in lcu.assumption
    logs = load["CloudWatch Logs ingestion"]
    assert logs.usd_month == pytest.approx(
        logs.quantity * 3 * prices.usd("cloudwatch_logs_ingest_gb")
    )
    assert "3 GB ingested per log group" in logs.assumption
    waf = load["AWS WAF requests"]
    assert waf.usd_month == pytest.approx(waf.quantity * 5 * prices.usd("waf_million_requests"))
    moved = {
        "NAT gateways",
        "Application Load Balancer, capacity units",
        "CloudWatch Logs ingestion",
        "AWS WAF requests",
    }
    for item, line in rest.items():
        if item not in moved:
            assert load[item].usd_month == line.usd_month, item
    hours = cost.price_templates(
        default_templates, prices, cost.Assumptions(hours_per_month=365)
    ).by_item()
    assert hours["Application Load Balancer, hours"].usd_month == pytest.approx(
        rest["Application Load Balancer, hours"].usd_month / 2
    )
    assert hours["AWS WAF web ACLs"].usd_month == rest["AWS WAF web ACLs"].usd_month  # monthly


# --- the printed report ---------------------------------------------------------------------


def test_dollars_round_half_up() -> None:
    assert cost.usd_text(0.0225 * 730) == "16.43"  # the float is 16.42499...
    assert cost.usd_text(1394.444) == "1,394.44"
    assert cost.usd_text(0) == "0.00"


def test_report_prints_each_line_with_its_arithmetic_and_assumption(
    default_templates: dict[str, cost.Template], prices: cost.PriceTable
) -> None:
    bill = cost.price_templates(default_templates, prices, cost.Assumptions())
    text = cost.report(prices, cost.Assumptions(), bill, {})
    assert "730 hours a month" in text
    assert prices.date in text
    assert "verify before budgeting" in text
    assert "0 GB through each NAT gateway" in text
    assert "0 LCU per load balancer" in text
    assert "0 GB of logs per log group" in text
    rows = [row for row in text.splitlines() if row.startswith("| ")]
    for line in bill.lines:
        (row,) = [r for r in rows if r.startswith(f"| {line.item} |")]
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[2] == cost.usd_text(line.usd_month)
        assert cells[3] == line.arithmetic
        assert cells[4] == line.assumption
        assert cells[4]
    assert f"**{cost.usd_text(bill.total)}**" in text
    assert "Not priced: Container Insights" in text
    # The printed arithmetic reproduces the printed amount.
    nat = bill.by_item()["NAT gateways"]
    numbers = [float(n) for n in re.findall(r"[0-9.]+", nat.arithmetic)]
    count, per_hour, hours, gb, per_gb = numbers
    assert math.isclose(count * (per_hour * hours + gb * per_gb), nat.usd_month)


# --- one added service ----------------------------------------------------------------------


def test_one_added_service_with_its_own_load_balancer(
    two_services: dict[str, cost.Template], prices: cost.PriceTable
) -> None:
    """The platform stack plus one service stack against the same plus two: the difference is
    one service, its load balancer and web ACL included; the VPC's NAT gateways and the
    cluster's key are the platform's."""
    assumptions = cost.Assumptions()
    one = {name: t for name, t in two_services.items() if name != "Svc1"}
    small = cost.price_templates(one, prices, assumptions)
    large = cost.price_templates(two_services, prices, assumptions)
    added = cost.per_service(small, large, 1)
    assert added["Application Load Balancer, hours"][0] == 1
    assert added["AWS WAF web ACLs"][0] == 1
    assert "NAT gateways" not in added
    assert "KMS customer managed keys" not in added
    assert sum(usd for _, usd in added.values()) == pytest.approx(large.total - small.total)
    text = cost.report(prices, assumptions, small, {"own": {1: small, 2: large}})
    assert "Each added service, USD a month (from 1 to 2 services): own " in text
    assert f"own {cost.usd_text(large.total - small.total)}" in text


def test_one_added_service_on_the_shared_ingress(
    two_services: dict[str, cost.Template], prices: cost.PriceTable
) -> None:
    """On the shared ingress an added service brings its tasks and rule, not a load balancer,
    public addresses or a web ACL: those are the platform stack's, counted once."""
    assumptions = cost.Assumptions()
    shared = cost.synthesize(cost.shared_ingress(2))
    platform = shared["Platform"]["Resources"].values()
    assert [r["Type"] for r in platform].count("AWS::ElasticLoadBalancingV2::LoadBalancer") == 1

    def added(templates: dict[str, cost.Template]) -> dict[str, tuple[float, float]]:
        one = {name: t for name, t in templates.items() if name != "Svc1"}
        small = cost.price_templates(one, prices, assumptions)
        large = cost.price_templates(templates, prices, assumptions)
        return cost.per_service(small, large, 1)

    on_ingress, own = added(shared), added(two_services)
    for item in (
        "Application Load Balancer, hours",
        "Public IPv4 addresses",
        "AWS WAF web ACLs",
        "AWS WAF rules",
    ):
        assert item not in on_ingress
        assert own[item][0] > 0
    fargate = [item for item in own if item.startswith("Fargate")]
    assert fargate
    for item in fargate:
        assert on_ingress[item] == own[item]
    assert sum(usd for _, usd in on_ingress.values()) < sum(usd for _, usd in own.values())


def test_the_documented_default_bill_is_the_computed_one(
    default_templates: dict[str, cost.Template], prices: cost.PriceTable
) -> None:
    """docs/performance-scale-cost.md shows the default deployment's bill as `make cost` prints
    it: a change of price or of the default resources must be carried into the docs."""
    bill = cost.price_templates(default_templates, prices, cost.Assumptions())
    docs = (cost.ROOT / "docs" / "performance-scale-cost.md").read_text(encoding="utf-8")
    rows = [row for row in cost.bill_table(bill) if row.startswith("| ")]
    missing = [row for row in rows if row not in docs]
    assert not missing, "run `make cost` and update docs/performance-scale-cost.md: " + str(missing)
