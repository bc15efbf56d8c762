"""Props of ScheduledJob: when it runs (the schedule), how a run behaves (run time, overlap,
start attempts, capacity) and where it notifies, composed with the core container and task
structs."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns

from ..cluster import FargateCluster
from ..core._capacity import CapacityStrategy
from ..core._option_checks import check_health_check_command, check_no_port, check_task_fits
from ..core._options import ContainerOptions, TaskOptions
from ..core._typecheck import require_types
from ..core._validation import Checks, is_token, seconds
from ._expression import expression_problem, time_zone_problem

__all__ = [
    "JOB_CAPACITY",
    "JobAlarmOptions",
    "RunOptions",
    "ScheduleOptions",
    "ScheduledJobProps",
]

JOB_CAPACITY = CapacityStrategy(
    on_demand_base=0, on_demand_weight=0, spot_weight=1, allow_spot_only=True
)
"""A job's default capacity: its task on Fargate Spot, at a discount of up to 70 % (AWS Fargate
pricing). A run is one task that ends on its own; a Spot interruption (two minutes' warning,
then stop code ``SpotInterruption``) fails that run, which the job's alarm reports, and the next
run starts as scheduled. A job that must not be interrupted runs on
``CapacityStrategy.on_demand_only()``."""

_DAY_S = 86400
_MAX_RUN_TIME_S = 364 * _DAY_S  # below a Standard workflow's one-year limit
_MAX_EVENT_AGE_S = _DAY_S  # EventBridge Scheduler: 60 s to 24 h
_MAX_RETRY_ATTEMPTS = 185  # EventBridge Scheduler: 0 to 185
_MAX_FLEXIBLE_WINDOW_S = 1440 * 60  # EventBridge Scheduler: 1 to 1440 minutes
# Duration defaults (immutable, so one shared instance per value is safe).
_ONE_HOUR = Duration.hours(1)


@dataclass(frozen=True, kw_only=True)
class ScheduleOptions:
    """When the job runs: an EventBridge Scheduler expression in a time zone, and what happens
    to an invocation that fails.

    ``ScheduleOptions(expression="cron(0 3 * * ? *)", time_zone="Europe/Berlin")``
    """

    expression: str
    """When to run: ``cron(minutes hours day-of-month month day-of-week year)`` or
    ``rate(value unit)``. Required. Checked at synthesis, field by field, against the
    EventBridge Scheduler guide: minutes 0-59, hours 0-23, day-of-month 1-31 (also ``?``, ``L``,
    ``nW``), month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (also ``?``, ``L``, ``nL``,
    ``n#k``), year 1970-2199, with ``,``, ``-``, ``*`` and ``/``; exactly one of day-of-month
    and day-of-week is ``?``. A rate has a whole value of 1 or more and minute(s), hour(s) or
    day(s), singular for 1. Examples: ``cron(0 3 * * ? *)`` (03:00 daily), ``cron(0/15 8-17 ?
    * MON-FRI *)``, ``rate(6 hours)``. One-time ``at(...)`` schedules are refused."""
    time_zone: str = "UTC"
    """The IANA time zone the cron fields are read in, e.g. ``"Europe/Berlin"``. Default
    ``"UTC"``, which has no daylight saving time. In a zone that has it, Scheduler adjusts the
    runs: a time the clocks skip in spring does not run that day, a time repeated in autumn
    runs once (EventBridge Scheduler guide, "Schedule types"); prefer hours outside
    01:00-03:00 local time. A rate expression does not depend on it."""
    enabled: bool = True
    """Whether the schedule runs. Default True. False keeps everything deployed but starts no
    run, e.g. to pause a job during maintenance."""
    flexible_window: Duration | None = None
    """How long after the scheduled time a run may start, so Scheduler can spread load.
    Default: off, every run starts at its scheduled time (within a minute). 1 minute to 24 h, in
    whole minutes."""
    retry_attempts: int = _MAX_RETRY_ATTEMPTS
    """How often Scheduler retries an invocation that fails (the state machine could not be
    started: throttling, a missing permission). Default 185, Scheduler's own default and
    maximum: ``max_event_age`` is what bounds the retries. 0 to 185. A run that started and then
    failed is not retried (see :class:`RunOptions`)."""
    max_event_age: Duration = _ONE_HOUR
    """How long Scheduler keeps retrying an invocation before it goes to the dead-letter queue.
    Default 1 hour (Scheduler's own default is 24 h): a run started much later than scheduled
    is usually worse than the notification of a missed one, and it could collide with the next
    run. 60 s to 24 h."""
    dead_letter_key: kms.IKey | None = None
    """The KMS key of the dead-letter queue that keeps invocations Scheduler gave up on.
    Default: a new key with yearly rotation, for this queue only."""
    dead_letter_removal_policy: RemovalPolicy = RemovalPolicy.RETAIN
    """What ``cdk destroy`` does to the dead-letter queue and its new key. Default RETAIN: the
    messages say which runs never started, evidence for the investigation."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("ScheduleOptions")
        if not is_token(self.expression):
            problem = expression_problem(self.expression)
            if problem is not None:
                checks.fail("expression", self.expression, problem.allowed, problem.fix)
        if not is_token(self.time_zone):
            zone = time_zone_problem(self.time_zone)
            if zone is not None:
                checks.fail("time_zone", self.time_zone, zone.allowed, zone.fix)
        window = seconds(self.flexible_window)
        if window is not None:
            checks.check(
                window.is_integer() and window % 60 == 0 and 60 <= window <= _MAX_FLEXIBLE_WINDOW_S,
                "flexible_window",
                f"{window:g}s",
                "whole minutes from 1 to 1440 (24 h)",
                "Set flexible_window=Duration.minutes(n) with 1 <= n <= 1440, or None for runs "
                "at the scheduled time.",
            )
        checks.int_range("retry_attempts", self.retry_attempts, 0, _MAX_RETRY_ATTEMPTS)
        checks.duration_range("max_event_age", self.max_event_age, 60, _MAX_EVENT_AGE_S)
        checks.done()


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """How one run behaves: its maximum run time, whether it may overlap the previous run, how
    often starting it is attempted, and its capacity.

    ``RunOptions(max_run_time=Duration.minutes(20), allow_overlap=True)``
    """

    max_run_time: Duration = _ONE_HOUR
    """How long a run may take, from the start request to the task's end; then its task is
    stopped (SIGTERM, ``stop_timeout``, SIGKILL) and the run fails with
    ``MaxRunTimeExceeded``. Default 1 hour: a hung job stops costing money and holding locks,
    and is reported, instead of running for days. 60 s to 364 days (a Standard workflow runs at
    most a year), a literal."""
    allow_overlap: bool = False
    """Whether a run may start while a task of the previous run still runs. Default False: two
    copies of a batch job usually write the same data; a run that finds a task of this job
    running or starting is skipped, fails with ``PreviousRunStillRunning`` and is reported. A
    task started by hand from the job's task definition counts too. True starts every run."""
    start_attempts: int = 3
    """Attempts to start the task when ECS refuses it (no Fargate Spot capacity, throttling:
    ``ECS.AmazonECSException``, and a RunTask response listing failures, which Step Functions
    raises as ``AmazonECS.Unknown``), 30 s apart, doubling. Default 3. 1 to 10. A task that
    started and then failed (non-zero exit, Spot interruption) is never restarted: a job is not
    assumed to be safe to run twice."""
    capacity: CapacityStrategy | None = None
    """FARGATE / FARGATE_SPOT strategy of the task. Default :data:`JOB_CAPACITY` (Fargate
    Spot); ``CapacityStrategy.on_demand_only()`` for runs that must not be interrupted."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("RunOptions")
        checks.known(
            "max_run_time",
            self.max_run_time,
            "the timeout is written into the state machine definition",
        )
        checks.duration_range("max_run_time", self.max_run_time, 60, _MAX_RUN_TIME_S)
        checks.int_range("start_attempts", self.start_attempts, 1, 10)
        checks.known("start_attempts", self.start_attempts, "the retry count of the definition")
        checks.done()

    @property
    def capacity_strategy(self) -> CapacityStrategy:
        """The capacity strategy the runs use."""
        return self.capacity if self.capacity is not None else JOB_CAPACITY

    @property
    def max_run_time_s(self) -> int:
        """The maximum run time in whole seconds."""
        return int(self.max_run_time.to_seconds())


@dataclass(frozen=True, kw_only=True)
class JobAlarmOptions:
    """Where the job's failures are reported.

    Notifications: a run whose task stopped with a non-zero exit code or failed to start (from
    ECS task state changes, with the stop reason), runs that failed, timed out or were skipped
    (the state machine's metrics), and invocations in the dead-letter queue.
    ``JobAlarmOptions(topic=oncall_topic)``
    """

    topic: sns.ITopic | None = None
    """The SNS topic notified. Default: a new topic encrypted with its own KMS key (rotation
    on), publishing over TLS only, to which this account's CloudWatch alarms and the job's
    EventBridge rule may publish. A given topic's key policy must let
    ``cloudwatch.amazonaws.com`` and ``events.amazonaws.com`` use its key (kms:Decrypt,
    kms:GenerateDataKey*)."""

    def __post_init__(self) -> None:
        require_types(self)


@dataclass(frozen=True, kw_only=True)
class ScheduledJobProps:
    """Props of :class:`ScheduledJob`. ``container`` (with a health check command) and
    ``schedule`` are required.

    ``ScheduledJobProps(container=ContainerOptions(image=image,
    health_check=HealthCheck(command=["CMD", "/app/healthcheck"])),
    schedule=ScheduleOptions(expression="cron(0 3 * * ? *)"))``
    """

    container: ContainerOptions
    """The job's container; the task stops when it exits, and its exit code is the run's
    result (0: success). It has no port (nothing connects to a job), so its
    ``health_check.command`` is required; ECS reports a standalone task's health but does not
    replace it. Its ``stop_timeout`` is the grace between SIGTERM and SIGKILL when the maximum
    run time is reached."""
    schedule: ScheduleOptions
    """When it runs. Required: :class:`ScheduleOptions` with an ``expression``."""
    task: TaskOptions = field(default_factory=TaskOptions)
    """Task size, architecture, storage and tracing. Default: :class:`TaskOptions` (256 CPU
    units, 512 MiB, X86_64)."""
    run: RunOptions = field(default_factory=RunOptions)
    """Maximum run time, overlap, start attempts and capacity. Default: :class:`RunOptions`
    (1 hour, no overlap, 3 start attempts, Fargate Spot)."""
    alarms: JobAlarmOptions | None = field(default_factory=JobAlarmOptions)
    """Where failures are reported. Default: :class:`JobAlarmOptions` (a new encrypted topic).
    None creates no rule, alarm or topic (e.g. when the team watches the state machine
    elsewhere)."""
    cluster: FargateCluster | None = None
    """The cluster to run in. Default: a new :class:`FargateCluster`. Jobs and services of one
    application usually share one."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("ScheduledJobProps")
        check_no_port(checks, self.container, "a scheduled job")
        check_health_check_command(checks, self.container)
        check_task_fits(checks, self.task, self.container)
        checks.done()
