"""The Fargate task size table, as a pure function of cpu units.

Source: Amazon ECS Developer Guide, "Task CPU and memory" (Fargate, Linux containers). An invalid
pair makes the deployment fail at create time, so the library rejects it up front.
"""

from __future__ import annotations

from ._validation import Checks, is_token

__all__ = ["FARGATE_CPU_UNITS", "check_task_size", "fargate_memory_options"]


def _steps(low: int, high: int, step: int) -> tuple[int, ...]:
    return tuple(range(low, high + 1, step))


_TABLE: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _steps(1024, 4096, 1024),
    1024: _steps(2048, 8192, 1024),
    2048: _steps(4096, 16384, 1024),
    4096: _steps(8192, 30720, 1024),
    8192: _steps(16384, 61440, 4096),
    16384: _steps(32768, 122880, 8192),
}

FARGATE_CPU_UNITS: tuple[int, ...] = tuple(_TABLE)
"""Valid task cpu values in CPU units (1024 units = 1 vCPU)."""


def fargate_memory_options(cpu: int) -> tuple[int, ...]:
    """The memory values (MiB) Fargate accepts with ``cpu`` units; empty for an invalid cpu."""
    return _TABLE.get(cpu, ())


def _compact(values: tuple[int, ...]) -> str:
    if len(values) <= 4:
        return ", ".join(str(v) for v in values)
    step = values[1] - values[0]
    return f"{values[0]} to {values[-1]} in steps of {step}"


def check_task_size(checks: Checks, cpu: int, memory_mib: int) -> None:
    """Record a problem if (cpu, memory_mib) is not a valid Fargate task size."""
    if is_token(cpu) or is_token(memory_mib):
        return
    if cpu not in _TABLE:
        checks.fail(
            "cpu",
            cpu,
            ", ".join(str(c) for c in FARGATE_CPU_UNITS),
            "Pick one of the listed CPU units (1024 = 1 vCPU).",
        )
        return
    options = _TABLE[cpu]
    if memory_mib not in options:
        higher = [c for c in FARGATE_CPU_UNITS if memory_mib in _TABLE[c]]
        hint = (
            f"Use one of those, or set cpu to {higher[0]} for memory_mib={memory_mib}."
            if higher
            else "Use one of those values."
        )
        checks.fail(
            "memory_mib",
            memory_mib,
            f"with cpu={cpu}: {_compact(options)}",
            hint,
        )
