"""is_token answers locally what it can, and always as aws-cdk-lib's Token.is_unresolved would.

The library asks "is this a token?" dozens of times per construct; each jsii kernel call is a
round trip to the Node process, so plain values are judged in Python. These tests pin
that shortcut to aws-cdk-lib's own answer.
"""

from __future__ import annotations

import math
from typing import Any

import jsii
import pytest
from aws_cdk import (
    Aws,
    CfnParameter,
    Duration,
    Fn,
    IStableNumberProducer,
    IStableStringProducer,
    Lazy,
    Stack,
    Token,
)
from hypothesis import given
from hypothesis import strategies as st

from ecs_patterns.core._jsii import jsii_ref
from ecs_patterns.core._validation import is_token, seconds
from tests.conftest import KernelCalls, new_stack


@pytest.fixture(scope="module")
def stack() -> Stack:
    return new_stack("TokenCorpus")


def _corpus(stack: Stack) -> list[Any]:
    param = CfnParameter(stack, "Port", type="Number")
    names = CfnParameter(stack, "Names", type="CommaDelimitedList")
    return [
        "",
        "plain",
        "Token[",
        "${Token[",
        "${Token[TOKEN.1]}",  # looks like a token marker: aws-cdk-lib says so too
        "#{Token[TOKEN.1]}",
        "prefix-Token[x]",
        Aws.REGION,
        f"arn:{Aws.PARTITION}:s3:::bucket",
        Fn.join("-", ["a", Aws.ACCOUNT_ID]),
        Lazy.string(_StringProducer()),
        0,
        1,
        -1,
        2**53,
        10**300,
        0.5,
        1e300,
        -1e300,
        param.value_as_number,
        Token.as_number(param.value_as_string),
        Lazy.number(_NumberProducer()),
        names.value_as_list,
        Token.as_list(Aws.NOTIFICATION_ARNS),
        [Aws.REGION],
        ["plain"],
        ["#{Token[plain]}"],
        [1, 2],
        [],
    ]


@jsii.implements(IStableStringProducer)
class _StringProducer:
    def produce(self) -> str:
        return "x"


@jsii.implements(IStableNumberProducer)
class _NumberProducer:
    def produce(self) -> float:
        return 3


def _expected(value: Any) -> bool:
    """aws-cdk-lib's answer, extended to "holds a token" for lists as is_token documents."""
    if isinstance(value, list):
        whole = len(value) == 1 and bool(Token.is_unresolved(value))
        return whole or any(_expected(v) for v in value)
    return bool(Token.is_unresolved(value))


def test_is_token_matches_aws_cdk_lib_on_a_corpus(stack: Stack) -> None:
    corpus = _corpus(stack)
    mismatches = [v for v in corpus if is_token(v) != _expected(v)]
    assert mismatches == []
    # The corpus is not trivial: it holds tokens of every kind and plain values.
    assert 5 < sum(map(_expected, corpus)) < len(corpus) - 5


def test_list_tokens_are_recognised(stack: Stack) -> None:
    """A CommaDelimitedList parameter's value is a list token (one '#{Token[...]}' element)."""
    names = CfnParameter(stack, "Subnets", type="CommaDelimitedList")
    assert is_token(names.value_as_list)
    assert not is_token(["subnet-1", "subnet-2"])


@given(
    value=st.one_of(
        st.text(max_size=20),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.text(max_size=8), max_size=3),
    )
)
def test_is_token_matches_aws_cdk_lib_on_any_plain_value(value: Any) -> None:
    assert is_token(value) == _expected(value)


def test_non_finite_numbers_are_not_tokens_and_never_reach_jsii() -> None:
    assert not is_token(math.inf)
    assert not is_token(-math.inf)
    assert not is_token(math.nan)


def test_plain_values_cost_no_kernel_call(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = KernelCalls(monkeypatch)
    for value in ("web", "arn:aws:iam::123456789012:role/x", 8080, 0.25, ["a", "b"], None, True):
        assert not is_token(value)
    assert calls.count == 0
    assert is_token(Aws.REGION)  # a real token still asks aws-cdk-lib
    assert calls.count > 0


def test_a_duration_is_asked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    duration = Duration.seconds(42)
    calls = KernelCalls(monkeypatch)
    assert seconds(duration) == 42.0
    first = calls.count
    assert first > 0
    assert seconds(duration) == 42.0
    assert not is_token(duration)
    assert calls.count == first


def test_token_durations_stay_tokens(stack: Stack) -> None:
    param = CfnParameter(stack, "Timeout", type="Number")
    duration = Duration.seconds(param.value_as_number)
    assert is_token(duration)
    assert seconds(duration) is None
    assert is_token(duration)  # memoized answer is the same
    assert seconds(Duration.millis(1500)) == 1.5


def test_duration_memo_is_keyed_by_jsii_reference() -> None:
    a, b = Duration.seconds(1), Duration.seconds(2)
    assert (seconds(a), seconds(b)) == (1.0, 2.0)
    assert jsii_ref(a) != jsii_ref(b)
    assert jsii_ref(object()) is None
