"""for loops: range with runtime bounds, over arrays / lists, nested, loop-carried values."""

import math

import numpy as np

from . import Case


def weighted_range_sum(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    return s + x


def power_loop(x, n):
    y = 1.0
    for _ in range(n):
        y = y * x
    return y


def repeated_sin(x, n):
    for i in range(n):
        x = math.sin(x) * 1.01
    return x


def iterate_tanh_layer(x, W, n):
    h = x
    for _ in range(n):
        h = np.tanh(W @ h)
    return np.sum(h)


def strided_pairs(x):
    s = 0.0
    for i in range(1, len(x), 2):
        s += x[i] * x[i - 1]
    return s


def index_weighted_squares(x):
    s = 0.0
    for i in range(len(x)):
        s += x[i] ** 2 * (i + 1)
    return s


def nested_index_loops(A):
    s = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            s += A[i, j] * A[j, i] * (1 + i)
    return s


def loop_with_branch(x):
    s = 0.0
    for v in x:
        if v > 0:
            s += v ** 2
        else:
            s -= v
    return s


def babylonian_sqrt(a, n):
    y = a.copy()
    for k in range(n):
        y = 0.5 * (y + a / y)
    return np.sum(y)


def sum_of_row_norms(X):
    s = 0.0
    for row in X:
        s = s + np.sqrt(np.sum(row ** 2))
    return s


def reversed_range_horner(x):
    acc = 0.0
    for i in reversed(range(len(x))):
        acc = acc * 0.5 + x[i]
    return acc


def negative_step_range(x):
    acc = 1.0
    for i in range(len(x) - 1, -1, -1):
        acc = acc * x[i] + 1.0
    return acc


def product_of_elements(x):
    p = 1.0
    for v in x:
        p *= v
    return p


def triangular_pairs(x):
    s = 0.0
    n = len(x)
    for i in range(n):
        for j in range(i):
            s += x[i] * x[j]
    return s


def last_power(x, n):
    last = x
    for i in range(n):
        last = x ** (i + 2)
    return last


def data_dependent_trip_count(x):
    s = 0.0
    for i in range(int(abs(x[0]))):
        s = s + np.sum(x * x) * (i + 1)
    return s + x[1]


def fibonacci_like(x, n):
    a, b = x, 1.0
    for _ in range(n):
        a, b = a * b + 0.1, a
    return a + b


def power_iteration(A, v, n):
    for _ in range(n):
        v = A @ v
        v = v / np.linalg.norm(v)
    return v @ A @ v


def loop_rebinds_argument(x):
    for k in range(3):
        x = x * 1.1 + k
    return np.sum(x ** 2)


def valid_convolution(x, k):
    out = 0.0
    m = len(k)
    for i in range(len(x) - m + 1):
        out += np.sum(x[i:i + m] * k) ** 2
    return out


def exponential_moving_average(x, alpha):
    m = x[0]
    for i in range(1, len(x)):
        m = alpha * x[i] + (1 - alpha) * m
    return m


def loop_range_from_arg(x, lo, hi):
    s = 0.0
    for i in range(lo, hi):
        s += math.cos(x * i)
    return s


def nested_loop_carried(x, n, m):
    y = x
    for i in range(n):
        z = y
        for j in range(m):
            z = np.sin(z) + 0.5 * y
        y = z
    return np.sum(y)


def loop_over_columns(X):
    s = 0.0
    for j in range(X.shape[1]):
        c = X[:, j]
        s = s + np.dot(c, c) * (j + 1)
    return s


V4 = np.array([0.3, -0.7, 1.2, 0.5])
A3 = np.array([[0.9, 0.2, -0.1], [0.3, 1.1, 0.4], [-0.2, 0.5, 0.8]])
CASES = [
    Case(weighted_range_sum, [(1.5, 0), (1.5, 1), (1.5, 5)]),
    Case(power_loop, [(1.3, 0), (1.3, 1), (1.3, 4)]),
    Case(repeated_sin, [(0.7, 0), (0.7, 1), (0.7, 20)]),
    Case(iterate_tanh_layer, [(V4[:3], A3, 0), (V4[:3], A3, 1), (V4[:3], A3, 4)], wrt=(0, 1)),
    Case(strided_pairs, [(V4[:1],), (V4[:2],), (V4,)]),
    Case(index_weighted_squares, [(V4[:0],), (V4[:1],), (V4,)]),
    Case(nested_index_loops, [(np.zeros((0, 0)),), (np.array([[1.5]]),), (A3,)]),
    Case(loop_with_branch, [(V4,), (np.array([0.4]),), (np.array([-0.4]),)]),
    Case(babylonian_sqrt, [(np.array([2.0, 0.5]), 0), (np.array([2.0, 0.5]), 1),
                           (np.array([2.0, 0.5]), 6)]),
    Case(sum_of_row_norms, [(np.zeros((0, 3)),), (A3[:1],), (A3,)]),
    Case(reversed_range_horner, [(V4[:0],), (V4[:1],), (V4,)]),
    Case(negative_step_range, [(V4[:0],), (V4[:1],), (V4,)]),
    Case(product_of_elements, [(V4[:0],), (V4[:1],), (V4,)]),
    Case(triangular_pairs, [(V4[:1],), (V4[:2],), (V4,)]),
    Case(last_power, [(1.2, 0), (1.2, 1), (1.2, 4)]),
    Case(data_dependent_trip_count, [(np.array([0.5, 0.2]),), (np.array([1.5, 0.2]),),
                                     (np.array([3.5, -0.2]),)]),
    Case(fibonacci_like, [(0.6, 0), (0.6, 1), (0.6, 5)]),
    Case(power_iteration, [(A3, V4[:3], 1), (A3, V4[:3], 5)], wrt=(0, 1)),
    Case(loop_rebinds_argument, [(V4,), (0.4,)]),
    Case(valid_convolution, [(V4, np.array([0.5, -0.3])), (V4, np.array([0.5, -0.3, 0.2, 0.1])),
                             (V4[:1], np.array([0.5, 0.3]))], wrt=(0, 1)),
    Case(exponential_moving_average, [(V4[:1], 0.3), (V4, 0.3)], wrt=(0, 1)),
    Case(loop_range_from_arg, [(0.7, 2, 2), (0.7, 2, 3), (0.7, -1, 4)]),
    Case(nested_loop_carried, [(V4[:2], 0, 3), (V4[:2], 2, 0), (V4[:2], 1, 1), (V4[:2], 3, 2)]),
    Case(loop_over_columns, [(np.zeros((2, 0)),), (A3[:, :1],), (A3,)]),
]
