"""Props of QueueWorkerService: the queue, backlog scaling and alarm options, composed with the
core container, task and placement structs."""

from __future__ import annotations

from dataclasses import dataclass, field

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from ..cluster import FargateCluster
from ..core._capacity import CapacityStrategy
from ..core._option_checks import (
    check_desired_count,
    check_exec,
    check_health_check_command,
    check_no_port,
    check_task_fits,
)
from ..core._options import ContainerOptions, TaskOptions
from ..core._scaling import PlacementOptions, check_task_count_range
from ..core._typecheck import require_types
from ..core._validation import Checks, is_token, seconds

__all__ = [
    "DEFAULT_STOP_TIMEOUT",
    "QUEUE_URL_VARIABLE",
    "WORKER_CAPACITY",
    "BacklogScalingOptions",
    "QueueOptions",
    "QueueWorkerProps",
    "WorkerAlarmOptions",
]

QUEUE_URL_VARIABLE = "QUEUE_URL"
"""The environment variable that tells the app which queue to consume (its URL), so the app
needs no sqs:GetQueueUrl permission."""
WORKER_CAPACITY = CapacityStrategy(on_demand_base=1, on_demand_weight=0, spot_weight=1)
"""A worker's default capacity: the first task on regular Fargate, every further task on
Fargate Spot. Queue work is interruptible (an unfinished message becomes visible again and is
retried), which is what Spot's discount is for; the one on-demand task keeps the queue moving
while Spot capacity is reclaimed."""
DEFAULT_STOP_TIMEOUT = Duration.seconds(120)
"""A worker's stop timeout when the container keeps the core default (30 s): Fargate's maximum,
so the message in hand can finish after SIGTERM (a scale-in, a deployment or a Spot
interruption, whose warning is two minutes)."""

_MAX_VISIBILITY_S = 12 * 3600  # SQS: the longest visibility timeout
_MIN_RETENTION_S = 60  # SQS: the shortest retention period
_MAX_RETENTION_S = 14 * 86400  # SQS: the longest retention period
_SQS_DEFAULT_RETENTION_S = 4 * 86400
_CORE_STOP_TIMEOUT_S = 30
# Duration defaults (immutable, so one shared instance per value is safe).
_SECONDS_60 = Duration.seconds(60)
_SECONDS_300 = Duration.seconds(300)


@dataclass(frozen=True, kw_only=True)
class QueueOptions:
    """The SQS queue the worker consumes: created (with its dead-letter queue) or given.

    ``QueueOptions(processing_time=Duration.minutes(2), max_receive_count=3)``
    """

    queue: sqs.IQueue | None = None
    """A queue to consume instead of creating one, e.g. ``sqs.Queue.from_queue_arn(...)``.
    Default: a new queue, KMS-encrypted with a customer-managed key, TLS-only, with a
    dead-letter queue. A given queue keeps its own encryption, policy and redrive (its owner
    configures them); the task role still may only consume from it (and decrypt with its key
    when CDK knows it)."""
    processing_time: Duration = _SECONDS_60
    """The longest time the app takes to process one message. Default 60 s. 1 s to 12 h (the
    longest SQS visibility timeout). It derives the visibility timeout and, with
    ``BacklogScalingOptions.acceptable_latency``, the backlog each task may hold."""
    visibility_timeout: Duration | None = None
    """How long a received message stays hidden from other consumers. Default: twice
    ``processing_time`` plus 30 s, at most 12 h: a message is never handed to a second task
    while the first still works on it (a slow message, a pause), yet a task that dies releases
    its message within minutes. AWS advises six times the function timeout for Lambda, whose
    batches and retries differ; a worker deletes each message when done. From
    ``processing_time`` to 12 h. Only for a new queue."""
    max_receive_count: int = 5
    """Receives before a message moves to the dead-letter queue. Default 5: a transient error
    (a throttled dependency, a Spot interruption) is retried, a poison message stops being
    retried after five attempts instead of blocking a task forever. 1 to 1000. Only for a new
    queue."""
    retention_period: Duration | None = None
    """How long the queue keeps an unprocessed message. Default: SQS's 4 days, or longer when
    ``max_receive_count`` x the visibility timeout needs it, at most 14 days, so every
    allowed attempt can happen before a message expires. 60 s to 14 days. Only for a new queue.
    The dead-letter queue always keeps messages 14 days (the maximum), time to inspect and
    redrive them."""
    key: kms.IKey | None = None
    """The KMS key of the new queue and its dead-letter queue, e.g. the cluster's ``key``.
    Default: a new key with yearly rotation, for these queues only, so the task role's
    kms:Decrypt reaches no other data. Producers need kms:GenerateDataKey and kms:Decrypt on it
    (``queue.grant_send_messages`` grants both); an AWS service producer (SNS, EventBridge, S3)
    also needs a key policy statement (``QueueWorkerService.queue_key``). Only for a new
    queue."""
    removal_policy: RemovalPolicy = RemovalPolicy.RETAIN
    """What ``cdk destroy`` does to the new queues and their new key. Default RETAIN: queued
    messages are data (unprocessed work). DESTROY deletes them with the stack."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("QueueOptions")
        checks.duration_range("processing_time", self.processing_time, 1, _MAX_VISIBILITY_S)
        checks.known(
            "processing_time",
            self.processing_time,
            "the visibility timeout and the target backlog per task are computed from it",
        )
        checks.duration_range("visibility_timeout", self.visibility_timeout, 0, _MAX_VISIBILITY_S)
        processing, visibility = seconds(self.processing_time), seconds(self.visibility_timeout)
        if processing is not None and visibility is not None:
            checks.check(
                visibility >= processing,
                "visibility_timeout",
                f"{visibility:g}s",
                f"at least processing_time ({processing:g}s)",
                "Raise visibility_timeout, or leave it unset to derive it from processing_time.",
            )
        checks.int_range("max_receive_count", self.max_receive_count, 1, 1000)
        checks.duration_range(
            "retention_period", self.retention_period, _MIN_RETENTION_S, _MAX_RETENTION_S
        )
        if self.queue is not None:
            for name in ("visibility_timeout", "retention_period", "key"):
                checks.check(
                    getattr(self, name) is None,
                    name,
                    getattr(self, name),
                    "only for a queue this construct creates (queue not given)",
                    f"Drop {name}: the given queue's owner configures it, or drop queue.",
                )
        checks.done()

    @property
    def effective_visibility_timeout_s(self) -> int | None:
        """The visibility timeout in seconds (derived unless given), None for a token."""
        if self.visibility_timeout is not None:
            given = seconds(self.visibility_timeout)
            return None if given is None else int(given)
        processing = seconds(self.processing_time)
        if processing is None:
            return None
        return int(min(2 * processing + 30, _MAX_VISIBILITY_S))

    @property
    def effective_retention_s(self) -> int | None:
        """The retention period in seconds (derived unless given), None when not known."""
        if self.retention_period is not None:
            given = seconds(self.retention_period)
            return None if given is None else int(given)
        visibility = self.effective_visibility_timeout_s
        if visibility is None or is_token(self.max_receive_count):
            return _SQS_DEFAULT_RETENTION_S
        needed = self.max_receive_count * visibility
        return int(min(max(_SQS_DEFAULT_RETENTION_S, needed), _MAX_RETENTION_S))


@dataclass(frozen=True, kw_only=True)
class BacklogScalingOptions:
    """Scaling on the backlog per task, the method AWS documents for queue workers.

    ``BacklogScalingOptions(min_capacity=0, max_capacity=50,
    acceptable_latency=Duration.minutes(10))``
    """

    min_capacity: int = 1
    """Fewest tasks. Default 1: a message is picked up within seconds. 0 lets the worker
    scale to zero when the queue is empty (it costs nothing then); the first message then waits
    for a task to start, a few minutes: SQS publishes its metrics every minute and, after 6 h
    without activity, up to 15 minutes late. 0 to 5000."""
    max_capacity: int = 10
    """Most tasks. Default 10. ``min_capacity`` (and at least 1) to 5000."""
    acceptable_latency: Duration = _SECONDS_300
    """How long a message may wait in the queue before a task starts on it. Default 5 min.
    The target backlog per task is ``acceptable_latency / processing_time``: a task clears that
    many messages within the latency. More than ``QueueOptions.processing_time``, at most
    14 days (the longest retention)."""
    scale_in_cooldown: Duration = _SECONDS_300
    """Wait after a scale-in before the next one. Default 300 s (Application Auto Scaling's
    own default for ECS): a queue's arrivals are bursty, and a task stopped too early is
    started again a minute later. 0 to 3600 s."""
    scale_out_cooldown: Duration = _SECONDS_60
    """Wait after a scale-out before the next one. Default 60 s: a growing backlog is answered
    quickly. 0 to 3600 s."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("BacklogScalingOptions")
        check_task_count_range(checks, self.min_capacity, self.max_capacity)
        checks.duration_range("acceptable_latency", self.acceptable_latency, 1, _MAX_RETENTION_S)
        checks.known(
            "acceptable_latency",
            self.acceptable_latency,
            "the target backlog per task is computed from it",
        )
        checks.duration_range("scale_in_cooldown", self.scale_in_cooldown, 0, 3600)
        checks.duration_range("scale_out_cooldown", self.scale_out_cooldown, 0, 3600)
        checks.done()

    @property
    def may_scale_to_zero(self) -> bool:
        """True when the minimum is 0 (or only known at deploy time)."""
        return is_token(self.min_capacity) or self.min_capacity == 0


@dataclass(frozen=True, kw_only=True)
class WorkerAlarmOptions:
    """The worker's alarms and where they notify.

    Alarms: age of the oldest message, dead-letter queue not empty (for a new queue), CPU,
    memory, and running tasks (fewer than ``min_capacity``, or none while messages wait).
    ``WorkerAlarmOptions(topic=oncall_topic, oldest_message_age=Duration.minutes(30))``
    """

    topic: sns.ITopic | None = None
    """The SNS topic the alarms notify (ALARM and OK). Default: a new topic encrypted with its
    own KMS key (rotation on), publishing over TLS only, which CloudWatch alarms of this
    account may publish to. A given topic's key policy must let ``cloudwatch.amazonaws.com``
    use its key (kms:Decrypt, kms:GenerateDataKey*)."""
    oldest_message_age: Duration | None = None
    """ApproximateAgeOfOldestMessage (Maximum) alarms above this for 3 minutes. Default: twice
    ``acceptable_latency``, a wait scaling should have prevented (stuck tasks, ``max_capacity``
    reached, a poison message retried). 60 s to 14 days."""
    cpu_threshold_percent: int = 80
    """CPUUtilization (AWS/ECS, Average) alarms above this for 3 minutes. Default 80. 1 to
    100. Backlog scaling adds tasks for queued messages, not for CPU: a busy CPU says the task
    size is too small."""
    memory_threshold_percent: int = 80
    """MemoryUtilization (AWS/ECS, Average) alarms above this for 3 minutes. Default 80: a
    warning before tasks are stopped out of memory. 1 to 100."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("WorkerAlarmOptions")
        checks.duration_range("oldest_message_age", self.oldest_message_age, 60, _MAX_RETENTION_S)
        checks.known("oldest_message_age", self.oldest_message_age, "the alarm threshold")
        checks.int_range("cpu_threshold_percent", self.cpu_threshold_percent, 1, 100)
        checks.int_range("memory_threshold_percent", self.memory_threshold_percent, 1, 100)
        checks.done()


@dataclass(frozen=True, kw_only=True)
class QueueWorkerProps:
    """Props of :class:`QueueWorkerService`. Only ``container`` (with a health check command)
    is required.

    ``QueueWorkerProps(container=ContainerOptions(image=image,
    health_check=HealthCheck(command=["CMD", "/app/healthcheck"])))``
    """

    container: ContainerOptions
    """The worker container. It has no port (nobody connects to a worker), so its
    ``health_check.command`` is required. Its ``environment`` gets ``QUEUE_URL`` (the queue to
    consume), so that name is reserved. Its ``stop_timeout`` becomes 120 s (Fargate's maximum)
    when left at the core default of 30 s, so the message in hand finishes after SIGTERM; set
    another value to choose."""
    task: TaskOptions = field(default_factory=TaskOptions)
    """Task size, architecture, storage and tracing. Default: :class:`TaskOptions` (256 CPU
    units, 512 MiB, X86_64)."""
    queue: QueueOptions = field(default_factory=QueueOptions)
    """The queue consumed. Default: :class:`QueueOptions` (a new encrypted queue with a
    dead-letter queue, 60 s processing time)."""
    scaling: BacklogScalingOptions = field(default_factory=BacklogScalingOptions)
    """Backlog-per-task scaling. Default: :class:`BacklogScalingOptions` (1 to 10 tasks, 5 min
    acceptable latency)."""
    placement: PlacementOptions = field(default_factory=PlacementOptions)
    """Capacity, service name, initial count and ECS Exec. Its ``capacity`` defaults, for a
    worker, to :data:`WORKER_CAPACITY` (the first task on Fargate, the rest on Fargate Spot)
    rather than the cluster's strategy."""
    alarms: WorkerAlarmOptions | None = field(default_factory=WorkerAlarmOptions)
    """The alarms. Default: :class:`WorkerAlarmOptions` (a new encrypted topic). None creates
    no alarm (e.g. when a team monitors queues elsewhere)."""
    cluster: FargateCluster | None = None
    """The cluster to run in. Default: a new :class:`FargateCluster` (with Container Insights,
    which backlog scaling needs for its running-task count)."""
    task_protection: bool = False
    """Let the app protect its task from scale-in and deployments while it holds a message:
    the task role may call ecs:UpdateTaskProtection and ecs:GetTaskProtection on this cluster's
    tasks (ECS has no narrower resource), and the app calls
    ``PUT $ECS_AGENT_URI/task-protection/v1/state`` with ``{"ProtectionEnabled": true,
    "ExpiresInMinutes": n}`` before a long message and ``false`` after it. Default False: with
    messages shorter than the 120 s stop timeout, SIGTERM handling suffices; turn it on when
    messages take longer. Protection does not stop a Spot interruption."""

    def __post_init__(self) -> None:
        require_types(self)
        checks = Checks("QueueWorkerProps")
        check_no_port(checks, self.container, "a queue worker")
        check_health_check_command(checks, self.container)
        check_task_fits(checks, self.task, self.container)
        check_exec(checks, self.placement, self.container)
        checks.check(
            QUEUE_URL_VARIABLE not in self.container.environment
            and QUEUE_URL_VARIABLE not in self.container.secrets,
            "container.environment",
            QUEUE_URL_VARIABLE,
            f"names other than {QUEUE_URL_VARIABLE}, which the worker sets to the queue's URL",
            f"Read the queue from {QUEUE_URL_VARIABLE} in the app and drop your own entry.",
        )
        processing = seconds(self.queue.processing_time)
        latency = seconds(self.scaling.acceptable_latency)
        if processing is not None and latency is not None:
            checks.check(
                latency > processing,
                "scaling.acceptable_latency",
                f"{latency:g}s",
                f"more than queue.processing_time ({processing:g}s): a task must clear at "
                "least one message within the latency",
                "Raise acceptable_latency or lower processing_time.",
            )
        check_desired_count(
            checks, self.placement, self.scaling.min_capacity, self.scaling.max_capacity
        )
        checks.done()

    @property
    def capacity(self) -> CapacityStrategy:
        """The capacity strategy the service uses."""
        return self.placement.capacity if self.placement.capacity is not None else WORKER_CAPACITY

    @property
    def stop_timeout(self) -> Duration:
        """The container's stop timeout: 120 s unless the container chose another value."""
        given = seconds(self.container.stop_timeout)
        if given == _CORE_STOP_TIMEOUT_S:
            return DEFAULT_STOP_TIMEOUT
        return self.container.stop_timeout

    @property
    def target_backlog_per_task(self) -> float:
        """``acceptable_latency / processing_time``: the messages one task may hold."""
        latency = self.scaling.acceptable_latency.to_seconds(integral=False)
        processing = self.queue.processing_time.to_seconds(integral=False)
        return round(latency / processing, 3)

    @property
    def oldest_message_age_s(self) -> int:
        """The oldest-message alarm threshold in seconds."""
        alarms = self.alarms if self.alarms is not None else WorkerAlarmOptions()
        if alarms.oldest_message_age is not None:
            return int(alarms.oldest_message_age.to_seconds())
        return int(2 * self.scaling.acceptable_latency.to_seconds())
