"""Loop functions for the Numba backend's tests (test_numba_backend.py): each
entry is ``(function, arguments, positions)``.  ``COMPILES`` run compiled by
Numba; ``FALLS_BACK`` run on the NumPy backend (a construct Numba or the
layout refuses), with a word of the reason."""

import math

import numpy as np

SCALE = np.array([0.5, -1.0, 2.0])   # a global array: Numba would freeze it


def sin_loop(x):
    for i in range(20):
        x = math.sin(x) * 1.01
    return x


def while_loop(x):
    while x < 10.0:
        x = x * 1.5 + 0.1
    return x


def branches(x, y):
    s = 0.0
    for i in range(5):
        if x > 0:
            s = s + x * y
        else:
            s = s - y * y
        x = x - 0.3
    return s


def nested(x, n):
    s = x
    for i in range(n):
        for j in range(i):
            s = s * math.cos(s) + x * 0.1
    return s


def backwards_range(x):
    s = 0.0
    for i in range(7, 1, -2):
        s = s + math.exp(x / i) * i
    return s


def rnn(W, U, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(W @ h + U @ xs[t])
    return np.sum(h ** 2)


def array_loop(x):
    y = x
    for i in range(4):
        y = np.sin(y) * x + 0.5 * y
    return np.sum(y * y)


def accumulate(x, w):
    total = 0.0
    for i in range(x.shape[0]):
        total = total + w * x[i] ** 2 - math.tanh(w * x[i])
    return total


def uses_global(x):
    s = 0.0
    for i in range(3):
        s = s + np.sum(SCALE * x) ** 2
    return s


def helper(v):
    return v * v + 1.0


def calls_user_function(x):
    for i in range(3):
        x = helper(x) * 0.5
    return x


def einsum_loop(x):
    s = 0.0
    for i in range(2):
        s = s + np.einsum("i,i->", x, x)
    return s


def setitem_loop(x):
    y = np.zeros(3)
    for i in range(3):
        y[i] = x[i] * x[i]
    return np.sum(y)


_rng = np.random.default_rng(3)
_W = _rng.normal(0, 0.4, (5, 5))
_U = _rng.normal(0, 0.4, (5, 3))
_XS = _rng.normal(size=(6, 3))

COMPILES = [
    (sin_loop, (0.5,), (0,)),
    (while_loop, (1.3,), (0,)),
    (branches, (0.7, -1.2), (0, 1)),
    (backwards_range, (0.3,), (0,)),
    (rnn, (_W, _U, _XS, np.zeros(5)), (0, 1)),
    (array_loop, (np.array([0.3, -0.2, 1.1]),), (0,)),
    (accumulate, (np.array([0.3, -0.2, 1.1]), 0.8), (0, 1)),
]

FALLS_BACK = [
    (uses_global, (np.array([1.0, 2.0, -0.5]),), (0,), "reads the global 'SCALE'"),
    (calls_user_function, (0.3,), (0,), "calls 'helper' (function)"),
    (einsum_loop, (np.array([1.0, 2.0, -0.5]),), (0,), "calls '_einsum_vjp"),
    (setitem_loop, (np.array([1.0, 2.0, -0.5]),), (0,), "'_setitem_value_vjp' (function)"),
]


def changes_type(x, flag):
    y = 2.0
    if flag:
        y = np.ones(2)      # a float, then an array: Numba cannot type y
    return x * np.sum(y)


def out_of_range(x, k):
    return x[k] * 2.0


def broadcasts(x, w, b):
    h = x
    for i in range(3):
        h = np.tanh(w * h + b)      # w a float, b a row: both broadcast against h
    return np.sum(h ** 2)


COMPILES += [
    (broadcasts, (np.array([[0.3, -0.2, 1.1], [0.5, 0.1, -0.7]]), 0.8,
                  np.array([[0.1, -0.3, 0.2]])), (0, 1, 2)),
]
