"""Generators in compiled code: they run exactly as far as Python runs them,
and shapes that may consume them only partly are refused at the call site
(naming the user's file) and run on the tape in mode="auto".  The gradients
of the corpus's generator programs are checked in corpus/generators.py."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import srcgrad
from srcgrad.testing import numeric_grad

X = np.array([0.3, -0.7, 1.1])
def endless(x):
    """Endless; the item after x's last raises IndexError: pulled once too
    often, the generator fails."""
    k = 0
    while True:
        yield x[k] * (k + 1.0)
        k = k + 1


def zip_first(x):             # zip pulls endless 3 times: the third is dropped
    s = 0.0
    for t, w in zip(endless(x), [1.0, 2.0]):
        s = s + w * np.sin(t)
    return s


def zip_last(x):              # 3 times, all used
    s = 0.0
    for w, t in zip([1.0, 2.0, 3.0], endless(x)):
        s = s + w * np.sin(t)
    return s


def zip_middle(x):            # the first argument runs out first: 1 time
    s = 0.0
    for a, t, b in zip(np.ones(1), endless(x), [1.0, 2.0, 3.0, 4.0, 5.0]):
        s = s + a * b * t
    return s


def zip_empty(x):             # never started
    s = np.sum(x)
    for w, t in zip([], endless(x)):
        s = s + w * t
    return s


def zip_too_far(x):           # Python pulls 4 times: IndexError
    s = 0.0
    for t, w in zip(endless(x), [1.0, 2.0, 3.0]):
        s = s + w * t
    return s


@pytest.mark.parametrize("fn", [zip_first, zip_last, zip_middle, zip_empty])
@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_zip_runs_the_generator_exactly_as_far_as_python(fn, mode):
    g = srcgrad.grad(fn, mode=mode)(X)
    assert_allclose(g, numeric_grad(fn, (X,), 0))
    if mode == "compile":
        assert srcgrad.explain(fn, X, mode="compile").engine == "compiler"


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_zip_fails_where_python_fails(mode):
    with pytest.raises(IndexError):
        zip_too_far(X)
    with pytest.raises(IndexError):
        srcgrad.grad(zip_too_far, mode=mode)(X)


def batches(x, n):
    for i in range(n):
        yield x * (i + 1.0)


def consumed_with_break(x):
    s = 0.0
    for t in batches(x, 4):
        s = s + np.sum(t)
        if s > 1.0:
            break
    return s


def consumed_with_return(x):
    for t in batches(x, 4):
        if np.sum(t) > 0.5:
            return np.sum(t ** 2)
    return 0.0


def consumed_by_next(x):
    return np.sum(next(batches(x, 4)))


def kept_in_a_name(x):
    g = batches(x, 4)
    return np.sum(sum(g))


def zip_of_two_generators(x):
    s = 0.0
    for a, b in zip(batches(x, 2), batches(x, 3)):
        s = s + np.sum(a * b)
    return s


def loop_changes_the_argument(x):
    y = x * 1.0
    s = 0.0
    for t in batches(y, 3):
        y[0] = 2.0
        s = s + np.sum(t)
    return s


LOG = []


def logging_generator(x):
    LOG.clear()
    for i in range(3):
        LOG.append(i)
        yield x * (i + 1.0)


def loop_reads_what_the_generator_changes(x):
    s = 0.0
    for t in logging_generator(x):    # Python: len(LOG) is 1, 2, 3 in turn
        s = s + np.sum(t) * len(LOG)
    return s


def sum_of_logging_generator(x):      # nothing runs in between: fine
    return np.sum(sum(logging_generator(x)))


def test_a_generator_with_effects_compiles_where_nothing_runs_in_between():
    g = srcgrad.grad(sum_of_logging_generator, mode="compile")(X)
    assert_allclose(g, np.full(3, 6.0))


def send_style(x):
    got = yield x
    yield x * 2.0 if got is None else got


def uses_send_style(x):
    return np.sum(sum(send_style(x)))


def returns_a_value(x):
    yield x
    return 3.0


def uses_returns_a_value(x):
    return np.sum(sum(returns_a_value(x)))


REFUSED = [
    (consumed_with_break, "consumed whole"),
    (consumed_with_return, "consumed whole"),
    (consumed_by_next, "next"),
    (kept_in_a_name, "consumed whole"),
    (zip_of_two_generators, "consumed whole"),
    (loop_changes_the_argument, "consumed whole"),
    (loop_reads_what_the_generator_changes, "consumed whole"),
    (uses_send_style, "'yield' used as a value"),
    (uses_returns_a_value, "return value"),
]


@pytest.mark.parametrize("fn,why", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_partial_consumption_is_refused_and_runs_on_the_tape_in_auto(fn, why):
    with pytest.raises((SyntaxError, NotImplementedError)) as info:
        srcgrad.grad(fn, mode="compile")(X)
    assert __file__ in str(info.value) and why in str(info.value)
    expected = numeric_grad(fn, (X,), 0)
    assert_allclose(srcgrad.grad(fn, mode="auto")(X), expected, rtol=1e-6, atol=1e-8)
    assert_allclose(srcgrad.grad(fn, mode="tape")(X), expected, rtol=1e-6, atol=1e-8)
    assert srcgrad.explain(fn, X).engine == "tape"


def shared_buffer(x):
    buf = np.zeros(3)
    for i in range(3):
        buf[i] = x[i]
        yield buf          # the same array each time, changed after it was yielded


def stacks_shared_buffer(x):   # Python: three references to the final buffer
    return np.sum(np.stack(list(shared_buffer(x))) * np.arange(9.0).reshape(3, 3))


def copied_buffer(x):
    buf = np.zeros(3)
    for i in range(3):
        buf[i] = x[i]
        yield buf.copy()


def stacks_copied_buffer(x):
    return np.sum(np.stack(list(copied_buffer(x))) * np.arange(9.0).reshape(3, 3))


def test_a_value_changed_after_it_was_yielded_is_refused():
    with pytest.raises(SyntaxError, match="changes a value after yielding it") as info:
        srcgrad.grad(stacks_shared_buffer, mode="compile")(X)
    assert __file__ in str(info.value) and "yield v.copy()" in str(info.value)
    g = srcgrad.grad(stacks_copied_buffer, mode="compile")(X)
    assert_allclose(g, numeric_grad(stacks_copied_buffer, (X,), 0))


def test_a_generator_itself_is_not_differentiated():
    with pytest.raises(SyntaxError, match="generators cannot be differentiated") as info:
        srcgrad.grad(batches, mode="compile")(X, 2)
    assert __file__ in str(info.value)


def test_the_generator_function_is_unchanged_and_the_caller_not_mutated():
    x = X.copy()
    srcgrad.grad(consumed_by_sum, mode="compile")(x)
    assert_allclose(x, X)
    assert [np.sum(t) for t in batches(X, 2)] == [np.sum(X), np.sum(2.0 * X)]


def consumed_by_sum(x):
    return np.sum(sum(batches(x, 3)) ** 2)


def test_the_generated_code_calls_the_items_function():
    text = srcgrad.source(srcgrad.grad(consumed_by_sum, mode="compile"))
    assert "batches_list_vjp(x, 3)" in text
