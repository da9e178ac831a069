"""break / continue / early and multiple return / loop else."""

import math

import numpy as np

from . import Case


def early_return(x):
    if x < 0:
        return -x * x
    y = math.exp(x) * x
    return y + 1.0


def multiple_returns(x):
    if x < -1.0:
        return x * 3.0
    if x < 1.0:
        return x ** 3
    return math.log(x) + 1.0


def return_inside_loop(x, n):
    for i in range(n):
        x = x * 1.2
        if x > 3.0:
            return x * x
    return x


def break_on_first_iteration(x):
    for i in range(5):
        if x > 0:
            break
        x = x * 0.5 + 0.3
    return x * x


def break_when_large(x):
    s = 0.0
    for v in x:
        if v > 1.5:
            break
        s += v * v
    return s


def continue_negatives(x):
    s = 0.0
    for v in x:
        if v < 0:
            continue
        s += v ** 3
    return s


def loop_else_search(x, thr):
    for v in x:
        if v > thr:
            found = v
            break
    else:
        found = np.sum(x)
    return found * 2.0


def nested_break_inner(A):
    s = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if A[i, j] > 1.0:
                break
            s += A[i, j] * (i + 1)
    return s


def continue_and_break(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] < 0:
            continue
        if x[i] > 2.0:
            break
        s = s + math.sqrt(x[i]) * (i + 1)
    return s


def return_from_nested_loop(A):
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if A[i, j] < 0:
                return A[i, j] * np.sum(A)
    return np.sum(A ** 2)


def return_in_else(x):
    if x > 1.0:
        y = x * x
    else:
        return math.tanh(x)
    return y - x


def break_after_array_update(x):
    y = x.copy()
    for i in range(len(y)):
        if y[i] > 2.0:
            break
        y[i] = y[i] ** 2
    return np.sum(y * x)


def first_positive_index(x):
    idx = -1
    for i, v in enumerate(x):
        if v > 0:
            idx = i
            break
    if idx < 0:
        return np.sum(x ** 2)
    return x[idx] * np.sum(x)


def return_inside_while(x):
    k = 0
    while k < 10:
        x = x * 1.5
        if x > 2.0:
            return x + k
        k += 1
    return -x


def while_else_with_break(x, limit):
    i = 0
    while i < 4:
        x = x * 1.3
        if x > limit:
            break
        i += 1
    else:
        x = x - 1.0
    return x * x


def for_else_no_break(x):
    total = 0.0
    for v in x:
        if v > 10.0:
            break
        total += v
    else:
        total = total * 2.0
    return total * total


def continue_in_while(x):
    i = 0
    s = 0.0
    while i < len(x):
        v = x[i]
        i += 1
        if v < 0:
            continue
        s = s + v * v
    return s


V = np.array([0.5, -0.3, 1.2, 2.5, 0.8])
CASES = [
    Case(early_return, [(-0.7,), (0.4,)]),
    Case(multiple_returns, [(-2.0,), (0.5,), (2.5,)]),
    Case(return_inside_loop, [(1.0, 0), (1.0, 1), (1.0, 10), (2.9, 3)]),
    Case(break_on_first_iteration, [(0.5,), (-0.5,), (-8.0,)]),
    Case(break_when_large, [(V,), (np.array([2.0, 0.3]),), (np.array([0.2, 0.4]),)]),
    Case(continue_negatives, [(V,), (np.array([-0.2]),), (np.array([0.7]),)]),
    Case(loop_else_search, [(V, 1.0), (V, 0.0), (V, 5.0), (V[:0], 1.0)]),
    Case(nested_break_inner, [(np.array([[0.5, 1.5, 0.2], [2.0, 0.1, 0.3]]),),
                              (np.array([[0.5, 0.6], [0.2, 0.1]]),)]),
    Case(continue_and_break, [(V,), (np.array([3.0, 1.0]),), (np.array([-1.0, 0.5]),)]),
    Case(return_from_nested_loop, [(np.array([[0.5, 0.6], [-0.2, 0.1]]),),
                                   (np.array([[0.5, 0.6], [0.2, 0.1]]),),
                                   (np.array([[-0.5, 0.6]]),)]),
    Case(return_in_else, [(1.5,), (0.5,)]),
    Case(break_after_array_update, [(V,), (np.array([3.0, 1.0]),), (np.array([1.0, 0.5]),)]),
    Case(first_positive_index, [(V,), (np.array([-0.5, -0.2, 0.7]),),
                                (np.array([-0.5, -0.2]),)]),
    Case(return_inside_while, [(0.5,), (3.0,), (-0.5,)]),
    Case(while_else_with_break, [(0.5, 1.0), (0.5, 10.0), (2.0, 1.0)], wrt=(0, 1)),
    Case(for_else_no_break, [(V,), (np.array([0.5, 11.0]),), (V[:0],)]),
    Case(continue_in_while, [(V,), (np.array([-0.4]),), (np.array([0.4]),)]),
]
