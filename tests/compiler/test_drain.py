"""lower/drain.py: the one adjoint loop reading the saved values iterates the
stack itself (``for x in _rev:``) where the forward's one push is in its
forward loop; everything else keeps ``_islice``.  Gradients checked against
central finite differences (srcgrad.testing.numeric_grad) in both engines,
on the edge cases: zero trips, break, a name rebound in the loop, a second
saving loop, arrays."""

import math

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad


def scalar_loop(x, n):
    for i in range(n):
        x = math.sin(x) * 1.01
    return x


def rebound(x, n):
    for i in range(n):
        y = x * 1.5
        x = math.sin(y)
    return x


def with_break(x, n):
    for i in range(n):
        if x > 10.0:
            break
        x = math.sin(x) * 1.01
    return x


def two_loops(x, n):
    for i in range(n):
        x = math.sin(x) * 1.01
    for j in range(n):
        x = math.cos(x) * 0.9
    return x


def saved_before(x, n):
    y = math.sin(x)
    y = y * math.cos(y)
    for i in range(n):
        y = math.sin(y) * x
    return y


def array_loop(x, n):
    for i in range(n):
        x = np.tanh(x) * 1.5
    return np.sum(x * x)


def _both(fun, args):
    """The gradient wrt the first argument, compiled and on the tape, against
    finite differences; the compiled gradient function."""
    expected = numeric_grad(fun, args, 0)
    g = srcgrad.grad(fun, mode="compile")
    assert_allclose(g(*args), expected, rtol=1e-5, atol=1e-8)
    tape_fun = fun
    if fun in (scalar_loop, rebound, with_break, two_loops, saved_before):
        tape_fun = _np_version(fun)
    assert_allclose(srcgrad.grad(tape_fun, mode="tape")(*args), expected, rtol=1e-5,
                    atol=1e-8)
    return g


def _np_version(fun):
    """``fun`` with NumPy's sin and cos (the tape needs its own: ``math.sin``
    of a tracked value would drop the gradient, and is refused)."""
    glob = dict(fun.__globals__, math=np)
    return type(fun)(fun.__code__, glob, fun.__name__)


@pytest.mark.parametrize("n", [0, 1, 5])
def test_a_scalar_loop_iterates_the_stack(n):
    g = _both(scalar_loop, (0.5, n))
    source = srcgrad.source(g)
    assert "for x in _rev:" in source and "_islice" not in source


@pytest.mark.parametrize("n", [0, 3])
def test_a_name_rebound_in_the_loop(n):
    _both(rebound, (0.4, n))


@pytest.mark.parametrize("x", [0.5, 11.0])
def test_break_keeps_the_count(x):
    g = _both(with_break, (x, 4))
    assert "for x in _rev:" not in srcgrad.source(g)


@pytest.mark.parametrize("n", [0, 2, 4])
def test_two_saving_loops_keep_islice(n):
    g = _both(two_loops, (0.3, n))
    assert "for x in _rev:" not in srcgrad.source(g)


@pytest.mark.parametrize("n", [0, 3])
def test_values_saved_before_the_loop(n):
    _both(saved_before, (0.6, n))


@pytest.mark.parametrize("n", [0, 3])
def test_arrays(n):
    x = np.array([0.1, -0.4, 0.7])
    _both(array_loop, (x, n))
