"""Validation of EventBridge Scheduler expressions and time zones, without AWS.

EventBridge Scheduler accepts ``cron(minutes hours day-of-month month day-of-week year)`` and
``rate(value unit)`` for recurring schedules (EventBridge Scheduler User Guide, "Schedule types
on EventBridge Scheduler"). It rejects a bad expression only when CloudFormation creates the
schedule, minutes into a deployment; these pure functions find the same mistakes at synthesis,
field by field, so the message can say which field is wrong and why.

The cron grammar accepted here is the documented one, kept deliberately strict where the guide
is silent (a range must go upwards, ``L``, ``W`` and ``#`` stand alone in their field): a
refusal names the field and a way to write the same schedule, whereas an accepted expression
that AWS later rejects costs a failed deployment.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache

__all__ = [
    "CRON_FIELDS",
    "RATE_UNITS",
    "CronField",
    "ExpressionProblem",
    "cron_problem",
    "expression_problem",
    "time_zone_problem",
]

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class CronField:
    """One field of a Scheduler cron expression: its range, names and special characters."""

    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    """Names for the values ``low`` .. ``high`` in order (months, days of the week)."""
    question_mark: bool = False
    """``?`` (no specific value) is allowed: day-of-month and day-of-week only."""

    def value(self, text: str) -> int | None:
        """The number ``text`` stands for, or None when it is neither a number nor a name."""
        if text.isdigit() and len(text) <= 4:
            return int(text)
        upper = text.upper()
        if upper in self.names:
            return self.low + self.names.index(upper)
        return None

    @property
    def allowed_values(self) -> str:
        names = f" or {self.names[0]}-{self.names[-1]}" if self.names else ""
        return f"{self.low}-{self.high}{names}"


CRON_FIELDS = (
    CronField("minutes", 0, 59),
    CronField("hours", 0, 23),
    CronField("day-of-month", 1, 31, question_mark=True),
    CronField("month", 1, 12, names=_MONTHS),
    CronField("day-of-week", 1, 7, names=_DAYS, question_mark=True),
    CronField("year", 1970, 2199),
)
"""The six fields, in order, with the ranges of the EventBridge Scheduler guide."""

RATE_UNITS = ("minute", "minutes", "hour", "hours", "day", "days")
"""The units of ``rate(value unit)``: singular for a value of 1, plural above. The Scheduler
guide lists the plural forms; the singular for 1 is what the EventBridge guide requires of
rate expressions and what aws-cdk-lib's ``ScheduleExpression.rate`` writes (``rate(1 hour)``),
so both spellings of one schedule are never accepted side by side."""

_RATE_RE = re.compile(r"rate\((?P<value>[0-9]+) (?P<unit>[a-z]+)\)")
_STEP_RE = re.compile(r"(?P<base>[^/]+)/(?P<step>[^/]*)")
_NTH_RE = re.compile(r"(?P<day>[^#]+)#(?P<nth>[^#]*)")
_CRON_EXAMPLE = "cron(0 3 * * ? *) (03:00 every day)"
_RATE_EXAMPLE = "rate(1 hour) or rate(15 minutes)"


@dataclass(frozen=True)
class ExpressionProblem:
    """Why an expression is refused (``allowed``) and how to write it instead (``fix``)."""

    allowed: str
    fix: str


def expression_problem(expression: str) -> ExpressionProblem | None:
    """None when ``expression`` is a valid recurring Scheduler expression, else the problem."""
    if expression.startswith("cron(") and expression.endswith(")"):
        return cron_problem(expression[len("cron(") : -1])
    if expression.startswith("rate(") and expression.endswith(")"):
        return _rate_problem(expression)
    if expression.startswith("at("):
        return ExpressionProblem(
            "a recurring cron(...) or rate(...) expression; at(...) runs once",
            "Schedule a recurring job with cron(...) or rate(...); run a one-off task with "
            "'aws ecs run-task' on the job's task definition instead.",
        )
    return ExpressionProblem(
        "cron(minutes hours day-of-month month day-of-week year) or rate(value unit)",
        f"Write e.g. {_CRON_EXAMPLE} or {_RATE_EXAMPLE}, with no spaces around the parentheses.",
    )


def _rate_problem(expression: str) -> ExpressionProblem | None:
    match = _RATE_RE.fullmatch(expression)
    fix = f"Write e.g. {_RATE_EXAMPLE}: a whole number, one space, then the unit."
    if match is None or match["unit"] not in RATE_UNITS:
        return ExpressionProblem(
            "rate(value unit): a whole number of 1 or more and minute(s), hour(s) or day(s)",
            fix,
        )
    value, unit = int(match["value"]), match["unit"]
    if value < 1 or match["value"].startswith("0"):
        return ExpressionProblem("rate(value unit) with a value of 1 or more (no leading 0)", fix)
    singular = unit.rstrip("s")
    expected = singular if value == 1 else f"{singular}s"
    if unit != expected:
        return ExpressionProblem(
            f"the unit in the singular for a value of 1, in the plural above (rate({value} "
            f"{expected}))",
            f"Write rate({value} {expected}).",
        )
    return None


def cron_problem(fields_text: str) -> ExpressionProblem | None:
    """The problem of the six space-separated fields inside ``cron(...)``, or None."""
    fields = fields_text.split(" ")
    if len(fields) != len(CRON_FIELDS) or "" in fields:
        five = " (Unix cron has five fields: add the year, e.g. '*')" if len(fields) == 5 else ""
        return ExpressionProblem(
            "cron(minutes hours day-of-month month day-of-week year): six fields separated by "
            f"single spaces{five}",
            f"Write e.g. {_CRON_EXAMPLE}.",
        )
    for field, text in zip(CRON_FIELDS, fields, strict=True):
        problem = _field_problem(field, text)
        if problem is not None:
            return ExpressionProblem(
                f"{field.name} of {field.allowed_values} and the characters the field allows "
                f"({problem})",
                "Fix that field; e.g. "
                f"{_CRON_EXAMPLE}, cron(0/15 8-17 ? * MON-FRI *) (every 15 minutes in office "
                "hours), cron(0 2 L * ? *) (02:00 on the last day of the month).",
            )
    day_of_month, day_of_week = fields[2], fields[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        return ExpressionProblem(
            "exactly one of day-of-month and day-of-week as '?' (the guide: both cannot be "
            f"specified; got {day_of_month!r} and {day_of_week!r})",
            "Put '?' in the field you do not use: cron(0 3 * * ? *) for every day, "
            "cron(0 3 ? * MON *) for Mondays.",
        )
    return None


def _field_problem(field: CronField, text: str) -> str | None:
    """Why ``text`` is not a valid value of ``field``, or None."""
    if text == "?":
        return None if field.question_mark else "'?' is only for day-of-month and day-of-week"
    if field.name == "day-of-month" and ("L" in text.upper() or "W" in text.upper()):
        return _day_of_month_special(field, text)
    if field.name == "day-of-week" and ("L" in text.upper() or "#" in text):
        special = _day_of_week_special(field, text)
        if special != "not special":
            return special
    for element in text.split(","):
        problem = _element_problem(field, element)
        if problem is not None:
            return problem
    return None


def _day_of_month_special(field: CronField, text: str) -> str | None:
    """``L`` (the last day) or ``nW`` (the weekday nearest day n), alone in the field."""
    upper = text.upper()
    if upper == "L":
        return None
    if upper.endswith("W") and upper[:-1].isdigit():
        day = int(upper[:-1])
        return None if 1 <= day <= 31 else f"'{text}': the day before W must be 1-31"
    return f"'{text}': L stands alone (the last day), W follows a day (15W), neither in a list"


def _day_of_week_special(field: CronField, text: str) -> str | None:
    """``L`` (Saturday), ``nL`` (the last day n of the month), ``n#k`` (the k-th day n)."""
    upper = text.upper()
    if upper == "L":
        return None
    if "," in text:
        return f"'{text}': L and # stand alone in day-of-week, not in a list"
    if upper.endswith("L"):
        day = field.value(upper[:-1])
        if day is None or not field.low <= day <= field.high:
            return f"'{text}': nL needs a day 1-7 or SUN-SAT before L (6L: the last Friday)"
        return None
    match = _NTH_RE.fullmatch(upper)
    if match is None:
        return "not special"
    day = field.value(match["day"])
    if day is None or not field.low <= day <= field.high:
        return f"'{text}': n#k needs a day 1-7 or SUN-SAT before # (3#2: the second Tuesday)"
    if not (match["nth"].isdigit() and 1 <= int(match["nth"]) <= 5):
        return f"'{text}': the week after # must be 1-5"
    return None


def _element_problem(field: CronField, element: str) -> str | None:
    """``*``, ``v``, ``a-b``, each optionally ``/step``."""
    if element == "":
        return "an empty list element (two commas, or a comma at an end)"
    base, step = element, None
    match = _STEP_RE.fullmatch(element)
    if match is not None:
        base, step = match["base"], match["step"]
    elif "/" in element:
        return f"'{element}': one '/' between a start and a step"
    if step is not None:
        span = field.high - field.low
        if not (step.isdigit() and 1 <= int(step) <= span):
            return f"'{element}': the step after '/' must be a whole number from 1 to {span}"
    if base == "*":
        return None
    bounds = base.split("-")
    if len(bounds) > 2:
        return f"'{element}': a range has one '-'"
    values = [field.value(b) for b in bounds]
    for bound, value in zip(bounds, values, strict=True):
        if value is None:
            return f"'{bound}' is not a value of {field.name}"
        if not field.low <= value <= field.high:
            return f"{value} is outside {field.low}-{field.high}"
    low, high = values[0], values[-1]
    if low is not None and high is not None and low > high:
        return (
            f"'{base}': a range must go upwards (write a wrapping range as two, e.g. "
            "FRI-SAT,SUN-MON)"
        )
    return None


@cache
def _time_zones() -> frozenset[str]:
    # 'Factory' and 'localtime' are placeholders of the tz database, not places.
    return frozenset(zoneinfo.available_timezones()) - {"Factory", "localtime", "posixrules"}


_TZ_SHAPE = re.compile(r"UTC|[A-Z][A-Za-z_+-]*(/[A-Za-z0-9_+-]+){1,2}|Etc/[A-Za-z0-9+-]+")


def time_zone_problem(name: str) -> ExpressionProblem | None:
    """None when ``name`` is a time zone of the IANA tz database, else the problem.

    Checked against Python's ``zoneinfo`` (the system's tz database, or the ``tzdata``
    package); where neither is installed only the shape of the name is checked.
    """
    zones = _time_zones()
    known = name in zones if zones else _TZ_SHAPE.fullmatch(name) is not None
    if known:
        return None
    close = sorted(z for z in zones if z.lower() == name.lower())
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ExpressionProblem(
        "an IANA time zone name such as 'UTC', 'Europe/Berlin' or 'America/New_York'",
        "Use the tz database name of the place whose local time the cron fields mean "
        f"(not an abbreviation like 'CET' or an offset).{hint}",
    )
