"""if / elif / else on data, nested, conditional expressions, boolean operators."""

import math

import numpy as np

from . import Case


def leaky_relu(x):
    if x > 0:
        y = x
    else:
        y = 0.1 * x
    return y * 3.0


def piecewise(x):
    if x < -1.0:
        y = -x * x
    elif x < 1.0:
        y = x ** 3
    else:
        y = math.exp(x)
    return y + x


def nested_if(x, y):
    if x > 0:
        if y > 0:
            z = x * y
        else:
            z = x - y * y
    else:
        if y > 0:
            z = math.sin(x) * y
        else:
            z = x * x + y
    return z * z


def if_without_else(x):
    y = x * 2.0
    if x > 1.0:
        y = y * y
    return y + 1.0


def branch_on_array_sum(x):
    if np.sum(x) > 0:
        return np.sum(x ** 2)
    else:
        return np.sum(np.exp(x))


def branch_on_flag(x, use_tanh):
    if use_tanh:
        h = np.tanh(x)
    else:
        h = 1.0 / (1.0 + np.exp(-x))
    return np.sum(h * x)


def branch_reassigns_array(x):
    y = np.tanh(x)
    if y.mean() > 0:
        y = y * x
    else:
        y = y + x * x
    return np.sum(y)


def clip_scalar(x, lo, hi):
    if x < lo:
        return lo * lo
    elif x > hi:
        return hi * hi
    return x * x


def huber(r, delta):
    if abs(r) <= delta:
        return 0.5 * r * r
    else:
        return delta * (abs(r) - 0.5 * delta)


def conditional_expression(x):
    y = x * x if x > 0 else -x
    return y * 2.0 + x


def conditional_expression_array(x):
    scale = 2.0 if x.sum() > 0 else 0.5
    return np.sum(scale * x ** 2)


def activation(x, kind):
    if kind == "tanh":
        h = np.tanh(x)
    elif kind == "sigmoid":
        h = 1.0 / (1.0 + np.exp(-x))
    elif kind == "softplus":
        h = np.log1p(np.exp(x))
    else:
        h = x
    return np.sum(h ** 2)


def branch_and(x, y):
    if x > 0 and y > 0:
        return x * y
    return x + 2.0 * y


def branch_or(x, y):
    if x > 1.0 or y < -1.0:
        r = x * x * y
    else:
        r = x - y
    return r


def branch_not(x):
    if not x > 1.0:
        x = x * 3.0
    return x * x


def chained_comparison(x):
    if 0.0 < x < 1.0:
        return x * (1.0 - x)
    return x * x * 0.5


def branch_on_ndim(x):
    if x.ndim == 1:
        return np.sum(x ** 2)
    else:
        return np.sum(x @ x.T)


def optional_weights(x, w=None):
    if w is None:
        w = np.ones_like(x)
    return np.sum(w * x ** 2)


def both_branches_define(x):
    if x > 0:
        a = x
        b = 2.0 * x
    else:
        a = -x
        b = x * x
    return a * b + a


def larger_squared(a, b):
    if a > b:
        return a * a
    else:
        return b * b * 0.5


def branch_in_elif_nested_array(x, mode):
    m = np.mean(x)
    if mode == 0:
        y = x - m
    elif mode == 1:
        if m > 0:
            y = x * m
        else:
            y = x / (1.0 + m * m)
    else:
        y = x
    return np.sum(y ** 2)


def branch_on_element(x):
    if x[0] > x[1]:
        y = x[0] * x
    else:
        y = x[1] * np.sin(x)
    return np.sum(y)


def branch_modifies_one_of_two(x, y):
    a = x * 1.0
    b = y * 1.0
    if x * y > 0.5:
        a = a * b
    else:
        b = b - a
    return a + b * b


V3 = np.array([0.5, -1.2, 2.0])
CASES = [
    Case(leaky_relu, [(1.3,), (-0.8,)]),
    Case(piecewise, [(-2.0,), (0.3,), (1.7,)]),
    Case(nested_if, [(0.5, 0.7), (0.5, -0.7), (-0.5, 0.7), (-0.5, -0.7)], wrt=(0, 1)),
    Case(if_without_else, [(0.3,), (1.6,)]),
    Case(branch_on_array_sum, [(V3,), (-V3,)]),
    Case(branch_on_flag, [(V3, True), (V3, False)]),
    Case(branch_reassigns_array, [(V3,), (-V3,)]),
    Case(clip_scalar, [(-2.0, -1.0, 1.5), (2.0, -1.0, 1.5), (0.4, -1.0, 1.5)], wrt=(0, 1, 2)),
    Case(huber, [(0.3, 1.0), (-2.5, 1.0), (1.7, 1.0)], wrt=(0, 1)),
    Case(conditional_expression, [(0.7,), (-0.4,)]),
    Case(conditional_expression_array, [(V3,), (-V3,)]),
    Case(activation, [(V3, "tanh"), (V3, "sigmoid"), (V3, "softplus"), (V3, "linear")]),
    Case(branch_and, [(0.5, 0.7), (0.5, -0.7), (-0.5, 0.7)], wrt=(0, 1)),
    Case(branch_or, [(1.5, 0.3), (0.5, -1.5), (0.5, 0.3)], wrt=(0, 1)),
    Case(branch_not, [(0.4,), (1.4,)]),
    Case(chained_comparison, [(0.3,), (1.3,), (-0.3,)]),
    Case(branch_on_ndim, [(V3,), (np.array([[0.5, -1.0], [0.3, 2.0], [1.1, 0.2]]),)]),
    Case(optional_weights, [(V3,), (V3, np.array([1.0, 2.0, 0.5]))]),
    Case(both_branches_define, [(0.8,), (-0.6,)]),
    Case(larger_squared, [(1.2, 0.3), (-0.4, 0.9)], wrt=(0, 1)),
    Case(branch_in_elif_nested_array, [(V3, 0), (V3, 1), (-V3, 1), (V3, 2)]),
    Case(branch_on_element, [(np.array([1.0, 0.2, -0.3]),), (np.array([0.1, 0.9, 0.4]),)]),
    Case(branch_modifies_one_of_two, [(1.0, 0.8), (0.3, 0.4)], wrt=(0, 1)),
]
