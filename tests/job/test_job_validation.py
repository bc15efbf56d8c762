"""ScheduledJobProps and its option structs: each bad value is a ConfigurationError naming the
prop, before any resource; schedule expressions and time zones are checked field by field;
tokens pass through where the value is not needed at synthesis."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration
from aws_cdk import aws_ecs as ecs

import ecs_patterns as ep
from ecs_patterns.job._expression import expression_problem, time_zone_problem
from tests.conftest import new_stack
from tests.stacks.job import HEALTH, JOB_IMAGE, NIGHTLY

IMAGE = ecs.ContainerImage.from_registry(JOB_IMAGE)


def _container(**kwargs: Any) -> ep.ContainerOptions:
    kwargs.setdefault("health_check", HEALTH)
    return ep.ContainerOptions(image=IMAGE, **kwargs)


def _refused(make: Callable[[], object]) -> ep.ConfigurationError:
    with pytest.raises(ep.ConfigurationError) as raised:
        make()
    return raised.value


# -- schedule expressions --------------------------------------------------------------------------

VALID = [
    "cron(0 3 * * ? *)",
    "cron(0/15 8-17 ? * MON-FRI *)",
    "cron(*/5 * * * ? *)",
    "cron(0 2 L * ? *)",
    "cron(0 9 15W * ? *)",
    "cron(30 6 ? * 6L *)",
    "cron(0 12 ? * 3#2 *)",
    "cron(0 12 ? * L *)",
    "cron(0,30 0-23/2 1,15 JAN-MAR,dec ? 2026-2030)",
    "cron(59 23 31 12 ? 2199)",
    "cron(0 0 1 1 ? 1970)",
    "cron(05 07 ? * sun *)",
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(12 hours)",
    "rate(1 day)",
    "rate(30 days)",
]


@pytest.mark.parametrize("expression", VALID)
def test_valid_expressions_are_accepted(expression: str) -> None:
    assert expression_problem(expression) is None
    assert ep.ScheduleOptions(expression=expression).expression == expression


# (expression, text the refusal must contain)
INVALID = [
    ("cron(60 3 * * ? *)", "minutes of 0-59"),
    ("cron(0 24 * * ? *)", "hours of 0-23"),
    ("cron(0 3 0 * ? *)", "day-of-month of 1-31"),
    ("cron(0 3 32 * ? *)", "32 is outside 1-31"),
    ("cron(0 3 * 13 ? *)", "month of 1-12"),
    ("cron(0 3 ? * 8 *)", "day-of-week of 1-7"),
    ("cron(0 3 * * ? 1969)", "year of 1970-2199"),
    ("cron(0 3 * * ? 2200)", "year"),
    ("cron(0 3 * * * *)", "exactly one of day-of-month and day-of-week"),
    ("cron(0 3 ? * ? *)", "exactly one of day-of-month and day-of-week"),
    ("cron(0 3 1 * MON *)", "exactly one of day-of-month and day-of-week"),
    ("cron(0 3 * * ?)", "Unix cron has five fields"),
    ("cron(0 3 * * ? * *)", "six fields"),
    ("cron(0  3 * * ? *)", "single spaces"),
    ("cron(? 3 * * ? *)", "'?' is only for day-of-month and day-of-week"),
    ("cron(*/0 3 * * ? *)", "the step after '/'"),
    ("cron(*/60 3 * * ? *)", "from 1 to 59"),
    ("cron(0/ 3 * * ? *)", "the step after '/'"),
    ("cron(0/5/2 3 * * ? *)", "one '/'"),
    ("cron(17-5 3 * * ? *)", "a range must go upwards"),
    ("cron(0 3 ? * FRI-MON *)", "a range must go upwards"),
    ("cron(1-2-3 3 * * ? *)", "a range has one '-'"),
    ("cron(0,,5 3 * * ? *)", "an empty list element"),
    ("cron(0 3 * FOO ? *)", "'FOO' is not a value of month"),
    ("cron(0 3 * * ? MON)", "'MON' is not a value of year"),
    ("cron(0 3 1,L * ? *)", "L stands alone"),
    ("cron(0 3 32W * ? *)", "W must be 1-31"),
    ("cron(0 3 ? * 8L *)", "nL needs a day"),
    ("cron(0 3 ? * 3#6 *)", "the week after # must be 1-5"),
    ("cron(0 3 ? * 9#1 *)", "n#k needs a day"),
    ("cron(0 3 ? * 1#2,3 *)", "stand alone"),
    ("cron(0 3 ? * 6L,2 *)", "stand alone"),
    ("rate(0 minutes)", "a value of 1 or more"),
    ("rate(05 minutes)", "no leading 0"),
    ("rate(1 minutes)", "rate(1 minute)"),
    ("rate(5 minute)", "rate(5 minutes)"),
    ("rate(2 weeks)", "minute(s), hour(s) or day(s)"),
    ("rate(1.5 hours)", "minute(s), hour(s) or day(s)"),
    ("rate(-1 hours)", "minute(s), hour(s) or day(s)"),
    ("rate(1 Hour)", "minute(s), hour(s) or day(s)"),
    ("at(2026-12-24T18:00:00)", "at(...) runs once"),
    ("0 3 * * *", "cron(minutes hours day-of-month month day-of-week year) or rate"),
    ("cron (0 3 * * ? *)", "or rate(value unit)"),
    (" cron(0 3 * * ? *)", "or rate(value unit)"),
    ("CRON(0 3 * * ? *)", "or rate(value unit)"),
    ("", "or rate(value unit)"),
]


@pytest.mark.parametrize(("expression", "expected"), INVALID, ids=[e for e, _ in INVALID])
def test_invalid_expressions_are_refused_naming_the_prop_and_the_field(
    expression: str, expected: str
) -> None:
    err = _refused(lambda: ep.ScheduleOptions(expression=expression))
    assert err.props_class == "ScheduleOptions"
    assert err.props == ("expression",)
    problem = err.problems[0]
    assert problem.value == expression
    assert expected in f"{problem.allowed} {problem.fix}", str(err)


def test_a_refused_cron_names_the_field_and_shows_examples() -> None:
    err = _refused(lambda: ep.ScheduleOptions(expression="cron(0 25 * * ? *)"))
    assert str(err.problems[0]) == (
        "expression='cron(0 25 * * ? *)' is not valid; allowed: hours of 0-23 and the "
        "characters the field allows (25 is outside 0-23). Fix that field; e.g. "
        "cron(0 3 * * ? *) (03:00 every day), cron(0/15 8-17 ? * MON-FRI *) (every 15 minutes "
        "in office hours), cron(0 2 L * ? *) (02:00 on the last day of the month)."
    )


# -- time zones ------------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"])
def test_iana_time_zones_are_accepted(zone: str) -> None:
    assert time_zone_problem(zone) is None
    ep.ScheduleOptions(expression=NIGHTLY, time_zone=zone)


@pytest.mark.parametrize("zone", ["CEST", "Mars/Olympus", "+02:00", "Factory", "localtime", ""])
def test_unknown_time_zones_are_refused(zone: str) -> None:
    err = _refused(lambda: ep.ScheduleOptions(expression=NIGHTLY, time_zone=zone))
    assert err.props == ("time_zone",)
    assert "IANA time zone" in err.problems[0].allowed


def test_a_time_zone_in_the_wrong_case_gets_a_suggestion() -> None:
    err = _refused(lambda: ep.ScheduleOptions(expression=NIGHTLY, time_zone="europe/berlin"))
    assert "Did you mean 'Europe/Berlin'?" in err.problems[0].fix


# -- the other option values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "props_class", "prop"),
    [
        (
            lambda: ep.ScheduleOptions(expression=NIGHTLY, flexible_window=Duration.seconds(30)),
            "ScheduleOptions",
            "flexible_window",
        ),
        (
            lambda: ep.ScheduleOptions(expression=NIGHTLY, flexible_window=Duration.seconds(90)),
            "ScheduleOptions",
            "flexible_window",
        ),
        (
            lambda: ep.ScheduleOptions(expression=NIGHTLY, flexible_window=Duration.hours(25)),
            "ScheduleOptions",
            "flexible_window",
        ),
        (
            lambda: ep.ScheduleOptions(expression=NIGHTLY, retry_attempts=-1),
            "ScheduleOptions",
            "retry_attempts",
        ),
        (
            lambda: ep.ScheduleOptions(expression=NIGHTLY, retry_attempts=186),
            "ScheduleOptions",
            "retry_attempts",
        ),
        (
            lambda: ep.ScheduleOptions(expression=NIGHTLY, max_event_age=Duration.seconds(59)),
            "ScheduleOptions",
            "max_event_age",
        ),
        (
            lambda: ep.ScheduleOptions(expression=NIGHTLY, max_event_age=Duration.hours(25)),
            "ScheduleOptions",
            "max_event_age",
        ),
        (lambda: ep.RunOptions(max_run_time=Duration.seconds(59)), "RunOptions", "max_run_time"),
        (lambda: ep.RunOptions(max_run_time=Duration.days(365)), "RunOptions", "max_run_time"),
        (lambda: ep.RunOptions(max_run_time=Duration.millis(90500)), "RunOptions", "max_run_time"),
        (lambda: ep.RunOptions(start_attempts=0), "RunOptions", "start_attempts"),
        (lambda: ep.RunOptions(start_attempts=11), "RunOptions", "start_attempts"),
        (
            lambda: ep.ScheduledJobProps(
                container=_container(port=8080), schedule=ep.ScheduleOptions(expression=NIGHTLY)
            ),
            "ScheduledJobProps",
            "container.port",
        ),
        (
            lambda: ep.ScheduledJobProps(
                container=ep.ContainerOptions(image=IMAGE),
                schedule=ep.ScheduleOptions(expression=NIGHTLY),
            ),
            "ScheduledJobProps",
            "container.health_check.command",
        ),
        (
            lambda: ep.ScheduledJobProps(
                container=_container(memory_reservation_mib=1024),
                schedule=ep.ScheduleOptions(expression=NIGHTLY),
            ),
            "ScheduledJobProps",
            "container.memory_reservation_mib",
        ),
        (
            lambda: ep.ScheduledJobProps(
                container=_container(),
                task=ep.TaskOptions(tracing=True),
                schedule=ep.ScheduleOptions(expression=NIGHTLY),
            ),
            "ScheduledJobProps",
            "task.cpu",
        ),
    ],
)
def test_each_bad_value_is_refused_naming_the_prop(
    make: Callable[[], object], props_class: str, prop: str
) -> None:
    err = _refused(make)
    assert err.props_class == props_class
    assert prop in err.props, str(err)


def test_every_problem_is_reported_at_once() -> None:
    err = _refused(
        lambda: ep.ScheduleOptions(
            expression="cron(0 3 * * *)",
            time_zone="CEST",
            retry_attempts=200,
            max_event_age=Duration.days(2),
        )
    )
    assert err.props == ("expression", "time_zone", "retry_attempts", "max_event_age")


def test_a_schedule_is_required() -> None:
    with pytest.raises(TypeError, match="schedule"):
        ep.ScheduledJobProps(container=_container())  # type: ignore[call-arg]


def test_tokens_pass_where_the_value_is_not_needed_at_synthesis() -> None:
    stack = new_stack("JobTokens")
    expression = CfnParameter(stack, "Expression").value_as_string
    zone = CfnParameter(stack, "Zone").value_as_string
    attempts = CfnParameter(stack, "Attempts", type="Number").value_as_number
    options = ep.ScheduleOptions(expression=expression, time_zone=zone, retry_attempts=attempts)  # type: ignore[arg-type]
    assert options.expression == expression


def test_a_deploy_time_maximum_run_time_is_refused() -> None:
    stack = new_stack("JobRunToken")
    minutes = CfnParameter(stack, "Minutes", type="Number").value_as_number
    err = _refused(lambda: ep.RunOptions(max_run_time=Duration.minutes(minutes)))
    assert err.props == ("max_run_time",)
    assert "known at synthesis" in err.problems[0].allowed
