"""Higher-order builtins: map, filter, functools.reduce, sorted/min/max with key=,
functools.partial; over NumPy and math functions, module functions, nested defs,
named lambdas and lambdas written in the call; in differentiated functions and in
the helpers they call."""

import functools
import math
import operator

import numpy as np

from . import Case
from .helpers_mod import scaled_tanh, softplus

V = np.array([0.5, -1.2, 0.8])
M = np.array([[0.6, -0.3, 0.2], [0.1, 0.9, -0.4], [-0.5, 0.2, 0.7]])


def sorted_by_itemgetter(d):
    """autograd's test_dict.py: items sorted by key with operator.itemgetter,
    the pair with the largest value picked by max(key=itemgetter(1))."""
    A = 0.0
    for i, (k, v) in enumerate(sorted(d.items(), key=operator.itemgetter(0))):
        A = A + np.sum(np.sin(v)) * (i + 1.0)
    pairs = [(np.sum(v), np.sum(v * v)) for v in d.values()]
    best = max(pairs, key=operator.itemgetter(1))
    return A + best[0] * best[1]


DICT = {"b": np.array([0.3, -0.8]), "a": np.array([[0.5, 0.1], [-0.2, 0.9]]),
        "c": np.array([1.1])}


def layer(h, W, b=0.0):
    return np.tanh(W @ h + b)


def sum_of_mapped_sums(x):
    return sum(map(np.sum, [x, x * 2.0, np.sin(x)]))


def shrink_params(params, lr):
    new = list(map(lambda w: w - lr * np.tanh(w), params))
    return sum(np.sum(p * p) for p in new)


def chain_of_matmuls(mats, x):
    prod = functools.reduce(lambda a, b: a @ b, mats)
    return np.sum(np.tanh(prod @ x))


def reduce_dot(A, x):
    B = np.cos(A)
    return np.sum(functools.reduce(np.dot, [A, B, x]) ** 2)


def partial_layer(W, x):
    g = functools.partial(layer, W=W, b=0.1)
    return np.sum(g(g(x)))


def weight_decay(params, x):
    penalty = sum(np.sum(p ** 2) for p in filter(lambda q: q.ndim == 2, params))
    W, b = params[0], params[1]
    return np.sum(layer(x, W, b)) + 0.01 * penalty


def sorted_terms(x):
    terms = [x, x * -2.0, np.sin(x) + 0.3]
    ordered = sorted(terms, key=lambda t: float(np.sum(t)))
    return np.sum(ordered[0] * 3.0 + ordered[1] * 2.0 + ordered[2])


def largest_two(x):
    rows = [x[0] * x, np.cos(x), x ** 2]
    top = sorted(rows, key=np.linalg.norm, reverse=True)[:2]
    return np.sum(top[0]) + 0.5 * np.sum(top[1])


def partial_power_inline(x):
    return np.sum(functools.partial(np.power, x)(2.0)) + \
        np.sum(functools.partial(scaled_tanh, scale=2.0)(x))


def map_two_lists(x, y):
    pairs = map(lambda a, b: a * b + softplus(a), [x, y, x * y], [y, x, 1.0])
    return np.sum(sum(pairs))


def min_max_by_key(x):
    terms = [x, x * -2.0, x * x - 1.0]
    low = min(terms, key=lambda t: np.sum(t))
    high = max(terms, key=np.sum)
    return np.sum(low * high) + np.sum(max(x * 0.5, np.exp(x), key=np.max))


def recurrent_reduce(ws, x):
    def step(h, w):
        return np.tanh(w * h + x)
    return np.sum(functools.reduce(step, ws, x * 0.0 + 0.5))


def named_lambda_map(x):
    sq = lambda a: a * a + x
    return np.sum(functools.reduce(np.add, map(sq, [x, np.sin(x), x * 3.0])))


def mlp_as_reduce(Ws, bs, x):
    out = functools.reduce(lambda h, Wb: np.tanh(Wb[0] @ h + Wb[1]), zip(Ws, bs), x)
    return np.sum(out ** 2)


def map_partial_layer(W, xs):
    hs = list(map(functools.partial(layer, W=W), xs))
    return sum(np.sum(h) for h in hs)


def partial_of_partial(W, x):
    f = functools.partial(layer, b=0.2)
    g = functools.partial(f, W=W)
    return np.sum(g(x)) + np.sum(f(x, W * 0.5))


def math_map(a, b):
    return sum(map(math.sin, [a, b, a * b])) + functools.reduce(max, [a, b * 0.5, 0.1])


def dict_values_map(params):
    return sum(map(np.sum, params.values())) + sum(map(lambda v: np.sum(v ** 2),
                                                       params.values()))


def _mean_of_squares(vs):
    return functools.reduce(lambda s, v: s + np.mean(v * v), vs, 0.0)


def helper_with_hofs(x):
    vs = list(filter(lambda v: v.shape[0] > 1, [x, x[:1], x * 2.0]))
    return _mean_of_squares(vs) + _mean_of_squares(map(np.tanh, vs))


def sorted_in_loop(x, n):
    s = 0.0
    for i in range(n):
        ordered = sorted([x * i, x - i, np.cos(x)], key=lambda t: np.sum(t))
        s = s + np.sum(ordered[-1]) * (i + 1)
    return s


CASES = [
    Case(sorted_by_itemgetter, [(DICT,)]),
    Case(sum_of_mapped_sums, [(V,)]),
    Case(shrink_params, [([M, V, 0.7], 0.1)], wrt=(0, 1)),
    Case(chain_of_matmuls, [([M, M.T, np.eye(3) * 0.5], V)], wrt=(0, 1)),
    Case(reduce_dot, [(M, V)], wrt=(0, 1)),
    Case(partial_layer, [(M, V)], wrt=(0, 1)),
    Case(weight_decay, [([M, V, M[:2]], V)], wrt=(0, 1)),
    Case(sorted_terms, [(V,), (-V,)]),
    Case(largest_two, [(V,), (V * 3.0,)]),
    Case(partial_power_inline, [(V,)]),
    Case(map_two_lists, [(V, V[::-1])], wrt=(0, 1)),
    Case(min_max_by_key, [(V,), (-V,)]),
    Case(recurrent_reduce, [([0.5, -0.7, 1.1], V)], wrt=(0, 1)),
    Case(named_lambda_map, [(V,)]),
    Case(mlp_as_reduce, [([M, M.T * 0.5], [V, V * 0.1], V)], wrt=(0, 1, 2)),
    Case(map_partial_layer, [(M, [V, V * 2.0])], wrt=(0, 1)),
    Case(partial_of_partial, [(M, V)], wrt=(0, 1)),
    Case(math_map, [(0.7, 1.3), (-0.4, 2.1)], wrt=(0, 1)),
    Case(dict_values_map, [({"W": M, "b": V},)]),
    Case(helper_with_hofs, [(V,)]),
    Case(sorted_in_loop, [(V, 0), (V, 3)]),
]
