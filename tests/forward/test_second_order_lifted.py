"""Second derivatives the compiler used to refuse (issue 11), now generated
code, checked in mode="compile" and "auto" against an independent oracle:
central differences (``srcgrad.testing.numeric_grad``) of a central
difference of the function along ``v`` -- no srcgrad gradient involved.

* jointly linear primitives (``sum`` of a list, ``a + b`` of lists,
  ``d.get(k, default)``): their JVP is the call itself, with zeros for the
  other arguments of the set, instead of a call of the derived JVP object;
* elementwise rules that are not ``g * X``: real-valued ones (``abs``,
  ``np.abs``, ``np.real``, ``np.imag``, ``np.angle`` of a complex
  intermediate) and a several-statement ``g * X`` (``multigammaln``);
* ``*args`` functions (the slope function takes the flat argument list).

And what stays refused: a complex leaf anywhere in the arguments (inside a
list or a dict too: ``higher._real`` walks the trees), with the user's file.
"""

import functools
import os

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import numeric_grad

sp = pytest.importorskip("scipy.special")

MODES = ["compile", "auto"]


def fd_hvp(f, args, i, v, h=1e-4):
    """``H v`` for argument ``i``: the numeric gradient of the central
    difference of ``f`` along ``v`` (complex ``x``: PyTorch's packing)."""
    def slope(*a):
        a = list(a)
        x = a[i]
        plus, minus = list(a), list(a)
        plus[i], minus[i] = x + h * v, x - h * v
        return (f(*plus) - f(*minus)) / (2 * h)
    return numeric_grad(slope, args, i, eps=1e-4)


def check(f, args, v, mode, i=0, want=None, rtol=1e-4, atol=1e-6):
    got = srcgrad.hvp(f, wrt=i, mode=mode)(*args, v)
    want = fd_hvp(f, args, i, v) if want is None else want
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=rtol, atol=atol)
    return got


# --------------------------------------------------------- jointly linear

def sum_of_products(x):
    return sum([x[i] * x[i + 1] ** 2 for i in range(len(x) - 1)])


def concatenated(x):
    both = [x, np.sin(x)] + [x ** 3]
    return np.sum(both[0] * both[1]) + np.sum(both[2])


def with_default(p):
    return np.sum(p.get("w") ** 3) + p.get("c", 1.0) * p.get("w")[0]


X = np.array([0.3, -0.8, 1.2])
V = np.array([1.0, 0.5, -2.0])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [sum_of_products, concatenated], ids=["sum", "list_concat"])
def test_jointly_linear(f, mode):
    check(f, (X,), V, mode)


@pytest.mark.parametrize("mode", MODES)
def test_dict_get_by_hand(mode):
    p, v = {"w": X, "c": 2.0}, {"w": V, "c": -0.5}
    got = srcgrad.hvp(with_default, mode=mode)(p, v)
    e0 = np.array([1.0, 0.0, 0.0])
    np.testing.assert_allclose(got["w"], 6 * X * V + e0 * v["c"], rtol=1e-12)
    assert abs(got["c"] - V[0]) < 1e-12


def test_jointly_linear_by_hand():
    # d2/dx2 of sum(x_i x_{i+1}^2): H v computed by hand
    x, v = X, V
    h = np.zeros((3, 3))
    for i in range(2):
        h[i, i + 1] += 2 * x[i + 1]
        h[i + 1, i] += 2 * x[i + 1]
        h[i + 1, i + 1] += 2 * x[i]
    got = srcgrad.hvp(sum_of_products, mode="compile")(x, v)
    np.testing.assert_allclose(got, h @ v, rtol=1e-12)


# ------------------------------------------------- real-valued elementwise

def huber_like(r):
    return np.sum(np.where(np.abs(r) < 1.0, 0.5 * r ** 2, np.abs(r) ** 3))


def builtin_abs(x, y):
    return abs(x) * y ** 2 + abs(x * y) ** 3


def spectrum(x):
    f = np.fft.fft(x * x)
    return np.sum(np.real(f) ** 2 + np.imag(f) ** 3) + np.sum(np.abs(f) ** 3)


def phases(x):
    z = np.fft.rfft(np.sin(x))
    return np.sum(np.angle(z[1:]) ** 2)


def wishart(a):
    return np.sum(sp.multigammaln(a, 3) * a)


@pytest.mark.parametrize("mode", MODES)
def test_abs_and_np_abs(mode):
    check(huber_like, (np.array([0.3, -1.7, 2.2]),), V, mode)
    for i in (0, 1):
        check(builtin_abs, (-1.3, 0.7), 0.6, mode, i=i)


def test_abs_by_hand():
    # |x|^3 for x < 0: second derivative 6 |x|
    got = srcgrad.hvp(lambda x: abs(x) ** 3, mode="compile")(-2.0, 1.0)
    assert abs(got - 12.0) < 1e-12


@pytest.mark.parametrize("mode", MODES)
def test_real_imag_abs_angle_of_complex_intermediates(mode):
    check(spectrum, (np.array([0.3, -0.4, 0.9, 0.2]),), np.array([1.0, -0.3, 0.2, 0.5]), mode)
    check(phases, (np.array([0.3, -0.4, 0.9, 0.2, 1.1]),),
          np.array([1.0, -0.3, 0.2, 0.5, 0.1]), mode)


@pytest.mark.parametrize("mode", MODES)
def test_several_statement_rule(mode):
    pytest.importorskip("scipy")
    check(wishart, (np.array([3.5, 4.2]),), np.array([1.0, -0.5]), mode)


@pytest.mark.parametrize("fn", [np.abs, np.real, np.imag, np.angle, abs],
                         ids=["np.abs", "np.real", "np.imag", "np.angle", "abs"])
def test_first_order_jvp_on_complex_values(fn):
    """The rewritten JVPs are exact on complex values (first order)."""
    z = np.array([0.3 + 0.4j, -1.2 + 0.1j])
    t = np.array([1.0 - 0.5j, 0.2 + 0.7j])

    def f(z):
        return fn(z * z)
    _, got = srcgrad.jvp(f, (z,), (t,), mode="compile")
    h = 1e-6
    want = (f(z + h * t) - f(z - h * t)) / (2 * h)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)
    src = srcgrad.source(f, transform="jvp")
    assert "_jvp(" not in src.split("\n", 1)[1]      # no call of a derived JVP


# ----------------------------------------------------------------- *args

def data_loss(w, *data):
    return sum(np.sum(np.tanh(w * d) ** 2) for d in data)


def keyword_loss(w, *data, scale=2.0):
    return np.sum(np.sin(w * data[0]) * data[1]) * scale


D0, D1 = np.array([1.0, 2.0, -0.5]), np.array([0.5, -1.5, 0.3])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("i", [0, 1, 2])
def test_varargs_hvp(mode, i):
    check(data_loss, (X, D0, D1), V, mode, i=i)
    check(keyword_loss, (X, D0, D1), V, mode, i=i)


@pytest.mark.parametrize("mode", MODES)
def test_varargs_grad_of_grad(mode):
    def outer(s):
        return srcgrad.grad(data_loss)(s * X, D0, D1) @ V

    got = srcgrad.grad(outer, mode=mode)(0.7)
    h = 1e-5
    want = (outer(0.7 + h) - outer(0.7 - h)) / (2 * h)
    assert abs(got - want) < 1e-6 * max(1.0, abs(want))


# ------------------------------------------------------- still refused

def in_a_list(zs):
    return np.sum(np.real(zs[0] * np.conj(zs[0])) ** 2) * np.sum(zs[1] ** 2)


def in_a_dict(p):
    return np.sum(np.real(p["z"] ** 2 * np.conj(p["z"])))


Z = np.array([0.3 + 0.4j, -0.2 + 1.1j])
VZ = np.array([1.0 - 0.5j, 0.3 + 0.2j])


@pytest.mark.parametrize("f,arg,v", [(in_a_list, [Z, np.ones(2)], [VZ, np.ones(2)]),
                                     (in_a_dict, {"z": Z}, {"z": VZ})],
                         ids=["list", "dict"])
def test_complex_leaf_inside_a_container_is_refused(f, arg, v):
    with pytest.raises(SyntaxError) as info:
        srcgrad.hvp(f, mode="compile")(arg, v)
    assert os.path.basename(__file__) in str(info.value)
    assert "real arguments" in str(info.value) and "complex" in str(info.value)
    # auto: the tape, right
    got = srcgrad.hvp(f, mode="auto")(arg, v)
    h = 1e-6
    grad = srcgrad.grad(f, mode="tape")

    def moved(s):
        if isinstance(arg, dict):
            return grad({"z": arg["z"] + s * v["z"]})["z"]
        return grad([a + s * b for a, b in zip(arg, v)])[0]
    want = (moved(h) - moved(-h)) / (2 * h)
    np.testing.assert_allclose(got["z"] if isinstance(got, dict) else got[0], want,
                               rtol=1e-5, atol=1e-7)


# -------------------------------------- callees known at run time, recursion

W = np.array([[0.5, -1.0, 0.3], [0.2, 0.4, -0.7]])


def softplus(z):
    return np.log1p(np.exp(z))


def scaled_tanh(z, scale=1.0):
    return scale * np.tanh(z)


def passed_in(x, act):
    return np.sum(act(W @ x) ** 2)


def pick(x, flag):
    f = np.tanh if flag else softplus
    return np.sum(f(x) * x)


def horner(coeffs, x):
    if len(coeffs) == 1:
        return coeffs[0] * np.ones_like(x)
    return coeffs[0] + x * horner(coeffs[1:], x)


def polynomial_loss(x, coeffs):
    return np.sum(horner(coeffs, x) ** 2)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("act", [np.tanh, np.sin, softplus, scaled_tanh,
                                 functools.partial(scaled_tanh, scale=0.5),
                                 functools.partial(np.multiply, 3.0)],
                         ids=["tanh", "sin", "user", "default", "partial_kw", "partial_prim"])
def test_callee_passed_as_an_argument(act, mode):
    check(passed_in, (X, act), V, mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("flag", [True, False])
def test_callee_chosen_by_a_branch(flag, mode):
    check(pick, (X, flag), V, mode)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("i", [0, 1])
def test_recursive_function(mode, i):
    coeffs = np.array([0.5, -1.0, 0.25, 2.0])
    check(polynomial_loss, (X, coeffs), V if i == 0 else np.array([1.0, 0.0, -1.0, 0.5]),
          mode, i=i)


def test_closure_carrying_a_tangent_is_refused_by_name():
    def with_closure(x):
        def scaled(z):
            return z * x
        return np.sum(scaled(np.sin(x)) ** 2)
    f = srcgrad.hvp(with_closure, mode="compile")
    try:
        got = f(X, V)
    except SyntaxError as err:      # refused: with the user's file
        assert os.path.basename(__file__) in str(err)
        return
    except NotImplementedError as err:
        assert os.path.basename(__file__) in str(err)
        return
    np.testing.assert_allclose(got, fd_hvp(with_closure, (X,), 0, V), rtol=1e-4, atol=1e-6)


# ------------------------------------------------------------ third order

def cubic(x):
    return np.sum(np.sin(x) ** 3)


def calls_a_gradient(x):
    return srcgrad.grad(cubic)(x) @ x


@pytest.mark.parametrize("mode", ["compile", "auto"])
def test_third_order_compiles(mode):
    """The hvp of a function calling grad (a third derivative of cubic) is
    generated code (more in test_third_order.py)."""
    got = srcgrad.hvp(calls_a_gradient, mode=mode)(X, V)
    np.testing.assert_allclose(got, fd_hvp(calls_a_gradient, (X,), 0, V), rtol=1e-4, atol=1e-6)
