"""Properties of the scheduled job's schedule expression validator and option structs.

Expressions are generated from the grammar of the EventBridge Scheduler guide (every field,
lists, ranges, steps, names in any case, ``?``, ``L``, ``W``, ``#``): each is accepted. Each
generated mutation of a valid expression (a value out of its field's range, a backwards range,
a step of 0, an empty list element, an unknown name, a missing or extra field, both or neither
of the day fields as ``?``, a rate in the wrong number) is refused with a ConfigurationError
naming ``expression`` only. Arbitrary text never raises anything else, and whatever is
accepted has every number in its field's range (a check independent of the validator). The
option structs are held to the shared ``outcome`` check. No synthesis.
"""

from __future__ import annotations

import re

import pytest
from aws_cdk import App, Stack
from hypothesis import given
from hypothesis import strategies as st

import ecs_patterns as ep
from ecs_patterns.job._expression import CRON_FIELDS, CronField, expression_problem
from tests.conftest import CDK_CONTEXT, ENV
from tests.property import strategies as gen
from tests.property.strategies import Spec
from tests.property.test_props_properties import outcome

_DAY = 86400
_NAMES = {"month": 3, "day-of-week": 4}  # field index of the fields that take names


@pytest.fixture(scope="module")
def scope() -> Stack:
    return Stack(App(context=dict(CDK_CONTEXT)), "JobProps", env=ENV)


def _value(field: CronField) -> st.SearchStrategy[str]:
    numbers = st.integers(field.low, field.high).map(str)
    if not field.names:
        return numbers
    names = st.tuples(st.sampled_from(field.names), st.sampled_from([str.upper, str.lower]))
    return st.one_of(numbers, names.map(lambda pair: pair[1](pair[0])))


def _number(field: CronField, text: str) -> int:
    value = field.value(text)
    assert value is not None
    return value


@st.composite
def _element(draw: st.DrawFn, field: CronField) -> str:
    kind = draw(st.sampled_from(["*", "value", "range", "*/step", "value/step", "range/step"]))
    base = "*"
    if kind.startswith("value"):
        base = draw(_value(field))
    elif kind.startswith("range"):
        a, b = draw(_value(field)), draw(_value(field))
        low, high = sorted([a, b], key=lambda text: _number(field, text))
        base = f"{low}-{high}"
    if kind.endswith("step"):
        return f"{base}/{draw(st.integers(1, field.high - field.low))}"
    return base


def _general(field: CronField) -> st.SearchStrategy[str]:
    return st.lists(_element(field), min_size=1, max_size=3).map(",".join)


def _day_of_month_special() -> st.SearchStrategy[str]:
    return st.one_of(st.just("L"), st.integers(1, 31).map(lambda d: f"{d}W"))


def _day_of_week_special() -> st.SearchStrategy[str]:
    day = _value(CRON_FIELDS[4])
    return st.one_of(
        st.just("L"),
        day.map(lambda d: f"{d}L"),
        st.tuples(day, st.integers(1, 5)).map(lambda pair: f"{pair[0]}#{pair[1]}"),
    )


@st.composite
def cron_fields(draw: st.DrawFn) -> list[str]:
    """The six fields of a valid cron expression."""
    fields = [draw(_general(field)) for field in CRON_FIELDS]
    if draw(st.booleans()):  # a day of the month: day-of-week is '?'
        fields[2] = draw(st.one_of(_general(CRON_FIELDS[2]), _day_of_month_special()))
        fields[4] = "?"
    else:
        fields[2] = "?"
        fields[4] = draw(st.one_of(_general(CRON_FIELDS[4]), _day_of_week_special()))
    return fields


def _cron(fields: list[str]) -> str:
    return f"cron({' '.join(fields)})"


@st.composite
def rates(draw: st.DrawFn) -> str:
    value = draw(st.integers(1, 100000))
    unit = draw(st.sampled_from(["minute", "hour", "day"]))
    return f"rate({value} {unit}{'' if value == 1 else 's'})"


@given(expression=st.one_of(cron_fields().map(_cron), rates()))
def test_every_expression_of_the_grammar_is_accepted(expression: str) -> None:
    assert expression_problem(expression) is None, expression
    assert ep.ScheduleOptions(expression=expression).expression == expression


def _out_of_range(field: CronField) -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, field.low - 1) if field.low > 0 else st.nothing(),
        st.integers(field.high + 1, 9999),
    ).map(str)


@st.composite
def broken_crons(draw: st.DrawFn) -> str:
    """A valid expression with one mistake."""
    fields = draw(cron_fields())
    general = [i for i, text in enumerate(fields) if text != "?"]
    index = draw(st.sampled_from(general))
    field = CRON_FIELDS[index]
    mistake = draw(
        st.sampled_from(
            ["out of range", "backwards", "step 0", "empty", "unknown name", "count", "days"]
        )
    )
    if mistake == "out of range":
        fields[index] = draw(_out_of_range(field))
    elif mistake == "backwards":
        low = draw(st.integers(field.low, field.high - 1))
        high = draw(st.integers(low + 1, field.high))
        fields[index] = f"{high}-{low}"
    elif mistake == "step 0":
        fields[index] = f"*/{draw(st.sampled_from(['0', '', 'x']))}"
    elif mistake == "empty":
        fields[index] = draw(st.sampled_from([f"{fields[index]},", f",{fields[index]}", ""]))
        if fields[index] == "":
            fields[index] = f"{field.low},,{field.low}"
    elif mistake == "unknown name":
        fields[index] = draw(st.sampled_from(["FOO", "MONDAY", "JANUARY", "X", "1.5", "#"]))
    elif mistake == "count":
        if draw(st.booleans()):
            fields.pop(draw(st.integers(0, 5)))
        else:
            fields.insert(draw(st.integers(0, 6)), "*")
    else:  # both day fields '?', or neither
        fields[2], fields[4] = draw(st.sampled_from([("?", "?"), ("*", "*"), ("1", "MON")]))
    return _cron(fields)


@st.composite
def broken_rates(draw: st.DrawFn) -> str:
    value = draw(st.integers(0, 1000))
    unit = draw(st.sampled_from(["minute", "hour", "day", "week", "second", "month"]))
    if unit in ("minute", "hour", "day") and value >= 1:
        # The wrong number: singular above 1, plural for 1.
        return f"rate({value} {unit}{'s' if value == 1 else ''})"
    return f"rate({value} {unit}s)"


@given(expression=st.one_of(broken_crons(), broken_rates()))
def test_every_mutation_is_refused_naming_the_expression(expression: str) -> None:
    with pytest.raises(ep.ConfigurationError) as refused:
        ep.ScheduleOptions(expression=expression)
    assert refused.value.props == ("expression",), expression
    problem = refused.value.problems[0]
    assert problem.allowed
    assert problem.fix


_NUMBER = re.compile(r"(?<![#/0-9])([0-9]+)")


@given(
    expression=st.one_of(
        st.text(alphabet="cront()0123456789 *?,-/#LWMONJAFEB", max_size=40),
        st.text(max_size=20).map(lambda inner: f"cron({inner})"),
        st.lists(
            st.text(alphabet="0123456789*?,-/#LWSUNMONJAN", min_size=1, max_size=6),
            min_size=6,
            max_size=6,
        ).map(_cron),
    )
)
def test_arbitrary_text_is_accepted_only_with_every_number_in_range(expression: str) -> None:
    """No crash on any text; an accepted cron has each value (not a step or a week number)
    within its field's range, checked here without the validator's parser."""
    problems: tuple[str, ...] = ()
    try:
        ep.ScheduleOptions(expression=expression)
    except ep.ConfigurationError as err:
        problems = err.props
    if problems:
        assert problems == ("expression",)
        return
    if not expression.startswith("cron("):
        assert re.fullmatch(r"rate\([1-9][0-9]* (minutes?|hours?|days?)\)", expression)
        return
    fields = expression[len("cron(") : -1].split(" ")
    assert len(fields) == 6
    assert (fields[2] == "?") != (fields[4] == "?")
    for field, text in zip(CRON_FIELDS, fields, strict=True):
        for number in _NUMBER.findall(text):
            assert field.low <= int(number) <= field.high, (expression, field.name)


# -- the option structs ---------------------------------------------------------------------------


def schedule_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    return st.fixed_dictionaries(
        {"expression": gen.strings(rates(), broken_rates(), bad=bad)},
        optional={
            "time_zone": gen.strings(
                st.sampled_from(["UTC", "Europe/Berlin", "America/Sao_Paulo", "Asia/Tokyo"]),
                st.sampled_from(["CEST", "Europe/Atlantis", "UTC+2", "utc ", ""]),
                bad=bad,
                token_default="UTC",
            ),
            "enabled": gen.choice([True, False], bad=bad),
            "flexible_window": gen.optional(
                gen.seconds(60, _DAY, bad=bad, token=False, invalid=[90, 61, 59])
            ),
            "retry_attempts": gen.ints(0, 185, bad=bad),
            "max_event_age": gen.seconds(60, _DAY, bad=bad, invalid=[59]),
            "dead_letter_removal_policy": gen.choice(gen.REMOVAL_POLICIES, bad=bad),
        },
    )


def run_specs(*, bad: bool) -> st.SearchStrategy[Spec]:
    return st.fixed_dictionaries(
        {},
        optional={
            "max_run_time": gen.seconds(60, 364 * _DAY, bad=bad, token=False, literal=True),
            "allow_overlap": gen.choice([True, False], bad=bad),
            "start_attempts": gen.ints(1, 10, bad=bad, token=False, literal=True),
        },
    )


def _minutes_only(spec: Spec) -> Spec:
    """A flexible window must be whole minutes: a valid-looking seconds value is invalid."""
    window = spec.get("flexible_window")
    if window is None or window.invalid or window.label == "None":
        return spec
    amount = int(window.label.removeprefix("Duration.seconds(").removesuffix(")"))
    if amount % 60 == 0:
        return spec
    return {**spec, "flexible_window": gen.Value(window.make, window.label, invalid=True)}


@given(spec=schedule_specs(bad=True).map(_minutes_only))
def test_schedule_options(scope: Stack, spec: Spec) -> None:
    options = outcome(ep.ScheduleOptions, spec, scope)
    if isinstance(options, ep.ScheduleOptions):
        assert expression_problem(options.expression) is None


@given(spec=run_specs(bad=True))
def test_run_options(scope: Stack, spec: Spec) -> None:
    options = outcome(ep.RunOptions, spec, scope)
    if isinstance(options, ep.RunOptions):
        assert 60 <= options.max_run_time_s <= 364 * _DAY
        assert options.capacity_strategy == ep.JOB_CAPACITY
