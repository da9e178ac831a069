"""Internal errors the outside harness (HIPS autograd's tests and examples run
through srcgrad, scripts/outside) hit: each is now a right answer or a
located refusal."""

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad


def test_vjp_fills_in_keyword_only_defaults():
    """``vjp(np.row_stack, [a, b])``: a compiled function with keyword-only
    parameters is called with their defaults (it once raised TypeError)."""
    fn = getattr(np, "row_stack", np.vstack)
    a, b = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    for mode in ("compile", "auto", "tape"):
        with np.testing.suppress_warnings() as sup:
            sup.filter(DeprecationWarning)
            _, pull = srcgrad.vjp(fn, [a, b], mode=mode)
            (g,) = pull(np.array([[1.0, 2.0], [3.0, 4.0]]))
        assert_allclose(g[0], [1.0, 2.0])
        assert_allclose(g[1], [3.0, 4.0])


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_a_callable_that_cannot_be_weakly_referenced_is_refused_not_crashed(mode):
    """A ufunc without a rule (a C object: no weak references) given to vjp."""
    ufunc = np.frompyfunc(lambda v: v, 1, 1)
    with pytest.raises((srcgrad.NoRuleError, srcgrad.SrcgradSyntaxError)):
        srcgrad.vjp(ufunc, np.array([1.5, 2.0]), mode=mode)


def _twice_sin(x):
    return np.sin(x) * 2.0


def _caller(x):
    return np.sum(_twice_sin(x) ** 2)


def test_a_lambda_rule_is_called_not_inlined():
    srcgrad.defvjp(_twice_sin, lambda g, ans, x: g * 2.0 * np.cos(x))
    x = np.array([0.3, -0.8])
    want = numeric_grad(_caller, (x,), 0)
    for mode in ("compile", "auto", "tape"):
        assert_allclose(srcgrad.grad(_caller, mode=mode)(x), want)


def _helper_without_module(x):
    return x * 2.0


def _no_module(x):
    y = _helper_without_module(x)
    y2 = y * 1.0
    return np.sum(y2 * x)


def test_functions_whose_module_is_none_compile():
    _helper_without_module.__module__ = None
    _no_module.__module__ = None
    x = np.array([0.3, -0.8])
    assert_allclose(srcgrad.grad(_no_module, mode="compile")(x), 4.0 * x)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv", "mod", "pow"])
def test_operator_module_functions_are_primitives(op):
    import operator
    fn = getattr(operator, op)
    a, b = np.array([0.7, 1.9]), np.array([0.4, 0.6])

    def f(a, b):
        return np.sum(fn(a, b) ** 2)
    want = numeric_grad(f, (a, b), 0)
    for mode in ("compile", "tape"):
        _, pull = srcgrad.vjp(fn, a, b, mode=mode)
        ga, _ = pull(2.0 * fn(a, b))
        assert_allclose(ga, want)


def _make_scaled(k):
    def scaled(x):
        return np.sin(x) * k

    def scaled_vjp(g, ans, x):   # a rule that closes over k: called, never inlined
        return g * np.cos(x) * k
    srcgrad.defvjp(scaled, scaled_vjp)
    return scaled


_scaled3 = _make_scaled(3.0)


def _uses_closure_rule(x):
    return np.sum(_scaled3(x) ** 2)


def test_a_rule_that_closes_over_a_variable_is_called():
    """autograd's flatten/unflatten (the outside gmm example): the rule's free
    name was looked up in builtins, an AttributeError inside the compiler."""
    x = np.array([0.2, 0.4])
    want = numeric_grad(_uses_closure_rule, (x,), 0)
    for mode in ("compile", "tape"):
        assert_allclose(srcgrad.grad(_uses_closure_rule, mode=mode)(x), want)
