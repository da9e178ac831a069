"""Conjugates of provably real values left out (srcgrad/compiler/lower/real.py):
what is proved real and what is not, on small statement lists; the engine
that uses it (the hvp's real-only slope) against hand-derived products, and
complex arguments still refused by second order, never given the real code."""

import gast
import numpy as np
import pytest

import srcgrad
from srcgrad import runtime
from srcgrad.compiler.frontend.anf import dump
from srcgrad.compiler.lower.real import drop_conjugates
from srcgrad.testing import assert_allclose, numeric_grad

MODULES = {"np": np, "_rt": runtime}


def _resolve(func):
    if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name):
        return getattr(MODULES.get(func.value.id), func.attr, None)
    if isinstance(func, gast.Name) and func.id in ("range", "len"):
        return {"range": range, "len": len}[func.id]
    return None


def _drop(src, real, params=None):
    body = gast.parse(src).body
    return dump(drop_conjugates(body, set(real), _resolve, set(params or real)))


def test_real_parameters_and_what_is_made_of_them():
    src = "h = np.tanh(x @ W) + 1\nb = g * _rt.conj(h ** 2)\nc = b.T.conj()\n"
    assert "conj" not in _drop(src, "xWg")


def test_a_complex_parameter_keeps_its_conjugates():
    src = "h = np.tanh(x) * z\nb = g * _rt.conj(h)\nc = _rt.conj(x)\n"
    out = _drop(src, "xg", params="xgz")
    assert out == "h = np.tanh(x) * z\nb = g * _rt.conj(h)\nc = x"


def test_one_complex_assignment_makes_a_name_not_real():
    src = "h = x * 2\nif c:\n    h = u()\nb = _rt.conj(h)\n"
    assert "_rt.conj(h)" in _drop(src, "xc")
    src = "h = x * 2\nfor i in range(3):\n    h = h * h\nb = _rt.conj(h)\n"
    assert "_rt.conj(h)" not in _drop(src, "x")
    src = "h = x * 2\nfor i in range(3):\n    h = h * z\nb = _rt.conj(h)\n"
    assert "_rt.conj(h)" in _drop(src, "x", params="xz")


def test_what_may_be_complex_from_real_operands():
    for expr in ("x ** 0.5", "x ** y", "np.zeros(3, dtype=complex)", "np.emath.sqrt(x)",
                 "x.astype('complex')", "np.fft.fft(x)", "obj.value", "f(x)",
                 "np.zeros(3, 'complex')", "(y := x * 1j)"):
        src = "h = %s\nb = _rt.conj(h)\n" % expr
        assert "_rt.conj(h)" in _drop(src, "xy"), expr


def test_subscript_assignment_of_a_complex_value():
    src = "h = np.zeros(3)\nh[0] = z\nb = _rt.conj(h)\n"
    assert "_rt.conj(h)" in _drop(src, "x", params="xz")


def test_real_and_imaginary_parts_are_real():
    src = "h = z.real * 2\nb = _rt.conj(h)\nc = _rt.real_cotangent(z)\nd = _rt.conj(c)\n"
    out = dump(drop_conjugates(gast.parse(src).body, set(), _resolve, {"z"}, numeric={"z"}))
    assert "conj" not in out


def cubic(x, A):
    return np.sum(np.tanh(A @ x) ** 2) + np.sum(x ** 4) / 4.0


def test_hvp_of_the_real_only_slope_against_the_hand_hessian():
    rng = np.random.default_rng(4)
    A, x, v = rng.normal(size=(4, 4)) / 2, rng.normal(size=4), rng.normal(size=4)
    t = np.tanh(A @ x)
    hess = (A.T * ((2.0 - 6.0 * t * t) * (1.0 - t * t))) @ A + np.diag(3.0 * x * x)
    for mode in ("compile", "tape"):
        assert_allclose(srcgrad.hvp(cubic, mode=mode)(x, A, v), hess @ v, rtol=1e-10)
        assert_allclose(srcgrad.hessian(cubic, mode=mode)(x, A), hess, rtol=1e-10)
    grad = srcgrad.grad(cubic, mode="compile")
    fd = np.array([numeric_grad(lambda z: grad(z, A)[i], (x,), 0) for i in range(4)])
    assert_allclose(hess, fd, rtol=1e-5, atol=1e-6)


def test_complex_arguments_never_reach_the_real_only_code():
    h = srcgrad.hvp(lambda x, a: np.sum(np.abs(x * a) ** 2), mode="compile")
    x, v = np.array([1.0, 2.0]), np.array([1.0, 0.0])
    real = h(x, np.array([1.0, 3.0]), v)
    assert_allclose(real, [2.0, 0.0])
    a = np.array([1.0 + 1.0j, 3.0])
    with pytest.raises(SyntaxError, match=r"test_real\.py:\d+: .*only for real arguments"):
        h(x, a, v)       # refused by name: the compiler's second order is real
    # auto: the tape (reverse over reverse); d2/dx2 |x a|^2 = 2 |a|^2
    assert_allclose(srcgrad.hvp(lambda x, a: np.sum(np.abs(x * a) ** 2), mode="auto")(x, a, v),
                    2 * np.abs(a) ** 2 * v)


def scaled(x, c):
    return np.sum(np.abs(x * c[0]) ** 2)


def test_a_complex_leaf_in_a_list_never_reaches_the_real_only_code():
    # hessian's fast path checked top-level arguments only: a complex leaf in a
    # list would have run code compiled for real arguments
    x = np.array([1.0, 2.0])
    with pytest.raises(SyntaxError, match=r"test_real\.py:\d+: .*only for real arguments"):
        srcgrad.hessian(scaled, mode="compile")(x, [1.0 + 1.0j])
    with pytest.raises(SyntaxError, match=r"test_real\.py:\d+: .*only for real arguments"):
        srcgrad.hvp(scaled, mode="compile")(x, [1.0 + 1.0j], np.ones(2))
    for mode in ("compile", "tape"):     # d2/dx2 |3 x|^2 = 18 I
        assert_allclose(srcgrad.hessian(scaled, mode=mode)(x, [3.0]), 18.0 * np.eye(2))
