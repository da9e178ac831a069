"""Probe programs for test_probes.py -- in-place updates, out=, writes into arrays and containers, aliasing.

Written the way other people write NumPy; the compiler reads this file, and a refusal
must name it."""

import functools
import itertools
import math
import operator

import numpy as np
import numpy as xp_alias

from probes_data import *  # noqa: F401,F403


def inplace_ops(x):
    y = x.copy()
    y *= 2.0
    y += x
    y[0] = y[0] * 3.0
    return np.sum(y * y)


def slice_augassign(x):
    y = np.zeros(4)
    y[1:] += x
    y[:3] -= 0.5 * x
    return np.sum(y ** 2)


def ufunc_out(x):
    y = np.empty_like(x)
    np.multiply(x, x, out=y)
    return np.sum(y)


def ufunc_positional_out(x):
    y = np.zeros(3)
    np.arctan(x, y)
    return np.sum(y)


def cumsum_out(x):
    y = np.zeros(3)
    np.cumsum(x, out=y)
    return np.sum(y * X3)


def clip_out_self(x):
    y = x * 3.0
    y.clip(0.5, 2.0, out=y)
    return np.sum(y ** 2)


def add_at(x):
    y = np.zeros(3)
    np.add.at(y, IDX_REP, np.concatenate([x, x[:2]]))
    return np.sum(y ** 2)


def method_sort_inplace(x):
    y = x * X3
    y.sort()
    return np.sum(y * np.array([1.0, 2.0, 3.0]))


def np_sort(x):
    return np.sum(np.sort(x) * np.array([1.0, 2.0, 3.0]))


def argsort_gather(x):
    return np.sum(x[np.argsort(x)] * np.array([1.0, 2.0, 3.0]))


def fill_method(x):
    y = x * 2.0
    s = np.sum(y)
    y.fill(1.0)
    return s + np.sum(y * x)


def copyto_probe(x):
    y = np.zeros(3)
    np.copyto(y, x)
    return np.sum(y ** 2)


def copyto_where(x):
    y = np.ones(3)
    np.copyto(y, x, where=np.array([True, False, True]))
    return np.sum(y * x)


def put_probe(x):
    y = x * 1.0
    np.put(y, [0, 2], [5.0, 6.0])
    return np.sum(y * x)


def fill_diagonal_probe(X):
    Y = X.copy()
    np.fill_diagonal(Y, 1.0)
    return np.sum(Y * X)


def putmask_probe(x):
    y = x * 2.0
    np.putmask(y, y > 1.2, x)
    return np.sum(y ** 2)


def place_probe(x):
    y = x * 2.0
    np.place(y, np.array([True, False, True]), [7.0, 8.0])
    return np.sum(y * x)


def fancy_repeat_read(x):
    return np.sum(x[[0, 0, 1, 2, 2]] ** 2)


def fancy_repeat_write(x):
    y = np.zeros(3)
    y[[0, 0]] = x[:2]
    return np.sum(y * X3)


def fancy_repeat_augassign(x):
    y = np.zeros(3)
    y[[0, 0, 1, 2]] += x
    return np.sum(y ** 2)


def list_mutations(x):
    L = [x[0], x[1], x[2]]
    L.reverse()
    L.insert(1, x[0] * 2)
    L.remove(L[0])
    return L[0] * 1.0 + L[1] * 2.0 + L[2] * 3.0


def list_sort_clear(x):
    L = [x[2], x[0], x[1]]
    L.sort()
    s = L[0] + 2 * L[2]
    L.clear()
    L.append(x[1])
    return s + L[0] * 3.0


def dict_update(x):
    d = {"a": x, "b": x * 2}
    d.update(b=x ** 2)
    d.update({"a": np.sin(x)})
    return np.sum(d["a"] + d["b"])


def _h1(u, w):
    return w


def alias_through_helper(a):
    v2 = a
    v3 = _h1(a, a)
    v3 += a
    return np.sum(v2)


def stale_operand(a):
    v = np.zeros(3)
    v[0] = 0.5
    s = np.dot(a, v)
    v[0] = 2.0
    return s


def local_array_writes(x):
    y = np.zeros((2, 3))
    y[0] = x
    y[1, :] = x ** 2
    y[:, 0] *= 3.0
    return np.sum(y * y)
