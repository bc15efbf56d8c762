"""Synthesis benchmark: ecs-patterns' FargateWebService against aws_ecs_patterns' stock
ApplicationLoadBalancedFargateService, at 1, 10 and 50 services.

Each measurement is a fresh ``python benchmarks/synth.py --child PATTERN N`` process (imports,
jsii start-up and aws-cdk-lib's built-in CloudFormation validation included, as in ``cdk synth``),
and the two patterns alternate so that machine noise hits both alike. Each service is the
one-statement default of its pattern in its own stack (the layout the README recommends).

Run with ``make bench`` (or ``python benchmarks/synth.py --repeat 3``). Not a test: it prints a
Markdown table for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = ("ecs-patterns", "stock")
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"


def _build(pattern: str, count: int, outdir: str) -> None:
    """Child process: build ``count`` stacks of one service each and synthesize them."""
    from aws_cdk import App, Environment, Stack
    from aws_cdk import aws_certificatemanager as acm
    from aws_cdk import aws_ecs as ecs

    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    app = App(outdir=outdir, context=context)
    env = Environment(account="123456789012", region="us-east-1")
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
    for i in range(count):
        stack = Stack(app, f"Svc{i}", env=env)
        cert = acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
        if pattern == "stock":
            from aws_cdk import aws_ecs_patterns as stock

            stock.ApplicationLoadBalancedFargateService(
                stack,
                "Web",
                task_image_options=stock.ApplicationLoadBalancedTaskImageOptions(image=image),
                certificate=cert,
            )
        else:
            import ecs_patterns as ep

            ep.FargateWebService(stack, "Web", ep.WebServiceProps(image=image, certificate=cert))
    app.synth()


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_mib: float
    resources_per_service: float
    template_bytes_per_service: float


def _measure(pattern: str, count: int) -> Sample:
    with tempfile.TemporaryDirectory() as outdir:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, __file__, "--child", pattern, str(count), outdir])
        # wait4 gives this child's own rusage: ru_maxrss is the largest process of its tree
        # that it reaped (python or the jsii node runtime), in KiB on Linux.
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"synthesis of {count} x {pattern} failed")
        peak = usage.ru_maxrss / 1024
        templates = list(Path(outdir).glob("*.template.json"))
        resources = sum(
            len(json.loads(t.read_text(encoding="utf-8"))["Resources"]) for t in templates
        )
        size = sum(t.stat().st_size for t in templates)
    return Sample(elapsed, peak, resources / count, size / count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell (median reported)")
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument(
        "--child", nargs=3, metavar=("PATTERN", "N", "OUTDIR"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        pattern, count, outdir = args.child
        _build(pattern, int(count), outdir)
        return

    results: dict[tuple[str, int], list[Sample]] = {}
    for count in args.counts:
        for _ in range(args.repeat):
            for pattern in PATTERNS:  # alternate the two patterns
                results.setdefault((pattern, count), []).append(_measure(pattern, count))

    def med(pattern: str, count: int, field: str) -> float:
        return float(statistics.median(getattr(s, field) for s in results[(pattern, count)]))

    print(
        f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, median of {args.repeat} fresh processes each.\n"
    )
    print(
        "| services | ecs-patterns s | stock s | ratio | ecs-patterns peak MiB | stock peak MiB "
        "| resources/service (ours / stock) | template KiB/service (ours / stock) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---|")
    for count in args.counts:
        ours, stock = med("ecs-patterns", count, "seconds"), med("stock", count, "seconds")
        print(
            f"| {count} | {ours:.2f} | {stock:.2f} | {ours / stock:.2f} "
            f"| {med('ecs-patterns', count, 'peak_rss_mib'):.0f} "
            f"| {med('stock', count, 'peak_rss_mib'):.0f} "
            f"| {med('ecs-patterns', count, 'resources_per_service'):.0f} / "
            f"{med('stock', count, 'resources_per_service'):.0f} "
            f"| {med('ecs-patterns', count, 'template_bytes_per_service') / 1024:.1f} / "
            f"{med('stock', count, 'template_bytes_per_service') / 1024:.1f} |"
        )
    if len(args.counts) >= 2:
        lo, hi = min(args.counts), max(args.counts)
        for pattern in PATTERNS:
            marginal = (med(pattern, hi, "seconds") - med(pattern, lo, "seconds")) / (hi - lo)
            print(f"\nMarginal cost per extra service, {pattern}: {marginal * 1000:.0f} ms", end="")
        print()


if __name__ == "__main__":
    main()
