"""Rules that relate two option structs, as pure functions.

Each workload's props call them from ``__post_init__`` with their own :class:`Checks`; the
problems name the field by its path from the props (``task.cpu``, ``container.port``), since
every workload kind composes the same structs under the same names (``container``, ``task``,
``scaling``, ``placement``).
"""

from __future__ import annotations

from ._options import OTEL_COLLECTOR_CPU, OTEL_COLLECTOR_MEMORY_MIB, ContainerOptions, TaskOptions
from ._scaling import PlacementOptions
from ._validation import Checks, is_token

__all__ = [
    "APP_MEMORY_FLOOR_MIB",
    "check_desired_count",
    "check_exec",
    "check_health_check_command",
    "check_no_port",
    "check_task_fits",
]

APP_MEMORY_FLOOR_MIB = 128
"""Without a memory_reservation_mib, this much task memory must remain for the app beside the
tracing sidecar, so the app is never squeezed to nothing by a sidecar it did not size."""


def check_task_fits(checks: Checks, task: TaskOptions, container: ContainerOptions) -> None:
    """The app's soft memory limit fits the task, and tracing leaves room beside the app."""
    reservation = container.memory_reservation_mib
    if reservation is not None and not is_token(reservation) and not is_token(task.memory_mib):
        checks.check(
            reservation <= task.memory_mib,
            "container.memory_reservation_mib",
            reservation,
            f"at most the task memory (task.memory_mib={task.memory_mib})",
            f"Set memory_reservation_mib between 6 and the task memory ({task.memory_mib} MiB).",
        )
    if not task.tracing or is_token(task.cpu) or is_token(task.memory_mib):
        return
    checks.check(
        task.cpu >= 2 * OTEL_COLLECTOR_CPU,
        "task.cpu",
        task.cpu,
        f"at least {2 * OTEL_COLLECTOR_CPU} with tracing=True (the collector holds "
        f"{OTEL_COLLECTOR_CPU})",
        "Raise cpu to 512 (with memory_mib 1024 or more), or set tracing=False.",
    )
    app = reservation if reservation is not None else APP_MEMORY_FLOOR_MIB
    checks.check(
        app + OTEL_COLLECTOR_MEMORY_MIB <= task.memory_mib,
        "task.memory_mib",
        task.memory_mib,
        f"at least {app + OTEL_COLLECTOR_MEMORY_MIB} with tracing=True "
        f"(app {app} MiB + collector {OTEL_COLLECTOR_MEMORY_MIB} MiB)",
        "Raise memory_mib (e.g. 1024 or more), lower memory_reservation_mib, or set tracing=False.",
    )


def check_health_check_command(checks: Checks, container: ContainerOptions) -> None:
    """Without a port there is no default HTTP health check: the command must be given."""
    checks.check(
        container.port is not None or container.health_check.command is not None,
        "container.health_check.command",
        None,
        "a health check command for a container without a port (the default check is an "
        "HTTP request to the port)",
        "Pass health_check=HealthCheck(command=['CMD', '/app/healthcheck']) (any command that "
        "exits 0 when the app is healthy), or give the container a port.",
    )


def check_exec(checks: Checks, placement: PlacementOptions, container: ContainerOptions) -> None:
    """ECS Exec needs a writable root filesystem (its agent writes there)."""
    if placement.enable_execute_command:
        checks.check(
            not container.readonly_root_filesystem,
            "placement.enable_execute_command",
            True,
            "only with container.readonly_root_filesystem=False (the ECS Exec agent writes to "
            "the container's root filesystem)",
            "Set readonly_root_filesystem=False as well to debug with ECS Exec, or keep "
            "enable_execute_command=False.",
        )


def check_desired_count(
    checks: Checks, placement: PlacementOptions, min_capacity: int, max_capacity: int
) -> None:
    """The count at creation lies within the autoscaling range ``min_capacity`` to
    ``max_capacity`` (compared only when all three are literals)."""
    low, high, desired = min_capacity, max_capacity, placement.desired_count
    if desired is None or is_token(low) or is_token(high) or is_token(desired):
        return
    checks.check(
        low <= desired <= high,
        "placement.desired_count",
        desired,
        f"from scaling.min_capacity ({low}) to scaling.max_capacity ({high})",
        "Set desired_count within the autoscaling range, or leave it unset to start at "
        "min_capacity.",
    )


def check_no_port(checks: Checks, container: ContainerOptions, workload: str) -> None:
    """``container.port`` is unset: ``workload`` (e.g. "a queue worker") takes no connections."""
    checks.check(
        container.port is None,
        "container.port",
        container.port,
        f"no port: {workload} takes no connections (it has no security group ingress)",
        "Drop port; a service that is called belongs behind a load balancer or Service Connect.",
    )
