"""while loops: counters, data-dependent conditions, nested, break / continue / else."""

import math

import numpy as np

from . import Case


def while_counter(x, n):
    i = 0
    while i < n:
        x = x * 1.1 + 0.1
        i += 1
    return x * x


def double_until_large(x):
    while x < 10.0:
        x = x * 2.0
    return x + 1.0


def halve_until_unit_norm(x):
    y = x
    while np.linalg.norm(y) > 1.0:
        y = y * 0.5
    return np.sum(y ** 2 + y)


def while_true_break(x):
    i = 0
    while True:
        x = math.sin(x) + 0.5 * x
        i += 1
        if i >= 3:
            break
    return x


def while_else(x, n):
    i = 0
    while i < n:
        x = np.tanh(x) * 1.5
        i += 1
    else:
        x = x * 2.0
    return np.sum(x)


def grow_until_sum(x):
    steps = 0
    while np.sum(x) < 5.0:
        x = x * 1.5 + 0.1
        steps += 1
    return np.sum(x ** 2) + steps


def nested_while(x, n, m):
    i = 0
    while i < n:
        j = 0
        while j < m:
            x = x * 0.9 + math.cos(x)
            j += 1
        i += 1
    return x


def while_with_continue(x, n):
    i = 0
    while i < n:
        i += 1
        if i % 2 == 0:
            continue
        x = x * x * 0.5 + 0.3
    return x


def while_two_conditions(x, n):
    i = 0
    while i < n and x < 5.0:
        x = x * 1.7
        i += 1
    return x * x


def while_index_accumulate(x):
    total = 0.0
    k = 0
    while k < len(x):
        total += x[k] * (k + 1)
        k += 1
    return total * total


def while_break_on_value(x):
    s = 0.0
    i = 0
    while i < len(x):
        if x[i] < 0:
            break
        s = s + x[i] ** 3
        i += 1
    return s + 0.5 * x[0]


def bisection_like(a, b):
    lo = 0.0
    k = 0
    while k < 4:
        mid = lo + a * 0.5 ** (k + 1)
        if mid * mid < b:
            lo = mid
        k += 1
    return lo * a + b


CASES = [
    Case(while_counter, [(0.4, 0), (0.4, 1), (0.4, 6)]),
    Case(double_until_large, [(12.0,), (6.0,), (0.3,)]),
    Case(halve_until_unit_norm, [(np.array([0.3, 0.4]),), (np.array([1.5, 0.2]),),
                                 (np.array([6.0, -4.0, 3.0]),)]),
    Case(while_true_break, [(0.5,), (-1.2,)]),
    Case(while_else, [(np.array([0.3, -0.2]), 0), (np.array([0.3, -0.2]), 1),
                      (np.array([0.3, -0.2]), 4)]),
    Case(grow_until_sum, [(np.array([3.0, 4.0]),), (np.array([1.0, 1.3]),),
                          (np.array([0.2, 0.1]),)]),
    Case(nested_while, [(0.3, 0, 2), (0.3, 2, 0), (0.3, 1, 1), (0.3, 2, 3)]),
    Case(while_with_continue, [(0.6, 0), (0.6, 1), (0.6, 5)]),
    Case(while_two_conditions, [(0.4, 0), (0.4, 2), (0.4, 10), (6.0, 3)]),
    Case(while_index_accumulate, [(np.zeros(0) + 0.0,), (np.array([0.7]),),
                                  (np.array([0.7, -0.2, 0.4]),)]),
    Case(while_break_on_value, [(np.array([-0.5, 1.0]),), (np.array([0.5, 1.0, -1.0, 2.0]),),
                                (np.array([0.5, 1.2]),)]),
    Case(bisection_like, [(1.0, 0.3), (2.0, 1.7)], wrt=(0, 1)),
]
