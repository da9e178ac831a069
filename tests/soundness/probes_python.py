"""Probe programs for test_probes.py -- Python idioms: helpers with defaults and keywords, closures, lambdas, comprehensions, decorators, module aliases, control flow, objects, conversions.

Written the way other people write NumPy; the compiler reads this file, and a refusal
must name it."""

import functools
import itertools
import math
import operator

import numpy as np
import numpy as xp_alias

from probes_data import *  # noqa: F401,F403


def _scaled(v, scale=2.0, shift=0.0):
    return v * scale + shift


def helper_defaults(x):
    return np.sum(_scaled(x) ** 2)


def helper_keywords(x):
    return np.sum(_scaled(x, shift=1.0, scale=x) ** 2)


def _star(*vs):
    total = 0.0
    for v in vs:
        total = total + np.sum(v)
    return total


def helper_star_args(x):
    return _star(x, x ** 2, np.sin(x))


def _kw(**kw):
    return kw["a"] * kw["b"]


def helper_star_kwargs(x):
    return np.sum(_kw(a=x, b=np.cos(x)))


def closure_probe(x):
    k = 3.0

    def inner(v):
        return np.sin(k * v) + x

    return np.sum(inner(x) * x)


def lambda_probe(x):
    f = lambda v: v ** 3 - v  # noqa: E731
    return np.sum(f(x) * f(2 * x))


def comprehension_list(x):
    terms = [x[i] ** 2 for i in range(len(x))]
    return np.sum(terms)


def comprehension_gen(x):
    return sum(np.sin(v) for v in x)


def append_list(x):
    out = []
    for v in x:
        out.append(v * v)
    return np.sum(np.array(out))


def dict_builtin(x):
    d = dict(a=x, b=2 * x)
    return np.sum(d["a"] * d["b"])


def dict_comprehension(x):
    d = {i: x[i] * (i + 1) for i in range(3)}
    return d[0] + d[1] * d[2]


def math_scalar(x):
    return math.sin(x) * math.exp(x) + math.sqrt(x + 1.0) + math.log(x + 2.0)


def math_on_element(x):
    return math.tanh(x[0]) + math.cos(x[1]) * x[2]


def _twice(fn):
    @functools.wraps(fn)
    def wrapper(v):
        return 2 * fn(v)
    return wrapper


@_twice
def _decorated(v):
    return np.sum(v ** 2)


def wraps_decorated(x):
    return _decorated(x) + np.sum(x)


def _passthrough(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)
    return wrapper


@_passthrough
def _plain_decorated(v):
    return np.sum(np.exp(v))


def wraps_forwarding(x):
    return _plain_decorated(x) * 3.0


def module_alias_arg(x, xp):
    return xp.sum(xp.sin(x))


def module_alias_local(x):
    m = np
    return m.sum(m.sin(x) * m.cos(x))


def module_alias_import(x):
    return xp_alias.sum(xp_alias.exp(x))


def try_except(x):
    try:
        y = np.log(x)
    except FloatingPointError:
        y = x
    return np.sum(y * x)


def _gen(v):
    for i in range(len(v)):
        yield v[i] * (i + 1)


def generator_fn(x):
    return sum(_gen(x))


def recursive_helper(x):
    return np.sum(_rec(x, 3))


def _rec(v, n):
    if n == 0:
        return v
    return np.sin(_rec(v, n - 1))


def int_argument(x, n):
    y = x
    for _ in range(n):
        y = y * x + 0.1
    return np.sum(y)


def float32_input(x):
    return np.sum(np.sin(x) * x)


def branch_on_value(x):
    if np.sum(x) > 1.0:
        return np.sum(x ** 2)
    return np.sum(x ** 3)


def break_continue(x):
    total = 0.0
    for i in range(10):
        if i == 1:
            continue
        if i >= len(x):
            break
        total = total + x[i] * i
    return total


def early_return(x):
    for v in x:
        if v > 0.6:
            return v * 10.0
    return np.sum(x)


def newton_sqrt(a):
    y = 1.0
    while abs(y * y - a) > 1e-12:
        y = 0.5 * (y + a / y)
    return y


class _Model:
    def __init__(self):
        self.W = W34

    def __call__(self, v):
        return np.tanh(v @ self.W)


_MODEL = _Model()


def object_call(x):
    return np.sum(_MODEL(x))


def enumerate_zip(x):
    total = 0.0
    for i, (a, b) in enumerate(zip(x, X3)):
        total = total + a * b * (i + 1)
    return total


def rows_iteration(X):
    total = 0.0
    for row in X:
        total = total + np.dot(row, row)
    return total


def shape_unpack(X):
    n, m = X.shape
    return np.sum(X) / (n * m) + np.sum(X ** 2)


def global_scale(x):
    return np.sum(x * GLOBAL_SCALE)


def float_builtin(x):
    return float(np.sum(x)) * np.sum(x)


def item_method(x):
    return x.sum().item() * np.sum(x)


def tolist_sum(x):
    return sum(x.tolist()) * np.sum(x)


def builtin_sorted(x):
    s = sorted(x)
    return s[0] * 2.0 + s[-1]


def builtin_max_min_abs(x):
    return max(x) - min(x) + abs(x[0] - 1.0) + sum(x)


def map_math(x):
    return sum(map(math.sin, x))


def vectorize(x):
    return np.sum(np.vectorize(math.sin)(x))


def array_from_scalars(x):
    return np.sum(np.array([x[0] * x[1], x[2], 1.0]) ** 2)


def array_nested(x):
    A = np.array([[x[0], 0.5], [0.25, x[1]]])
    return np.linalg.det(A) + x[2]


def asarray_list(x):
    return np.sum(np.asarray([x, 2 * x]) ** 2)
