"""Property tests: loop/branch functions over random loop counts (0..6) and input shapes
(scalar, (n,), (n, m)), compiled with mode="compile", against central finite differences."""

import numpy as np
from hypothesis import assume, given, settings, strategies as st

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad

SETTINGS = settings(max_examples=25, deadline=None)

counts = st.integers(min_value=0, max_value=6)
shapes = st.one_of(st.just(()), st.tuples(st.integers(1, 3)),
                   st.tuples(st.integers(1, 3), st.integers(1, 3)))
array_shapes = st.one_of(st.tuples(st.integers(1, 3)),
                         st.tuples(st.integers(1, 3), st.integers(1, 3)))


def values(shape):
    """A float for shape (), else an ndarray of ``shape``, entries in [-2, 2]."""
    elems = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
    if shape == ():
        return elems
    size = int(np.prod(shape))
    return st.lists(elems, min_size=size, max_size=size).map(
        lambda v: np.array(v, dtype=float).reshape(shape))


def inputs(shape_strategy=shapes):
    return shape_strategy.flatmap(values)


def check(fn, args, wrt=0, rtol=1e-5, atol=1e-6):
    before = [np.copy(a) for a in args]
    g = srcgrad.grad(fn, wrt=wrt, mode="compile")(*args)
    x = args[wrt]
    if isinstance(x, float):
        assert isinstance(g, float)
    else:
        assert isinstance(g, np.ndarray) and g.shape == x.shape
    assert_allclose(g, numeric_grad(fn, args, wrt), rtol=rtol, atol=atol)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b)
    value, _ = srcgrad.value_and_grad(fn, wrt=wrt, mode="compile")(*args)
    assert_allclose(value, fn(*args), rtol=1e-12, atol=1e-12)


# -- functions under test --------------------------------------------------------------

def tanh_accumulate(x, n):
    s = x
    acc = 0.0
    for i in range(n):
        s = np.tanh(s * 1.3 + 0.1 * i)
        acc = acc + s * s
    return np.sum(acc) + np.sum(x)


def branchy_loop(x, n):
    for i in range(n):
        if np.sum(x) > 0:
            x = x * 0.8 - 0.1
        else:
            x = np.sin(x) + 0.3
    return np.sum(x ** 2)


def branchy_loop_margin(x, n):
    """Smallest |condition| met along the way (finite differences need it away from 0)."""
    m = np.inf
    for i in range(n):
        c = np.sum(x)
        m = min(m, abs(c))
        x = x * 0.8 - 0.1 if c > 0 else np.sin(x) + 0.3
    return m


def while_with_break(x, n):
    i = 0
    while i < n:
        x = x * 0.7 + np.cos(x) * 0.2
        i += 1
        if i == 4:
            break
    return np.sum(x * x) + np.sum(x)


def self_updates(x, n):
    y = x * 1.0
    p = 1.0
    for _ in range(n):
        y = y * x * 0.5 + 0.2
        p *= 1.1
    return np.sum(y) * p


def column_mutation_loop(x, n):
    y = x.copy()
    for i in range(n):
        j = i % y.shape[-1]
        y[..., j] *= 1.2
        y[..., j] += np.sin(y[..., (j + 1) % y.shape[-1]])
    return np.sum(y ** 2)


def list_history(x, n):
    hs = [x]
    for _ in range(n):
        hs.append(np.sin(hs[-1]) * 1.1)
    return sum(np.sum(h * h) for h in hs)


def early_exit_search(x, n):
    total = 0.0
    for i in range(n):
        total = total + np.sum(np.cos(x * (i + 1)))
        if i >= 2:
            return total * total
    return total + np.sum(x)


# -- properties ------------------------------------------------------------------------

@SETTINGS
@given(x=inputs(), n=counts)
def test_tanh_accumulate(x, n):
    check(tanh_accumulate, (x, n))


@SETTINGS
@given(x=inputs(), n=counts)
def test_branchy_loop(x, n):
    assume(branchy_loop_margin(x, n) > 1e-3)
    check(branchy_loop, (x, n))


@SETTINGS
@given(x=inputs(), n=counts)
def test_while_with_break(x, n):
    check(while_with_break, (x, n))


@SETTINGS
@given(x=inputs(), n=counts)
def test_self_updates(x, n):
    check(self_updates, (x, n))


@SETTINGS
@given(x=inputs(array_shapes), n=counts)
def test_column_mutation_loop(x, n):
    check(column_mutation_loop, (x, n))


@SETTINGS
@given(x=inputs(), n=counts)
def test_list_history(x, n):
    check(list_history, (x, n))


@SETTINGS
@given(x=inputs(), n=counts)
def test_early_exit_search(x, n):
    check(early_exit_search, (x, n))
