"""Straight-line user functions, each checked against central finite differences."""

import math

import numpy as np
import pytest

import srcgrad
from srcgrad.testing import assert_allclose, numeric_grad

SCALE = 0.5
OFFSETS = np.array([0.1, -0.2, 0.3])


def helper_sq(a):
    return a * a


def helper_two(a, b):
    return np.sum(a * b) + helper_sq(b[0])


def helper_default(a, k=2.0):
    return a * k


# Each entry: (function, args builder, wrt positions)
def f_poly(x):
    return x ** 3 - 2 * x ** 2 + 5


def f_math(x):
    y = math.sin(x) * math.exp(-x)
    return y + math.log(1 + x * x) + math.sqrt(x * x + 1.0)


def f_reassign(x):
    x = x * 2.0
    x = math.tanh(x) + x
    x += 1.0
    x *= x
    return x


def f_vec(x):
    return np.sum(np.sin(x) * np.cos(x) ** 2)


def f_broadcast(x, b):
    return np.sum((x + b) ** 2)


def f_matvec(W, x):
    h = np.tanh(W @ x)
    return np.sum(h * h)


def f_mlp(x, W1, b1, W2, b2):
    h = np.tanh(x @ W1 + b1)
    out = h @ W2 + b2
    return np.mean((out - 1.0) ** 2)


def f_methods(x):
    s = x.sum(axis=0)
    m = x.mean()
    t = x.T.dot(x)
    return np.sum(s * s) + m + t.sum() + x.max() + x.reshape(-1).sum() + x.reshape(2, 3).sum()


def f_attrs(x):
    n = x.shape[0]
    return np.sum(x ** 2) / n + x.ndim


def f_subscript(x):
    return x[0] * x[1] + np.sum(x[1:]) + x[-1] ** 2


def f_subscript2d(x):
    return np.sum(x[:, 0] * x[:, 1]) + x[1, 2] + np.sum(x[..., None] ** 2)


def f_tuple_unpack(x, y):
    a, b = x * y, x + y
    a, b = b, a
    return a * b


def f_calls(x, y):
    return helper_two(x, y) + np.sum(helper_sq(x))


def f_default_call(x):
    return np.sum(helper_default(x)) + np.sum(helper_default(x, 3.0))


def f_globals(x):
    return np.sum((x - OFFSETS) ** 2) * SCALE


def f_astype(x):
    return np.sum(x.astype(float) * 2) + float(x[0])


def f_kwargs(x):
    return np.sum(np.mean(x, axis=1, keepdims=True) * x)


def f_norm(x):
    return np.linalg.norm(x) + np.sum(np.abs(x))


def f_logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def f_unused_arg(x, y):
    return x * 3.0


def f_constant_branch_values(x):
    c = np.ones(3) * 2
    d = c.sum()
    return np.sum(x * c) * d


def f_divide(x, y):
    return np.sum(x / y) + np.sum(1.0 / (1.0 + x * x))


def f_where(x):
    return np.sum(np.where(x > 0, x, 0.1 * x))


def f_copy(x):
    y = x.copy()
    z = y
    return np.sum(z * x)


def f_item(x):
    return x.sum().item() * 2.0


def f_lambda_user(x):
    return np.sum(square(x))


square = lambda a: a * a  # noqa: E731


def f_neg(x):
    return -np.sum(-x * +x)


def f_multi_assign(x):
    a = b = x * 2
    return np.sum(a * b)


def f_pow_rev(x):
    return np.sum(2.0 ** x)


def f_annassign(x):
    y: float = x * 2.0
    return y * y


def _vec(rng, n=3):
    return rng.normal(size=n)


CASES = [
    (f_poly, lambda r: (1.3,), (0,)),
    (f_poly, lambda r: (-0.7,), (0,)),
    (f_math, lambda r: (0.8,), (0,)),
    (f_reassign, lambda r: (0.4,), (0,)),
    (f_vec, lambda r: (_vec(r),), (0,)),
    (f_broadcast, lambda r: (r.normal(size=(2, 3)), _vec(r)), (0, 1)),
    (f_broadcast, lambda r: (r.normal(size=(2, 3)), 0.5), (0, 1)),
    (f_broadcast, lambda r: (r.normal(size=(2, 3)), r.normal(size=(2, 1))), (0, 1)),
    (f_matvec, lambda r: (r.normal(size=(2, 3)), _vec(r)), (0, 1)),
    (f_mlp, lambda r: (r.normal(size=(4, 3)), r.normal(size=(3, 5)), _vec(r, 5),
                       r.normal(size=(5, 1)), _vec(r, 1)), (0, 1, 2, 3, 4)),
    (f_methods, lambda r: (r.normal(size=(3, 2)),), (0,)),
    (f_attrs, lambda r: (_vec(r),), (0,)),
    (f_subscript, lambda r: (_vec(r, 4),), (0,)),
    (f_subscript2d, lambda r: (r.normal(size=(3, 4)),), (0,)),
    (f_tuple_unpack, lambda r: (0.3, 1.7), (0, 1)),
    (f_calls, lambda r: (_vec(r), _vec(r)), (0, 1)),
    (f_default_call, lambda r: (_vec(r),), (0,)),
    (f_globals, lambda r: (_vec(r),), (0,)),
    (f_astype, lambda r: (_vec(r),), (0,)),
    (f_kwargs, lambda r: (r.normal(size=(2, 3)),), (0,)),
    (f_norm, lambda r: (_vec(r),), (0,)),
    (f_logsumexp, lambda r: (_vec(r, 5),), (0,)),
    (f_unused_arg, lambda r: (0.5, 2.0), (0, 1)),
    (f_constant_branch_values, lambda r: (_vec(r),), (0,)),
    (f_divide, lambda r: (_vec(r), np.abs(_vec(r)) + 1.0), (0, 1)),
    (f_where, lambda r: (np.array([-1.0, 0.5, 2.0]),), (0,)),
    (f_copy, lambda r: (_vec(r),), (0,)),
    (f_item, lambda r: (_vec(r),), (0,)),
    (f_lambda_user, lambda r: (_vec(r),), (0,)),
    (f_neg, lambda r: (_vec(r),), (0,)),
    (f_multi_assign, lambda r: (_vec(r),), (0,)),
    (f_pow_rev, lambda r: (_vec(r),), (0,)),
    (f_annassign, lambda r: (1.5,), (0,)),
    (lambda x, y: np.sum(x * y) ** 2, lambda r: (_vec(r), _vec(r)), (0, 1)),
]


@pytest.mark.parametrize("fn,make,wrt", CASES,
                         ids=["%s-%d" % (c[0].__name__, i) for i, c in enumerate(CASES)])
def test_against_finite_differences(fn, make, wrt):
    rng = np.random.default_rng(42)
    args = make(rng)
    before = [np.copy(a) for a in args]
    grads = srcgrad.grad(fn, wrt=wrt)(*args)
    for g, i in zip(grads, wrt):
        assert np.shape(g) == np.shape(args[i])
        assert type(g) is type(args[i]) or isinstance(args[i], np.ndarray) and \
            isinstance(g, np.ndarray)
        assert_allclose(g, numeric_grad(fn, args, i), rtol=1e-5, atol=1e-6)
    for a, b in zip(args, before):  # nothing the user passes in is mutated
        np.testing.assert_array_equal(a, b)


def test_value_and_grad_and_single_wrt():
    x = np.array([0.5, -1.0, 2.0])
    value, g = srcgrad.value_and_grad(f_vec)(x)
    assert value == pytest.approx(f_vec(x))
    assert_allclose(g, numeric_grad(f_vec, (x,), 0))


def test_wrt_by_name():
    rng = np.random.default_rng(1)
    W, x = rng.normal(size=(2, 3)), rng.normal(size=3)
    gx = srcgrad.grad(f_matvec, wrt="x")(W, x)
    assert_allclose(gx, numeric_grad(f_matvec, (W, x), 1))
    gW, gx2 = srcgrad.grad(f_matvec, wrt=("W", 1))(W, x)
    assert_allclose(gx2, gx)


def test_decorator_forms():
    @srcgrad.grad
    def a(x):
        return x * x

    @srcgrad.grad(wrt=(0, 1))
    def b(x, y):
        return x * y

    assert a(3.0) == 6.0
    assert b(2.0, 5.0) == (5.0, 2.0)


def test_keyword_call_and_defaults():
    def f(x, scale=3.0):
        return x * x * scale
    g = srcgrad.grad(f)
    assert g(2.0) == pytest.approx(12.0)
    assert g(2.0, scale=1.0) == pytest.approx(4.0)
    assert g(x=2.0) == pytest.approx(12.0)


def test_has_aux():
    def f(x):
        y = x * x
        return np.sum(y), y
    g, aux = srcgrad.grad(f, has_aux=True)(np.array([1.0, 2.0]))
    assert_allclose(g, [2.0, 4.0])
    assert_allclose(aux, [1.0, 4.0])


def test_vjp_tuple_output():
    def f(x, y):
        return x * y, np.sin(x)
    x, y = np.array([0.3, 0.4]), np.array([2.0, 3.0])
    value, pullback = srcgrad.vjp(f, x, y)
    assert_allclose(value[0], x * y)
    gx, gy = pullback((np.ones(2), np.array([1.0, 2.0])))
    assert_allclose(gx, y + np.cos(x) * [1.0, 2.0])
    assert_allclose(gy, x)


def test_vjp_non_scalar():
    value, pullback = srcgrad.vjp(np.sin, np.array([0.1, 0.2]))
    (g,) = pullback(np.array([1.0, 2.0]))
    assert_allclose(g, np.cos([0.1, 0.2]) * [1.0, 2.0])


def test_grad_of_primitive():
    assert srcgrad.grad(np.sin)(0.5) == pytest.approx(math.cos(0.5))
    assert srcgrad.grad(np.multiply, wrt=1)(2.0, 3.0) == pytest.approx(2.0)


def test_globals_are_read_live():
    global SCALE
    g = srcgrad.grad(f_globals)
    x = np.zeros(3)
    first = g(x)
    SCALE = 2.0
    try:
        second = g(x)
    finally:
        SCALE = 0.5
    assert_allclose(second, 4.0 * first)


def test_cache_transforms_once():
    def f(x):
        return x * 2.0
    g = srcgrad.grad(f)
    g(1.0)
    first = g.compiled
    g(2.0)
    assert g.compiled is first
    assert srcgrad.grad(f).compiled is first  # the compiler's cache is shared


def test_float_in_float_out_and_zero_gradient():
    g = srcgrad.grad(f_unused_arg, wrt=1)(0.5, 2.0)
    assert g == 0.0 and isinstance(g, float)
    g = srcgrad.grad(lambda x, y: np.sum(x) * 0 + 1.0, wrt=1)(np.ones(2), np.ones(3))
    assert isinstance(g, np.ndarray) and g.shape == (3,) and not g.any()
