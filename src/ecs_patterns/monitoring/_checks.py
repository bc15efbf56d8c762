"""What every monitoring construct checks and wires the same way: the alarm window, the
alarm-name prefix, the subscriptions, the notification topic, and alarms that notify it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import urlsplit

from aws_cdk import Duration, Names
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from ..core._validation import Checks, is_token, seconds
from ._alarms import alarm_topic, allow_alarm_publishing

__all__ = [
    "MAX_ALARM_NAME_PREFIX",
    "Notifier",
    "check_alarm_window",
    "check_subscriptions",
    "notification_topic",
]

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[A-Za-z]{2,}$")
# Alarm names are at most 255 characters; the longest suffix a construct adds is 15.
MAX_ALARM_NAME_PREFIX = 200
_DAY_S = 86_400
_WEEK_S = 7 * _DAY_S


def check_alarm_window(
    checks: Checks,
    *,
    period: Duration,
    evaluation_periods: int,
    datapoints_to_alarm: int,
    alarm_name_prefix: str | None,
) -> None:
    """The period (whole minutes up to a day), M of N datapoints, CloudWatch's limit on
    period x evaluation periods, and a printable alarm-name prefix."""
    period_s = seconds(period)
    if period_s is not None:
        checks.check(
            period_s >= 60 and period_s % 60 == 0 and period_s <= _DAY_S,
            "period",
            f"{period_s:g}s",
            "a multiple of 60 s up to 1 day (ECS and ALB metrics have 1-minute resolution)",
            "Set period to Duration.minutes(1) or another whole number of minutes.",
        )
    checks.int_range("evaluation_periods", evaluation_periods, 1, 1440)
    if isinstance(evaluation_periods, int) and not is_token(evaluation_periods):
        checks.int_range(
            "datapoints_to_alarm",
            datapoints_to_alarm,
            1,
            max(min(evaluation_periods, 1440), 1),
            "Set datapoints_to_alarm (the M of 'M out of N') no higher than "
            "evaluation_periods (the N).",
        )
        if period_s is not None and evaluation_periods >= 1:
            limit = _DAY_S if period_s < 3600 else _WEEK_S
            checks.check(
                period_s * evaluation_periods <= limit,
                "evaluation_periods",
                evaluation_periods,
                f"period x evaluation_periods of at most {limit // _DAY_S} day(s) "
                f"(CloudWatch), here {period_s:g}s x {evaluation_periods}",
                "Lower evaluation_periods or period.",
            )
    prefix = alarm_name_prefix
    if prefix is not None and not is_token(prefix):
        checks.check(
            0 < len(prefix) <= MAX_ALARM_NAME_PREFIX and prefix.isprintable(),
            "alarm_name_prefix",
            prefix,
            f"1 to {MAX_ALARM_NAME_PREFIX} printable characters",
            "Use a short prefix such as 'prod-web'.",
        )


def check_subscriptions(checks: Checks, emails: Sequence[str], urls: Sequence[str]) -> None:
    """Email addresses that look like addresses, https:// endpoints, each given once."""
    for email in _endpoints(checks, "email_subscriptions", emails):
        checks.check(
            bool(_EMAIL.match(email)),
            "email_subscriptions",
            email,
            "email addresses such as 'oncall@example.com'",
            "Fix the address, or move a webhook URL to https_subscriptions.",
        )
    for url in _endpoints(checks, "https_subscriptions", urls):
        parts = urlsplit(url)
        checks.check(
            parts.scheme == "https" and bool(parts.hostname),
            "https_subscriptions",
            url,
            "https:// URLs with a host",
            "Use the endpoint's https:// URL; plain HTTP would send alarms unencrypted.",
        )


def _endpoints(checks: Checks, name: str, values: Sequence[str]) -> list[str]:
    """The resolved entries of a subscription list (its type is checked already)."""
    resolved = [v for v in values if not is_token(v)]
    duplicates = sorted({v for v in resolved if resolved.count(v) > 1})
    checks.check(not duplicates, name, duplicates, "each endpoint once", "Remove repeats.")
    return resolved


def notification_topic(
    scope: Construct,
    topic: sns.ITopic | None,
    emails: Sequence[str],
    urls: Sequence[str],
) -> tuple[sns.ITopic, kms.IKey | None]:
    """The given topic, or a new encrypted one (``Topic`` and ``TopicKey`` in ``scope``), open
    to CloudWatch alarms, with the email and HTTPS subscriptions added."""
    key: kms.IKey | None = None
    if topic is None:
        topic, key = alarm_topic(scope, "Topic")
    allow_alarm_publishing(topic)
    for email in emails:
        topic.add_subscription(subscriptions.EmailSubscription(email))
    for url in urls:
        topic.add_subscription(
            subscriptions.UrlSubscription(url, protocol=sns.SubscriptionProtocol.HTTPS)
        )
    return topic, key


class NotifierProps(Protocol):
    """The props fields a :class:`Notifier` reads (both monitoring props classes have them)."""

    @property
    def alarm_name_prefix(self) -> str | None: ...
    @property
    def topic(self) -> sns.ITopic | None: ...
    @property
    def email_subscriptions(self) -> Sequence[str]: ...
    @property
    def https_subscriptions(self) -> Sequence[str]: ...
    @property
    def evaluation_periods(self) -> int: ...
    @property
    def datapoints_to_alarm(self) -> int: ...


class Notifier:
    """The alarm-name prefix, the topic and the alarms of one monitoring construct.

    Every alarm it makes is named ``<prefix>-<id>`` and sends both ALARM and OK notifications
    to the topic (the given one, or a new encrypted one in ``scope``).
    """

    def __init__(
        self,
        scope: Construct,
        *,
        prefix: str | None,
        topic: sns.ITopic | None,
        emails: Sequence[str],
        urls: Sequence[str],
        evaluation_periods: int,
        datapoints_to_alarm: int,
    ) -> None:
        self._scope = scope
        self.prefix = (
            prefix
            if prefix is not None
            else Names.unique_resource_name(scope, max_length=MAX_ALARM_NAME_PREFIX, separator="-")
        )
        self.topic, self.key = notification_topic(scope, topic, emails, urls)
        self._action = cw_actions.SnsAction(self.topic)
        self._evaluation_periods = evaluation_periods
        self._datapoints_to_alarm = datapoints_to_alarm

    @classmethod
    def of(cls, scope: Construct, props: NotifierProps) -> Notifier:
        """The notifier a monitoring construct's props describe."""
        return cls(
            scope,
            prefix=props.alarm_name_prefix,
            topic=props.topic,
            emails=props.email_subscriptions,
            urls=props.https_subscriptions,
            evaluation_periods=props.evaluation_periods,
            datapoints_to_alarm=props.datapoints_to_alarm,
        )

    def notify(self, alarm: cloudwatch.AlarmBase) -> None:
        """Send the alarm's ALARM and OK state changes to the topic."""
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)

    def alarm(
        self,
        id: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
        missing: cloudwatch.TreatMissingData,
        description: str,
    ) -> cloudwatch.Alarm:
        """A metric alarm over the construct's window that notifies the topic."""
        alarm = cloudwatch.Alarm(
            self._scope,
            id,
            alarm_name=f"{self.prefix}-{id}",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=self._evaluation_periods,
            datapoints_to_alarm=self._datapoints_to_alarm,
            treat_missing_data=missing,
        )
        self.notify(alarm)
        return alarm

    def any_of(
        self, id: str, alarms: Sequence[cloudwatch.IAlarm], description: str
    ) -> cloudwatch.CompositeAlarm:
        """A composite alarm in ALARM when any of ``alarms`` is, notifying the topic."""
        composite = cloudwatch.CompositeAlarm(
            self._scope,
            id,
            composite_alarm_name=f"{self.prefix}-{id}",
            alarm_description=description,
            alarm_rule=cloudwatch.AlarmRule.any_of(*alarms),
        )
        self.notify(composite)
        return composite
