"""Helpers that update their arguments in place, and closures used as values:
what compiles (with copy semantics) is in the corpus (argument_updates.py,
closures.py); here, the calls where plain Python would show the update to the
caller are refused at the caller's line, and ``mode="auto"`` runs them on the
tape with the right gradient."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import srcgrad
from srcgrad.errors import SrcgradSyntaxError
from srcgrad.testing import numeric_grad

HERE = __file__
X = np.array([0.3, -1.2, 0.7, 1.1])
G = np.ones(4)


def pin_first(p):
    p[0] = 0.0
    return p * 2.0


def bump(u, v):
    u += v
    return np.sum(u * u)


def read_after(x):
    a = x * 1.0
    r = pin_first(a)
    return np.sum(r) + np.sum(a * x)


def alias_read_after(x):
    a = x * 1.0
    b = a
    r = pin_first(a)
    return np.sum(r) + np.sum(b * x)


def held_by_a_list(x):
    a = np.sin(x)
    keep = [a]
    r = bump(a, x)
    return r + np.sum(keep[0] * x)


def again_in_a_loop(x):
    a = x * 1.0
    s = 0.0
    for i in range(3):
        s = s + np.sum(pin_first(a) * x)
    return s


def through(q, v):
    return bump(q, v)


def read_after_passing_on(x):
    a = x * 2.0
    s = through(a, x)
    return s + np.sum(a)


def global_argument(x):
    return bump(G, x) * 1.0


def local_line(fn, k):
    return fn.__code__.co_firstlineno + k


@pytest.mark.parametrize("fn, line, why", [
    (read_after, 2, "'a' is read after the call"),
    (alias_read_after, 3, "'b' is read after the call"),
    (held_by_a_list, 3, "held by"),
    (again_in_a_loop, 4, "the loop passes 'a' to the call again"),
    (read_after_passing_on, 2, "'a' is read after the call"),
    (global_argument, 1, "from outside the function"),
])
def test_an_update_the_caller_would_see_is_refused_at_the_call(fn, line, why):
    G[:] = 1.0
    with pytest.raises(SrcgradSyntaxError) as info:
        srcgrad.grad(fn, mode="compile")(X)
    assert info.value.filename == HERE
    assert info.value.lineno == local_line(fn, line)
    assert "changes its argument" in str(info.value) and why in str(info.value)
    assert "plain Python would show to the caller" in str(info.value)
    if fn is global_argument:
        return   # plain Python changes G at each call: no fixed function to check
    for mode in ("auto", "tape"):
        assert_allclose(srcgrad.grad(fn, mode=mode)(X), numeric_grad(fn, (X,), 0),
                        rtol=1e-5, atol=1e-6)


def top_argument(x, y):
    return bump(y, x) * 0.5


def test_the_differentiated_functions_own_argument_acts_on_a_copy():
    y = X[::-1].copy()
    before = y.copy()
    got = srcgrad.grad(top_argument, wrt=(0, 1), mode="compile")(X, y)
    assert_allclose(y, before)    # the caller's array is never changed

    def fresh(x, y):
        return top_argument(x, y.copy())
    for i in (0, 1):
        assert_allclose(got[i], numeric_grad(fresh, (X, before), i), rtol=1e-6, atol=1e-7)


def returns_its_argument(x):
    a = x * 1.0
    r = pin_first_and_return(a)
    return np.sum(r * x)


def pin_first_and_return(p):
    p[0] = 0.0
    return p


@pytest.mark.parametrize("mode", ["compile", "tape"])
def test_the_returned_argument_carries_the_update(mode):
    assert_allclose(srcgrad.grad(returns_its_argument, mode=mode)(X),
                    numeric_grad(returns_its_argument, (X,), 0), rtol=1e-6, atol=1e-7)


def closure_with_default(x):
    s = np.sum(x)
    return np.sum(apply(lambda v, k=2.0: v * s * k, x))


def apply(f, v):
    return f(v)


def test_a_closure_with_defaults_is_refused_at_its_line():
    with pytest.raises(SrcgradSyntaxError) as info:
        srcgrad.grad(closure_with_default, mode="compile")(X)
    assert info.value.filename == HERE
    assert info.value.lineno == local_line(closure_with_default, 2)
    assert_allclose(srcgrad.grad(closure_with_default)(X),
                    numeric_grad(closure_with_default, (X,), 0), rtol=1e-6)


def test_the_fixed_point_gradient_is_the_implicit_one():
    """d sqrt(a)/da = 1 / (2 sqrt(a)): hand-derived, in both engines."""
    import corpus.closures as c
    for mode in ("compile", "tape"):
        got = srcgrad.grad(c.sqrt_by_newton, mode=mode)(2.0)
        assert_allclose(got, 0.5 / np.sqrt(2.0), rtol=1e-8)


def effect_only(x):
    c = np.ones(4)
    y = c * x                 # its adjoint reads c
    s = bump(c, 1.0)          # no gradient through this call: it runs as written
    return np.sum(y) + s


D = np.zeros(4)


def pin_default(x, p=D):
    p[0] = x[0]
    return np.sum(p * x)


def default_argument(x):
    return pin_default(x)


@pytest.mark.parametrize("fn, line, why", [
    (effect_only, 3, "updates the caller's array in place"),
    (default_argument, 1, "its default value is one object"),
])
def test_updates_that_run_as_written_or_reach_a_default_are_refused(fn, line, why):
    with pytest.raises(SrcgradSyntaxError) as info:
        srcgrad.grad(fn, mode="compile")(X)
    assert info.value.filename == HERE
    assert info.value.lineno == local_line(fn, line)
    assert why in str(info.value)


def rebinds_in_a_branch(u, c):
    if c > 0:
        u = u * 1.0
    u[0] = 0.0                  # when c <= 0, this is the caller's array
    return np.sum(u * u)


def calls_through_a_value(x, fn):
    a = x * 1.0
    s = fn(a, -1.0)
    return s + np.sum(a * x)


def test_a_rebinding_in_a_branch_does_not_make_an_argument_a_copy():
    # through a value (a dynamic call site) the helper is compiled strictly:
    # its update of the caller's array is refused, never a silent wrong gradient
    with pytest.raises(SrcgradSyntaxError) as info:
        srcgrad.grad(calls_through_a_value, mode="compile")(X, rebinds_in_a_branch)
    assert "in place" in str(info.value)
    f = lambda v: calls_through_a_value(v, rebinds_in_a_branch)  # noqa: E731
    assert_allclose(srcgrad.grad(calls_through_a_value, mode="tape")(X, rebinds_in_a_branch),
                    numeric_grad(f, (X,), 0), rtol=1e-6, atol=1e-7)
