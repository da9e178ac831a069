"""Closures: lambdas and nested functions that read local variables, used as
values (passed to a user's higher-order function, returned by a helper,
stored in a list).  The gradient reaches the variables they read (HIPS
autograd's fixed_points)."""

import numpy as np

from . import Case

RNG = np.random.default_rng(13)
X = RNG.normal(size=4)
W = RNG.normal(size=(3, 4)) * 0.5


def fixed_point(f, a, x0, distance, tol):
    _f = f(a)
    x, x_prev = _f(x0), x0
    while distance(x, x_prev) > tol:
        x, x_prev = _f(x), x
    return x


def grad_descent_sqrt_iter(a):
    return lambda x: x - 0.05 * (x ** 2 - a)


def newton_sqrt_iter(a):
    return lambda x: 0.5 * (x + a / x)


def distance(x, y):
    return np.abs(x - y)


def sqrt_by_descent(a):
    return fixed_point(grad_descent_sqrt_iter, a, 10.0, distance, 1e-10)


def sqrt_by_newton(a):
    return fixed_point(newton_sqrt_iter, a, 3.0, distance, 1e-12)


def apply(f, v):
    return f(v)


def lambda_reading_locals(x):
    s = np.sum(x ** 2)
    m = x[0]
    return np.sum(apply(lambda v: np.sin(v * s) + m, x))


def nested_def_as_value(x, w):
    b = np.tanh(x[0])

    def layer(h):
        return np.tanh(w @ h + b)
    return np.sum(apply(layer, x) ** 2)


def affine(a, b):
    return lambda v: a * v + b


def closure_called_twice(x):
    f = affine(x[0], np.cos(x))
    return np.sum(f(f(x)))


def closures_in_a_list(x):
    a = np.sum(x)
    fs = [lambda v: v * a, lambda v: np.sin(v) + a]
    s = 0.0
    for f in fs:
        s = s + np.sum(f(x))
    return s


def compose(f, g):
    return lambda v: f(g(v))


def closure_of_closures(x):
    k = x[1]
    h = compose(lambda v: v * k, np.tanh)
    return np.sum(h(x))


CASES = [
    Case(sqrt_by_descent, [(2.0,), (0.7,)], rtol=1e-4),
    Case(sqrt_by_newton, [(2.0,), (5.0,)]),
    Case(lambda_reading_locals, [(X,)]),
    Case(nested_def_as_value, [(X, W)], wrt=(0, 1)),
    Case(closure_called_twice, [(X,)]),
    Case(closures_in_a_list, [(X,)]),
    Case(closure_of_closures, [(X,)]),
]
