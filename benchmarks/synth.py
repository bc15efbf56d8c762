"""Synthesis benchmark: ecs-patterns' FargateWebService against aws_ecs_patterns' stock
ApplicationLoadBalancedFargateService, at 1, 10 and 50 services (the fleet at 1, 10 and 30).

Each measurement is a fresh ``python benchmarks/synth.py --child PATTERN N`` process (imports,
jsii start-up and aws-cdk-lib's built-in CloudFormation validation included, as in ``cdk synth``),
and the two patterns alternate so that machine noise hits both alike. Each service is the
one-statement default of its pattern in its own stack, in three layouts: ``own-vpc`` (each stack
also has the pattern's default VPC and cluster), ``shared`` (one VPC and cluster stack that
every service stack references, the layout the docs recommend for many services) and ``fleet``
(the platform stack also holds a ``SharedIngress``, and every ``FargateWebService`` is routed on
it by host name; the stock pattern keeps its own load balancer per service, on one cluster).

Run with ``make bench`` (or ``python benchmarks/synth.py --repeat 3``). Not a test: it prints a
Markdown table for benchmarks/README.md.
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
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = ("ecs-patterns", "stock")
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"


def _build(pattern: str, count: int, outdir: str, layout: str = "own-vpc") -> None:
    """Child process: build ``count`` stacks of one service each and synthesize them."""
    _build_app(pattern, count, outdir, layout).synth()


def _build_app(
    pattern: str, count: int, outdir: str, layout: str = "own-vpc", validation: bool = True
) -> Any:
    """Build (not synthesize) ``count`` stacks of one service each; returns the ``App``.

    ``layout``: ``own-vpc`` gives each service stack its pattern's default VPC and cluster;
    ``shared`` puts one VPC and cluster in a ``Shared`` stack that every service stack
    references (the layout the docs recommend for many services; CDK exports and imports);
    ``fleet`` is ``shared`` with a ``SharedIngress`` in the ``Shared`` stack and every
    ``FargateWebService`` routed on it by host name (the stock pattern keeps one load balancer
    per service: it has no shared-ingress form).
    Pattern ``sample`` builds the sample app exactly as ``cdk synth`` does (its four cdk-nag
    packs registered); ``count``, ``layout`` and ``validation`` are ignored. ``validation=False``
    turns aws-cdk-lib's built-in CloudFormation validation off (the breakdown measures it
    apart).
    """
    if pattern == "sample":
        sys.path.insert(0, str(ROOT))
        from sample_app.stacks import build_app

        context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
        return build_app(context, outdir=outdir)

    from aws_cdk import App, Environment, Stack
    from aws_cdk import aws_certificatemanager as acm
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_ecs as ecs
    from aws_cdk import aws_ecs_patterns as stock

    import ecs_patterns as ep

    context = json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]
    app = App(outdir=outdir, context=context, builtin_cloud_formation_validation=validation)
    env = Environment(account="123456789012", region="us-east-1")
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27")
    stock_cluster: ecs.Cluster | None = None
    our_cluster: ep.FargateCluster | None = None
    ingress: ep.SharedIngress | None = None
    if layout in ("shared", "fleet"):
        shared = Stack(app, "Shared", env=env)
        if pattern == "stock":
            vpc = ec2.Vpc(shared, "Vpc", max_azs=2)
            stock_cluster = ecs.Cluster(shared, "Cluster", vpc=vpc)
        else:
            our_cluster = ep.FargateCluster(shared, "Cluster", ep.ClusterProps())
        if layout == "fleet" and our_cluster is not None:
            ingress = ep.SharedIngress(
                shared,
                "Ingress",
                ep.SharedIngressProps(
                    cluster=our_cluster,
                    certificates=[acm.Certificate.from_certificate_arn(shared, "Cert", CERT_ARN)],
                ),
            )
    for i in range(count):
        stack = Stack(app, f"Svc{i}", env=env)
        if ingress is not None:
            # The fleet layout: each service routed on the shared ingress by its host name.
            ep.FargateWebService(
                stack,
                "Web",
                ep.WebServiceProps(
                    container=ep.ContainerOptions(image=image),
                    ingress=ep.IngressRoute(ingress=ingress, hosts=[f"svc{i}.example.com"]),
                ),
            )
            continue
        cert = acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
        if pattern == "stock":
            stock.ApplicationLoadBalancedFargateService(
                stack,
                "Web",
                task_image_options=stock.ApplicationLoadBalancedTaskImageOptions(image=image),
                certificate=cert,
                cluster=stock_cluster,
            )
        else:
            ep.FargateWebService(
                stack,
                "Web",
                ep.WebServiceProps(
                    container=ep.ContainerOptions(image=image),
                    load_balancer=ep.LoadBalancerOptions(certificate=cert),
                    cluster=our_cluster,
                ),
            )
    return app


# aws-cdk-lib modules a stock-pattern app imports anyway (the pattern, ContainerImage, ACM).
STOCK_MODULES = ("aws_ecs", "aws_ecs_patterns", "aws_certificatemanager")


def _import_child(preload_all: bool) -> None:
    """Child process: print import times, in seconds, of each layer.

    ``base``: aws_cdk and cdk_nag. ``stock``: the aws-cdk-lib modules a stock-pattern app
    imports. ``deps`` (only with ``preload_all``): every other aws-cdk-lib module that
    ecs_patterns' FargateWebService path imports; ``jsii_start``: the first jsii object. ``ours``:
    ``import ecs_patterns`` (lazy: it imports no module of its own yet). ``first_use``: the first
    ``ecs_patterns.FargateWebService`` / ``WebServiceProps`` lookup, which imports the modules
    behind them, on top of the layers before it.
    """
    import importlib

    marks = [time.perf_counter()]
    import aws_cdk
    import cdk_nag  # noqa: F401

    marks.append(time.perf_counter())
    for name in STOCK_MODULES:
        importlib.import_module(f"aws_cdk.{name}")
    marks.append(time.perf_counter())
    stock_used = _cdk_modules()
    if preload_all:
        for name in json.loads(os.environ["ECS_PATTERNS_BENCH_MODULES"]):
            importlib.import_module(name)
    marks.append(time.perf_counter())
    if preload_all:
        # The first jsii object makes the Node process load aws-cdk-lib: a cost every app pays
        # at its first construct, measured apart, not as ecs_patterns' own.
        aws_cdk.Duration.seconds(1)
    marks.append(time.perf_counter())
    import ecs_patterns

    marks.append(time.perf_counter())
    _ = (ecs_patterns.FargateWebService, ecs_patterns.WebServiceProps)
    marks.append(time.perf_counter())
    print(
        json.dumps(
            {
                "base": marks[1] - marks[0],
                "stock": marks[2] - marks[1],
                "deps": marks[3] - marks[2],
                "jsii_start": marks[4] - marks[3],
                "ours": marks[5] - marks[4],
                "first_use": marks[6] - marks[5],
                "modules": sorted(_cdk_modules() - stock_used),
            }
        )
    )


def _cdk_modules() -> set[str]:
    """The aws-cdk-lib service modules imported so far (``aws_cdk.aws_ecs``, ...)."""
    return {m for m in sys.modules if m.startswith("aws_cdk.aws_") and m.count(".") == 1}


LAYERS = ("base", "stock", "deps", "jsii_start", "ours", "first_use")


def _import_times(repeat: int) -> dict[str, dict[str, float]]:
    """Median layer times with and without the rest of ecs_patterns' dependencies preloaded."""

    def run(preload: bool, modules: list[str]) -> dict[str, Any]:
        args = [sys.executable, __file__, "--import-child"] + (["--preload-all"] if preload else [])
        env = {**os.environ, "ECS_PATTERNS_BENCH_MODULES": json.dumps(modules)}
        out = subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout
        result: dict[str, Any] = json.loads(out)
        return result

    modules: list[str] = run(False, [])["modules"]
    results: dict[str, dict[str, float]] = {}
    for preload in (False, True):
        runs = [run(preload, modules) for _ in range(repeat)]
        results["preloaded" if preload else "plain"] = {
            key: float(statistics.median(r[key] for r in runs)) for key in LAYERS
        }
    results["modules"] = {"count": float(len(modules))}
    return results


def _print_imports(repeat: int) -> None:
    imports = _import_times(repeat)
    plain, preloaded = imports["plain"], imports["preloaded"]
    print(
        f"Import, median of {repeat} fresh processes: aws_cdk + cdk_nag "
        f"{plain['base']:.2f} s; the modules a stock-pattern app imports "
        f"({', '.join(STOCK_MODULES)}) {plain['stock']:.2f} s; "
        f"then `import ecs_patterns` {plain['ours'] * 1000:.0f} ms; its first "
        f"`FargateWebService` lookup {plain['first_use']:.2f} s: "
        f"{preloaded['deps']:.2f} s for the {imports['modules']['count']:.0f} aws-cdk-lib "
        f"modules it needs beyond the stock app's, and "
        f"{preloaded['first_use'] * 1000:.0f} ms for its own modules (including their few "
        f"module-level jsii calls, after the first jsii object: "
        f"{preloaded['jsii_start']:.2f} s, which every app pays at its first construct)."
    )


def _process_cpu(pid: int) -> tuple[int, float]:
    """(parent pid, user + system CPU seconds) of a live process, read from /proc (Linux)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks


def _node_cpu() -> tuple[float, float]:
    """CPU seconds of this process's children and of their children, from /proc.

    With jsii the child is the ``jsii-runtime`` relay (Node), which forwards every request and
    response to the jsii kernel, a Node grandchild that runs aws-cdk-lib.
    """
    parents: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = _process_cpu(int(entry.name))
            except (OSError, ValueError):
                continue  # ended meanwhile
    me = os.getpid()
    children = {pid for pid, (ppid, _) in parents.items() if ppid == me}
    relay = sum(parents[pid][1] for pid in children)
    kernel = sum(cpu for ppid, cpu in parents.values() if ppid in children)
    return relay, kernel


def _phase_child(
    pattern: str, count: int, validation: bool, outdir: str, layout: str = "shared"
) -> None:
    """Child process: build then synthesize, timing each phase and counting jsii round trips.

    ``layout`` as in ``_build_app`` (default: shared). Printed as JSON: build wall time,
    the Python process's CPU, the relay's and the kernel's CPU during the build, the number of
    requests to the jsii kernel, and the synthesis wall time.
    """
    import jsii._kernel.providers.process as jsii_process

    kinds: dict[str, int] = {}
    original = jsii_process._NodeProcess.send

    def send(process: Any, request: Any, response_type: Any) -> Any:
        kind = REQUEST_KINDS.get(type(request).__name__, type(request).__name__)
        kinds[kind] = kinds.get(kind, 0) + 1
        return original(process, request, response_type)

    jsii_process._NodeProcess.send = send  # type: ignore[assignment,method-assign]
    relay_start, kernel_start = _node_cpu()  # no jsii process yet: aws_cdk is not imported
    start, cpu_start = time.perf_counter(), time.process_time()
    app = _build_app(pattern, count, outdir, layout, validation)
    built, cpu_built = time.perf_counter(), time.process_time()
    relay, kernel = _node_cpu()
    trips = dict(kinds)
    app.synth()
    print(
        json.dumps(
            {
                "build_s": built - start,
                "python_cpu_s": cpu_built - cpu_start,
                "relay_cpu_s": relay - relay_start,
                "kernel_cpu_s": kernel - kernel_start,
                "round_trips": sum(trips.values()),
                **{f"kind:{kind}": count for kind, count in trips.items()},
                "synth_s": time.perf_counter() - built,
            }
        )
    )


# jsii request types, by what they do.
REQUEST_KINDS = {
    "CreateRequest": "create an object",
    "InvokeRequest": "call a method",
    "GetRequest": "read a property",
    "SetRequest": "set a property",
    "StaticInvokeRequest": "call a static method",
    "StaticGetRequest": "read a static property",
    "_CompleteRequest": "answer a callback into Python",
}

BREAKDOWN_ROWS = (
    ("round_trips", "jsii round trips (Python to Node and back)", 1.0, "{:.0f}"),
    ("build_s", "building the constructs, wall ms", 1000.0, "{:.1f}"),
    ("python_cpu_s", "- Python CPU ms (the app, jsii's Python runtime)", 1000.0, "{:.1f}"),
    ("kernel_cpu_s", "- jsii kernel CPU ms (Node: aws-cdk-lib and the kernel)", 1000.0, "{:.1f}"),
    ("relay_cpu_s", "- jsii-runtime relay CPU ms (Node: forwards each message)", 1000.0, "{:.1f}"),
    ("synth_s", "synthesis without the built-in validation, wall ms", 1000.0, "{:.1f}"),
    ("validation_s", "aws-cdk-lib's built-in CloudFormation validation, wall ms", 1000.0, "{:.1f}"),
    ("total_s", "total, wall ms", 1000.0, "{:.1f}"),
)


def _breakdown(count: int, repeat: int, layout: str = "shared") -> dict[str, dict[str, float]]:
    """Per extra service, in ``layout`` (default: shared): each phase's cost at ``count``
    services minus its cost at 1, divided by ``count - 1`` (fixed costs such as jsii start-up
    cancel out).

    Validation is the synthesis time with the built-in validation on minus the same without.
    Medians of ``repeat`` fresh processes per cell, patterns alternating.
    """

    def run(pattern: str, n: int, validation: bool) -> dict[str, float]:
        with tempfile.TemporaryDirectory() as outdir:
            args = [sys.executable, __file__, "--phase-child", pattern, str(n), str(validation)]
            args += [outdir, layout]
            out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
        result: dict[str, float] = json.loads(out)
        return result

    cells: dict[tuple[str, int, bool], list[dict[str, float]]] = {}
    for _ in range(repeat):
        for n in (1, count):
            for validation in (False, True):
                for pattern in PATTERNS:
                    cells.setdefault((pattern, n, validation), []).append(
                        run(pattern, n, validation)
                    )

    def med(pattern: str, n: int, validation: bool, key: str) -> float:
        return float(statistics.median(r[key] for r in cells[(pattern, n, validation)]))

    def med_kind(pattern: str, n: int, key: str) -> float:
        return float(statistics.median(r.get(key, 0) for r in cells[(pattern, n, False)]))

    per_service: dict[str, dict[str, float]] = {}
    for pattern in PATTERNS:
        row: dict[str, float] = {}
        for key in ("round_trips", "build_s", "python_cpu_s", "kernel_cpu_s", "relay_cpu_s"):
            row[key] = (med(pattern, count, False, key) - med(pattern, 1, False, key)) / (count - 1)
        row["synth_s"] = (
            med(pattern, count, False, "synth_s") - med(pattern, 1, False, "synth_s")
        ) / (count - 1)
        with_validation = (
            med(pattern, count, True, "synth_s") - med(pattern, 1, True, "synth_s")
        ) / (count - 1)
        row["validation_s"] = with_validation - row["synth_s"]
        row["total_s"] = row["build_s"] + with_validation
        kinds = {k for r in cells[(pattern, count, False)] for k in r if k.startswith("kind:")}
        for key in kinds:
            row[key] = (med_kind(pattern, count, key) - med_kind(pattern, 1, key)) / (count - 1)
        per_service[pattern] = row
    return per_service


def _print_breakdown(count: int, repeat: int, layout: str = "shared") -> None:
    rows = _breakdown(count, repeat, layout)
    print(
        f"\nWhere one more service's time goes ({layout} layout, 1 against {count} services in "
        f"one process, median of {repeat} fresh processes per cell):\n"
    )
    print("| per extra service | ecs-patterns | stock | ratio |")
    print("|---|---:|---:|---:|")
    for key, title, scale, fmt in BREAKDOWN_ROWS:
        ours, stock = rows["ecs-patterns"][key] * scale, rows["stock"][key] * scale
        ratio = f"{ours / stock:.1f}" if stock > 0 else "-"
        print(f"| {title} | {fmt.format(ours)} | {fmt.format(stock)} | {ratio} |")
    for pattern in PATTERNS:
        kinds = sorted(
            ((key.removeprefix("kind:"), n) for key, n in rows[pattern].items() if "kind:" in key),
            key=lambda item: -item[1],
        )
        imported = "" if layout == "fleet" and pattern != "stock" else " and certificate import"
        print(
            f"\nRound trips of one more {pattern} service (its stack{imported} included), by "
            "request: " + ", ".join(f"{kind} {n:.0f}" for kind, n in kinds if n)
        )


@dataclass(frozen=True)
class Sample:
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float
    resources_per_service: float
    template_bytes_per_service: float
    services: int


def _measure(pattern: str, count: int, layout: str = "own-vpc") -> Sample:
    with tempfile.TemporaryDirectory() as outdir:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, __file__, "--child", pattern, str(count), outdir, layout]
        )
        # wait4 gives this child's own rusage, which includes the descendants it reaped (the
        # jsii Node processes): ru_maxrss is the largest process of that tree, in KiB on Linux;
        # user + system time is the CPU the whole tree spent, which other load on a shared
        # machine disturbs far less than wall time.
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"synthesis of {count} x {pattern} failed")
        peak = usage.ru_maxrss / 1024
        templates = list(Path(outdir).glob("*.template.json"))
        # Per service: the service stacks only (a shared cluster stack is a fixed part).
        per_service = [t for t in templates if t.name != "Shared.template.json"]
        resources = sum(
            len(json.loads(t.read_text(encoding="utf-8"))["Resources"]) for t in per_service
        )
        size = sum(t.stat().st_size for t in per_service)
        services = sum(
            1
            for t in templates
            for r in json.loads(t.read_text(encoding="utf-8"))["Resources"].values()
            if r["Type"] == "AWS::ECS::Service"
        )
    count = services if pattern == "sample" else count
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(elapsed, cpu, peak, resources / count, size / count, services)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell (median reported)")
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument(
        "--fleet-counts",
        type=int,
        nargs="+",
        default=[1, 10, 30],
        help="service counts of the fleet layout (the others use --counts)",
    )
    parser.add_argument(
        "--layouts",
        nargs="+",
        choices=sorted(LAYOUT_TITLES),
        default=["own-vpc", "shared", "fleet"],
    )
    parser.add_argument("--fleet-only", action="store_true", help="measure only the fleet layout")
    parser.add_argument(
        "--child", nargs=4, metavar=("PATTERN", "N", "OUTDIR", "LAYOUT"), help=argparse.SUPPRESS
    )
    parser.add_argument("--import-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--preload-all", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--imports-only", action="store_true", help="measure only the import times")
    parser.add_argument(
        "--breakdown-only", action="store_true", help="measure only the per-service breakdown"
    )
    parser.add_argument(
        "--breakdown-count", type=int, default=21, help="services in the breakdown's large app"
    )
    parser.add_argument(
        "--breakdown-layout",
        choices=sorted(LAYOUT_TITLES),
        default="shared",
        help="the breakdown's layout (fleet: where one more service on the shared ingress goes)",
    )
    parser.add_argument(
        "--phase-child",
        nargs="+",
        metavar="PATTERN N VALIDATION OUTDIR [LAYOUT]",
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args()
    if args.import_child:
        _import_child(args.preload_all)
        return
    if args.imports_only:
        _print_imports(args.repeat)
        return
    if args.phase_child:
        pattern, count, validation, outdir, *layout = args.phase_child
        _phase_child(pattern, int(count), validation == "True", outdir, *layout)
        return
    if args.breakdown_only:
        _print_breakdown(args.breakdown_count, args.repeat, args.breakdown_layout)
        return
    if args.child:
        pattern, count, outdir, layout = args.child
        _build(pattern, int(count), outdir, layout)
        return

    print(
        f"Measured {date.today()} on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, median of {args.repeat} fresh processes each."
    )
    if args.fleet_only:
        _print_layout("fleet", args.fleet_counts, args.repeat)
        return
    for layout in args.layouts:
        _print_layout(layout, args.fleet_counts if layout == "fleet" else args.counts, args.repeat)
    # The sample app (what `cdk synth` runs, nag packs included) against the stock pattern with
    # the same number of services, alternating.
    sample_runs: list[Sample] = []
    baseline_runs: list[Sample] = []
    for _ in range(args.repeat):
        sample_runs.append(_measure("sample", 1))
        baseline_runs.append(_measure("stock", sample_runs[-1].services))
    sample_s = statistics.median(s.seconds for s in sample_runs)
    baseline_s = statistics.median(s.seconds for s in baseline_runs)
    sample_cpu = statistics.median(s.cpu_seconds for s in sample_runs)
    baseline_cpu = statistics.median(s.cpu_seconds for s in baseline_runs)
    print(
        f"\nSample app (`cdk synth`'s app, 4 nag packs): {sample_s:.2f} s for "
        f"{sample_runs[0].services} services; stock pattern, same count: {baseline_s:.2f} s; "
        f"ratio {sample_s / baseline_s:.2f} (CPU {sample_cpu:.2f} s against "
        f"{baseline_cpu:.2f} s, ratio {sample_cpu / baseline_cpu:.2f})"
    )
    _print_breakdown(args.breakdown_count, args.repeat)
    _print_imports(args.repeat)


LAYOUT_TITLES = {
    "own-vpc": "Each service in its own stack with its pattern's default VPC and cluster",
    "shared": "One shared VPC and cluster stack, each service in its own stack (recommended)",
    "fleet": "The fleet: one platform stack (cluster and `SharedIngress`), each service in its "
    "own stack routed on the shared ingress; the stock pattern with one load balancer per "
    "service on one shared cluster (it has no shared-ingress form)",
}

# The fleet layout's goal: one more service on the shared ingress costs at most this many times
# the stock pattern's time per added service.
FLEET_GOAL = 1.5


def _print_layout(layout: str, counts: list[int], repeat: int) -> None:
    """Measure both patterns at each count, alternating, and print the table and marginals."""
    results: dict[tuple[str, int], list[Sample]] = {}
    for count in counts:
        for _ in range(repeat):
            for pattern in PATTERNS:  # alternate the two patterns
                results.setdefault((pattern, count), []).append(_measure(pattern, count, layout))

    def med(pattern: str, count: int, field: str) -> float:
        return float(statistics.median(getattr(s, field) for s in results[(pattern, count)]))

    print(f"\n{LAYOUT_TITLES[layout]} (`--layouts {layout}`):\n")
    print(
        "| services | ecs-patterns s | stock s | ratio | ecs-patterns CPU s | stock CPU s "
        "| CPU ratio | ecs-patterns peak MiB | stock peak MiB "
        "| resources/service (ours / stock) | template KiB/service (ours / stock) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for count in counts:
        ours, stock = med("ecs-patterns", count, "seconds"), med("stock", count, "seconds")
        ours_cpu = med("ecs-patterns", count, "cpu_seconds")
        stock_cpu = med("stock", count, "cpu_seconds")
        print(
            f"| {count} | {ours:.2f} | {stock:.2f} | {ours / stock:.2f} "
            f"| {ours_cpu:.2f} | {stock_cpu:.2f} | {ours_cpu / stock_cpu:.2f} "
            f"| {med('ecs-patterns', count, 'peak_rss_mib'):.0f} "
            f"| {med('stock', count, 'peak_rss_mib'):.0f} "
            f"| {med('ecs-patterns', count, 'resources_per_service'):.0f} / "
            f"{med('stock', count, 'resources_per_service'):.0f} "
            f"| {med('ecs-patterns', count, 'template_bytes_per_service') / 1024:.1f} / "
            f"{med('stock', count, 'template_bytes_per_service') / 1024:.1f} |"
        )
    if len(counts) >= 2:
        lo, hi = min(counts), max(counts)
        for field, what in (("seconds", "wall"), ("cpu_seconds", "CPU")):
            marginals = {p: (med(p, hi, field) - med(p, lo, field)) / (hi - lo) for p in PATTERNS}
            ratio = marginals["ecs-patterns"] / marginals["stock"]
            goal = ""
            if layout == "fleet":
                met = "met" if ratio <= FLEET_GOAL else "not met"
                goal = f" (goal: at most {FLEET_GOAL}x, {met})"
            print(
                f"\nMarginal {what} time per extra service ({lo} to {hi}): ecs-patterns "
                f"{marginals['ecs-patterns'] * 1000:.0f} ms, stock "
                f"{marginals['stock'] * 1000:.0f} ms, ratio {ratio:.2f}{goal}"
            )


if __name__ == "__main__":
    main()
